"""The columns a staff file may have, the header spellings real exports use, and column mappings.

A mapping is field → the file's header as written (``{"last_name": "Legal Surname"}``): it is what
the window shows, what ``import_mappings`` stores by name, and what the reader follows. Headers are
compared case- and space-insensitively (punctuation ignored too: "Work E-mail" is "workemail").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from db.errors import ValidationError


class MappingError(ValidationError):
    """The column mapping cannot be used for this file; nothing was read or changed."""


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    label: str
    #: header spellings, best first: when a file has two, the earlier one is used
    synonyms: tuple[str, ...]


FIELDS: tuple[Field, ...] = (
    Field("title", "Title", ("Title", "Salutation")),
    Field(
        "first_name",
        "First name",
        (
            "Legal Forename",
            "Forename",
            "Forenames",
            "First Name",
            "First Names",
            "Firstname",
            "Given Name",
            "Legal First Name",
            "Preferred Forename",
            "Preferred First Name",
            "Preferred Name",
            "Known As",
        ),
    ),
    Field(
        "last_name",
        "Last name",
        ("Legal Surname", "Surname", "Legal Last Name", "Last Name", "Lastname", "Family Name", "Preferred Surname"),
    ),
    Field(
        "email",
        "Work e-mail",
        (
            "Work Email Address",
            "Work Email",
            "Email (Work)",
            "School Email Address",
            "School Email",
            "Email",
            "Email Address",
        ),
    ),
    Field(
        "staff_code",
        "Staff code",
        (
            "Staff Code",
            "Payroll Number",
            "Payroll No",
            "Payroll ID",
            "Payroll Ref",
            "Employee Number",
            "Employee No",
            "Employee Ref",
            "Employee Reference",
            "Staff Number",
            "Staff ID",
            "Staff Ref",
            "Employee ID",
        ),
    ),
    Field("urn", "School URN", ("URN", "School URN", "Establishment URN")),
    Field("dfe_number", "DfE number", ("DfE Number", "DfE No", "LAESTAB", "LA Estab")),
    Field(
        "school_name",
        "School name",
        (
            "School Name",
            "School",
            "Establishment Name",
            "Establishment",
            "Academy Name",
            "Academy",
            "Organisation Name",
        ),
    ),
    Field(
        "role", "Role", ("Role", "Job Title", "Job Role", "Staff Role", "Post", "Post Title", "Post Name", "Position")
    ),
    Field(
        "started_on",
        "Start date",
        (
            "Start Date",
            "Employment Start Date",
            "Contract Start Date",
            "Date Started",
            "Date Joined",
            "Date of Joining",
        ),
    ),
    Field(
        "ended_on",
        "Leaving date",
        (
            "Leaving Date",
            "End Date",
            "Leave Date",
            "Date Left",
            "Date of Leaving",
            "Termination Date",
            "Employment End Date",
            "Contract End Date",
        ),
    ),
    Field("status", "Status", ("Status", "Employment Status", "Contract Status")),
    Field(
        "line_manager",
        "Line manager",
        (
            "Line Manager",
            "Line Manager Email",
            "Line Manager Email Address",
            "Line Manager Staff Code",
            "Line Manager Payroll Number",
            "Manager Email",
            "Manager",
            "Reports To",
        ),
    ),
    Field(
        "trn",
        "TRN",
        ("Teacher Reference Number", "Teacher Reference No", "TRN", "DfE Teacher Number", "Teacher Number"),
    ),
    Field("pay_scale", "Pay scale", ("Pay Scale", "Pay Grade", "Pay Range", "Pay Spine", "Salary Scale", "Grade")),
)
BY_KEY: Mapping[str, Field] = {field.key: field for field in FIELDS}
LABELS: Mapping[str, str] = {field.key: field.label for field in FIELDS}
SCHOOL_FIELDS = ("urn", "school_name")
KEY_FIELDS = ("staff_code", "email")


def normalise(header: str) -> str:
    """ "Work E-mail Address " → "workemailaddress": case, spaces and punctuation do not count."""
    return re.sub(r"[^0-9a-z]", "", header.casefold())


_SPELLINGS: dict[str, tuple[str, int]] = {}
for _field in FIELDS:
    for _rank, _spelling in enumerate(_field.synonyms):
        _SPELLINGS.setdefault(normalise(_spelling), (_field.key, _rank))


def recognise(headers: Sequence[str]) -> dict[str, str]:
    """field → header for every field whose column the file has under a known spelling.

    Where a file has two spellings of one field ("Legal Forename" and "Preferred Forename") the
    better one is used and the other is left for the user to map or ignore.
    """
    best: dict[str, tuple[int, str]] = {}
    for header in headers:
        known = _SPELLINGS.get(normalise(header))
        if known is None:
            continue
        key, rank = known
        if key not in best or rank < best[key][0]:
            best[key] = (rank, header)
    return {key: best[key][1] for key in (f.key for f in FIELDS) if key in best}


def _quoted(words: Sequence[str]) -> str:
    shown = [f"“{word}”" for word in words]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def check_mapping(mapping: Mapping[str, str], headers: Sequence[str], name: str) -> dict[str, str]:
    """The mapping if this file can be imported with it, else one sentence saying why not.

    ``name`` names the file in the sentence. Required: first and last name, role, the school (URN or
    name) and a key to find the job again next time (staff code or work e-mail).
    """
    unknown = [key for key in mapping if key not in BY_KEY]
    if unknown:
        raise MappingError(f"The mapping names {_quoted(unknown)}, which TrustDesk does not import.")
    used: dict[str, str] = {}
    for key, header in mapping.items():
        if header in used:
            raise MappingError(
                f"The mapping puts both {LABELS[used[header]]} and {LABELS[key]} in the column “{header}”; "
                "a column can hold one field only."
            )
        used[header] = key
    missing_columns = [header for header in mapping.values() if header not in headers]
    if missing_columns:
        raise MappingError(f"{name} has no column {_quoted(missing_columns)}, which the mapping uses.")
    missing = [LABELS[key] for key in ("first_name", "last_name", "role") if key not in mapping]
    if not any(key in mapping for key in SCHOOL_FIELDS):
        if "dfe_number" in mapping:
            raise MappingError(
                f"{name} says the school by DfE number only; TrustDesk knows schools by URN or name, "
                "so add a URN or school name column (or map one) and import again."
            )
        missing.append("the school (URN or school name)")
    if not any(key in mapping for key in KEY_FIELDS):
        missing.append("a staff code or work e-mail (to find each job again next time)")
    if missing:
        raise MappingError(
            f"{name} lacks {'the columns for ' if len(missing) > 1 else 'a column for '}"
            + (missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1])
            + "; map them or check it is the staff list."
        )
    return dict(mapping)
