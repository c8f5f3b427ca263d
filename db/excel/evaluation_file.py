"""Read an evaluation spreadsheet (CSV or XLSX) into plain rows, checked cell by cell (X2).

The layout is in docs/files.md: one header row naming the columns (in any
order, any case), then one row per activity.  An activity is named by its
TrustDesk id, or else by the staff member's e-mail, the activity's title and
its start date.  Nothing here touches the database: the service matches the
rows and decides what each will do.

The file is read whole and checked before anything changes: a CSV through
``db.text_files`` (the encoding rule, control characters refused), a
workbook through ``db.excel.safety`` (a zip that is what it says) and
openpyxl without evaluating anything, so a formula arrives as its text and is
refused on its row.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from db.errors import TrustDeskError, ValidationError
from db.excel.layout import MAX_DATE_SERIAL
from db.excel.safety import WorkbookRefused, check_workbook_file, looks_like_formula
from db.text_files import describe_char, first_control, read_text_file

MAX_ROWS = 50_000
MAX_CELL_CHARS = 4000
EXCEL_EPOCH_ORDINAL = 693594

#: the columns the reader knows, each with the header texts that name it
COLUMNS: dict[str, tuple[str, ...]] = {
    "activity_id": ("activity id", "activity_id", "id", "trustdesk id"),
    "email": ("staff e-mail", "staff email", "e-mail", "email", "work e-mail", "work email"),
    "title": ("title", "activity", "activity title"),
    "starts_on": ("start date", "starts", "start", "starts on"),
    "hours": ("hours", "cpd hours"),
    "rating": ("rating", "rating (1-5)", "rating 1-5"),
    "impact": ("impact",),
    "practice_change": ("change in practice", "practice change", "what changed", "what changed in practice"),
}


@dataclass(frozen=True, slots=True)
class RawRow:
    """One row as read: cells as text or numbers, or the sentence that refuses it."""

    number: int  # the row number in the file (the header is row 1)
    activity_id: int | None
    email: str
    title: str
    starts_on: date | None
    hours: object
    rating: object
    impact: str
    practice_change: str
    problem: str = ""


def read_evaluation_file(path: Path) -> list[RawRow]:
    """Every data row of ``path`` (.csv or .xlsx); the file as a whole refused with one sentence."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = _csv_rows(path)
    elif suffix == ".xlsx":
        table = _xlsx_rows(path)
    else:
        raise ValidationError(f"“{path.name}” is neither a .csv nor an .xlsx file; nothing was imported.")
    if not table:
        raise ValidationError(f"“{path.name}” is empty; nothing was imported.")
    columns = _columns(table[0], path.name)
    body = [(number, row) for number, row in enumerate(table[1:], start=2) if any(_filled(cell) for cell in row)]
    if len(body) > MAX_ROWS:
        raise ValidationError(f"“{path.name}” has {len(body):,} rows: import at most {MAX_ROWS:,} at a time.")
    return [_raw_row(number, row, columns) for number, row in body]


def _filled(cell: object) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _csv_rows(path: Path) -> list[list[object]]:
    text = read_text_file(path, f"The file “{path.name}”").text
    try:
        return [list(row) for row in csv.reader(text.splitlines())]
    except csv.Error as exc:
        raise ValidationError(f"“{path.name}” is not a readable CSV file ({exc}); nothing was imported.") from None


def _xlsx_rows(path: Path) -> list[list[object]]:
    check_workbook_file(path)
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except TrustDeskError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a malformed package
        raise WorkbookRefused(
            f"“{path.name}” could not be read as a workbook ({type(exc).__name__}); nothing was imported."
        ) from None
    try:
        sheet = book.worksheets[0]
        if (sheet.max_row or 0) > MAX_ROWS + 1:
            raise ValidationError(f"“{path.name}” has more than {MAX_ROWS:,} rows: import fewer at a time.")
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _columns(header: list[object], name: str) -> dict[str, int]:
    known = {text: key for key, texts in COLUMNS.items() for text in texts}
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = known.get(" ".join(str(cell or "").split()).casefold())
        if key is not None and key not in found:
            found[key] = index
    missing = [label for key, label in (("hours", "Hours"), ("rating", "Rating")) if key not in found]
    if "activity_id" not in found and not {"email", "title", "starts_on"} <= found.keys():
        missing.insert(0, "Activity ID (or Staff e-mail, Title and Start date)")
    if missing:
        raise ValidationError(
            f"“{name}” has no column {' or '.join(missing)} in its first row; "
            "see the layout in the user guide. Nothing was imported."
        )
    return found


def _raw_row(number: int, row: list[object], columns: dict[str, int]) -> RawRow:
    def cell(key: str) -> object:
        index = columns.get(key)
        return row[index] if index is not None and index < len(row) else None

    problem = ""
    texts: dict[str, str] = {}
    for key, label in (
        ("email", "staff e-mail"),
        ("title", "title"),
        ("impact", "impact"),
        ("practice_change", "change in practice"),
    ):
        value = cell(key)
        text = _as_text(value)
        if not problem:
            problem = _text_problem(text, label)
        texts[key] = text
    activity_id, id_problem = _whole(cell("activity_id"))
    starts_on, date_problem = _date(cell("starts_on"))
    problem = problem or id_problem or date_problem
    hours, rating = _number(cell("hours")), _number(cell("rating"))
    if not problem and activity_id is None and not (texts["email"] and texts["title"] and starts_on):
        problem = "names no activity: give its Activity ID, or the staff e-mail, title and start date"
    return RawRow(
        number, activity_id, texts["email"], texts["title"], starts_on, hours, rating,
        texts["impact"], texts["practice_change"], problem,
    )  # fmt: skip


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _text_problem(text: str, label: str) -> str:
    if looks_like_formula(text):
        return f"the {label} starts with “{text[:1]}”, which a spreadsheet would run as a formula"
    control = first_control(text.replace("\n", " ").replace("\t", " "))
    if control is not None:
        return f"the {label} holds the control character {describe_char(control)}"
    if len(text) > MAX_CELL_CHARS:
        return f"the {label} is longer than {MAX_CELL_CHARS:,} characters"
    return ""


def _whole(value: object) -> tuple[int | None, str]:
    if not _filled(value):
        return None, ""
    if isinstance(value, bool):
        return None, "the Activity ID is not a whole number"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) < 12:
        value = int(value.strip())
    if isinstance(value, int) and 1 <= value <= 2**31 - 1:
        return value, ""
    return None, f"the Activity ID “{str(value)[:24]}” is not a whole number"


def _date(value: object) -> tuple[date | None, str]:
    if not _filled(value):
        return None, ""
    if isinstance(value, datetime):
        return value.date(), ""
    if isinstance(value, date):
        return value, ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value <= MAX_DATE_SERIAL and float(value).is_integer():
            return date.fromordinal(int(value) + EXCEL_EPOCH_ORDINAL), ""
        return None, f"the start date {value:g} is not a date"
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date(), ""
        except ValueError:
            continue
    return None, f"the start date “{text[:24]}” is not a date (write it as 2026-09-14 or 14/09/2026)"


def _number(value: object) -> object:
    """A number cell as a number; text that reads as a number becomes one, anything else stays for the check."""
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            return text or None
        return int(number) if number.is_integer() else number
    return value
