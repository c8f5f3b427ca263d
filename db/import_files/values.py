"""One cell of an import file as a checked value (X2): text without formulas, control characters or
values longer than the column that will hold them; dates as dd/mm/yyyy, ISO, a month's name or an
Excel serial. A value we are not sure of is refused with a sentence, never guessed."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from typing import Any

from db.excel.safety import looks_like_formula
from db.excel.writer import RISKY_FIRST
from db.text_files import describe_char, first_control

EXCEL_EPOCH = date(1899, 12, 30)
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_SERIAL = re.compile(r"\d{4,5}(?:\.0+)?")
#: any C0/C1 control character: the quick test before ``first_control`` names it
ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]").search


def show(value: str, limit: int = 40) -> str:
    """A value as a sentence quotes it: cut short with "…" past ``limit`` characters."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def cell_text(value: Any) -> str:
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


def parse_date(value: Any, earliest: date, latest: date) -> date | None:
    """dd/mm/yyyy (or with - or .), ISO yyyy-mm-dd, an Excel serial, or a workbook's own date; None if blank.

    Raises ValueError for anything else, or a date outside ``earliest``–``latest``: a date we are not
    sure of is never stored.
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
    if not earliest <= found <= latest:
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


def text_problem(label: str, value: str, limit: int | None) -> str | None:
    """Why ``value`` cannot be stored as the field ``label`` (a clause), or None when it can."""
    if not value:
        return None
    control = first_control(value)
    if control is not None:
        where = "a line break or tab" if control in "\t\r\n" else f"the control character {describe_char(control)}"
        return f"{label} “{show(value.replace(control, ' '))}” contains {where}"
    if looks_like_formula(value):
        return f"{label} “{show(value)}” starts like a formula ({value[0]!r}), which TrustDesk never stores"
    if limit is not None and len(value) > limit:
        return f"{label} is {len(value)} characters long; TrustDesk keeps at most {limit} (“{show(value)}”)"
    return None


def may_be_wrong(text: str, limit: int | None) -> bool:
    """The common case in a few cheap tests: False means ``text_problem`` would find nothing."""
    return bool(text) and (
        text[0] in RISKY_FIRST or (limit is not None and len(text) > limit) or bool(ANY_CONTROL(text))
    )
