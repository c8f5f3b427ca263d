"""Budget workbook export: what a reviewer opens (C6, C7; issue 4 parts 1, 2 and 5)."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from db.errors import PermissionDenied
from db.excel.evaluation_sheet import EVALUATION_SHEET, PEOPLE_SHEET
from db.excel.export import export_workbook
from db.excel.layout import BUDGET_SHEET, DATA_SHEET, FORMAT_ID, HEADERS, ID_COL, MARKER_SHEET, NOTES_SHEET
from db.models import CpdActivity, PartnershipState
from db.progress import Cancelled
from db.queries.activities import ActivityFilter, summarise
from db.queries.activity_export import filter_from_options
from tests.helpers import user_id


def test_data_sheet_has_every_matching_row_with_real_dates_money_and_a_decision_dropdown(demo_db, tmp_path) -> None:
    sam = user_id(demo_db, "sam.patel")
    filt = filter_from_options(demo_db, period="2025/26", state="pending")
    path = tmp_path / "review.xlsx"

    result = export_workbook(demo_db, sam, filt, path)

    expected = summarise(demo_db, sam, filt).count
    assert result.activities == expected > 100
    book = load_workbook(path)
    assert book.sheetnames == [DATA_SHEET, BUDGET_SHEET, EVALUATION_SHEET, PEOPLE_SHEET, NOTES_SHEET, MARKER_SHEET]
    assert book[MARKER_SHEET].sheet_state == "veryHidden"
    sheet = book[DATA_SHEET]
    assert tuple(cell.value for cell in sheet[1]) == HEADERS
    assert sheet.max_row == expected + 1
    assert sheet.freeze_panes == "D2"
    assert sheet.auto_filter.ref == f"A1:W{expected + 1}"
    first = sheet[2]
    starts, fee = first[HEADERS.index("Starts")], first[HEADERS.index("Course fee")]
    assert isinstance(starts.value, datetime) and starts.number_format == "dd/mm/yyyy"
    assert "£" in fee.number_format and isinstance(fee.value, int | float)
    assert first[HEADERS.index("Partnership")].value in {"Pending", "Needs re-authorisation"}
    ids_columns = sheet.column_dimensions["V"]  # ids and versions, far right, hidden and grouped
    assert ids_columns.hidden and ids_columns.outlineLevel == 1 and (ids_columns.min, ids_columns.max) == (22, 23)
    validations = sheet.data_validations.dataValidation
    dropdown = next(v for v in validations if v.type == "list")
    assert str(dropdown.sqref) == f"A2:A{expected + 1}"
    assert dropdown.formula1 == '"Authorise,Reject"' and dropdown.allow_blank
    ids = {row[ID_COL].value for row in sheet.iter_rows(min_row=2)}
    with demo_db.read() as session:
        states = set(session.scalars(select(CpdActivity.partnership_state).where(CpdActivity.id.in_(ids))))
    assert states == {PartnershipState.PENDING}


def test_budget_sheet_totals_match_the_database(demo_db, tmp_path) -> None:
    alex = user_id(demo_db, "alex.morgan")
    filt = filter_from_options(demo_db, period="2025/26")
    path = export_workbook(demo_db, alex, filt, tmp_path / "budget.xlsx").path

    sheet = load_workbook(path)[BUDGET_SHEET]
    header = [cell.value for cell in sheet[1]]
    assert header[:8] == ["Period", "Organisation", "URN", "Budget", "Authorised", "Pending", "Rejected", "Remaining"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2) if row[0].value]
    lines = [row for row in rows if not str(row[1]).startswith("Total")]
    total = next(row for row in rows if row[1] == "Total 2025/26")
    assert total[4] == pytest.approx(sum(row[4] for row in lines))
    with demo_db.read() as session:
        authorised = session.scalar(
            select(func.sum(CpdActivity.total_cost_pence)).where(
                CpdActivity.period_id == filt.period_id,
                CpdActivity.partnership_state == PartnershipState.AUTHORISED,
            )
        )
    assert round(total[4] * 100) == authorised
    for row in lines:
        if isinstance(row[3], float | int):
            assert row[7] == pytest.approx(row[3] - row[4])  # remaining = budget − authorised


def test_notes_say_what_who_when_where_and_which_filter(demo_db, tmp_path) -> None:
    sam = user_id(demo_db, "sam.patel")
    filt = ActivityFilter(search="phonics", partnership_state=PartnershipState.PENDING)
    path = export_workbook(demo_db, sam, filt, tmp_path / "n.xlsx").path

    book = load_workbook(path)
    notes = {row[0].value: row[1].value for row in book[NOTES_SHEET].iter_rows(min_row=3) if row[0].value}
    assert "Sam Patel (sam.patel)" in notes["Exported by"]
    assert notes["From database"] == demo_db.display
    assert notes["Filter — Search"] == "“phonics”"
    assert notes["Filter — Partnership authorisation"] == "pending"
    assert "Exported at" in notes
    marker = {row[0].value: row[1].value for row in book[MARKER_SHEET].iter_rows()}
    assert marker["format"] == FORMAT_ID and marker["exported_by"] == "sam.patel"


def test_typed_text_that_looks_like_a_formula_is_written_as_text(demo_db, tmp_path) -> None:
    sam = user_id(demo_db, "sam.patel")
    nasty = {
        "title": '=HYPERLINK("http://evil.example","Click")',
        "provider": "+44 1632 960000",
        "activity_type": "-2+3",
    }
    with demo_db.transaction() as session:
        target = session.scalar(
            select(CpdActivity.id).where(CpdActivity.partnership_state == PartnershipState.PENDING).limit(1)
        )
        session.execute(update(CpdActivity).where(CpdActivity.id == target).values(**nasty))
    path = export_workbook(demo_db, sam, ActivityFilter(search="evil.example"), tmp_path / "x.xlsx").path

    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    row = load_workbook(path)[DATA_SHEET][2]
    for column, value in (("Activity", nasty["title"]), ("Provider", nasty["provider"]), ("Type", "-2+3")):
        cell = row[HEADERS.index(column)]
        assert cell.value == value and cell.data_type == "s"
        assert cell.quotePrefix  # stays text even when edited in Excel


def test_the_file_appears_only_when_complete(demo_db, tmp_path) -> None:
    sam = user_id(demo_db, "sam.patel")
    path = tmp_path / "keep.xlsx"
    path.write_bytes(b"the previous export")

    class CancelMidway:
        def report(self, done: int, total: int, text: str = "") -> None:
            pass

        def check_cancelled(self) -> None:
            raise Cancelled()

    with pytest.raises(Cancelled):
        export_workbook(demo_db, sam, ActivityFilter(), path, progress=CancelMidway())
    assert path.read_bytes() == b"the previous export"
    assert [p.name for p in tmp_path.iterdir() if "xlsx" in p.name] == ["keep.xlsx"]


def test_a_user_who_cannot_see_partnership_cpd_exports_nothing(db, tmp_path) -> None:
    with pytest.raises(PermissionDenied):
        export_workbook(db, 999, ActivityFilter(), tmp_path / "none.xlsx")
    assert not (tmp_path / "none.xlsx").exists()


def test_export_refuses_a_name_without_xlsx(demo_db, tmp_path) -> None:
    from db.errors import ValidationError

    with pytest.raises(ValidationError, match=r"\.xlsx"):
        export_workbook(demo_db, user_id(demo_db, "sam.patel"), ActivityFilter(), Path(tmp_path / "budget.csv"))


def test_a_target_that_cannot_be_replaced_keeps_the_old_file(demo_db, tmp_path, monkeypatch) -> None:
    from db.errors import ValidationError

    path = tmp_path / "open-in-excel.xlsx"
    path.write_bytes(b"yesterday's workbook")

    def locked(_src, _dst) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("db.excel.writer.os.replace", locked)
    with pytest.raises(ValidationError, match="open in another program"):
        export_workbook(demo_db, user_id(demo_db, "sam.patel"), ActivityFilter(search="phonics"), path)
    assert path.read_bytes() == b"yesterday's workbook"
    assert [p.name for p in tmp_path.iterdir() if "xlsx" in p.name] == ["open-in-excel.xlsx"]
