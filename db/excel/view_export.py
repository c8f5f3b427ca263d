""" "Export what I see": the Partnership CPD table as filtered, sorted and laid out on screen.

Unlike the budget workbook (a fixed layout the import reads back), this is for
reading: the columns are the ones the user shows, in their on-screen order,
and the rows are the filter's, in the panel's sort.  The file type decides the
writer: ``.xlsx`` (an Activities sheet and a Notes sheet saying which filters
were applied) or ``.csv`` (UTF-8 with BOM, RFC 4180, nothing but the header
and the rows, so any program can read it).  Every text value goes through
``db.excel.writer`` (X1).

Rows are streamed from SQL (``iter_activities_in``, a server-side cursor) and
written as they come; the file appears under its name only when complete.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.errors import PermissionDenied, ValidationError
from db.excel.layout import DATE_FORMAT, DAYS_FORMAT, MAX_ROWS, MONEY_FORMAT
from db.excel.printing import print_setup
from db.excel.sheet_rows import RowStream, number_cell, text_cell
from db.excel.writer import (
    RISKY_FIRST,
    TextStyle,
    XlsxObject,
    check_target,
    csv_file,
    discard,
    finish,
    needs_quote,
    open_workbook,
    temporary_beside,
)
from db.labels import state_label
from db.models import AppUser, FloodFillBatch, Level, Module, Person
from db.progress import NullProgress, Progress
from db.queries.activities import ActivityFilter, ActivityRow
from db.queries.activity_export import count_activities, describe_filter, iter_activities_in
from db.scope import require_report, scope_for

PROGRESS_EVERY = 2000
#: Excel stores dates as days since 30 Dec 1899; ``date.toordinal()`` counts from 1 Jan 0001
EXCEL_EPOCH_ORDINAL = 693594
CellWriter = Callable[[str, "ActivityRow"], str]
SUFFIXES = (".xlsx", ".csv")
SHEET = "Activities"
NOTES = "Notes"


@dataclass(frozen=True, slots=True)
class ViewColumn:
    header: str
    kind: str  # "text" (people's text), "label", "date", "money", "days"
    width: float
    value: Callable[[ActivityRow], object]


#: every column the Partnership CPD table can show, by key (the desktop maps its columns to these)
VIEW_COLUMNS: dict[str, ViewColumn] = {
    "individual": ViewColumn("Individual", "text", 22, lambda r: r.individual),
    "organisation": ViewColumn("Organisation", "text", 30, lambda r: r.organisation),
    "title": ViewColumn("Activity", "text", 42, lambda r: r.title),
    "type": ViewColumn("Type", "text", 16, lambda r: r.activity_type),
    "provider": ViewColumn("Provider", "text", 26, lambda r: r.provider),
    "start": ViewColumn("Start", "date", 11.5, lambda r: r.starts_on),
    "end": ViewColumn("End", "date", 11.5, lambda r: r.ends_on),
    "period": ViewColumn("Period", "text", 9, lambda r: r.period),
    "cost": ViewColumn("Total cost", "money", 12, lambda r: r.total_cost_pence),
    "cover_days": ViewColumn("Cover days", "days", 11, lambda r: r.cover_days),
    "line_manager": ViewColumn("Line manager", "label", 13, lambda r: state_label(r.line_manager_state)),
    "cpd_team": ViewColumn("CPD team", "label", 11, lambda r: state_label(r.cpd_team_state)),
    "partnership": ViewColumn("Partnership", "label", 21, lambda r: state_label(r.partnership_state)),
    "completion": ViewColumn("Completion", "label", 14, lambda r: state_label(r.completion_state)),
    "training_event": ViewColumn("Training event", "text", 28, lambda r: r.training_event or ""),
    "created_by": ViewColumn("Created by", "text", 22, lambda r: r.created_by or ""),
    "course_fee": ViewColumn("Course fee", "money", 12, lambda r: r.course_fee_pence),
    "cover_cost": ViewColumn("Cover/supply", "money", 12, lambda r: r.cover_cost_pence),
    "travel": ViewColumn("Travel", "money", 11, lambda r: r.travel_cost_pence),
    "other": ViewColumn("Other costs", "money", 11, lambda r: r.other_cost_pence),
}


@dataclass(frozen=True, slots=True)
class ViewExportResult:
    path: Path
    rows: int
    filter_text: str
    elapsed_seconds: float


def export_view(
    db: Database,
    user_id: int,
    filt: ActivityFilter,
    columns: list[str] | tuple[str, ...],
    path: Path,
    *,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ViewExportResult:
    """Write the rows matching ``filt`` (in its sort), with ``columns`` in that order, to ``path``.

    The file type follows the name's extension: ``.xlsx`` or ``.csv``.
    """
    progress = progress or NullProgress()
    started = time.perf_counter()
    path = Path(path)
    check_target(path, SUFFIXES)
    unknown = [key for key in columns if key not in VIEW_COLUMNS]
    if unknown:
        raise ValidationError(f"TrustDesk has no column called “{unknown[0]}” to export.")
    if not columns:
        raise ValidationError("Show at least one column to export.")
    chosen = [VIEW_COLUMNS[key] for key in columns]
    now = now or datetime.now(UTC)
    with db.read() as session:
        scope = scope_for(session, user_id)
        if scope.best_level(Module.PARTNERSHIP_CPD) < Level.VIEW:
            raise PermissionDenied("You may not see partnership CPD, so there is nothing to export.")
        require_report(scope, Module.REPORTS)
        total = count_activities(session, scope, filt)
        if path.suffix.lower() == ".xlsx" and total > MAX_ROWS:
            raise ValidationError(
                f"{total:,} activities match: more than a worksheet holds ({MAX_ROWS:,}). "
                "Narrow the filter, or export to .csv."
            )
        filters = describe_view_filter(session, filt)
        user = session.get(AppUser, user_id)
        who = f"{user.display_name} ({user.username})" if user else f"user #{user_id}"
        progress.report(0, total, f"Writing {total:,} activities…")
        rows = _reported(iter_activities_in(session, scope, filt), total, progress)
        if path.suffix.lower() == ".csv":
            written = _write_csv(path, chosen, rows)
        else:

            def notes(count: int) -> list[tuple[str, str]]:
                return [
                    ("What", f"Partnership CPD as shown on screen: {count:,} activities, {len(chosen)} columns."),
                    ("Exported by", who),
                    ("Exported at", now.astimezone().strftime("%d %b %Y %H:%M %Z").strip()),
                    ("From database", db.display),
                    *((f"Filter — {name}", value) for name, value in filters),
                ]

            written = _write_xlsx(path, chosen, rows, notes, progress)
    progress.report(written, written, f"Exported {written:,} activities.")
    text = "; ".join(f"{name}: {value}" for name, value in filters)
    return ViewExportResult(path, written, text, time.perf_counter() - started)


def _reported(rows: Iterator[ActivityRow], total: int, progress: Progress) -> Iterator[ActivityRow]:
    for done, row in enumerate(rows, start=1):
        yield row
        if done % PROGRESS_EVERY == 0:
            progress.report(done, total, f"Written {done:,} of {total:,} activities…")
            progress.check_cancelled()
    progress.check_cancelled()


def _write_csv(path: Path, columns: list[ViewColumn], rows: Iterator[ActivityRow]) -> int:
    written = 0
    with csv_file(path) as out:
        out.row([column.header for column in columns])
        for row in rows:
            out.row([_csv_value(column, row) for column in columns])
            written += 1
    return written


def _csv_value(column: ViewColumn, row: ActivityRow) -> object:
    value = column.value(row)
    if column.kind == "money":
        pence = int(value)  # type: ignore[call-overload]  # a money column: the value is pence (an int)
        sign = "-" if pence < 0 else ""
        return f"{sign}{abs(pence) // 100}.{abs(pence) % 100:02d}"  # a number, exact, no currency sign
    if column.kind == "date":
        return value.isoformat()  # type: ignore[attr-defined]  # unambiguous in every locale
    if column.kind == "days":
        return f"{value:g}"
    return value


def _write_xlsx(
    path: Path,
    columns: list[ViewColumn],
    rows: Iterator[ActivityRow],
    notes: Callable[[int], list[tuple[str, str]]],
    progress: Progress,
) -> int:
    temporary = temporary_beside(path)
    book = open_workbook(temporary)
    try:
        header = TextStyle(book, {"bold": True, "bg_color": "#DDE4EE", "bottom": 1, "text_wrap": True})
        numbers = {
            "quoted": book.add_format({"quote_prefix": True}),
            "money": book.add_format({"num_format": MONEY_FORMAT}),
            "date": book.add_format({"num_format": DATE_FORMAT}),
            "days": book.add_format({"num_format": DAYS_FORMAT}),
        }
        sheet = book.add_worksheet(SHEET)
        for index, column in enumerate(columns):
            sheet.set_column(index, index, column.width)
            header.write(sheet, 0, index, column.header)
        sheet.freeze_panes(1, 0)
        print_setup(sheet, landscape=True)
        # Rows go straight into the sheet's row file, as for the budget workbook (sheet_rows.py says why).
        stream = RowStream(sheet, 1)
        cells = [_cell_writer(stream, index, column, numbers) for index, column in enumerate(columns)]
        r = 0
        for row in rows:
            r += 1
            n = str(r + 1)
            stream.write_row(r, "".join([cell(n, row) for cell in cells]))
        stream.close()
        sheet.autofilter(0, 0, max(r, 1), len(columns) - 1)
        _write_notes(book, notes(r))
        progress.check_cancelled()
        finish(book, temporary, path)
    except BaseException:
        discard(book, temporary)
        raise
    return r


def _cell_writer(stream: RowStream, index: int, column: ViewColumn, formats: dict[str, Any]) -> CellWriter:
    """How this column's cell is made from a row: the prefix text is worked out once, here."""
    value = column.value
    if column.kind == "money":
        at = stream.prefix(index, formats["money"])
        return lambda n, row: number_cell(at, n, value(row) / 100)  # type: ignore[operator]  # a money column: value() returns pence
    if column.kind == "date":
        at = stream.prefix(index, formats["date"])
        return lambda n, row: number_cell(at, n, value(row).toordinal() - EXCEL_EPOCH_ORDINAL)  # type: ignore[attr-defined]  # a date column: value() returns a date
    if column.kind == "days":
        at = stream.prefix(index, formats["days"])
        return lambda n, row: number_cell(at, n, value(row))  # type: ignore[arg-type]  # a number column: value() returns a number
    plain, quoted = stream.prefix(index), stream.prefix(index, formats["quoted"])

    def text(n: str, row: ActivityRow) -> str:
        found = str(value(row))
        return text_cell(quoted if found and found[0] in RISKY_FIRST and needs_quote(found) else plain, n, found)

    return text


def _write_notes(book: XlsxObject, notes: list[tuple[str, str]]) -> None:
    sheet = book.add_worksheet(NOTES)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 90)
    print_setup(sheet, landscape=False)
    TextStyle(book, {"bold": True, "font_size": 14}).write(sheet, 0, 0, "TrustDesk: Partnership CPD as shown")
    bold = TextStyle(book, {"bold": True, "valign": "top"})
    wrap = TextStyle(book, {"text_wrap": True, "valign": "top"})
    for index, (name, value) in enumerate(notes, start=2):
        bold.write(sheet, index, 0, name)
        wrap.write(sheet, index, 1, value)


def describe_view_filter(session: Session, filt: ActivityFilter) -> list[tuple[str, str]]:
    """Every filter the panel can apply, in words: the budget workbook's lines plus the drill-through ones."""
    lines = [(name, value) for name, value in describe_filter(session, filt).lines if name != "Individual"]
    if filt.person_id is not None:
        person = session.get(Person, filt.person_id)
        name = f"{person.first_name} {person.last_name}" if person else f"#{filt.person_id} (no longer exists)"
        lines.insert(6, ("Individual", name))
    else:
        lines.insert(6, ("Individual", "any"))
    extra = []
    if filt.completion_state is not None:
        extra.append(("Completion", state_label(filt.completion_state)))
    if filt.without_evaluation:
        extra.append(("Evaluation", "only activities with no evaluation written"))
    if filt.pending_started:
        extra.append(("Follow-up", "only requests still awaiting authorisation on or after their start date"))
    if filt.starts_from is not None or filt.starts_before is not None:
        since = filt.starts_from.strftime("%d %b %Y") if filt.starts_from else "any date"
        before = filt.starts_before.strftime("%d %b %Y") if filt.starts_before else "any date"
        extra.append(("Starts", f"from {since}, before {before}"))
    if filt.flood_fill_batch_id is not None:
        found = session.scalar(select(FloodFillBatch.id).where(FloodFillBatch.id == filt.flood_fill_batch_id))
        extra.append(("Flood fill", f"batch #{filt.flood_fill_batch_id}" + ("" if found else " (no longer exists)")))
    return lines[:-1] + extra + lines[-1:]  # "Sorted by" last
