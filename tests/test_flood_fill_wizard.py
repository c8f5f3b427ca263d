"""The flood-fill wizard in the real window: choose, describe, review, create in the background (F1-F6)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from sqlalchemy import func, select

import desktop.modules.flood_fill.panel as flood_fill_panel
from db.models import CpdActivity, FloodFillBatch, Job, Module, Organisation
from db.queries.activities import ACTIVITIES
from db.queries.flood_fill import FLOOD_FILLS
from db.queries.groups import group_usage, list_groups
from db.scope import scope_for
from tests.gui_helpers import close_window, open_window
from tests.helpers import user_id

KS2 = "Key Stage Groups › KS2"


@pytest.fixture
def window(qtbot, demo_db, tmp_path):
    window = open_window(qtbot, demo_db, tmp_path, "sam.patel")
    yield window
    close_window(window)


def open_wizard(qtbot, window):
    panel = window.panels["flood_fill"]
    panel.activate()
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=10_000)
    panel.open_wizard()
    page = panel.wizard.jobs_page
    qtbot.waitUntil(lambda: page.value_box.count() > 0 and page.model.rowCount() > 0, timeout=10_000)
    return panel, panel.wizard


def choose_ks2(qtbot, wizard) -> int:
    page = wizard.jobs_page
    page.kind_box.setCurrentIndex(page.kind_box.findData("group"))
    page.value_box.setCurrentIndex(page.value_box.findText(KS2))
    page.add_quick_button.click()
    qtbot.waitUntil(lambda: len(page.selection) > 0, timeout=10_000)
    return len(page.selection)


def describe(wizard, title: str = "INSET: KS2 reading fluency") -> None:
    page = wizard.activity_page
    page.title_edit.setText(title)
    page.type_box.setCurrentText("INSET")
    page.provider_edit.setText("Trust English hub")
    page.starts_edit.setDate(QDate(2026, 1, 5))
    page.ends_edit.setDate(QDate(2026, 1, 5))
    page.cover_box.setValue(120.0)


def test_wizard_creates_the_fill_in_the_background_and_back_keeps_the_selection(qtbot, window, demo_db) -> None:
    panel, wizard = open_wizard(qtbot, window)
    assert not wizard.next_button.isEnabled()  # nothing chosen yet
    chosen = choose_ks2(qtbot, wizard)
    assert wizard.count_label.text() == f"{chosen:,} staff chosen"

    # one by one: a tick adds an unchosen job, and the count follows
    model = wizard.jobs_page.model
    row = next(n for n in range(model.rowCount()) if model.row_at(n).job_id not in wizard.jobs_page.selection)
    assert model.setData(model.index(row, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.data(model.index(row, 0), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    chosen += 1
    assert wizard.count_label.text() == f"{chosen:,} staff chosen"

    wizard.next()
    assert wizard.step == 1
    wizard.next()  # no title yet
    assert wizard.step == 1 and "title" in wizard.activity_page.error_label.text()
    describe(wizard)
    wizard.activity_page.ends_edit.setDate(QDate(2026, 1, 2))
    wizard.next()
    assert wizard.step == 1 and "before it starts" in wizard.activity_page.error_label.text()
    wizard.activity_page.ends_edit.setDate(QDate(2026, 1, 5))
    wizard.next()
    assert wizard.step == 2
    review = wizard.review_page.model
    qtbot.waitUntil(lambda: review.rowCount() > 0 and wizard.create_button.isEnabled(), timeout=10_000)
    # anyone chosen twice (a school job and its partnership job) gets it once: the review's default
    created = len(wizard.final_job_ids())
    assert created == chosen - len(wizard.repeats.drop)
    assert sum(share.jobs for share in review.rows) == created

    wizard.back()
    wizard.back()
    assert wizard.step == 0 and len(wizard.jobs_page.selection) == chosen
    wizard.next()
    assert wizard.activity_page.title_edit.text() == "INSET: KS2 reading fluency"
    wizard.next()
    qtbot.waitUntil(lambda: wizard.create_button.isEnabled(), timeout=10_000)

    kinds: list[str] = []
    window.context.bus.changed.connect(lambda change: kinds.append(change.kind))
    with qtbot.waitSignal(window.context.ops.finished, timeout=20_000):
        wizard.create_button.click()
        assert panel.stack.currentIndex() == 0  # back to the history at once: the window stays usable
    qtbot.waitUntil(lambda: FLOOD_FILLS in kinds and ACTIVITIES in kinds, timeout=10_000)
    with demo_db.read() as session:
        batch_id, title, recorded = session.execute(
            select(FloodFillBatch.id, FloodFillBatch.title, FloodFillBatch.activity_count).order_by(
                FloodFillBatch.id.desc()
            )
        ).first()
        assert title == "INSET: KS2 reading fluency" and recorded == created
        count = session.scalar(
            select(func.count()).select_from(CpdActivity).where(CpdActivity.flood_fill_batch_id == batch_id)
        )
        assert count == created
    assert len(wizard.jobs_page.selection) == 0  # cleared only after success
    ks2 = next(g for g in list_groups(demo_db, user_id(demo_db, "sam.patel")) if g.name == "KS2")
    assert group_usage(demo_db, group_id=ks2.id).flood_fills == 1  # deleting KS2 would say so

    # the history opens Partnership CPD filtered to the batch
    qtbot.waitUntil(lambda: batch_id in [row.id for row in panel.model.rows], timeout=10_000)
    panel.table.selectRow([row.id for row in panel.model.rows].index(batch_id))
    panel.show_selected_activities()
    cpd = window.panels["partnership_cpd"]
    qtbot.waitUntil(lambda: cpd.model.rowCount() == created, timeout=10_000)
    assert {cpd.model.row_at(n).title for n in range(cpd.model.rowCount())} == {"INSET: KS2 reading fluency"}


def test_a_refused_fill_goes_back_to_the_review_with_nothing_lost(qtbot, window, demo_db, monkeypatch) -> None:
    errors = []
    monkeypatch.setattr(flood_fill_panel, "show_error", lambda _parent, error: errors.append(error))
    panel, wizard = open_wizard(qtbot, window)
    chosen = choose_ks2(qtbot, wizard)
    sam = user_id(demo_db, "sam.patel")
    with demo_db.read() as session:
        allowed = scope_for(session, sam).orgs(Module.FLOOD_FILL, at_least=3)
        outside, org = session.execute(
            select(Job.id, Organisation.name)
            .join(Organisation, Organisation.id == Job.organisation_id)
            .where(Job.organisation_id.not_in(sorted(allowed)))
            .limit(1)
        ).one()
    wizard.jobs_page.selection.add(outside)  # e.g. chosen before a sharing agreement changed
    wizard.next()
    describe(wizard)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.create_button.isEnabled(), timeout=10_000)
    with qtbot.waitSignal(window.context.ops.finished, timeout=20_000):
        wizard.create_button.click()
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert org in errors[0].message and "nothing was created" in errors[0].message
    assert panel.stack.currentIndex() == 1 and wizard.step == 2
    assert len(wizard.jobs_page.selection) == chosen + 1
    with demo_db.read() as session:
        assert not session.scalar(
            select(func.count()).select_from(FloodFillBatch).where(FloodFillBatch.title.like("INSET: KS2%"))
        )


def test_wizard_models_pass_the_model_tester(qtbot, check_model, window) -> None:
    _panel, wizard = open_wizard(qtbot, window)
    choose_ks2(qtbot, wizard)
    check_model(wizard.jobs_page.model)
    wizard.next()
    describe(wizard)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.review_page.model.rowCount() > 0, timeout=10_000)
    check_model(wizard.review_page.model)
    assert date(2026, 1, 5) == wizard.spec.starts_on


def test_a_running_fill_can_be_cancelled_from_the_status_bar(qtbot, window, demo_db, monkeypatch) -> None:
    import threading

    from db.progress import Cancelled

    errors = []
    monkeypatch.setattr(flood_fill_panel, "show_error", lambda _parent, error: errors.append(error))
    started, release = threading.Event(), threading.Event()
    real = flood_fill_panel.create_flood_fill

    def slow_fill(*args, **kwargs):  # still working when the user clicks Cancel
        started.set()
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(flood_fill_panel, "create_flood_fill", slow_fill)
    _panel, wizard = open_wizard(qtbot, window)
    choose_ks2(qtbot, wizard)
    wizard.next()
    describe(wizard, "INSET: to be cancelled")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.create_button.isEnabled(), timeout=10_000)
    wizard.create_button.click()
    qtbot.waitUntil(started.is_set, timeout=10_000)
    assert window.cancel_button.isVisible() and "Flood fill" in window.activity_label.text()
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    assert "Cancelling" in window.activity_label.text()
    with qtbot.waitSignal(window.context.ops.finished, timeout=20_000):
        release.set()
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert isinstance(errors[0], Cancelled) and "nothing was changed" in errors[0].message
    assert not window.cancel_button.isVisible()
    with demo_db.read() as session:
        assert not session.scalar(
            select(func.count()).select_from(FloodFillBatch).where(FloodFillBatch.title == "INSET: to be cancelled")
        )
