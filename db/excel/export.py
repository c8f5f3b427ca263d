"""Export the Partnership CPD view as a budget workbook (.xlsx).

Written with XlsxWriter in constant-memory mode rather than openpyxl's
write-only mode: on the same rows openpyxl took about 1.8× as long
(bench/bench_excel.py prints both), and the export is the one place where a
CPD lead waits on the workbook library.  openpyxl still reads workbooks back
(the import), where it is the better tool.

The rows are streamed on a prefetch thread (``prefetch``) in a read
transaction of their own, so the database works while the workbook is
written; each row carries its version, which is what the import checks.  The file is
written under a temporary name beside the target and renamed only when
complete; a failure or a cancel leaves no half-written workbook behind.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

from db.database_identity import database_identity
from db.engine import Database
from db.errors import PermissionDenied, ValidationError
from db.excel import budget_sheet, evaluation_sheet
from db.excel.layout import (
    BUDGET_SHEET,
    COLUMNS,
    DATA_SHEET,
    DATE_FORMAT,
    DAYS_FORMAT,
    DECISION_CHOICES,
    FORMAT_ID,
    FORMAT_VERSION,
    HEADERS,
    MARKER_SHEET,
    MAX_ROWS,
    MONEY_FORMAT,
    NOTES_SHEET,
    Kind,
)
from db.excel.prefetch import prefetched
from db.excel.printing import print_setup
from db.excel.sheet_rows import RowStream, number_cell, text_cell
from db.excel.writer import (
    RISKY_FIRST,
    TextStyle,
    XlsxObject,
    check_target,
    discard,
    finish,
    needs_quote,
    open_workbook,
)
from db.excel.writer import temporary_beside as temporary_for
from db.images import inspect_logo
from db.labels import STATE_LABELS
from db.models import AppUser, Level, Module
from db.progress import NullProgress, Progress
from db.queries.activities import ActivityFilter
from db.queries.activity_export import count_activities, describe_filter, iter_export_values_in
from db.queries.budget_summary import budget_lines
from db.queries.evaluation_figures import completion_in, figures_in
from db.queries.trust_settings import TrustBranding, branding
from db.scope import require_report, scope_for

PROGRESS_EVERY = 5000
#: Excel stores dates as days since 30 Dec 1899; ``date.toordinal()`` counts from 1 Jan 0001
EXCEL_EPOCH_ORDINAL = 693594


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    activities: int
    budget_lines: int
    filter_text: str
    elapsed_seconds: float


def export_workbook(
    db: Database,
    user_id: int,
    filt: ActivityFilter,
    path: Path,
    *,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ExportResult:
    """Write the activities matching ``filt`` (as the user may see them) to ``path``."""
    progress = progress or NullProgress()
    started = time.perf_counter()
    path = Path(path)
    check_target(path, (".xlsx",))
    now = now or datetime.now(UTC)
    temporary = temporary_for(path)
    database_id = database_identity(db)  # before the read session: the first export stores it
    with db.read() as session:
        scope = scope_for(session, user_id)
        if scope.best_level(Module.PARTNERSHIP_CPD) < Level.VIEW:
            raise PermissionDenied("You may not see partnership CPD, so there is nothing to export.")
        require_report(scope, Module.REPORTS)
        user = session.get(AppUser, user_id)
        total = count_activities(session, scope, filt)
        if total > MAX_ROWS:
            raise ValidationError(
                f"{total:,} activities match: more than a worksheet holds ({MAX_ROWS:,}). Narrow the filter."
            )
        described = describe_filter(session, filt)
        periods = None if filt.period_id is None else [filt.period_id]
        lines = budget_lines(session, scope, periods, filt.organisation_id)
        brand = branding(session)
        worth = figures_in(
            session, scope, periods, filt.organisation_id, module=Module.PARTNERSHIP_CPD, people_limit=None
        )
        completion = completion_in(session, scope, periods, filt.organisation_id, module=Module.PARTNERSHIP_CPD)
        progress.report(0, total, f"Writing {total:,} activities…")
        book = open_workbook(temporary)
        try:
            styles = _Styles(book)
            rows = prefetched(lambda: _stream(db, user_id, filt))
            written = _write_activities(book, styles, rows, total, progress)
            budget_sheet.write(book, book.add_worksheet(BUDGET_SHEET), styles.header, lines)
            evaluation_sheet.write(book, styles.header, worth, completion, _scope_text(described.lines))
            identity = {
                "format": FORMAT_ID,
                "format_version": str(FORMAT_VERSION),
                "exported_at": now.isoformat(timespec="seconds"),
                "exported_by": user.username if user else str(user_id),
                "database": db.display,
                "database_id": database_id,
                "activities": str(written),
                "columns": "|".join(HEADERS),
            }
            who = f"{user.display_name} ({user.username})" if user else f"user #{user_id}"
            _write_notes(book, styles, who, now, db.display, described.lines, written, len(lines), brand)
            if brand.name:  # printed at the top left of every page ("&" is a code in page headers)
                for sheet in book.worksheets():
                    sheet.set_header("&L" + brand.name.replace("&", "&&"))
            _write_marker(book, styles, identity)
            book.set_properties({"title": "TrustDesk budget workbook", "author": who, "comments": FORMAT_ID})
            book.set_custom_property("TrustDesk format", f"{FORMAT_ID} v{FORMAT_VERSION}")
            progress.check_cancelled()
            finish(book, temporary, path)
        except BaseException:
            discard(book, temporary)
            raise
    progress.report(total, total, f"Exported {written:,} activities.")
    return ExportResult(path, written, len(lines), str(described), time.perf_counter() - started)


def _scope_text(filter_lines: tuple[tuple[str, str], ...]) -> str:
    """The period and organisation the evaluation figures cover, from the filter's own description."""
    wanted = {name: value for name, value in filter_lines if name in ("Academic period", "Organisation")}
    return ", ".join(f"{name.lower()} {value}" for name, value in wanted.items()) or "everything you can see"


def _stream(db: Database, user_id: int, filt: ActivityFilter) -> Iterator[tuple]:
    """The rows, read on the prefetch thread in a read session of its own."""
    with db.read() as session:
        yield from iter_export_values_in(session, scope_for(session, user_id), filt)


class _Styles:
    def __init__(self, book: XlsxObject) -> None:
        add = book.add_format
        self.header = TextStyle(
            book, {"bold": True, "bg_color": "#DDE4EE", "bottom": 1, "text_wrap": True, "valign": "top"}
        )
        self.editable_header = TextStyle(
            book, {"bold": True, "bg_color": "#FFE699", "bottom": 1, "text_wrap": True, "valign": "top"}
        )
        self.editable = add({"bg_color": "#FFF8DC", "locked": False})
        self.money = add({"num_format": MONEY_FORMAT})
        self.date = add({"num_format": DATE_FORMAT})
        self.days = add({"num_format": DAYS_FORMAT})
        self.quoted = add({"quote_prefix": True})
        self.plain = TextStyle(book)
        self.bold = TextStyle(book, {"bold": True, "valign": "top"})
        self.wrap = TextStyle(book, {"text_wrap": True, "valign": "top"})
        self.title = TextStyle(book, {"bold": True, "font_size": 14})
        self.timestamp = add({"num_format": "dd mmm yyyy hh:mm", "align": "left", "valign": "top"})


def _write_activities(book: XlsxObject, styles: _Styles, rows: object, total: int, progress: Progress) -> int:
    sheet = book.add_worksheet(DATA_SHEET)
    formats = {Kind.MONEY: styles.money, Kind.DATE: styles.date, Kind.DAYS: styles.days}
    for index, column in enumerate(COLUMNS):
        options = {"hidden": True, "level": 1} if column.hidden else {}
        fmt = styles.editable if index < 2 else formats.get(column.kind)
        sheet.set_column(index, index, column.width, fmt, options)
    for index, header in enumerate(HEADERS):
        (styles.editable_header if index < 2 else styles.header).write(sheet, 0, index, header)
    sheet.set_row(0, 30)
    sheet.freeze_panes(1, 3)
    print_setup(sheet, landscape=True)

    # Rows go straight into the sheet's row file, one string each (sheet_rows.py says why).
    # Text people or files supplied goes through writer's guard (X1): quote-prefixed when risky.
    stream = RowStream(sheet, 1)
    quoted = styles.quoted
    free_text = {  # user-typed text (field = column): plain, and with Excel's quote prefix
        column: (stream.prefix(column), stream.prefix(column, quoted)) for column in (2, 3, 4, 5, 6, 9, 19, 20)
    }
    starts_at, ends_at = stream.prefix(7, styles.date), stream.prefix(8, styles.date)
    money_at = [stream.prefix(column, styles.money) for column in (10, 11, 12, 13)]
    days_at = stream.prefix(14, styles.days)
    states_at = [stream.prefix(column) for column in (15, 16, 17, 18)]
    id_at, version_at = stream.prefix(21), stream.prefix(22)
    labels = STATE_LABELS
    epoch = EXCEL_EPOCH_ORDINAL
    from_iso = date.fromisoformat
    risky = RISKY_FIRST  # one cheap set look-up per cell; writer.needs_quote decides the rare rest

    def typed(values: tuple, column: int, n: str) -> str:
        plain, with_quote = free_text[column]
        value = values[column]
        if value and value[0] in risky and needs_quote(value):
            return text_cell(with_quote, n, value)
        return text_cell(plain, n, value)

    r = 0
    for values in rows:  # type: ignore[attr-defined]  # rows: the prefetch iterator of export rows
        r += 1
        n = str(r + 1)
        starts, ends = values[7], values[8]
        if type(starts) is str:
            starts, ends = from_iso(starts), from_iso(ends)
        stream.write_row(
            r,
            "".join(
                (
                    typed(values, 2, n),
                    typed(values, 3, n),
                    typed(values, 4, n),
                    typed(values, 5, n),
                    typed(values, 6, n),
                    number_cell(starts_at, n, starts.toordinal() - epoch),
                    number_cell(ends_at, n, ends.toordinal() - epoch),
                    typed(values, 9, n),
                    number_cell(money_at[0], n, values[10] / 100),
                    number_cell(money_at[1], n, values[11] / 100),
                    number_cell(money_at[2], n, values[12] / 100),
                    number_cell(money_at[3], n, values[13] / 100),
                    number_cell(days_at, n, values[14]),
                    text_cell(states_at[0], n, labels[values[15]]),
                    text_cell(states_at[1], n, labels[values[16]]),
                    text_cell(states_at[2], n, labels[values[17]]),
                    text_cell(states_at[3], n, labels[values[18]]),
                    typed(values, 19, n),
                    typed(values, 20, n),
                    number_cell(id_at, n, values[0]),
                    number_cell(version_at, n, values[1]),
                )
            ),
        )
        if r % PROGRESS_EVERY == 0:
            progress.report(r, total, f"Written {r:,} of {total:,} activities…")
            progress.check_cancelled()
    stream.close()
    last = max(r, 1)
    sheet.autofilter(0, 0, last, len(COLUMNS) - 1)
    sheet.data_validation(
        1,
        0,
        max(last, 1),
        0,
        {
            "validate": "list",
            "source": list(DECISION_CHOICES),
            "input_title": "Decision",
            "input_message": "Authorise, Reject, or leave blank to decide later.",
            "error_title": "Not a decision",
            "error_message": "Choose Authorise or Reject from the list, or leave the cell blank.",
        },
    )
    sheet.data_validation(
        1,
        1,
        max(last, 1),
        1,
        {
            "validate": "length",
            "criteria": "<=",
            "value": 2000,
            "input_title": "Reason",
            "input_message": "Required to reject: the individual is told why.",
            "error_title": "Reason too long",
            "error_message": "Keep the reason under 2,000 characters.",
        },
    )
    sheet.activate()
    return r


def _write_notes(
    book: XlsxObject,
    styles: _Styles,
    who: str,
    now: datetime,
    database: str,
    filter_lines: tuple[tuple[str, str], ...],
    activities: int,
    budget_count: int,
    brand: TrustBranding,
) -> None:
    sheet = book.add_worksheet(NOTES_SHEET)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 100)
    print_setup(sheet, landscape=False)
    _insert_logo(sheet, brand.logo)
    styles.title.write(sheet, 0, 0, f"{brand.name} — budget workbook" if brand.name else "TrustDesk budget workbook")
    local = now.astimezone()
    rows: list[tuple[str, str]] = [
        (
            "What",
            f"Partnership CPD: {activities:,} activities (sheet “{DATA_SHEET}”) and {budget_count:,} budget lines "
            f"(sheet “{BUDGET_SHEET}”, all activities of each organisation and period, whatever the filter).",
        ),
        ("Exported by", who),
        ("Exported at", local.strftime("%d %b %Y %H:%M %Z").strip()),
        ("From database", database),
    ]
    rows += [(f"Filter — {name}", value) for name, value in filter_lines]
    rows += [
        (
            "How to decide offline",
            f"In “{DATA_SHEET}”, choose Authorise or Reject in the Decision column (or leave it "
            "blank) and give a Reason — required to reject, because the individual is told why. Then in TrustDesk use "
            "File › Import decisions… (or `trustdesk import-decisions FILE --as USERNAME`).",
        ),
        (
            "What the import checks",
            "Each decision is applied only if the activity has not changed since this export, "
            "you may decide it, and it is still awaiting a decision. Everything else is listed with the reason "
            "and left alone. Importing the same workbook again applies nothing twice.",
        ),
        (
            "Please do not",
            "move, rename or delete columns, or edit the hidden id and version columns at the far right: "
            "the import refuses a workbook whose columns have changed.",
        ),
    ]
    for index, (name, value) in enumerate(rows, start=2):
        styles.bold.write(sheet, index, 0, name)
        # Constant-memory mode cannot measure wrapped text, so give long notes the height they need.
        lines = max(1, -(-len(value) // 95))
        sheet.set_row(index, 15 * lines if lines > 1 else None)
        styles.wrap.write(sheet, index, 1, value)


#: the box the logo is shrunk to fit, at the top right of the Notes sheet (pixels)
LOGO_BOX = (240, 64)
COLUMN_B_PX = 705  # 100 characters wide


def _insert_logo(sheet: XlsxObject, logo: bytes | None) -> None:
    """The trust's logo beside the title, shrunk to fit; a damaged stored logo is left out, not fatal."""
    if logo is None:
        return
    try:
        info = inspect_logo(logo)
    except ValidationError:
        return
    scale = min(1.0, LOGO_BOX[0] / info.width, LOGO_BOX[1] / info.height)
    width, height = info.width * scale, info.height * scale
    sheet.set_row(0, max(20.0, height * 0.75 + 6))  # points; before row 0 is written (constant memory)
    name = "logo.png" if info.kind == "PNG" else "logo.jpg"
    sheet.insert_image(
        0,
        1,
        name,
        {
            "image_data": BytesIO(logo),
            "x_scale": scale,
            "y_scale": scale,
            "x_offset": max(0, int(COLUMN_B_PX - width - 8)),  # right-aligned in column B
            "y_offset": 2,
            "object_position": 3,
            "description": "Trust logo",
        },
    )


def _write_marker(book: XlsxObject, styles: _Styles, identity: dict[str, str]) -> None:
    sheet = book.add_worksheet(MARKER_SHEET)
    for index, (key, value) in enumerate(identity.items()):
        styles.plain.write(sheet, index, 0, key)
        styles.plain.write(sheet, index, 1, value)
    sheet.very_hidden()
