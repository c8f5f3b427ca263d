"""The outbox, as the Notifications panel filters it, to .xlsx or .csv through the guarded writer (X1)."""

from __future__ import annotations

from datetime import datetime
from itertools import chain
from pathlib import Path

from db.engine import Database
from db.excel.permissions_report import uk_time
from db.excel.writer import TextStyle, check_target, csv_file, discard, finish, open_workbook, temporary_beside
from db.queries.outbox import OutboxFilter, OutboxRow, outbox_rows

HEADERS = (
    "Queued",
    "To",
    "Address",
    "Kind",
    "Subject",
    "Status",
    "Attempts",
    "Sent",
    "Server's answer or reason",
    "Message-ID",
)
WIDTHS = (17, 26, 34, 22, 50, 10, 9, 17, 60, 40)


def _when(at: datetime | None) -> str:
    return "" if at is None else f"{uk_time(at):%d/%m/%Y %H:%M}"


def _values(row: OutboxRow) -> tuple[str, ...]:
    return (
        _when(row.queued_at), row.recipient, row.address, row.kind, row.subject, row.state, str(row.attempts),
        _when(row.sent_at), row.outcome, row.message_id,
    )  # fmt: skip


def export_outbox(db: Database, user_id: int, filt: OutboxFilter, path: Path) -> int:
    """Write the rows ``filt`` matches to ``path`` (.xlsx or .csv); returns how many were written."""
    path = Path(path)
    check_target(path, (".xlsx", ".csv"))
    rows = outbox_rows(db, user_id, filt)
    first = next(rows, None)  # refuses without the permission, before any file is made
    everything = rows if first is None else chain([first], rows)
    if path.suffix.lower() == ".csv":
        with csv_file(path) as out:
            out.row(HEADERS)
            count = 0
            for row in everything:
                out.row(_values(row))
                count += 1
        return count
    temporary = temporary_beside(path)
    book = open_workbook(temporary)
    count = 0
    try:
        sheet = book.add_worksheet("Outbox")
        for column, width in enumerate(WIDTHS):
            sheet.set_column(column, column, width)
        header = TextStyle(book, {"bold": True, "bottom": 1})
        text = TextStyle(book)
        for column, name in enumerate(HEADERS):
            header.write(sheet, 0, column, name)
        sheet.freeze_panes(1, 0)
        for number, row in enumerate(everything, start=1):
            for column, value in enumerate(_values(row)):
                text.write(sheet, number, column, value)
            count += 1
        if count:
            sheet.autofilter(0, 0, count, len(HEADERS) - 1)
        finish(book, temporary, path)
    except BaseException:
        discard(book, temporary)
        raise
    return count
