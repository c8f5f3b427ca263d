""" "Export what I see": the Partnership CPD table as filtered, sorted and laid out, to .xlsx or .csv."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from sqlalchemy import select, update

from db.errors import PermissionDenied, ValidationError
from db.excel.view_export import VIEW_COLUMNS, export_view
from db.models import CpdActivity
from db.progress import Cancelled
from db.queries.activities import ActivityFilter, summarise
from desktop.dialogs.save_as import CSV, XLSX, save_dialog
from desktop.modules.partnership_cpd.activity_table_model import COL_COST, COL_INDIVIDUAL, COL_TITLE, COL_TYPE
from desktop.modules.partnership_cpd.export_dialog import ExportDialog
from desktop.modules.partnership_cpd.view_export_action import visible_columns
from tests.gui_helpers import close_window, open_window, shown_windows, wait_for_window
from tests.helpers import user_id

PHONICS = ActivityFilter(search="phonics", sort="cost", descending=False)


def test_xlsx_has_the_chosen_columns_in_order_and_the_rows_in_the_sort(demo_db, tmp_path) -> None:
    sam = user_id(demo_db, "sam.patel")
    columns = ["title", "cost", "individual", "start", "partnership"]
    result = export_view(demo_db, sam, PHONICS, columns, tmp_path / "view.xlsx")

    assert result.rows == summarise(demo_db, sam, PHONICS).count > 1
    book = load_workbook(result.path)
    sheet = book["Activities"]
    assert [cell.value for cell in sheet[1]] == ["Activity", "Total cost", "Individual", "Start", "Partnership"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == result.rows
    assert all("phonics" in row[0].lower() for row in rows)
    costs = [row[1] for row in rows]
    assert costs == sorted(costs) and all(isinstance(cost, int | float) for cost in costs)
    assert isinstance(rows[0][3], datetime) and sheet["B2"].number_format.startswith('"£"')
    notes = {row[0].value: row[1].value for row in book["Notes"].iter_rows(min_row=3) if row[0].value}
    assert notes["Filter — Search"] == "“phonics”" and notes["Filter — Sorted by"] == "cost, ascending"
    assert f"{result.rows:,} activities, 5 columns" in notes["What"]
    assert "Search: “phonics”" in result.filter_text


def test_csv_is_utf8_with_bom_rfc4180_and_plain_numbers(demo_db, tmp_path) -> None:
    sam = user_id(demo_db, "sam.patel")
    with demo_db.transaction() as session:
        target = session.scalar(select(CpdActivity.id).where(CpdActivity.title.ilike("%phonics%")).limit(1))
        session.execute(
            update(CpdActivity).where(CpdActivity.id == target).values(title='Phonics, "the sequel"\nday 2 — Café')
        )
    result = export_view(demo_db, sam, PHONICS, ["title", "cost", "start"], tmp_path / "view.csv")

    data = result.path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    assert b'"Phonics, ""the sequel""\nday 2 \xe2\x80\x94 Caf\xc3\xa9"' in data  # quoted, quotes doubled
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Activity", "Total cost", "Start"]
    assert len(rows) == result.rows + 1
    assert 'Phonics, "the sequel"\nday 2 — Café' in [row[0] for row in rows]
    costs = [float(row[1]) for row in rows[1:]]
    assert costs == sorted(costs)
    assert all(len(row[2]) == 10 and row[2][4] == "-" for row in rows[1:])  # ISO dates


def test_every_column_can_be_exported(demo_db, tmp_path) -> None:
    sam = user_id(demo_db, "sam.patel")
    result = export_view(demo_db, sam, PHONICS, list(VIEW_COLUMNS), tmp_path / "all.xlsx")
    header = [cell.value for cell in load_workbook(result.path)["Activities"][1]]
    assert header == [column.header for column in VIEW_COLUMNS.values()]


def test_a_cancel_leaves_the_earlier_file(demo_db, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("db.excel.view_export.PROGRESS_EVERY", 10)
    out = tmp_path / "out"
    out.mkdir()
    for name in ("keep.xlsx", "keep.csv"):
        path = out / name
        path.write_bytes(b"last week's export")

        class CancelMidway:
            def report(self, done: int, total: int, text: str = "") -> None:
                pass

            def check_cancelled(self) -> None:
                raise Cancelled()

        with pytest.raises(Cancelled):
            export_view(
                demo_db, user_id(demo_db, "sam.patel"), ActivityFilter(), ["title"], path, progress=CancelMidway()
            )
        assert path.read_bytes() == b"last week's export"
    assert sorted(p.name for p in out.iterdir()) == ["keep.csv", "keep.xlsx"]


def test_refusals_are_one_sentence_and_write_nothing(demo_db, db, tmp_path) -> None:
    sam = user_id(demo_db, "sam.patel")
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(ValidationError, match=r"\.xlsx or \.csv"):
        export_view(demo_db, sam, PHONICS, ["title"], tmp_path / "view.txt")
    with pytest.raises(ValidationError, match="no column called “salary”"):
        export_view(demo_db, sam, PHONICS, ["title", "salary"], tmp_path / "view.csv")
    with pytest.raises(ValidationError, match="at least one column"):
        export_view(demo_db, sam, PHONICS, [], tmp_path / "view.csv")
    with pytest.raises(PermissionDenied):
        export_view(db, 999, ActivityFilter(), ["title"], tmp_path / "view.csv")
    assert list(tmp_path.iterdir()) == []


def test_save_dialog_confirms_overwriting_and_adds_the_chosen_type(qtbot, tmp_path) -> None:
    dialog = save_dialog(None, "Export", tmp_path / "view.csv", [XLSX, CSV])
    qtbot.addWidget(dialog)
    assert not dialog.testOption(QFileDialog.Option.DontConfirmOverwrite)
    assert dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    assert dialog.selectedNameFilter() == CSV[0] and dialog.defaultSuffix() == "csv"
    dialog.filterSelected.emit(XLSX[0])
    assert dialog.defaultSuffix() == "xlsx"


def _when_modal(kind: type, then) -> None:
    """Run ``then(widget)`` once a modal ``kind`` is up (polling: a busy machine may be slow to show it)."""

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible():
            then(widget)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def _answer_save_dialog(path: Path, replace: bool | None) -> list[str]:
    """When the save dialog opens, type ``path`` (without its extension) and Save; answer the overwrite question."""
    seen: list[str] = []

    def question(box: QMessageBox) -> None:
        seen.append(box.text())
        box.button(QMessageBox.StandardButton.Yes if replace else QMessageBox.StandardButton.No).click()

    def save(dialog: QFileDialog) -> None:
        dialog.selectNameFilter(XLSX[0] if path.suffix == ".xlsx" else CSV[0])
        dialog.filterSelected.emit(dialog.selectedNameFilter())
        # the whole path (a directory change and a name apart may race), but no extension typed: the
        # dialog adds the chosen type's
        dialog.selectFile(str(path.parent / path.stem))
        if replace is not None:
            _when_modal(QMessageBox, question)
        dialog.accept()  # with the file there, this asks (a nested modal question) before closing
        if dialog.isVisible():  # "No": the dialog stays open and the user gives up
            dialog.reject()

    _when_modal(QFileDialog, save)
    return seen


def _close(window) -> None:
    """Close the window even after a failed assertion: no export left running, no box left open."""
    window.context.ops.wait_for_done(30_000)
    QApplication.processEvents()  # deliver the finished work's replies, so the window knows nothing is running
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox | QFileDialog) and widget.isVisible():
            widget.done(0)
    close_window(window)


def test_panel_exports_its_visible_columns_in_screen_order(qtbot, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path)
    try:
        panel = window.panels["partnership_cpd"]
        panel.activate()
        qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=10_000)
        qtbot.waitUntil(lambda: not panel.context.ops.running, timeout=10_000)
        header = panel.table.horizontalHeader()
        header.moveSection(header.visualIndex(COL_COST), 1)  # Total cost dragged to the far left
        panel.table.setColumnHidden(COL_TYPE, True)
        columns = visible_columns(panel.table)
        assert columns[:3] == ["cost", "individual", "title"] and "type" not in columns
        assert header.visualIndex(COL_INDIVIDUAL) < header.visualIndex(COL_TITLE)

        path = tmp_path / "seen.csv"
        _answer_save_dialog(path, replace=None)
        window.module_actions["export_view"].trigger()
        qtbot.waitUntil(lambda: path.exists(), timeout=20_000)
        qtbot.waitUntil(lambda: not panel.context.ops.running, timeout=10_000)
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
        assert rows[0][:3] == ["Total cost", "Individual", "Activity"] and "Type" not in rows[0]
        assert len(rows) - 1 == summarise(demo_db, user_id(demo_db, "sam.patel"), panel.filter).count

    finally:
        _close(window)


def test_budget_export_asks_before_replacing_a_workbook(qtbot, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path)
    try:
        actions = window.panels["partnership_cpd"].workbook
        actions.export()
        dialog = wait_for_window(qtbot, ExportDialog)
        path = tmp_path / "budget.xlsx"
        path.write_bytes(b"yesterday's workbook")
        dialog.path_edit.setText(str(tmp_path / "budget"))  # typed without .xlsx: still the same file
        dialog._accept()
        box = dialog.confirm_box
        assert box is not None and box.isVisible() and "already exists" in box.text()
        box.button(QMessageBox.StandardButton.No).click()
        assert dialog.isVisible() and path.read_bytes() == b"yesterday's workbook"
        dialog.buttons.accepted.emit()
        dialog.confirm_box.button(QMessageBox.StandardButton.Yes).click()
        qtbot.waitUntil(lambda: any("Exported" in box.text() for box in shown_windows(QMessageBox)), timeout=20_000)
        assert path.read_bytes().startswith(b"PK")  # the workbook is a real export now
    finally:
        close_window(window)
