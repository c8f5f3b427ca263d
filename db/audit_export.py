"""Export the audit log (filtered as on screen) to an Excel workbook, without Qt.

openpyxl's write-only mode keeps memory flat for any number of rows.  The
workbook is written to a temporary file beside the chosen name and renamed
into place only when complete: an export interrupted at any point leaves no
partial file under the chosen name (and any earlier file there untouched).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from db.engine import Database
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

Report = Callable[[int, int, str], None]


def export_audit(
    db: Database, viewer_id: int, audit_filter: AuditFilter, path: Path, *, progress: Report | None = None
) -> int:
    """Write the matching entries to ``path`` (.xlsx); returns how many rows were written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    path = Path(path)
    total = count_audit(db, viewer_id, audit_filter)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Audit log")
    for column, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + column)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    written = 0
    try:
        for row in iter_audit(db, viewer_id, audit_filter):
            sheet.append(
                [
                    row.at,
                    row.user,
                    row.db_identity,
                    row.action,
                    row.entity,
                    row.entity_id,
                    row.before,
                    row.after,
                    row.reason,
                    row.decision_batch_id,
                ]
            )
            written += 1
            if progress is not None and (written == 1 or written % 1000 == 0):
                progress(written, total, f"Exported {written:,} of {total:,} audit entries…")
    except BaseException:
        with contextlib.suppress(Exception):
            sheet.close()  # finish openpyxl's half-written temporary sheet so nothing dangles
        raise
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx.part", dir=path.parent)
    os.close(handle)
    try:
        book.save(temp_name)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return written
