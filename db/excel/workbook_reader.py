"""Read the decisions out of a budget workbook, refusing anything that is not ours.

Nothing here touches the database.  The file is checked before openpyxl
parses it (``safety.check_workbook_file``), then opened read-only (streamed),
identified by its very hidden marker sheet and format version, and its header
row compared column by column with the layout.  Each row with a decision is
then checked on its own; a bad row is reported as invalid, never guessed at.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from db.errors import TrustDeskError
from db.excel.fast_cells import cells_source, iter_rows, read_shared_strings
from db.excel.layout import (
    DATA_SHEET,
    DECISION_COL,
    DECISION_VALUES,
    EXCEL_EPOCH_ORDINAL,
    FORMAT_ID,
    FORMAT_VERSION,
    HEADERS,
    ID_COL,
    IDENTITY_COLS,
    INDIVIDUAL_COL,
    MARKER_SHEET,
    MAX_DATE_SERIAL,
    MAX_ID,
    MAX_IMPORT_ROWS,
    MAX_REASON_CHARS,
    ORGANISATION_COL,
    REASON_COL,
    STARTS_COL,
    TITLE_COL,
    VERSION_COL,
    column_letter,
)
from db.excel.safety import WorkbookRefused, check_workbook_file
from db.models import PartnershipState
from db.progress import NullProgress, Progress

if TYPE_CHECKING:  # openpyxl loads only when a workbook is read
    from openpyxl import Workbook

WHOLE_TEXT = re.compile(r"[0-9]{1,12}")  # ASCII digits only: "²".isdigit() is true but int("²") fails
#: what a report shows of a cell; TrustDesk's titles and names are at most 200 characters
MAX_SHOWN_CHARS = 200
#: far longer than any title, name or organisation TrustDesk writes: a cell past it was not ours
MAX_IDENTITY_CHARS = 1000


@dataclass(frozen=True, slots=True)
class RowDecision:
    """One row that asks for a decision and passed the workbook-level checks."""

    row: int  # the spreadsheet row number, as the reviewer sees it
    activity_id: int
    version: int
    decision: PartnershipState
    reason: str
    title: str
    individual: str
    organisation: str
    starts: date


@dataclass(frozen=True, slots=True)
class InvalidRow:
    row: int
    activity_id: int | None
    title: str
    individual: str
    why: str
    typed: str = ""  # what the Decision cell held


@dataclass
class WorkbookDecisions:
    identity: dict[str, str]
    decisions: list[RowDecision] = field(default_factory=list)
    invalid: list[InvalidRow] = field(default_factory=list)
    undecided: int = 0  # rows left blank: nothing to do


def _open(path: Path) -> Workbook:
    """openpyxl's ``load_workbook(read_only=True)``, with our shared-string reader (``fast_cells`` says why)."""
    # SHARED_STRINGS is set at import time from openpyxl.xml.constants and missing from its type stubs.
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader  # type: ignore[attr-defined]  # openpyxl stubs omit SHARED_STRINGS

    class Reader(ExcelReader):
        def read_strings(self) -> None:
            found = self.package.find(SHARED_STRINGS)
            if found is not None:
                with self.archive.open(found.PartName[1:]) as source:
                    self.shared_strings = read_shared_strings(source)

    reader = Reader(path, read_only=True, data_only=False, keep_links=False)
    reader.read()
    return reader.wb


def read_decisions(path: Path, progress: Progress | None = None) -> WorkbookDecisions:
    progress = progress or NullProgress()
    path = Path(path)
    check_workbook_file(path)
    name = path.name
    try:
        book = _open(path)
    except TrustDeskError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a malformed package
        why = type(exc).__name__
        raise WorkbookRefused(f"“{name}” could not be read as a workbook ({why}); nothing was imported.") from None
    try:
        identity = _identity(book, name)
        sheet = book[DATA_SHEET]
        _check_headers(sheet, name)
        declared = sheet.max_row or 0
        if declared - 1 > MAX_IMPORT_ROWS:
            raise WorkbookRefused(_too_many_rows(name))
        return _read_rows(sheet, identity, name, progress)
    except TrustDeskError:
        raise
    except Exception as exc:
        why = f"{type(exc).__name__}: {exc}"
        raise WorkbookRefused(f"“{name}” could not be read ({why}); nothing was imported.") from None
    finally:
        book.close()


def _identity(book: object, name: str) -> dict[str, str]:
    names = book.sheetnames  # type: ignore[attr-defined]  # an openpyxl Workbook, typed loosely here
    if MARKER_SHEET not in names or DATA_SHEET not in names:
        raise WorkbookRefused(
            f"“{name}” is not a TrustDesk budget workbook. Import only workbooks exported from TrustDesk "
            "(File › Export budget workbook…)."
        )
    identity: dict[str, str] = {}
    for index, row in enumerate(book[MARKER_SHEET].iter_rows(max_col=2, values_only=True)):  # type: ignore[index]  # as above
        if index > 50:
            break
        if row and row[0] is not None:
            identity[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
    if identity.get("format") != FORMAT_ID:
        raise WorkbookRefused(f"“{name}” is not a TrustDesk budget workbook (its marker sheet is not ours).")
    version = identity.get("format_version", "")
    if version != str(FORMAT_VERSION):
        raise WorkbookRefused(
            f"“{name}” was written in workbook format {version or 'unknown'}; this TrustDesk reads format "
            f"{FORMAT_VERSION}. Export the workbook again from this version."
        )
    return identity


def _check_headers(sheet: object, name: str) -> None:
    found = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())  # type: ignore[attr-defined]  # a worksheet
    found = tuple("" if value is None else str(value).strip() for value in found)
    for index, expected in enumerate(HEADERS):
        actual = found[index] if index < len(found) else ""
        if actual != expected:
            where = f"column {column_letter(index)}"
            seen = f"“{actual}”" if actual else "empty"
            raise WorkbookRefused(
                f"In “{name}”, {where} should be “{expected}” but is {seen}: columns were moved, renamed or "
                "deleted, so the decisions cannot be matched safely. Nothing was imported; export a fresh workbook "
                "and record the decisions without changing the columns."
            )
    extra = [value for value in found[len(HEADERS) :] if value]
    if extra:
        raise WorkbookRefused(
            f"In “{name}”, a column “{extra[0]}” was added after the TrustDesk columns; nothing was imported. "
            "Remove it (or export a fresh workbook) and import again."
        )


WANTED = (DECISION_COL, REASON_COL, INDIVIDUAL_COL, ORGANISATION_COL, TITLE_COL, STARTS_COL, ID_COL, VERSION_COL)


def _rows(sheet: object) -> Iterator[tuple[int, tuple]]:
    """(row number, values) of the data rows: the fast reader when it can, else openpyxl's."""
    width = len(HEADERS)
    handles = cells_source(sheet)
    if handles is None:
        rows = sheet.iter_rows(min_row=2, max_col=width, values_only=True)  # type: ignore[attr-defined]  # a worksheet
        yield from enumerate(rows, start=2)
        return
    opener, strings = handles
    source = opener()
    try:
        for number, cells in iter_rows(source, strings, WANTED):
            yield number, tuple(cells.get(column) for column in range(width))
    finally:
        source.close()


def _read_rows(sheet: object, identity: dict[str, str], name: str, progress: Progress) -> WorkbookDecisions:
    out = WorkbookDecisions(identity=identity)
    seen: dict[int, list[int]] = {}
    width = len(HEADERS)
    for number, values in _rows(sheet):
        if number - 1 > MAX_IMPORT_ROWS:
            raise WorkbookRefused(_too_many_rows(name))
        if number % 5000 == 0:
            progress.report(number, number + 5000, f"Reading row {number:,}…")
            progress.check_cancelled()
        if not values or all(value is None or value == "" for value in values):
            continue
        values = tuple(values) + (None,) * (width - len(values))
        title = _shown(values[TITLE_COL])
        individual = _shown(values[INDIVIDUAL_COL])
        raw_decision = _text(values[DECISION_COL]).strip()
        activity_id, id_problem = _whole(values[ID_COL])
        if not raw_decision:
            if activity_id is None:
                out.invalid.append(InvalidRow(number, None, title, individual, f"its hidden activity id {id_problem}"))
            else:
                out.undecided += 1
                seen.setdefault(activity_id, []).append(number)
            continue
        decided, why = _decided_row(number, values, raw_decision, activity_id, id_problem)
        if decided is not None:
            out.decisions.append(decided)
        else:
            out.invalid.append(InvalidRow(number, activity_id, title, individual, why, raw_decision[:40]))
        if activity_id is not None:
            seen.setdefault(activity_id, []).append(number)
    # An id on two rows means rows were copied over each other: neither can be trusted.
    doubled = {key: rows for key, rows in seen.items() if len(rows) > 1}
    if doubled:
        kept = []
        for d in out.decisions:
            if d.activity_id in doubled:
                rows = ", ".join(str(n) for n in doubled[d.activity_id])
                why = f"the same activity id is on rows {rows} (copied over?)"
                typed = "Authorise" if d.decision is PartnershipState.AUTHORISED else "Reject"
                out.invalid.append(InvalidRow(d.row, d.activity_id, d.title, d.individual, why, typed))
            else:
                kept.append(d)
        out.decisions = kept
    return out


def _too_many_rows(name: str) -> str:
    return (
        f"“{name}” has more than {MAX_IMPORT_ROWS:,} rows, more than the import takes in one go; nothing was "
        "imported. Export one academic period or organisation at a time."
    )


def _decided_row(
    number: int, values: tuple, raw_decision: str, activity_id: int | None, id_problem: str
) -> tuple[RowDecision | None, str]:
    """The row's decision, or None and why it cannot be taken.

    Every cell the import relies on is checked here, before the database is
    asked anything: the hidden id and version must be whole numbers in range,
    and the cells that say which activity the row is about must not be blank —
    they are what the import compares with the activity the id names.
    """
    decision = DECISION_VALUES.get(raw_decision.lower())
    reason = _text(values[REASON_COL]).strip()
    version, version_problem = _whole(values[VERSION_COL])
    if activity_id is None:
        return None, f"its hidden activity id {id_problem}"
    if version is None:
        return None, f"its hidden version {version_problem}"
    for column in IDENTITY_COLS:
        if _blank(values[column]):
            return None, (
                f"its {HEADERS[column]} cell is empty, so the row cannot be checked against activity {activity_id}"
            )
    starts = _date(values[STARTS_COL])
    if starts is None:
        return None, f"its {HEADERS[STARTS_COL]} cell is not a date"
    for column in (INDIVIDUAL_COL, ORGANISATION_COL, TITLE_COL):
        if len(_text(values[column])) > MAX_IDENTITY_CHARS:
            return None, f"its {HEADERS[column]} cell is longer than TrustDesk ever writes"
    if decision is None:
        return None, f"“{raw_decision[:40]}” is not a decision: choose Authorise or Reject, or leave it blank"
    if decision is PartnershipState.REJECTED and not reason:
        return None, "a rejection needs a reason: the individual is told why"
    if len(reason) > MAX_REASON_CHARS:
        return None, f"the reason is longer than {MAX_REASON_CHARS:,} characters"
    row = RowDecision(
        number,
        activity_id,
        version,
        decision,
        reason,
        _text(values[TITLE_COL]),
        _text(values[INDIVIDUAL_COL]),
        _text(values[ORGANISATION_COL]),
        starts,
    )
    return row, ""


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shown(value: object) -> str:
    """A cell's text for reports, cut to what a report line can show."""
    text = _text(value)
    return text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS] + "…"


def _whole(value: object) -> tuple[int | None, str]:
    """A hidden id or version, or None and what is wrong with it.

    Ids come back as int from our files and as float or text from some other
    programs; anything else — a fraction, ``1e30``, ``-1``, ``2**63``, words,
    a true/false — is refused rather than passed to the database, where an
    out-of-range number would fail the whole import.
    """
    if _blank(value):
        return None, "is missing"
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and WHOLE_TEXT.fullmatch(value.strip()):
        number = int(value.strip())
    if number is None or not 1 <= number <= MAX_ID:
        typed = f"{value:.15g}" if isinstance(value, float) else str(value)
        typed = typed if len(typed) <= 24 else typed[:24] + "…"
        return None, f"“{typed}” is not a whole number from 1 to {MAX_ID:,}"
    return number, ""


def _date(value: object) -> date | None:
    """A Starts cell: a date serial from our files (or a date from openpyxl's own reading)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return None
    if not 1 <= value <= MAX_DATE_SERIAL:
        return None
    return date.fromordinal(int(value) + EXCEL_EPOCH_ORDINAL)
