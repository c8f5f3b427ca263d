"""File › Trust settings… as a primary user uses it: start month with preview and confirmation, cover limits,
name, logo and budget periods; refused users see it disabled. SQLite only (widgets)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from db.models import AcademicPeriod, CoverLimit, TrustSetting
from db.queries.trust_settings import RoleLimit, load_trust_settings, preview_start_month
from desktop.dialogs import trust_settings_dialog
from desktop.dialogs.trust_settings_dialog import TrustSettingsDialog
from tests.gui_helpers import close_window, make_context, open_window
from tests.helpers import user_id
from tests.test_trust_settings import png


@pytest.fixture
def errors(monkeypatch) -> list:
    shown: list = []
    monkeypatch.setattr(trust_settings_dialog, "show_error", lambda _parent, error: shown.append(error.message))
    return shown


def _dialog(qtbot, db, tmp_path: Path, username: str = "alex.morgan") -> TrustSettingsDialog:
    dialog = TrustSettingsDialog(make_context(db, tmp_path, username))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.settings is not None, timeout=10_000)
    return dialog


def _close(dialog: TrustSettingsDialog) -> None:
    dialog.context.ops.wait_for_done(10_000)
    dialog.close()


def test_the_start_month_is_applied_after_a_confirmation_naming_the_count(qtbot, demo_db, tmp_path, errors) -> None:
    dialog = _dialog(qtbot, demo_db, tmp_path)
    expected = preview_start_month(demo_db, user_id(demo_db, "alex.morgan"), 7)
    assert expected.activities > 0
    asked: list[str] = []
    answers = [False, True]
    dialog.confirm = lambda _title, text: (asked.append(text), answers.pop(0))[1]  # type: ignore[method-assign]

    dialog.year_tab.month_box.setCurrentIndex(6)  # July
    qtbot.waitUntil(lambda: dialog.year_tab.preview is not None, timeout=10_000)
    assert dialog.year_tab.preview_label.text() == (
        f"Changing to July moves {expected.activities:,} activities to another period (budgets are kept per period)."
    )
    assert dialog.year_tab.apply_button.isEnabled()

    qtbot.mouseClick(dialog.year_tab.apply_button, Qt.MouseButton.LeftButton)  # cancelled: nothing happens
    dialog.context.ops.wait_for_done(10_000)
    assert load_trust_settings(demo_db, dialog.context.user.id).start_month == 9

    qtbot.mouseClick(dialog.year_tab.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.settings is not None and dialog.settings.start_month == 7, timeout=20_000)
    assert len(asked) == 2 and f"{expected.activities:,} activities will move" in asked[1]
    assert errors == []
    with demo_db.read() as session:
        assert session.get(TrustSetting, "academic_year_start_month").value == "7"
        starts = {p.starts_on.month for p in session.scalars(select(AcademicPeriod))}
    assert starts == {7}
    assert dialog.period_model.rowCount() == len(dialog.settings.periods)
    assert all(row.starts_on.month == 7 for row in dialog.period_model.rows)
    tab = dialog.year_tab
    assert tab.month_box.currentData() == 7 and not tab.apply_button.isEnabled()
    assert tab.preview_label.text().startswith("The academic year starts on 1 July.")
    _close(dialog)


def test_cover_limits_names_and_periods_are_saved_from_their_tabs(qtbot, demo_db, tmp_path, errors, check_model):
    dialog = _dialog(qtbot, demo_db, tmp_path)
    check_model(dialog.role_model)
    check_model(dialog.period_model)
    periods = dialog.period_model.rowCount()

    dialog.default_spin.setValue(6.5)
    qtbot.mouseClick(dialog.save_default_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.settings.default_cover_limit == 6.5, timeout=10_000)

    role = dialog.settings.roles[0]
    dialog.ask_role_limit = lambda existing: (role, 3.5) if existing is None else (existing.role, 4.0)  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.add_role_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.role_model.rowCount() == 1, timeout=10_000)
    assert dialog.role_model.rows[0].role == role and dialog.role_model.rows[0].days == 3.5
    dialog.role_table.selectRow(0)
    qtbot.mouseClick(dialog.edit_role_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.role_model.rows[0].days == 4.0, timeout=10_000)

    dialog.confirm = lambda _title, _text: True  # type: ignore[method-assign]
    dialog.role_table.selectRow(0)
    qtbot.mouseClick(dialog.remove_role_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.role_model.rowCount() == 0, timeout=10_000)
    with demo_db.read() as session:
        assert session.scalar(select(CoverLimit.role)) is None

    dialog.name_edit.setText("Riverside Learning Trust")
    qtbot.mouseClick(dialog.save_name_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.settings.trust_name == "Riverside Learning Trust", timeout=10_000)

    qtbot.mouseClick(dialog.add_period_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.period_model.rowCount() == periods + 1, timeout=10_000)
    assert dialog.period_model.rows[-1].budgets == 0
    assert errors == []
    _close(dialog)


def test_a_logo_is_previewed_and_a_bad_file_refused_in_one_sentence(qtbot, demo_db, tmp_path, errors) -> None:
    dialog = _dialog(qtbot, demo_db, tmp_path)
    assert dialog.logo_label.text() == "No logo" and not dialog.remove_logo_button.isEnabled()
    good, bad = tmp_path / "logo.png", tmp_path / "logo.jpg"
    good.write_bytes(png(90, 30))
    bad.write_bytes(b"GIF89a not really a logo")
    dialog.ask_logo_path = lambda: bad  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.choose_logo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert errors == ["That file is not a PNG or JPEG image; choose a .png or .jpg logo."]

    dialog.ask_logo_path = lambda: good  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.choose_logo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.settings.has_logo, timeout=10_000)
    pixmap = dialog.logo_label.pixmap()
    assert not pixmap.isNull() and (pixmap.width(), pixmap.height()) == (240, 80)
    assert dialog.remove_logo_button.isEnabled()
    _close(dialog)


def test_someone_without_the_right_sees_it_read_only_and_the_menu_item_disabled(qtbot, demo_db, tmp_path) -> None:
    dialog = _dialog(qtbot, demo_db, tmp_path, "sam.patel")
    assert not dialog.settings.can_edit and dialog.read_only_note.isVisible()
    assert not any(w.isEnabled() for w in (dialog.name_edit, dialog.year_tab.month_box, dialog.add_period_button))
    _close(dialog)

    sam = open_window(qtbot, demo_db, tmp_path / "sam", "sam.patel")
    alex = open_window(qtbot, demo_db, tmp_path / "alex", "alex.morgan")
    qtbot.waitUntil(lambda: alex.trust_settings_action.isEnabled(), timeout=10_000)
    sam.context.ops.wait_for_done(10_000)
    assert not sam.trust_settings_action.isEnabled()
    assert sam.trust_settings_action in sam.file_menu.actions()
    close_window(sam)
    close_window(alex)


def test_role_limit_model_reads_like_the_table(qtbot, check_model) -> None:
    from desktop.dialogs.trust_settings_models import RoleLimitTableModel

    model = RoleLimitTableModel()
    model.set_rows([RoleLimit("Class teacher", 4.5, 1, 120, 100), RoleLimit("Retired role", 2.0, 3, 0, 0)])
    check_model(model)
    assert [model.index(1, c).data() for c in range(3)] == ["Retired role", "2", "no job has this role now"]
    assert [model.index(0, c).data() for c in range(3)] == ["Class teacher", "4.5", "100 of 120 jobs"]
