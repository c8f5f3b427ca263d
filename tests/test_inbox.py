"""My inbox (issue 17, item 5): what awaits each user's decision, by layer, never their own; the panel, its
rows opening where they are decided, and the status bar's count following changes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QToolButton
from sqlalchemy import select, update

from db.engine import Database
from db.models import AppUser, CpdActivity, CpdTeamState, Job, PartnershipState, SharingLevel
from db.queries.inbox import InboxGroup, deciding_layers, inbox_counts, inbox_items
from db.services.grants import grant_role
from db.services.signoff import sign_off
from db.standard_roles import HEAD_TEACHER
from desktop.kit.row_table_model import RowRole
from resources_qt import style
from tests.gui_helpers import close_window, open_window
from tests.helpers import org_with_sharing
from tests.sharing_trust import role_id
from tests.test_reminders import TODAY, Scene, _pending_request, _set_up, move
from tests.test_reminders import title as title_of

#: where the screenshots go (TRUSTDESK_SHOTS=/some/folder to look at them)
SHOTS = os.environ.get("TRUSTDESK_SHOTS")
LM, TEAM, PARTNERSHIP, SHARING = (
    InboxGroup.LINE_MANAGER,
    InboxGroup.CPD_TEAM,
    InboxGroup.PARTNERSHIP,
    InboxGroup.DATA_SHARING,
)


@pytest.fixture
def scene(demo_db: Database) -> Scene:
    return _set_up(demo_db)


def ids(db: Database, user: int, group: InboxGroup) -> list[int]:
    return [item.item_id for item in inbox_items(db, user, group)]


def version(db: Database, activity: int) -> int:
    with db.read() as session:
        return int(session.scalar(select(CpdActivity.version).where(CpdActivity.id == activity)) or 0)


def test_each_user_sees_what_awaits_them_by_layer(demo_db: Database, scene: Scene) -> None:
    chris = inbox_counts(demo_db, scene.chris)
    assert scene.y in ids(demo_db, scene.chris, LM) and scene.y in ids(demo_db, scene.chris, TEAM)
    assert scene.x not in ids(demo_db, scene.chris, TEAM)  # Jo's request is not at Chris's school
    assert chris.partnership == 0 and chris.data_sharing == 0
    assert chris.line_manager == len(ids(demo_db, scene.chris, LM))  # counts are what the lists hold
    assert chris.cpd_team == len(ids(demo_db, scene.chris, TEAM)) and chris.text == f"{chris.total:,} to decide"
    assert scene.x in ids(demo_db, scene.sam, LM) and inbox_counts(demo_db, scene.sam).cpd_team == 0
    jo = inbox_counts(demo_db, scene.jo)
    assert jo.total == 0 and jo.text == "Nothing to decide"
    listed = inbox_items(demo_db, scene.chris, TEAM)
    days = [i.starts_on for i in listed if i.starts_on]
    ahead, past = [d for d in days if d >= date.today()], [d for d in days if d < date.today()]
    assert days == sorted(ahead) + sorted(past, reverse=True)  # the soonest ahead first, then the latest past
    item = next(i for i in listed if i.item_id == scene.y)
    assert item.note == "line manager pending" and item.person_id is not None


def test_decided_and_withdrawn_requests_leave_the_inbox(demo_db: Database, scene: Scene) -> None:
    before = inbox_counts(demo_db, scene.chris)
    move(demo_db, scene.y, TODAY, cpd_team_state=CpdTeamState.APPROVED)
    after = inbox_counts(demo_db, scene.chris)
    assert (after.cpd_team, after.line_manager) == (before.cpd_team - 1, before.line_manager)
    sam = inbox_counts(demo_db, scene.sam)
    sign_off(demo_db, scene.alex, {scene.x: version(demo_db, scene.x)}, PartnershipState.AUTHORISED, source="test")
    decided = inbox_counts(demo_db, scene.sam)
    assert (decided.line_manager, decided.partnership) == (sam.line_manager - 1, sam.partnership - 1)
    move(demo_db, scene.y, TODAY, withdrawn_at=datetime(2027, 7, 1))
    assert scene.y not in ids(demo_db, scene.chris, LM)


def test_nobody_sees_their_own_request(demo_db: Database, scene: Scene) -> None:
    with demo_db.transaction() as session:
        sam_job = session.scalar(select(AppUser.job_id).where(AppUser.id == scene.sam))
        sam_org = session.scalar(select(Job.organisation_id).where(Job.id == sam_job))
    before = inbox_counts(demo_db, scene.sam).partnership
    with demo_db.transaction() as session:
        session.execute(
            update(CpdActivity).where(CpdActivity.id == scene.x).values(job_id=sam_job, organisation_id=sam_org)
        )
    assert inbox_counts(demo_db, scene.sam).partnership == before - 1
    assert all(scene.x not in ids(demo_db, scene.sam, group) for group in (LM, TEAM, PARTNERSHIP))
    assert scene.x in [i.item_id for i in inbox_items(demo_db, scene.alex, PARTNERSHIP, 5000)]  # Alex decides it


def test_the_partnership_reaches_only_schools_that_share_group_actions(demo_db: Database, scene: Scene) -> None:
    unshared = org_with_sharing(demo_db, SharingLevel.MIS)
    with demo_db.read() as session:
        sam = deciding_layers(session, scene.sam)
        chris = deciding_layers(session, scene.chris)
    assert scene.school in sam.partnership_orgs and unshared not in sam.partnership_orgs
    assert chris.cpd_team_orgs == {scene.school} and not chris.partnership_orgs
    assert all(item.organisation_id != unshared for item in inbox_items(demo_db, scene.sam, PARTNERSHIP, 5000))


def test_data_sharing_requests_await_the_schools_own_head(demo_db: Database, scene: Scene) -> None:
    grant_role(demo_db, scene.alex, scene.chris, role_id(demo_db, HEAD_TEACHER), organisation_id=scene.school)
    request = _pending_request(demo_db, scene, datetime(2027, 7, 26, 9, 30))
    assert inbox_counts(demo_db, scene.chris).data_sharing == 1
    (item,) = inbox_items(demo_db, scene.chris, SHARING)
    assert item.item_id == request and item.title == "Share institution and MIS data with group actions"
    assert item.who == "Aoife O'Brien" and item.organisation_id == scene.school
    # the trust's own data sharing administrators ask; they do not answer for the school
    assert inbox_counts(demo_db, scene.alex).data_sharing == 0


# -- the panel and the status bar -----------------------------------------------------------------


def _count_button(window) -> QToolButton:
    button = window.findChild(QToolButton, "inbox_count")
    assert button is not None
    return button


@pytest.mark.engines("sqlite")
def test_the_panel_lists_each_group_and_opens_a_row_where_it_is_decided(
    qtbot, qtmodeltester, demo_db: Database, scene: Scene, tmp_path: Path
) -> None:
    window = open_window(qtbot, demo_db, tmp_path, "chris.lee")
    expected = inbox_counts(demo_db, scene.chris)
    button = _count_button(window)
    qtbot.waitUntil(lambda: button.text() == expected.text)
    panel = window.panels["inbox"]
    panel.activate()
    qtbot.waitUntil(lambda: panel.view is not None)
    for group in (LM, TEAM):
        qtmodeltester.check(panel.models[group])
    titles = [panel.tabs.tabText(n) for n in range(panel.tabs.count())]
    assert titles[:2] == [f"As line manager ({expected.line_manager:,})", f"As CPD team ({expected.cpd_team:,})"]
    assert panel.tabs.currentIndex() == 0  # the first group with something in it
    assert panel.summary_label.text().startswith(f"{expected.total:,} things await your decision")
    model = panel.models[TEAM]
    row = next(n for n in range(model.rowCount()) if model.index(n, 0).data(RowRole).item_id == scene.y)
    person = model.index(row, 0).data(RowRole).person_id
    panel.open_row(TEAM, row)
    cpd = window.panels["partnership_cpd"]
    qtbot.waitUntil(lambda: cpd.filter.person_id == person and cpd.filter.starts_from is not None)

    # another user's decision reaches the count through the data bus: Y leaves both of Chris's layers
    done: list[object] = []
    shown = {scene.y: version(demo_db, scene.y)}
    window.context.ops.action(
        lambda _progress: sign_off(demo_db, scene.sam, shown, PartnershipState.AUTHORISED, source="test"),
        done.append,
        title="Authorising…",
    )
    after = expected.total - 2
    qtbot.waitUntil(lambda: button.text() == f"{after:,} to decide")
    button.click()
    assert panel.isVisible()
    close_window(window)


@pytest.mark.engines("sqlite")
def test_nothing_to_decide_says_so(qtbot, demo_db: Database, scene: Scene, tmp_path: Path) -> None:
    window = open_window(qtbot, demo_db, tmp_path, "jo.evans")
    qtbot.waitUntil(lambda: _count_button(window).text() == "Nothing to decide")
    panel = window.panels["inbox"]
    panel.activate()
    qtbot.waitUntil(lambda: panel.summary_label.text() == "Nothing awaits your decision.")
    assert not any(button.isEnabled() for button in panel.open_buttons.values())
    close_window(window)


@pytest.fixture
def restore_style(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(style, "_dark", None)
    palette, sheet = QPalette(qapp.palette()), qapp.styleSheet()
    yield
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)


@pytest.mark.engines("sqlite")
def test_the_count_fits_the_status_bar_of_a_1366_laptop_screen(
    qtbot, qapp, restore_style, demo_db: Database, scene: Scene, tmp_path: Path
) -> None:
    grant_role(demo_db, scene.alex, scene.chris, role_id(demo_db, HEAD_TEACHER), organisation_id=scene.school)
    _pending_request(demo_db, scene, datetime(2027, 7, 26, 9, 30))
    window = open_window(qtbot, demo_db, tmp_path, "chris.lee")
    window.resize(1366, 768)
    button = _count_button(window)
    qtbot.waitUntil(lambda: not window.context.ops.running and button.text().endswith("to decide"))
    panel = window.panels["inbox"]
    panel.activate()
    qtbot.waitUntil(lambda: panel.view is not None and panel.view.counts.data_sharing == 1)
    panel.tabs.setCurrentIndex(1)
    bar = window.statusBar()
    for widget in (button, window.user_label, window.database_label):
        assert widget.isVisible()
        place = widget.mapTo(bar, widget.rect().topLeft())
        assert place.x() >= 0 and place.x() + widget.width() <= bar.width()
    if SHOTS:
        for scheme, suffix in ((Qt.ColorScheme.Light, "light"), (Qt.ColorScheme.Dark, "dark")):
            style.apply_scheme(qapp, scheme)
            QApplication.processEvents()
            window.grab().save(str(Path(SHOTS) / f"inbox-{suffix}.png"))
    close_window(window)


@pytest.mark.engines("sqlite")
def test_trust_settings_save_when_reminders_go_out(qtbot, demo_db: Database, scene: Scene, tmp_path: Path) -> None:
    from db.queries.trust_settings import load_trust_settings
    from desktop.dialogs.trust_settings_dialog import TrustSettingsDialog
    from tests.gui_helpers import make_context

    dialog = TrustSettingsDialog(make_context(demo_db, tmp_path, "alex.morgan"))
    qtbot.addWidget(dialog)
    tab = dialog.reminders_tab
    qtbot.waitUntil(lambda: tab.save_button.isEnabled())
    assert (tab.days_spin.value(), tab.schedule_edit.text()) == (7, "7, 14, 28")
    tab.days_spin.setValue(10)
    tab.schedule_edit.setText("5; 10")
    tab.save_button.click()
    qtbot.waitUntil(lambda: load_trust_settings(demo_db, scene.alex).reminders.sharing_schedule == (5, 10))
    assert load_trust_settings(demo_db, scene.alex).reminders.days_before_start == 10
    qtbot.waitUntil(lambda: tab.schedule_edit.text() == "5, 10")  # read back as stored
    dialog.context.ops.wait_for_done(10_000)
    dialog.done(0)


@pytest.mark.engines("sqlite")
def test_the_window_reminds_once_a_day_in_the_background(
    qtbot, demo_db: Database, scene: Scene, tmp_path: Path
) -> None:
    from db.models import AuditEntry, Notification
    from desktop.modules.inbox.daily import start_daily_reminders
    from tests.gui_helpers import make_context

    def runs() -> int:
        with demo_db.read() as session:
            return len(session.scalars(select(AuditEntry.id).where(AuditEntry.action == "reminders_sent")).all())

    move(demo_db, scene.x, date.today() + timedelta(days=1))  # due a reminder today, whenever the test runs
    context = make_context(demo_db, tmp_path, "sam.patel")
    told: list[str] = []
    context.navigator.status_message.connect(told.append)
    start_daily_reminders(context)
    qtbot.waitUntil(lambda: runs() == 1 and not context.ops.running)
    start_daily_reminders(context)  # a second window the same day
    qtbot.waitUntil(lambda: not context.ops.running)
    assert runs() == 1
    with demo_db.read() as session:
        to_sam = session.scalars(
            select(Notification.body).where(
                Notification.kind == "decision_reminder", Notification.recipient_user_id == scene.sam
            )
        ).all()
    assert len(to_sam) == 1 and title_of(demo_db, scene.x) in to_sam[0]
    assert len([text for text in told if text.startswith("Sent ")]) == 1  # said once, in the status bar
