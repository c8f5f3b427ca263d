"""The permissions report (who holds what, where, granted by whom and when) as an Excel workbook.

The rows are exactly those of ``db.queries.user_admin.permissions_report`` for the
same filter, which also checks the report permission: someone without it gets
its one-sentence refusal and no file.  Names, titles and group names are
people's text, so every text cell goes through ``db.excel.writer``'s
``TextStyle`` (X1).  The workbook is written beside the chosen name and renamed
into place when complete, so a failure leaves no partial file.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from db.audit_text import local_zone
from db.engine import Database
from db.excel.writer import TextStyle, check_target, discard, finish, open_workbook, temporary_beside
from db.models import Organisation, OrgKind
from db.queries.user_admin import GrantRow, ReportFilter, permissions_report

SHEET = "Permissions"
HEADERS = (
    "User",
    "Username",
    "Module",
    "Level",
    "Where",
    "Groups",
    "Title",
    "Report permission",
    "User active",
    "Granted by",
    "Granted on",
)
WIDTHS = (26, 18, 18, 24, 28, 28, 24, 10, 10, 26, 17)
#: the title line, then a blank line, then the header row
HEADER_ROW = 2


def _trust_name(db: Database) -> str:
    with db.read() as session:
        return session.scalar(select(Organisation.name).where(Organisation.kind == OrgKind.TRUST)) or "TrustDesk"


def uk_time(at: datetime) -> datetime:
    """A stored (naive UTC) time as UK wall-clock time, naive again for the spreadsheet cell."""
    zone = local_zone()
    aware = at.replace(tzinfo=UTC) if at.tzinfo is None else at
    return (aware.astimezone(zone) if zone is not None else aware).replace(tzinfo=None)


def _texts(row: GrantRow) -> tuple[str, ...]:
    return (
        row.user,
        row.username,
        row.module_label,
        row.level_label,
        row.where,
        row.groups,
        row.title,
        "Yes" if row.is_report else "No",
        "Yes" if row.user_active else "No",
        row.granted_by,
    )


def export_permissions_report(
    db: Database, user_id: int, path: Path, report_filter: ReportFilter | None = None, *, today: date | None = None
) -> int:
    """Write the report's rows for ``report_filter`` to ``path`` (.xlsx); returns how many grants were written."""
    path = Path(path)
    check_target(path, (".xlsx",))
    rows = permissions_report(db, user_id, report_filter)  # refuses without the permission, before any file
    title = f"Permissions report — {_trust_name(db)} — {(today or date.today()):%d/%m/%Y}"
    temporary = temporary_beside(path)
    book = open_workbook(temporary)
    try:
        sheet = book.add_worksheet(SHEET)
        for column, width in enumerate(WIDTHS):
            sheet.set_column(column, column, width)
        heading = TextStyle(book, {"bold": True, "font_size": 13})
        header = TextStyle(book, {"bold": True, "bottom": 1})
        text = TextStyle(book)
        when = book.add_format({"num_format": "dd/mm/yyyy hh:mm", "align": "left"})
        heading.write(sheet, 0, 0, title)
        for column, name in enumerate(HEADERS):
            header.write(sheet, HEADER_ROW, column, name)
        sheet.freeze_panes(HEADER_ROW + 1, 0)
        for number, row in enumerate(rows, start=HEADER_ROW + 1):
            for column, value in enumerate(_texts(row)):
                text.write(sheet, number, column, value)
            sheet.write_datetime(number, len(HEADERS) - 1, uk_time(row.granted_at), when)
        if rows:
            sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + len(rows), len(HEADERS) - 1)
        finish(book, temporary, path)
    except BaseException:
        discard(book, temporary)
        raise
    return len(rows)
