"""Hostile workbooks are refused with one clear sentence before anything changes (issue 4 part 5)."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

import db.excel.workbook_reader as reader
from db.excel.export import export_workbook
from db.excel.import_decisions import import_decisions
from db.excel.layout import DATA_SHEET, MARKER_SHEET
from db.excel.safety import WorkbookRefused
from db.models import DecisionBatch, PartnershipState
from db.queries.activities import ActivityFilter
from tests.excel_helpers import record_decisions, versions_in
from tests.helpers import user_id

SMALL = ActivityFilter(partnership_state=PartnershipState.PENDING, search="phonics")


@pytest.fixture
def decided(demo_db, tmp_path):
    """A genuine export with every row marked Authorise: importing it would change data."""
    sam = user_id(demo_db, "sam.patel")
    path = export_workbook(demo_db, sam, SMALL, tmp_path / "genuine.xlsx").path
    record_decisions(path, {i: ("Authorise", "") for i in versions_in(path)})
    return sam, path


def refused(db, sam, path, message: str) -> None:
    with db.read() as session:
        before = session.scalar(select(func.count()).select_from(DecisionBatch))
    with pytest.raises(WorkbookRefused, match=message):
        import_decisions(db, sam, path)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(DecisionBatch)) == before


def test_a_workbook_that_is_not_ours(demo_db, decided, tmp_path) -> None:
    sam, _ = decided
    other = Workbook()
    other.active.append(["Decision", "Reason"])
    other.active.append(["Authorise", ""])
    other.save(tmp_path / "other.xlsx")
    refused(demo_db, sam, tmp_path / "other.xlsx", "is not a TrustDesk budget workbook")


def test_a_forged_marker_of_another_format_version(demo_db, decided) -> None:
    sam, path = decided
    book = load_workbook(path)
    book[MARKER_SHEET]["B2"] = "99"
    book.save(path)
    refused(demo_db, sam, path, "format 99")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ("swap", "column A should be “Decision” but is “Reason”"),
        ("rename", "column E should be “Activity” but is “Course”"),
        ("delete", "column C should be “Individual” but is “Organisation”"),
        ("add", "a column “My notes” was added"),
    ],
)
def test_moved_renamed_deleted_or_added_columns(demo_db, decided, edit, message) -> None:
    sam, path = decided
    book = load_workbook(path)
    sheet = book[DATA_SHEET]
    if edit == "swap":
        sheet.move_range("A1:B1", cols=30)
        sheet.move_range("AE1", cols=-29)
        sheet.move_range("AF1", cols=-31)
    elif edit == "rename":
        sheet["E1"] = "Course"
    elif edit == "delete":
        sheet.delete_cols(3)
    else:
        sheet.cell(1, 24).value = "My notes"
    book.save(path)
    refused(demo_db, sam, path, message)


def test_a_truncated_file(demo_db, decided, tmp_path) -> None:
    sam, path = decided
    data = path.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    refused(demo_db, sam, cut, "damaged or incomplete")


def test_a_password_protected_workbook(demo_db, decided, tmp_path) -> None:
    sam, _ = decided
    # Excel saves an encrypted .xlsx as an OLE compound file: this header, then encrypted streams.
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 4096)
    refused(demo_db, sam, locked, "password-protected")


def test_a_file_that_is_not_a_workbook_at_all(demo_db, decided, tmp_path) -> None:
    sam, _ = decided
    text = tmp_path / "notes.xlsx"
    text.write_text("Decision,Reason\nAuthorise,\n")
    refused(demo_db, sam, text, "is not an Excel workbook")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    refused(demo_db, sam, empty, "is empty")


def test_a_zip_bomb(demo_db, decided, tmp_path) -> None:
    sam, path = decided
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/media/padding.bin", b"\0" * (64 * 1024 * 1024))
    refused(demo_db, sam, bomb, "implausible size")


def test_a_workbook_with_too_many_rows(demo_db, decided, monkeypatch) -> None:
    sam, path = decided
    monkeypatch.setattr(reader, "MAX_IMPORT_ROWS", 3)
    assert len(versions_in(path)) > 3
    refused(demo_db, sam, path, "rows")
