"""Tampering with exported workbooks and databases the way a mistaken or hostile user might."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import delete

from db.database_identity import DATABASE_ID_KEY
from db.engine import Database
from db.excel.layout import DATA_SHEET
from db.models import TrustSetting
from tests.excel_helpers import rows_by_id

STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
STRINGS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def edit_cells(path: Path, edits: Mapping[int, Mapping[int, object]]) -> None:
    """Set cells (0-based column → value) of the rows of these activity ids, as another program would."""
    where = rows_by_id(path)
    book = load_workbook(path)
    sheet = book[DATA_SHEET]
    for activity_id, cells in edits.items():
        for column, value in cells.items():
            sheet.cell(where[activity_id], column + 1).value = value
    book.save(path)


def with_parts(source: Path, target: Path, parts: dict[str, bytes], *, strings: bool = False) -> Path:
    """A copy of ``source`` with extra parts; ``strings`` also registers xl/sharedStrings.xml as Excel does."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            if item.filename in parts:
                continue
            body = old.read(item.filename)
            if strings and item.filename == "[Content_Types].xml":
                entry = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{STRINGS_TYPE}"/>'
                body = body.replace(b"</Types>", entry.encode() + b"</Types>")
            if strings and item.filename == "xl/_rels/workbook.xml.rels":
                rel = f'<Relationship Id="rIdStrings" Type="{STRINGS_REL}" Target="sharedStrings.xml"/>'
                body = body.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            new.writestr(item, body)
        for name, body in parts.items():
            new.writestr(name, body)
    return target


def shared_strings(size: int) -> bytes:
    """A shared-strings table of about ``size`` bytes of short, distinct strings: the costliest kind to hold."""
    head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    head += b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    count = (size - len(head) - 6) // 24  # each <si><t>12345678</t></si> is 24 bytes
    return head + b"".join(b"<si><t>%08x</t></si>" % i for i in range(count)) + b"</sst>"


def set_identity(db: Database, value: str | None) -> None:
    with db.transaction() as session:
        session.execute(delete(TrustSetting).where(TrustSetting.key == DATABASE_ID_KEY))
        if value is not None:
            session.add(TrustSetting(key=DATABASE_ID_KEY, value=value))
