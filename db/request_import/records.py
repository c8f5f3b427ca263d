"""One row of a request file as a request's details (C1, X2), checked as a hand-entered request is.

Text is checked by the shared rules (no formulas, control characters or over-long values); dates are
dd/mm/yyyy, ISO, a month's name or a workbook's own; amounts in pounds with or without "£" and
thousands commas; then ``validate_request`` — the same rules as the request dialog — has the last word.
A row that fails is kept with its reason, so the preview lists it while the other rows import.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from db.activity_types import ACTIVITY_TYPES, CONFERENCE, INSET, NETWORK, ONLINE, OTHER
from db.errors import ValidationError
from db.import_files import values
from db.import_files.values import cell_text, may_be_wrong, show
from db.models import CpdTeamState, Job, LineManagerState, Organisation
from db.request_import.fields import LABELS
from db.services.activity_edits import MONEY_FIELDS
from db.services.requests import PROVIDER_MAX, TEXT_MAX, TITLE_MAX, RequestDetails, validate_request

#: a request file's dates: nothing in it starts before 2000 or after 2100
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
LIMITS: Mapping[str, int | None] = {
    "staff_code": Job.__table__.c.staff_code.type.length,  # type: ignore[attr-defined]
    "email": Job.__table__.c.email.type.length,  # type: ignore[attr-defined]
    "urn": Organisation.__table__.c.urn.type.length,  # type: ignore[attr-defined]
    "school_name": Organisation.__table__.c.name.type.length,  # type: ignore[attr-defined]
    "title": TITLE_MAX,
    "activity_type": 60,
    "provider": PROVIDER_MAX,
    "intended_outcome": TEXT_MAX,
    "impact_measure": TEXT_MAX,
    "sharing_plan": TEXT_MAX,
    "line_manager_state": 40,
    "cpd_team_state": 40,
}
DATES = ("starts_on", "ends_on")
_MONEY = re.compile(r"-?£?-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?£?-?\d+(?:\.\d+)?|-?£?-?\.\d+")
#: the names other systems give a type, beyond TrustDesk's own (compared without case)
TYPE_WORDS: Mapping[str, str] = {
    **{kind.casefold(): kind for kind in ACTIVITY_TYPES},
    "inset day": INSET,
    "training day": INSET,
    "online": ONLINE,
    "online course": ONLINE,
    "e-learning": ONLINE,
    "elearning": ONLINE,
    "webinar": ONLINE,
    "network": NETWORK,
    "conference/seminar": CONFERENCE,
    "seminar": CONFERENCE,
}
_PENDING = ("", "pending", "awaiting", "waiting", "not yet", "to decide", "requested")
_YES = ("agreed", "agree", "approved", "approve", "yes", "y", "accepted", "supported")
_NO = ("denied", "deny", "declined", "decline", "rejected", "no", "n", "refused", "not supported")
LINE_MANAGER_WORDS: Mapping[str, LineManagerState] = {
    **dict.fromkeys(_PENDING, LineManagerState.PENDING),
    **dict.fromkeys(_YES, LineManagerState.AGREED),
    **dict.fromkeys(_NO, LineManagerState.DENIED),
}
CPD_TEAM_WORDS: Mapping[str, CpdTeamState] = {
    **dict.fromkeys(_PENDING, CpdTeamState.PENDING),
    **dict.fromkeys(_YES, CpdTeamState.APPROVED),
    **dict.fromkeys(_NO, CpdTeamState.DECLINED),
}


@dataclass(frozen=True, slots=True)
class RequestRecord:
    row: int
    staff_code: str = ""
    email: str = ""
    urn: str = ""
    school_name: str = ""
    details: RequestDetails | None = None
    line_manager_state: LineManagerState = LineManagerState.PENDING
    cpd_team_state: CpdTeamState = CpdTeamState.PENDING
    #: why the row cannot be imported ("row 12: Course fee “-40” cannot be negative"), or ""
    problem: str = ""
    #: the title and start date as far as they could be read, to show beside a row's problem
    title: str = ""
    starts_on: date | None = None


def pence(value: Any) -> int:
    """ "£1,234.50", "1234.5", 1234.5 → 123450; blank → 0. ValueError for anything that is not an amount."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError(value)
        amount = Decimal(str(value))
    else:
        text = str(value).strip().replace(" ", "")
        if not text:
            return 0
        if not _MONEY.fullmatch(text) or text.count("-") > 1 or text.count("£") > 1:
            raise ValueError(value)
        # whole pounds and pence by hand: a Decimal per cell is most of the time of a 20,000-row file
        digits = text.replace("£", "").replace(",", "")
        negative = digits.startswith("-")
        pounds, _, fraction = digits.lstrip("-").partition(".")
        fraction = fraction.rstrip("0")
        if len(fraction) > 2:
            raise ValueError(value)  # a fraction of a penny is a typing slip, not an amount
        found = int(pounds or "0") * 100 + int(fraction.ljust(2, "0"))
        return -found if negative else found
    scaled = amount * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(value)
    return int(scaled)


def days(value: Any) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0.0
    if isinstance(value, bool):
        raise ValueError(value)
    found = float(value) if isinstance(value, int | float) else float(str(value).strip())
    if not math.isfinite(found):
        raise ValueError(value)
    return found


def _word(value: str) -> str:
    return " ".join(value.casefold().split())


_DATE, _MONEY_FIELD, _DAYS, _TEXT = range(4)


@lru_cache(maxsize=8)
def _spec(columns: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int, int, str, int | None], ...]:
    """Each mapped field's column, kind, label and length limit, worked out once per file, not per row."""
    kinds = {**dict.fromkeys(DATES, _DATE), **dict.fromkeys(MONEY_FIELDS, _MONEY_FIELD), "cover_days": _DAYS}
    return tuple((field, index, kinds.get(field, _TEXT), LABELS[field], LIMITS.get(field)) for field, index in columns)


def make_record(row: int, cells: tuple[Any, ...], columns: Mapping[str, int]) -> RequestRecord:
    """The row's values for the mapped fields (``columns``: field → column index), checked."""
    found: dict[str, Any] = {}
    problems: list[str] = []
    width = len(cells)
    for field, index, kind, label, limit in _spec(tuple(columns.items())):
        raw = cells[index] if index < width else None
        if kind == _TEXT:
            text = raw.strip() if isinstance(raw, str) else cell_text(raw)
            if may_be_wrong(text, limit):
                wrong = values.text_problem(label, text, limit)
                if wrong:
                    problems.append(wrong)
                    continue
            found[field] = text
            continue
        try:
            if kind == _DATE:
                found[field] = values.parse_date(raw, EARLIEST, LATEST)
            elif kind == _MONEY_FIELD:
                found[field] = pence(raw)
            else:
                found[field] = days(raw)
        except (ValueError, OverflowError):
            what = (
                "is not a date (dd/mm/yyyy or yyyy-mm-dd)" if kind == _DATE
                else "is not an amount in pounds (such as £1,250.00)" if kind == _MONEY_FIELD
                else "is not a number of days"
            )  # fmt: skip
            problems.append(f"{label} “{show(cell_text(raw))}” {what}")
    keys = {key: found.pop(key, "") for key in ("staff_code", "email", "urn", "school_name")}
    line_manager = LINE_MANAGER_WORDS.get(_word(found.pop("line_manager_state", "")))
    if line_manager is None:
        problems.append(f"Line manager status “{show(cell_text(cells[columns['line_manager_state']]))}” is "
                        "neither agreed, denied nor pending")  # fmt: skip
    cpd_team = CPD_TEAM_WORDS.get(_word(found.pop("cpd_team_state", "")))
    if cpd_team is None:
        problems.append(f"CPD team status “{show(cell_text(cells[columns['cpd_team_state']]))}” is "
                        "neither approved, declined nor pending")  # fmt: skip
    kind = found.pop("activity_type", "")
    activity_type = TYPE_WORDS.get(_word(kind)) if kind else OTHER
    if activity_type is None:
        problems.append(f"Type “{show(kind)}” is not one of {', '.join(ACTIVITY_TYPES)}")
    details: RequestDetails | None = None
    shown_title, shown_start = " ".join(str(found.get("title", "")).split()), found.get("starts_on")
    if not problems:
        starts_on = found.pop("starts_on", None)
        if starts_on is None:
            problems.append("no start date")
        else:
            ends_on = found.pop("ends_on", None) or starts_on
            # every text is stripped already: what ``cleaned`` would do for a typed request
            details = RequestDetails(
                activity_type=activity_type or OTHER, starts_on=starts_on, ends_on=ends_on, **found
            )
            try:
                validate_request(details)
            except ValidationError as exc:
                problems.append(exc.message.rstrip("."))
                details = None
    return RequestRecord(
        row=row,
        details=details,
        line_manager_state=line_manager or LineManagerState.PENDING,
        cpd_team_state=cpd_team or CpdTeamState.PENDING,
        problem=f"row {row}: " + "; ".join(problems) if problems else "",
        title=shown_title,
        starts_on=shown_start,
        **keys,
    )
