"""The columns a staff file may have, the header spellings real exports use, and column mappings.

A mapping is field → the file's header as written (``{"last_name": "Legal Surname"}``): it is what
the window shows, what ``import_mappings`` stores by name, and what the reader follows. Headers are
compared case- and space-insensitively (punctuation ignored too: "Work E-mail" is "workemail").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from db.import_files.fields import Field, FieldSet, MappingError, listed, normalise, require_columns

__all__ = ["BY_KEY", "FIELDS", "LABELS", "MappingError", "check_mapping", "normalise", "recognise"]

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
STAFF_FIELDS = FieldSet(FIELDS)
BY_KEY: Mapping[str, Field] = STAFF_FIELDS.by_key
LABELS: Mapping[str, str] = STAFF_FIELDS.labels
SCHOOL_FIELDS = ("urn", "school_name")
KEY_FIELDS = ("staff_code", "email")
recognise = STAFF_FIELDS.recognise


def check_mapping(mapping: Mapping[str, str], headers: Sequence[str], name: str) -> dict[str, str]:
    """The mapping if this file can be imported with it, else one sentence saying why not.

    ``name`` names the file in the sentence. Required: first and last name, role, the school (URN or
    name) and a key to find the job again next time (staff code or work e-mail).
    """
    checked = STAFF_FIELDS.checked_columns(mapping)
    require_columns(checked, headers, name)
    missing = [LABELS[key] for key in ("first_name", "last_name", "role") if key not in checked]
    if not any(key in checked for key in SCHOOL_FIELDS):
        if "dfe_number" in checked:
            raise MappingError(
                f"{name} says the school by DfE number only; TrustDesk knows schools by URN or name, "
                "so add a URN or school name column (or map one) and import again."
            )
        missing.append("the school (URN or school name)")
    if not any(key in checked for key in KEY_FIELDS):
        missing.append("a staff code or work e-mail (to find each job again next time)")
    if missing:
        raise MappingError(
            f"{name} lacks {'the columns for ' if len(missing) > 1 else 'a column for '}"
            + listed(missing)
            + "; map them or check it is the staff list."
        )
    return checked
