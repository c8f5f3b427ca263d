"""Users & roles in the real window (A1): users and grants as an administrator sees and changes them."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from db.changes import DataChange
from db.models import AppUser, Level, Module, UserGrant
from db.queries.user_admin import list_admin_users
from db.queries.users import USERS
from db.services.grants import GrantSpec, give_grant
from db.services.users import UserDetails, add_user, set_active
from desktop.modules.users_roles.grant_dialogs import GiveGrantDialog, GiveRoleDialog
from desktop.modules.users_roles.panel import NOT_AN_ADMINISTRATOR
from desktop.modules.users_roles.permissions_report import PermissionsReportDialog
from desktop.modules.users_roles.user_dialog import UserDialog
from tests.gui_helpers import close_window, open_window, wait_for_window
from tests.helpers import user_id


def answer_next_box(button: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok) -> list[str]:
    """When the next message box is modal on screen, note its text and press ``button`` (as the user would)."""
    seen: list[str] = []

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, QMessageBox) and widget.isVisible():
            seen.append(widget.text())
            found = widget.button(button)
            if found is not None:
                found.click()
            else:
                widget.done(0)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)
    return seen


def closed(dialog) -> bool:
    """The dialog has gone (it deletes itself on close)."""
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def open_panel(qtbot, db, tmp_path, username: str = "alex.morgan"):
    window = open_window(qtbot, db, tmp_path, username)
    panel = window.panels["users_roles"]
    panel.activate()
    qtbot.waitUntil(lambda: panel.choices is not None, timeout=10_000)
    return window, panel


def choose_user(qtbot, panel, username: str) -> None:
    qtbot.waitUntil(lambda: any(r.username == username for r in panel.model.rows), timeout=10_000)
    panel.select_user(next(r.id for r in panel.model.rows if r.username == username))
    qtbot.waitUntil(lambda: all(g.username == username for g in panel.grant_model.rows), timeout=10_000)
    qtbot.waitUntil(lambda: not panel.context.ops.running, timeout=10_000)


@pytest.fixture
def admin(qtbot, demo_db, tmp_path):
    window, panel = open_panel(qtbot, demo_db, tmp_path)
    yield window, panel
    close_window(window)


def test_user_grant_and_report_models_pass_the_model_tester(qtbot, check_model, admin) -> None:
    window, panel = admin
    qtbot.waitUntil(lambda: panel.model.rowCount() >= 5, timeout=10_000)
    check_model(panel.model)
    choose_user(panel=panel, qtbot=qtbot, username="sam.patel")
    qtbot.waitUntil(lambda: panel.grant_model.rowCount() > 0, timeout=10_000)
    check_model(panel.grant_model)
    assert panel.grants_label.text().startswith("Grants of Sam Patel")
    window.module_actions["permissions_report"].trigger()
    report = wait_for_window(qtbot, PermissionsReportDialog)
    qtbot.waitUntil(lambda: report.model.rowCount() > 0, timeout=10_000)
    check_model(report.model)
    report.hide()  # not close(): it deletes itself then, before the tester lets go of its model


def test_a_sqlite_file_offers_no_database_login_to_link(qtbot, admin) -> None:
    _window, panel = admin
    choose_user(panel=panel, qtbot=qtbot, username="sam.patel")
    assert not panel.login_action.isVisible()


def test_the_search_narrows_the_users(qtbot, admin, demo_db) -> None:
    _window, panel = admin
    qtbot.waitUntil(lambda: panel.model.rowCount() >= 5, timeout=10_000)
    qtbot.keyClicks(panel.search, "PATEL")
    qtbot.waitUntil(lambda: [r.username for r in panel.model.rows] == ["sam.patel"], timeout=10_000)
    assert panel.count_label.text() == "1 user"
    panel.search.clear()
    qtbot.waitUntil(lambda: panel.model.rowCount() >= 5, timeout=10_000)


def test_adding_a_user_through_the_dialog_shows_them_linked_to_their_job(qtbot, admin, demo_db) -> None:
    _window, panel = admin
    qtbot.waitUntil(lambda: panel.add_action.isEnabled(), timeout=10_000)
    panel.add_action.trigger()
    dialog = wait_for_window(qtbot, UserDialog)
    qtbot.keyClicks(dialog.username, "robin.hale")
    qtbot.keyClicks(dialog.full_name, "Robin Hale")
    qtbot.keyClicks(dialog.email, "robin.hale@example.org")
    qtbot.keyClicks(dialog.jobs.search, "Headteacher")
    results = dialog.jobs.results
    qtbot.waitUntil(lambda: results.count() > 0 and "headteacher" in results.item(0).text().lower(), timeout=10_000)
    label = dialog.jobs.results.item(0).text()
    dialog.jobs.pick(0)
    assert dialog.jobs.job_id is not None
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: closed(dialog), timeout=10_000)
    qtbot.waitUntil(lambda: panel.selected_user() is not None and panel.selected_user().username == "robin.hale")
    row = panel.selected_user()
    assert row.display_name == "Robin Hale" and row.active and not row.has_password and row.grants == 0
    assert row.job and row.job.split(" at ")[0] in label
    qtbot.waitUntil(lambda: "no grants yet" in panel.grants_label.text(), timeout=10_000)


def test_giving_a_role_fills_in_the_grants(qtbot, admin, demo_db) -> None:
    _window, panel = admin
    alex = user_id(demo_db, "alex.morgan")
    add_user(demo_db, alex, UserDetails("pat.new", "Pat New", None, None))
    panel.refresh()
    choose_user(qtbot, panel, "pat.new")
    assert panel.role_action.isEnabled()
    panel.role_action.trigger()
    dialog = wait_for_window(qtbot, GiveRoleDialog)
    dialog.set_role("CPD lead")
    dialog.tick_group("KS2")
    qtbot.keyClicks(dialog.team_title, "CPD Coordinator")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: closed(dialog), timeout=10_000)
    qtbot.waitUntil(lambda: panel.grant_model.rowCount() == 9, timeout=10_000)  # the CPD lead template's modules
    grants = panel.grant_model.rows
    assert {g.title for g in grants} == {"CPD Coordinator"} and {g.where for g in grants} == {"the whole trust"}
    by_module = {g.module: g for g in grants}
    assert by_module[Module.PARTNERSHIP_CPD].groups == "KS2" and by_module[Module.BUDGETS].groups == ""
    qtbot.waitUntil(lambda: panel.selected_user() is not None and panel.selected_user().grants == 9)
    assert panel.selected_user().titles == "CPD Coordinator"


def test_a_refused_grant_shows_one_sentence_and_keeps_the_dialog(qtbot, admin, demo_db) -> None:
    _window, panel = admin
    alex = user_id(demo_db, "alex.morgan")
    target = add_user(demo_db, alex, UserDetails("lee.gone", "Lee Gone", None, None))
    panel.refresh()
    choose_user(qtbot, panel, "lee.gone")
    panel.grant_action.trigger()
    dialog = wait_for_window(qtbot, GiveGrantDialog)
    dialog.set_module(Module.BUDGETS)
    dialog.set_level(Level.COMMENT)
    qtbot.keyClicks(dialog.team_title, "Budget reader")
    # another administrator deactivates the user meanwhile
    version = next(r.version for r in list_admin_users(demo_db, alex) if r.id == target)
    set_active(demo_db, alex, target, version, False)
    panel.refresh()  # as if seen on another computer: this window hears of it when it next loads
    seen = answer_next_box()
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen == ["“lee.gone” is deactivated: reactivate them before giving them grants."]
    assert dialog.isVisible() and dialog.buttons.isEnabled()
    assert dialog.team_title.text() == "Budget reader" and dialog.module.currentData() == Module.BUDGETS
    dialog.reject()
    # back in the list, the deactivated user is hidden until asked for, and greyed then; nothing to give them
    qtbot.waitUntil(lambda: all(r.username != "lee.gone" for r in panel.model.rows), timeout=10_000)
    panel.show_deactivated.setChecked(True)
    choose_user(qtbot, panel, "lee.gone")
    assert not panel.role_action.isEnabled() and not panel.grant_action.isEnabled()
    assert panel.reactivate_action.isEnabled() and not panel.deactivate_action.isEnabled()
    assert panel.model.index(panel.model.row_of_user(target), 0).data().endswith("(deactivated)")


def test_a_cpd_lead_who_administers_users_is_not_offered_report_permissions(qtbot, demo_db, tmp_path) -> None:
    alex, sam = user_id(demo_db, "alex.morgan"), user_id(demo_db, "sam.patel")
    give_grant(demo_db, alex, sam, GrantSpec(Module.USERS, Level.DECIDE, title="Users"))
    window, panel = open_panel(qtbot, demo_db, tmp_path, "sam.patel")
    try:
        qtbot.waitUntil(lambda: not window.context.ops.running, timeout=10_000)
        assert not window.module_actions["permissions_report"].isEnabled()
        choose_user(qtbot, panel, "jo.evans")
        assert not panel.primary_action.isEnabled() and not panel.report_action.isEnabled()
        panel.grant_action.trigger()
        dialog = wait_for_window(qtbot, GiveGrantDialog)
        offered = {dialog.module.itemData(n) for n in range(dialog.module.count())}
        assert Module.PARTNERSHIP_CPD in offered and not offered & {Module.REPORTS, Module.AUDIT}
        assert Module.PERMISSIONS_REPORT not in offered
        dialog.set_module(Module.DASHBOARD)  # Sam views the dashboard but may not decide there
        dialog.set_level(Level.DECIDE)
        seen = answer_next_box()
        dialog.buttons.accepted.emit()
        qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
        assert len(seen) == 1 and "nobody grants more than they hold" in seen[0]
        assert dialog.isVisible()
        dialog.reject()
    finally:
        close_window(window)


def test_taking_a_grant_away(qtbot, admin, demo_db) -> None:
    _window, panel = admin
    alex, jo = user_id(demo_db, "alex.morgan"), user_id(demo_db, "jo.evans")
    given = give_grant(demo_db, alex, jo, GrantSpec(Module.TRAINING, Level.VIEW, title="Events"))
    panel.refresh()
    choose_user(qtbot, panel, "jo.evans")
    qtbot.waitUntil(lambda: panel.grant_model.row_of_grant(given) is not None, timeout=10_000)
    panel.grant_table.selectRow(panel.grant_model.row_of_grant(given))
    assert panel.revoke_action.isEnabled()
    seen = answer_next_box(QMessageBox.StandardButton.Yes)
    panel.revoke_action.trigger()
    assert seen and seen[0].startswith("Take away Training events (view)")
    qtbot.waitUntil(lambda: panel.grant_model.row_of_grant(given) is None, timeout=10_000)
    with demo_db.read() as session:
        assert session.get(UserGrant, given) is None


def test_the_primary_user_makes_another_primary_user(qtbot, admin, demo_db) -> None:
    _window, panel = admin
    choose_user(qtbot, panel, "pat.kim")
    assert panel.primary_action.isEnabled() and not panel.not_primary_action.isEnabled()
    seen = answer_next_box(QMessageBox.StandardButton.Yes)
    panel.primary_action.trigger()
    assert seen
    qtbot.waitUntil(lambda: panel.selected_user() is not None and panel.selected_user().is_primary, timeout=10_000)
    assert panel.not_primary_action.isEnabled()
    with demo_db.read() as session:
        assert session.scalar(select(AppUser.is_primary).where(AppUser.username == "pat.kim"))


def test_someone_who_administers_no_users_is_told_so(qtbot, demo_db, tmp_path) -> None:
    window, panel = open_panel(qtbot, demo_db, tmp_path, "sam.patel")
    try:
        qtbot.waitUntil(lambda: panel.note.isVisible(), timeout=10_000)
        assert panel.note.text() == NOT_AN_ADMINISTRATOR and panel.model.rowCount() == 0
        assert not panel.add_action.isEnabled()
    finally:
        close_window(window)


def test_a_users_change_reloads_the_panel_in_front(qtbot, admin) -> None:
    window, _panel = admin
    organisations = window.panels["organisations"]
    organisations.activate()
    qtbot.waitUntil(lambda: organisations.model.rowCount() > 0, timeout=10_000)
    qtbot.waitUntil(lambda: not window.context.ops.running, timeout=10_000)
    with qtbot.waitSignal(organisations.model.modelReset, timeout=10_000):
        window.context.bus.publish(DataChange(USERS))


def _report(qtbot, window) -> PermissionsReportDialog:
    qtbot.waitUntil(lambda: window.module_actions["permissions_report"].isEnabled(), timeout=10_000)
    window.module_actions["permissions_report"].trigger()
    report = wait_for_window(qtbot, PermissionsReportDialog)
    qtbot.waitUntil(lambda: report.model.rowCount() > 0, timeout=10_000)
    return report


def test_the_report_filters_and_exports_what_it_shows(qtbot, admin, tmp_path) -> None:
    window, _panel = admin
    report = _report(qtbot, window)
    everything = report.model.rowCount()
    report.reports_only.setChecked(True)
    qtbot.waitUntil(lambda: 0 < report.model.rowCount() < everything, timeout=10_000)
    assert all(row.is_report for row in report.model.rows)
    report.reports_only.setChecked(False)
    report.show_module(Module.PARTNERSHIP_CPD)
    qtbot.waitUntil(lambda: {r.module_label for r in report.model.rows} == {"CPD"}, timeout=10_000)
    shown = report.model.rowCount()
    path = tmp_path / "cpd-team-access.xlsx"
    seen = answer_next_box()
    report.export_to(path)
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen == [f"Exported {shown:,} grants to {path.name}."] and path.exists()
    report.close()
