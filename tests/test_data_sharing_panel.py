"""The Data sharing panel in the real window: tabs with counts, request and remind in bulk, the head approves."""

from __future__ import annotations

import os
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from db.models import SharingLevel, SharingRecipientRole
from db.queries.data_sharing import LEVEL_EFFECTS, sharing_overview
from db.services.data_sharing import approve, request_sharing
from desktop.modules.data_sharing.recipient_table_model import RecipientTableModel
from desktop.modules.data_sharing.request_dialog import RequestDialog
from desktop.modules.data_sharing.school_table_model import REMINDERS
from resources_qt import style
from tests.gui_helpers import close_window, open_window, wait_for_window
from tests.sharing_trust import build_sharing_trust

HEAD = frozenset({SharingRecipientRole.HEAD})
#: where the screenshots go (TRUSTDESK_SHOTS=/some/folder to look at them)
SHOTS = os.environ.get("TRUSTDESK_SHOTS")


def _tab_texts(panel) -> list[str]:
    return [panel.tabs.tabText(n) for n in range(panel.tabs.count())]


def _front(qtbot, window, name: str):
    """The panel in front once the window's first loads are in (Partnership CPD raises itself when its own arrive)."""
    qtbot.waitUntil(lambda: not window.context.ops.running, timeout=10_000)
    panel = window.panels[name]
    panel.activate()
    return panel


def _shoot(qapp, window, name: str) -> None:
    if not SHOTS:
        return
    for scheme, suffix in ((Qt.ColorScheme.Light, "light"), (Qt.ColorScheme.Dark, "dark")):
        style.apply_scheme(qapp, scheme)
        QApplication.processEvents()
        window.grab().save(str(Path(SHOTS) / f"{name}-{suffix}.png"))
    style.apply_scheme(qapp, Qt.ColorScheme.Light)


def test_the_trust_requests_and_reminds_in_bulk(qtbot, qapp, db, tmp_path, check_model) -> None:
    trust = build_sharing_trust(db)
    window = open_window(qtbot, db, tmp_path, "jane.smith")
    try:
        window.resize(1366, 768)
        panel = _front(qtbot, window, "data_sharing")
        qtbot.waitUntil(
            lambda: _tab_texts(panel) == ["No agreement (5)", "Pending (0)", "Approved (0)"], timeout=10_000
        )
        model = panel.models["no_agreement"]
        check_model(model)
        assert not panel.action_buttons["no_agreement"].isEnabled()  # nothing ticked yet
        assert model.setData(model.index(0, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
        model.tick_all()
        assert model.ticked_count == 5 and panel.action_buttons["no_agreement"].isEnabled()
        _shoot(qapp, window, "data-sharing-no-agreement")

        panel.action_buttons["no_agreement"].click()
        dialog = wait_for_window(qtbot, RequestDialog)
        qtbot.waitUntil(lambda: dialog.model.ticked_count == 5, timeout=10_000)  # the heads, recommended
        recipients = RecipientTableModel()  # the dialog's own model goes with the dialog: check a copy
        recipients.set_rows(dialog.model.rows)
        recipients.tick_all()
        check_model(recipients)
        assert {row.role for row in dialog.model.ticked_rows} == {SharingRecipientRole.HEAD}
        assert dialog.level_box.currentData() == SharingLevel.INSTITUTION
        dialog.role_boxes[SharingRecipientRole.HEAD].setChecked(False)
        assert not dialog.send_button.isEnabled()  # nobody to send to at any school
        dialog.all_box.setChecked(True)
        assert dialog.model.ticked_count == 5 and dialog.send_button.isEnabled()
        if SHOTS:
            dialog.grab().save(str(Path(SHOTS) / "data-sharing-request-dialog.png"))
        dialog.send_button.click()
        qtbot.waitUntil(
            lambda: _tab_texts(panel) == ["No agreement (0)", "Pending (5)", "Approved (0)"], timeout=10_000
        )

        pending = panel.models["pending"]
        check_model(pending)
        panel.tabs.setCurrentIndex(1)
        pending.set_ticked([pending.row_at(0).organisation_id, pending.row_at(1).organisation_id])
        panel.action_buttons["pending"].click()
        qtbot.waitUntil(
            lambda: (
                sorted(pending.index(n, REMINDERS).data() for n in range(pending.rowCount()))
                == ["0", "0", "0", "1", "1"]
            ),
            timeout=10_000,
        )
        assert pending.ticked_count == 2  # ticks survive the reload
        _shoot(qapp, window, "data-sharing-pending")
        overview = sharing_overview(db, trust.admin)
        assert sorted(row.reminders for row in overview.pending) == [0, 0, 0, 1, 1]
    finally:
        close_window(window)


def test_the_head_approves_their_own_schools_request(qtbot, qapp, db, tmp_path, check_model) -> None:
    trust = build_sharing_trust(db)
    schools = sorted(trust.schools.values())
    request_sharing(db, trust.admin, schools, SharingLevel.MIS, roles=HEAD)
    window = open_window(qtbot, db, tmp_path, "head1")
    try:
        window.resize(1366, 768)
        panel = _front(qtbot, window, "data_sharing")
        qtbot.waitUntil(lambda: panel.approval_model.rowCount() == 1, timeout=10_000)
        check_model(panel.approval_model)
        assert panel.approvals_box.isVisible() and panel.approve_button.isEnabled()
        assert _tab_texts(panel) == ["No agreement (0)", "Pending (1)", "Approved (0)"]  # their own school only
        assert not panel.contact_button.isVisible()
        _shoot(qapp, window, "data-sharing-head")
        asked: list[str] = []
        panel.confirm_approval = lambda row: asked.append(row.organisation) or True
        panel.approve_button.click()
        qtbot.waitUntil(
            lambda: _tab_texts(panel) == ["No agreement (0)", "Pending (0)", "Approved (1)"], timeout=10_000
        )
        assert not panel.approvals_box.isVisible() and len(asked) == 1
    finally:
        close_window(window)


def test_banners_open_the_data_sharing_panel_and_the_page_says_what_the_level_hides(qtbot, qapp, db, tmp_path) -> None:
    trust = build_sharing_trust(db)
    school = trust.schools["Finchbrook Primary Academy"]
    request_sharing(db, trust.admin, [school], SharingLevel.MIS, roles=HEAD)
    approve(
        db, trust.heads[school], sharing_overview(db, trust.heads[school]).approvals[0].request_id, SharingLevel.MIS
    )
    window = open_window(qtbot, db, tmp_path, "jane.smith")
    try:
        window.resize(1366, 768)
        organisations = _front(qtbot, window, "organisations")
        banner = organisations.sharing_banner
        qtbot.waitUntil(lambda: banner.isVisible(), timeout=10_000)
        assert banner.label.text().startswith("4 of 5 schools have not shared data with the trust")
        _shoot(qapp, window, "organisations-banner")
        organisations.open_page(school)
        page = organisations.open_pages[school]
        qtbot.waitUntil(lambda: page.sharing_note.text() == LEVEL_EFFECTS[SharingLevel.MIS], timeout=10_000)
        assert "no central action" in page.sharing_note.text()
        if SHOTS:
            page.grab().save(str(Path(SHOTS) / "organisation-page.png"))
        page.close()
        banner.link.click()
        panel = window.panels["data_sharing"]
        qtbot.waitUntil(lambda: panel.isVisible() and panel.tabs.currentIndex() == 0, timeout=10_000)
        dashboard = _front(qtbot, window, "dashboard")
        qtbot.waitUntil(lambda: dashboard.sharing_banner.isVisible(), timeout=10_000)
        _shoot(qapp, window, "dashboard-banner")
    finally:
        close_window(window)


def test_a_contact_added_by_hand_is_offered_and_the_head_declines_with_a_reason(qtbot, db, tmp_path) -> None:
    from desktop.modules.data_sharing.contact_dialog import ContactDialog

    trust = build_sharing_trust(db, heads=False)
    larkdale = trust.schools["Larkdale Specialist Academy"]
    window = open_window(qtbot, db, tmp_path, "jane.smith")
    try:
        panel = _front(qtbot, window, "data_sharing")
        qtbot.waitUntil(lambda: panel.models["no_agreement"].rowCount() == 5, timeout=10_000)
        panel.models["no_agreement"].set_ticked([larkdale])
        panel.contact_button.click()
        dialog = wait_for_window(qtbot, ContactDialog)
        assert dialog.school_box.currentData() == larkdale  # the ticked school comes first
        dialog.name_edit.setText("Lucy King")
        dialog.email_edit.setText("lucy@larkdale.example")
        dialog.save_button.click()
        # the dialog deletes itself on closing: gone or hidden, it has closed
        qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(), timeout=10_000)
        panel.action_buttons["no_agreement"].click()
        request = wait_for_window(qtbot, RequestDialog)
        qtbot.waitUntil(lambda: request.model.ticked_count == 1, timeout=10_000)
        assert request.model.ticked_rows[0].email == "lucy@larkdale.example"
        request.send_button.click()
        qtbot.waitUntil(lambda: panel.models["pending"].rowCount() == 1, timeout=10_000)
    finally:
        close_window(window)

    from db.services.grants import grant_role
    from db.services.users import UserDetails, add_user
    from db.standard_roles import HEAD_TEACHER
    from tests.sharing_trust import role_id

    lucy = add_user(db, trust.admin, UserDetails("lucy.king", "Lucy King", "lucy@larkdale.example"))
    grant_role(db, trust.admin, lucy, role_id(db, HEAD_TEACHER), organisation_id=larkdale)
    window = open_window(qtbot, db, tmp_path / "lucy", "lucy.king")
    try:
        panel = _front(qtbot, window, "data_sharing")
        qtbot.waitUntil(lambda: panel.approval_model.rowCount() == 1, timeout=10_000)
        panel.ask_reason = lambda row: "Governors meet in January"
        panel.decline_button.click()
        qtbot.waitUntil(lambda: panel.approval_model.rowCount() == 0, timeout=10_000)
        assert not panel.approvals_box.isVisible()
    finally:
        close_window(window)
    declined = [r for r in sharing_overview(db, trust.admin).no_agreement if r.organisation_id == larkdale]
    assert declined and "Governors meet in January" in declined[0].note


def test_the_banner_reads_right_for_one_school() -> None:
    from db.queries.data_sharing import SharingSummary

    assert SharingSummary(1, 11).text.startswith("1 of 11 schools has not shared data with the trust — its staff")
    assert SharingSummary(3, 14).text.startswith("3 of 14 schools have not shared data with the trust — their staff")
