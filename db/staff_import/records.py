"""One row of a staff file as checked values (X2): text without formulas, control characters or
values longer than the column that will hold them; dates as dd/mm/yyyy, ISO or Excel serials.

A row that fails a check is kept with its problem (and its row number), so the preview can say
"skipped: row 14: …" for it while the other rows import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from db.import_files import values
from db.import_files.values import cell_text as _text
from db.import_files.values import may_be_wrong
from db.import_files.values import show as _show
from db.models import Job, Organisation, Person
from db.staff_import.fields import LABELS

#: dates a staff file may hold: nobody started before 1940 or leaves after 2100
EARLIEST, LATEST = date(1940, 1, 1), date(2100, 12, 31)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _length(column: Any) -> int | None:
    return getattr(column.type, "length", None)


#: field → the longest value the column that stores it takes, read from the models
LIMITS: Mapping[str, int | None] = {
    "title": _length(Person.__table__.c.title),
    "first_name": _length(Person.__table__.c.first_name),
    "last_name": _length(Person.__table__.c.last_name),
    "email": _length(Job.__table__.c.email),
    "staff_code": _length(Job.__table__.c.staff_code),
    "urn": _length(Organisation.__table__.c.urn),
    "dfe_number": 20,
    "school_name": _length(Organisation.__table__.c.name),
    "role": _length(Job.__table__.c.role),
    "status": 40,
    "line_manager": _length(Job.__table__.c.email),
    "trn": 20,
    "pay_scale": _length(Job.__table__.c.pay_scale),
}
DATE_FIELDS = ("started_on", "ended_on")
CURRENT = frozenset(
    {"", "current", "current staff", "active", "employed", "in post", "live", "yes", "future", "starter", "new starter"}
)
LEAVER = frozenset({"leaver", "left", "inactive", "ended", "former", "terminated", "no", "past"})


@dataclass(frozen=True, slots=True)
class StaffRecord:
    row: int
    first_name: str = ""
    last_name: str = ""
    title: str = ""
    email: str = ""
    staff_code: str = ""
    urn: str = ""
    school_name: str = ""
    role: str = ""
    started_on: date | None = None
    ended_on: date | None = None
    #: None: the file does not say; True: a leaver; False: in post
    leaver: bool | None = None
    line_manager: str = ""
    trn: str = ""
    pay_scale: str = ""
    #: why the row cannot be imported ("row 12: Role “=SUM(A1)” is a formula"), or ""
    problem: str = ""

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


def parse_date(value: Any) -> date | None:
    """A staff file's date (see ``db.import_files.values.parse_date``); ValueError when it is not one."""
    return values.parse_date(value, EARLIEST, LATEST)


def _text_problem(field: str, value: str) -> str | None:
    return values.text_problem(LABELS[field], value, LIMITS.get(field))


def make_record(row: int, values: tuple[Any, ...], columns: Mapping[str, int]) -> StaffRecord:
    """The row's values for the mapped fields (``columns``: field → column index), checked."""
    found: dict[str, Any] = {}
    problems: list[str] = []
    for field, index in columns.items():
        raw = values[index] if index < len(values) else None
        if field in DATE_FIELDS:
            try:
                found[field] = parse_date(raw)
            except (ValueError, OverflowError):
                problems.append(f"{LABELS[field]} “{_show(_text(raw))}” is not a date (dd/mm/yyyy or yyyy-mm-dd)")
            continue
        text = raw.strip() if isinstance(raw, str) else _text(raw)
        # The common case in a few cheap tests; a value that fails one is checked in full to say why.
        if may_be_wrong(text, LIMITS.get(field)):
            wrong = _text_problem(field, text)
            if wrong:
                problems.append(wrong)
                continue
        found[field] = text
    problems += _shape_problems(found)
    status = found.pop("status", None)
    leaver: bool | None = None
    if status is not None:
        lowered = " ".join(status.casefold().split())
        if lowered in LEAVER:
            leaver = True
        elif lowered in CURRENT:
            leaver = False if status else None
        else:
            problems.append(f"Status “{_show(status)}” is neither current nor a leaver")
    found.pop("dfe_number", None)
    trn = found.get("trn", "")
    if trn:
        found["trn"] = re.sub(r"[\s/]", "", trn)
    # a row with a problem keeps what could be read: its keys still protect its job from "end job"
    problem = f"row {row}: " + "; ".join(problems) if problems else ""
    return StaffRecord(row=row, leaver=leaver, problem=problem, **found)


def _shape_problems(found: Mapping[str, Any]) -> list[str]:
    problems = []
    email = found.get("email", "")
    if email and not _EMAIL.fullmatch(email):
        problems.append(f"Work e-mail “{_show(email)}” is not an e-mail address")
    trn = re.sub(r"[\s/]", "", found.get("trn", ""))
    if trn and not (trn.isascii() and trn.isdigit() and len(trn) == 7):
        problems.append(f"TRN “{_show(found['trn'])}” is not a 7-digit teacher reference number")
    urn = found.get("urn", "")
    if urn and not (urn.isascii() and urn.isdigit()):
        problems.append(f"URN “{_show(urn)}” is not a number")
    return problems
