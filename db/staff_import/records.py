"""One row of a staff file as checked values (X2): text without formulas, control characters or
values longer than the column that will hold them; dates as dd/mm/yyyy, ISO or Excel serials.

A row that fails a check is kept with its problem (and its row number), so the preview can say
"skipped: row 14: …" for it while the other rows import.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from db.excel.safety import looks_like_formula
from db.excel.writer import RISKY_FIRST
from db.models import Job, Organisation, Person
from db.staff_import.fields import LABELS
from db.text_files import describe_char, first_control

EXCEL_EPOCH = date(1899, 12, 30)
#: dates a staff file may hold: nobody started before 1940 or leaves after 2100
EARLIEST, LATEST = date(1940, 1, 1), date(2100, 12, 31)
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_SERIAL = re.compile(r"\d{4,5}(?:\.0+)?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
#: any C0/C1 control character: the quick test before ``first_control`` names it
_ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]").search


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


def _show(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _text(value: Any) -> str:
    """A cell as text: whole numbers from a workbook lose their ".0" (a staff code, a URN)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def parse_date(value: Any) -> date | None:
    """dd/mm/yyyy (or with - or .), ISO yyyy-mm-dd, an Excel serial, or a workbook's own date; None if blank.

    Raises ValueError for anything else: a date we are not sure of is never stored.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    found: date
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, date):
        found = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not (math.isfinite(value) and float(value).is_integer()):
            raise ValueError(value)
        found = EXCEL_EPOCH + timedelta(days=int(value))
    else:
        text = str(value).strip()
        if (match := _DMY.fullmatch(text)) is not None:
            day, month, year = (int(part) for part in match.groups())
            found = date(year, month, day)
        elif (match := _ISO.fullmatch(text)) is not None:
            year, month, day = (int(part) for part in match.groups())
            found = date(year, month, day)
        elif _SERIAL.fullmatch(text):
            found = EXCEL_EPOCH + timedelta(days=int(float(text)))
        else:
            found = _named_month(text)
    if not EARLIEST <= found <= LATEST:
        raise ValueError(value)
    return found


def _named_month(text: str) -> date:
    """ "01-Sep-2024", "1 September 2024" (as HR systems write them): the month named, so never ambiguous."""
    for fmt in ("%d-%b-%Y", "%d %b %Y", "%d %B %Y", "%d-%B-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _text_problem(field: str, value: str) -> str | None:
    if not value:
        return None
    label = LABELS[field]
    control = first_control(value)
    if control is not None:
        where = "a line break or tab" if control in "\t\r\n" else f"the control character {describe_char(control)}"
        return f"{label} “{_show(value.replace(control, ' '))}” contains {where}"
    if looks_like_formula(value):
        return f"{label} “{_show(value)}” starts like a formula ({value[0]!r}), which TrustDesk never stores"
    limit = LIMITS.get(field)
    if limit is not None and len(value) > limit:
        return f"{label} is {len(value)} characters long; TrustDesk keeps at most {limit} (“{_show(value)}”)"
    return None


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
        limit = LIMITS.get(field)
        if text and (text[0] in RISKY_FIRST or (limit is not None and len(text) > limit) or _ANY_CONTROL(text)):
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
