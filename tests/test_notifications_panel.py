"""The Notifications panel and Trust settings › E-mail in the real window, with a real SMTP server:
set up the server, send a test e-mail, watch the outbox drain in the background, filter, export,
Send again. SQLite only (widgets)."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication

from db.mail.settings import Security
from db.models import Notification
from db.queries.outbox import OutboxStatus
from desktop.dialogs.trust_settings_dialog import TrustSettingsDialog
from desktop.modules.notifications.outbox_table_model import STATUS
from resources_qt import style
from tests.gui_helpers import close_window, make_context, open_window
from tests.outbox_helpers import SENDER, clear_outbox, notifications, sign_off_some, use_server, waiting_rows
from tests.smtp_server import smtp_server

SHOTS = os.environ.get("TRUSTDESK_SHOTS")


def _shoot(qapp, widget, name: str) -> None:
    if not SHOTS:
        return
    for scheme, suffix in ((Qt.ColorScheme.Light, "light"), (Qt.ColorScheme.Dark, "dark")):
        style.apply_scheme(qapp, scheme)
        QApplication.processEvents()
        widget.grab().save(str(Path(SHOTS) / f"{name}-{suffix}.png"))
    style.apply_scheme(qapp, Qt.ColorScheme.Light)


def _panel(qtbot, window):
    qtbot.waitUntil(lambda: not window.context.ops.running, timeout=10_000)
    panel = window.panels["notifications"]
    panel.activate()
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0 or panel.count_label.text() != "", timeout=10_000)
    return panel


def _select(panel, rows: list[int]) -> None:
    selection = panel.table.selectionModel()
    selection.clearSelection()
    for row in rows:
        selection.select(
            panel.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        )


def test_the_outbox_drains_in_the_background_and_says_what_happened(
    qtbot, qapp, demo_db, tmp_path, check_model
) -> None:
    clear_outbox(demo_db)
    sign_off_some(demo_db, 25, reason='=HYPERLINK("http://x")')  # a formula in a reason stays text (X1)
    window = open_window(qtbot, demo_db, tmp_path, "alex.morgan")
    try:
        window.resize(1366, 768)
        panel = _panel(qtbot, window)
        qtbot.waitUntil(lambda: "no mail server is set up" in panel.banner.text(), timeout=10_000)
        check_model(panel.model)
        waiting = len(waiting_rows(demo_db))
        assert panel.count_label.text() == f"{panel.model.total:,} messages" and waiting == 25
        assert {panel.model.index(r, STATUS).data() for r in range(25)} == {"Waiting"}
        with smtp_server() as server:
            use_server(demo_db, server)
            with qtbot.waitSignal(panel.drainer.drained, timeout=20_000) as drained:
                panel.send_now_button.click()
            assert drained.args[0].rows_sent == 25 and drained.args[0].reason is None
            qtbot.waitUntil(lambda: panel.model.index(0, STATUS).data() == "Sent", timeout=10_000)
            _shoot(qapp, window, "outbox-panel")
            assert server.inbox.count() == drained.args[0].messages_sent
            panel.status_box.setCurrentIndex(panel.status_box.findData(OutboxStatus.WAITING))
            qtbot.waitUntil(lambda: panel.count_label.text() == "0 messages", timeout=10_000)
            panel.status_box.setCurrentIndex(panel.status_box.findData(OutboxStatus.SENT))
            qtbot.waitUntil(lambda: panel.model.rowCount() >= 25, timeout=10_000)
            check_model(panel.model)

            _select(panel, [0, 1])
            assert panel.send_again_button.isEnabled()
            before = server.inbox.count()
            with qtbot.waitSignal(panel.drainer.drained, timeout=20_000) as again:
                panel.send_again_button.click()
            assert again.args[0].rows_sent == 2 and server.inbox.count() > before
            resent = server.inbox.messages()[before:]
            assert all(message.sender == SENDER for message in resent)
            # the list reads its rows again after the resend (the same 25, sent): let it finish before the export
            qtbot.waitUntil(lambda: not window.context.ops.running, timeout=10_000)
            assert panel.model.total == 25 and panel.count_label.text() == "25 messages"

        path = tmp_path / "outbox.xlsx"
        panel.export_to(path)
        qtbot.waitUntil(path.exists, timeout=10_000)
        sheet = openpyxl.load_workbook(path).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "Queued" and len(rows) == 1 + panel.model.total
        assert all(row[5] == "Sent" for row in rows[1:])
    finally:
        close_window(window)


def test_a_failure_shows_its_reason_and_the_person_can_stop_reminders(qtbot, qapp, demo_db, tmp_path) -> None:
    clear_outbox(demo_db)
    sign_off_some(demo_db, 3)
    with smtp_server() as server:
        use_server(demo_db, server)
        first = notifications(demo_db, Notification.sent_at.is_(None))[0]
    # the server has gone: the next drain fails and says why, nothing is lost
    window = open_window(qtbot, demo_db, tmp_path, "alex.morgan")
    try:
        panel = _panel(qtbot, window)
        with qtbot.waitSignal(panel.drainer.drained, timeout=20_000):
            panel.send_now_button.click()
        qtbot.waitUntil(lambda: "Cannot reach the mail server" in panel.banner.text(), timeout=10_000)
        qtbot.waitUntil(lambda: panel.model.index(0, STATUS).data() == "Retrying", timeout=10_000)
        assert len(waiting_rows(demo_db)) == 3 and first.id in {r.id for r in waiting_rows(demo_db)}
        window.resize(1366, 768)
        _select(panel, [0])
        assert "Cannot reach the mail server" in panel.detail.text() and "next attempt" in panel.detail.text()
        _shoot(qapp, window, "outbox-panel-failure")
        assert panel.reminders_button.text() == "Stop reminders to this person"
        panel.reminders_button.click()
        qtbot.waitUntil(lambda: panel.model.row_at(0).reminders_opt_out, timeout=10_000)  # reloaded
        _select(panel, [0])
        assert panel.reminders_button.text() == "Restart reminders to this person"
    finally:
        close_window(window)


def test_the_email_tab_saves_settings_and_sends_a_test(qtbot, qapp, demo_db, tmp_path) -> None:
    dialog = TrustSettingsDialog(make_context(demo_db, tmp_path, "alex.morgan"))
    qtbot.addWidget(dialog)
    dialog.resize(1366 // 2, 768 * 3 // 4)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.settings is not None, timeout=10_000)
    tab = dialog.email_tab
    dialog.tabs.setCurrentWidget(tab)
    assert tab.save_button.isEnabled() and "No mail server is set up yet" in tab.result_label.text()
    with smtp_server() as server:
        tab.host_edit.setText(server.host)
        tab.security_box.setCurrentIndex(tab.security_box.findData(Security.NONE))
        tab.port_spin.setValue(server.port)
        tab.sender_edit.setText("not an address")
        tab.save_button.click()
        qtbot.waitUntil(lambda: tab.result_label.text().startswith("Not saved: “not an address”"), timeout=10_000)
        tab.sender_edit.setText(SENDER)
        tab.sender_name_edit.setText("Oakfield CPD")
        tab.save_button.click()
        qtbot.waitUntil(lambda: tab.result_label.text().startswith("Saved:"), timeout=10_000)
        tab.test_to_edit.setText("me@trust.example")
        tab.test_button.click()
        qtbot.waitUntil(lambda: tab.result_label.text().startswith("Sent."), timeout=10_000)
        (message,) = server.inbox.messages()
        assert message.recipients == ("me@trust.example",) and "Oakfield CPD" in str(message.message["From"])
        _shoot(qapp, dialog, "trust-settings-email")
    tab.test_button.click()  # the server has gone
    qtbot.waitUntil(lambda: tab.result_label.text().startswith("Not sent: Cannot reach"), timeout=10_000)
    dialog.context.ops.wait_for_done(10_000)
    dialog.close()
