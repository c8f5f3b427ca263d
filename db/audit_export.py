"""Export the audit log (filtered as on screen) to an Excel workbook, without Qt.

Written with XlsxWriter in constant-memory mode through ``db.excel.writer``,
the one writer every TrustDesk export uses: names, reasons and the before and
after values are people's text and must never become formulas (X1).  Memory
stays flat for any number of rows.  The workbook is written to a temporary file
beside the chosen name and renamed into place only when complete: an export
interrupted at any point leaves no partial file under the chosen name (and any
earlier file there untouched).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from db.engine import Database
from db.excel.writer import TextStyle, check_target, discard, finish, open_workbook, temporary_beside
from db.queries.audit import AuditFilter, count_audit, iter_audit

HEADERS = (
    "When (UTC)",
    "User",
    "Database login",
    "Action",
    "Entity",
    "Entity id",
    "Before",
    "After",
    "Reason",
    "Batch",
)
WIDTHS = (20, 24, 18, 24, 16, 10, 40, 40, 40, 8)
SHEET = "Audit log"

Report = Callable[[int, int, str], None]


def export_audit(
    db: Database, viewer_id: int, audit_filter: AuditFilter, path: Path, *, progress: Report | None = None
) -> int:
    """Write the matching entries to ``path`` (.xlsx); returns how many rows were written."""
    path = Path(path)
    check_target(path, (".xlsx",))
    total = count_audit(db, viewer_id, audit_filter)
    temporary = temporary_beside(path)
    book = open_workbook(temporary)
    written = 0
    try:
        sheet = book.add_worksheet(SHEET)
        for column, width in enumerate(WIDTHS):
            sheet.set_column(column, column, width)
        sheet.freeze_panes(1, 0)
        header = TextStyle(book, {"bold": True})
        text = TextStyle(book)
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss", "align": "left"})
        for column, title in enumerate(HEADERS):
            header.write(sheet, 0, column, title)
        for row in iter_audit(db, viewer_id, audit_filter):
            r = written + 1
            sheet.write_datetime(r, 0, row.at, when)
            for column, value in ((1, row.user), (2, row.db_identity), (3, row.action), (4, row.entity)):
                text.write(sheet, r, column, value or "")
            if row.entity_id is not None:
                sheet.write_number(r, 5, row.entity_id)
            for column, value in ((6, row.before), (7, row.after), (8, row.reason)):
                text.write(sheet, r, column, value or "")
            if row.decision_batch_id is not None:
                sheet.write_number(r, 9, row.decision_batch_id)
            written += 1
            if progress is not None and (written == 1 or written % 1000 == 0):
                progress(written, total, f"Exported {written:,} of {total:,} audit entries…")
        finish(book, temporary, path)
    except BaseException:
        discard(book, temporary)
        raise
    return written
