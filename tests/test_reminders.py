"""Reminders (issue 17, item 4) on both engines: one digest per person of the requests starting within the
trust's N days that still await them; data sharing requests on the trust's schedule; nobody reminded twice
of the same thing on the same day, not even by two programs at once."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from db.engine import Database, DatabaseTarget
from db.errors import PermissionDenied, StaleData, ValidationError
from db.migrate import open_database
from db.models import (
    AcademicPeriod,
    AppUser,
    AuditEntry,
    CpdActivity,
    CpdTeamState,
    DataSharingAgreement,
    DataSharingRequest,
    Job,
    LineManagerState,
    Module,
    Notification,
    PartnershipState,
    ReminderSent,
    SharingLevel,
    SharingRecipientRole,
    SharingRequestState,
    UserGrant,
    utcnow,
)
from db.reminder_settings import ReminderSettings
from db.services.reminders import DIGEST_KIND, SHARING_REMINDER_KIND, daily_reminders, send_reminders
from db.services.trust_settings import set_reminder_settings
from tests.helpers import user_id

#: a Monday in August 2027: the small demo has no activity starting in that month, so the tests place their own
TODAY = date(2027, 8, 2)
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Scene:
    alex: int  # primary user: decides partnership CPD over the trust
    sam: int  # CPD lead over the trust; line manager of Jo
    chris: int  # school CPD coordinator at one school; line manager of one of its teachers
    jo: int  # comment level only: decides nothing
    school: int  # Chris's school
    x: int  # Jo's request: awaits Sam as line manager, and the partnership
    y: int  # a teacher's request at Chris's school: awaits Chris (line manager, CPD team) and the partnership


def _job(db: Database, uid: int) -> int:
    with db.read() as session:
        job = session.scalar(select(AppUser.job_id).where(AppUser.id == uid))
    assert job is not None
    return job


def move(db: Database, activity: int, starts_on: date, **values: Any) -> None:
    """Place a request on ``starts_on`` (in the period holding that day), open at every layer unless told."""
    with db.transaction() as session:
        period = session.scalar(
            select(AcademicPeriod.id).where(AcademicPeriod.starts_on <= starts_on, AcademicPeriod.ends_on >= starts_on)
        )
        fields = {
            "starts_on": starts_on,
            "ends_on": starts_on,
            "period_id": period,
            "partnership_state": PartnershipState.PENDING,
            "line_manager_state": LineManagerState.PENDING,
            "cpd_team_state": CpdTeamState.PENDING,
            "withdrawn_at": None,
            **values,
        }
        session.execute(update(CpdActivity).where(CpdActivity.id == activity).values(**fields))


def _set_up(db: Database) -> Scene:
    alex, sam, chris, jo = (user_id(db, name) for name in ("alex.morgan", "sam.patel", "chris.lee", "jo.evans"))
    sam_job, chris_job, jo_job = _job(db, sam), _job(db, chris), _job(db, jo)
    with db.transaction() as session:
        # nothing else starts in the window the tests remind about
        window = (CpdActivity.starts_on >= TODAY - timedelta(days=1)) & (
            CpdActivity.starts_on <= TODAY + timedelta(days=25)
        )
        assert session.scalar(select(func.count()).select_from(CpdActivity).where(window)) == 0
        school = session.scalar(
            select(UserGrant.organisation_id).where(
                UserGrant.user_id == chris, UserGrant.module == Module.PARTNERSHIP_CPD
            )
        )
        session.execute(update(Job).where(Job.id == jo_job).values(line_manager_job_id=sam_job))
        teacher = session.scalar(
            select(Job.id).where(Job.organisation_id == school, Job.id != chris_job, Job.active.is_(True)).limit(1)
        )
        session.execute(update(Job).where(Job.id == teacher).values(line_manager_job_id=chris_job))
        agreement = session.get(DataSharingAgreement, school)
        if agreement is None:
            session.add(DataSharingAgreement(organisation_id=school, level=SharingLevel.GROUP_ACTIONS))
        else:
            agreement.level = SharingLevel.GROUP_ACTIONS
        # the demo's own pending data sharing requests are closed: the tests send their own
        session.execute(
            update(DataSharingRequest)
            .where(DataSharingRequest.state == SharingRequestState.PENDING)
            .values(state=SharingRequestState.WITHDRAWN)
        )
        jo_org = session.scalar(select(Job.organisation_id).where(Job.id == jo_job))
        first, second = session.scalars(select(CpdActivity.id).order_by(CpdActivity.id).limit(2)).all()
        session.execute(
            update(CpdActivity).where(CpdActivity.id == first).values(job_id=jo_job, organisation_id=jo_org)
        )
        session.execute(
            update(CpdActivity).where(CpdActivity.id == second).values(job_id=teacher, organisation_id=school)
        )
    move(db, first, TODAY + timedelta(days=3))
    move(db, second, TODAY + timedelta(days=5))
    return Scene(alex, sam, chris, jo, school, first, second)


@pytest.fixture
def scene(demo_db: Database) -> Scene:
    return _set_up(demo_db)


@dataclass(frozen=True)
class Note:
    subject: str
    body: str
    email: str | None


def digests(db: Database) -> dict[int | None, list[Note]]:
    """The reminder digests written so far, by the user they are for."""
    with db.read() as session:
        rows = session.execute(
            select(
                Notification.recipient_user_id, Notification.subject, Notification.body, Notification.recipient_email
            )
            .where(Notification.kind == DIGEST_KIND)
            .order_by(Notification.id)
        ).all()
    found: dict[int | None, list[Note]] = {}
    for user, subject, body, email in rows:
        found.setdefault(user, []).append(Note(subject, body, email))
    return found


def title(db: Database, activity: int) -> str:
    with db.read() as session:
        return session.scalar(select(CpdActivity.title).where(CpdActivity.id == activity)) or ""


def count(db: Database, model: Any, *conditions: Any) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0)


def test_each_decider_gets_one_digest_listing_their_requests_by_layer(demo_db: Database, scene: Scene) -> None:
    run = send_reminders(demo_db, scene.jo, TODAY)
    assert (run.people, run.requests, run.data_sharing) == (3, 2, 0)
    sent = digests(demo_db)
    assert set(sent) == {scene.sam, scene.alex, scene.chris}  # Jo decides nothing: no digest
    assert all(len(rows) == 1 for rows in sent.values())  # one per person, not one per request
    x, y = title(demo_db, scene.x), title(demo_db, scene.y)
    sam = sent[scene.sam][0].body
    assert "As line manager:" in sam and "As partnership:" in sam and "As CPD team:" not in sam
    assert sam.index(x) < sam.index("As partnership:") < sam.rindex(y)  # X as his report's manager; both as lead
    assert "starts 05 Aug 2027" in sam and sent[scene.sam][0].subject.startswith("Reminder: 2 requests")
    chris = sent[scene.chris][0].body
    assert "As line manager:" in chris and "As CPD team:" in chris and x not in chris and y in chris
    assert sent[scene.chris][0].subject.startswith("Reminder: 1 request to decide")
    with demo_db.read() as session:
        audit = session.execute(
            select(AuditEntry.user_id, AuditEntry.after).where(AuditEntry.action == "reminders_sent")
        ).all()
    assert len(audit) == 1 and audit[0][0] == scene.jo
    assert audit[0][1] == {"reminders": 3, "people": 3, "requests": 2, "data_sharing": 0, "day": "02 Aug 2027"}


def test_nobody_is_reminded_twice_the_same_day_but_again_the_next(demo_db: Database, scene: Scene) -> None:
    send_reminders(demo_db, scene.alex, TODAY)
    again = send_reminders(demo_db, scene.alex, TODAY)
    assert (again.people, again.requests) == (0, 0)
    assert "Nothing to remind" in again.sentence
    assert sum(len(rows) for rows in digests(demo_db).values()) == 3
    rows_today = count(demo_db, ReminderSent, ReminderSent.day == TODAY)
    assert rows_today == 7  # Sam: X twice (manager, lead) and Y; Alex: X, Y; Chris: Y twice (manager, CPD team)
    assert count(demo_db, AuditEntry, AuditEntry.action == "reminders_sent") == 2  # one row per run
    tomorrow = send_reminders(demo_db, scene.alex, TODAY + timedelta(days=1))
    assert (tomorrow.people, tomorrow.requests) == (3, 2)


def test_only_undecided_open_requests_within_the_window_are_reminded(demo_db: Database, scene: Scene) -> None:
    with demo_db.read() as session:
        later = session.scalar(select(CpdActivity.id).order_by(CpdActivity.id).offset(2).limit(1))
    assert later is not None
    move(demo_db, later, TODAY + timedelta(days=9))  # past the default 7 days
    move(demo_db, scene.x, TODAY + timedelta(days=3), line_manager_state=LineManagerState.AGREED)
    move(demo_db, scene.y, TODAY + timedelta(days=5), withdrawn_at=utcnow())
    send_reminders(demo_db, scene.alex, TODAY)
    sent = digests(demo_db)
    x, y, far = title(demo_db, scene.x), title(demo_db, scene.y), title(demo_db, later)
    assert scene.chris not in sent  # Y was withdrawn
    sam = sent[scene.sam][0].body
    assert "As line manager:" not in sam and x in sam and y not in sam and far not in sam
    shown = ReminderSettings()
    set_reminder_settings(demo_db, scene.alex, 10, "7, 14, 28", shown)
    with pytest.raises(StaleData):  # settings changed since they were shown
        set_reminder_settings(demo_db, scene.alex, 12, "7", shown)
    send_reminders(demo_db, scene.alex, TODAY)
    assert far in digests(demo_db)[scene.alex][-1].body  # now inside the trust's 10 days


def test_nobody_is_reminded_of_their_own_request(demo_db: Database, scene: Scene) -> None:
    sam_job = _job(demo_db, scene.sam)
    with demo_db.transaction() as session:
        sam_org = session.scalar(select(Job.organisation_id).where(Job.id == sam_job))
        manager = session.scalar(select(Job.line_manager_job_id).where(Job.id == sam_job))
        session.execute(
            update(CpdActivity).where(CpdActivity.id == scene.x).values(job_id=sam_job, organisation_id=sam_org)
        )
    send_reminders(demo_db, scene.alex, TODAY)
    sam = digests(demo_db)[scene.sam][0].body
    assert title(demo_db, scene.x) not in sam
    if manager == _job(demo_db, scene.alex):  # the demo's Sam answers to Alex
        assert "As line manager:" in digests(demo_db)[scene.alex][0].body


def _pending_request(db: Database, scene: Scene, sent: datetime) -> int:
    with db.transaction() as session:
        request = DataSharingRequest(
            organisation_id=scene.school,
            level=SharingLevel.GROUP_ACTIONS,
            state=SharingRequestState.PENDING,
            recipient_role=SharingRecipientRole.HEAD,
            recipient_name="Aoife O'Brien",
            recipient_email="aoife.obrien@school.example",
            sent_by_user_id=scene.alex,
            sent_at=sent,
        )
        session.add(request)
        session.flush()
        return request.id


def test_data_sharing_requests_are_reminded_on_the_trusts_schedule(demo_db: Database, scene: Scene) -> None:
    request = _pending_request(demo_db, scene, datetime(2027, 7, 26, 9, 30))  # a week before TODAY

    def reminded(day: date) -> int:
        return send_reminders(demo_db, scene.alex, day).data_sharing

    assert reminded(TODAY - timedelta(days=1)) == 0  # day 6
    assert reminded(TODAY) == 1  # day 7: the first reminder
    assert reminded(TODAY) == 0  # not twice the same day
    assert reminded(TODAY + timedelta(days=6)) == 0  # day 13
    assert reminded(TODAY + timedelta(days=7)) == 1  # day 14: the second
    with demo_db.read() as session:
        count_and_when = session.execute(
            select(DataSharingRequest.reminder_count, DataSharingRequest.reminded_at).where(
                DataSharingRequest.id == request
            )
        ).one()
        notes = session.execute(
            select(Notification.recipient_email, Notification.subject).where(Notification.kind == SHARING_REMINDER_KIND)
        ).all()
        audits = session.scalars(select(AuditEntry.after).where(AuditEntry.action == "data_sharing_reminded")).all()
    assert count_and_when[0] == 2 and count_and_when[1] is not None
    assert [email for email, _subject in notes] == ["aoife.obrien@school.example"] * 2
    assert notes[0][1].startswith("Reminder: ") and "share" in notes[0][1]
    assert [after["reminders"] for after in audits] == [1, 2]
    set_reminder_settings(demo_db, scene.alex, 7, "", ReminderSettings())  # no automatic data sharing reminders
    assert reminded(TODAY + timedelta(days=21)) == 0


def test_reminder_settings_refuse_bad_input_and_people_who_may_not(demo_db: Database, scene: Scene) -> None:
    shown = ReminderSettings()
    for schedule in ("7, x", "14, 7", "0", "7, 7", "400"):
        with pytest.raises(ValidationError):
            set_reminder_settings(demo_db, scene.alex, 7, schedule, shown)
    with pytest.raises(ValidationError):
        set_reminder_settings(demo_db, scene.alex, -1, "7", shown)
    with pytest.raises(PermissionDenied):
        set_reminder_settings(demo_db, scene.jo, 3, "7", shown)
    assert set_reminder_settings(demo_db, scene.alex, 3, " 5; 10 ", shown) == ReminderSettings(3, (5, 10))


def test_the_start_up_run_happens_once_a_day_per_database(demo_db: Database, scene: Scene) -> None:
    first = daily_reminders(demo_db, scene.sam, TODAY)
    assert first is not None and first.people == 3
    assert daily_reminders(demo_db, scene.chris, TODAY) is None  # another user's window, the same day
    assert count(demo_db, AuditEntry, AuditEntry.action == "reminders_sent") == 1
    assert daily_reminders(demo_db, scene.chris, TODAY + timedelta(days=1)) is not None


# -- two programs at once -------------------------------------------------------------------------


def _remind_entry(url: str, mode: str, day: str, barrier: Any, results: Any) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.helpers import user_id as find_user

    db = open_database(DatabaseTarget.parse(url), migrate=False)
    try:
        me = find_user(db, "sam.patel")
        barrier.wait()
        run = (send_reminders if mode == "send" else daily_reminders)(db, me, date.fromisoformat(day))
        results.put(None if run is None else run.people)
    finally:
        db.dispose()


def _url(db: Database) -> str:
    return db.target.url.render_as_string(hide_password=False)


@pytest.mark.parametrize("mode", ["send", "daily"])
def test_two_programs_reminding_at_once_remind_each_person_once(demo_db: Database, scene: Scene, mode: str) -> None:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    children = [
        context.Process(target=_remind_entry, args=(_url(demo_db), mode, TODAY.isoformat(), barrier, results))
        for _ in range(2)
    ]
    for child in children:
        child.start()
    for child in children:
        child.join(120)
        assert child.exitcode == 0
    outcomes = sorted((results.get(timeout=5) for _ in children), key=lambda people: -1 if people is None else people)
    if mode == "send":
        assert outcomes == [0, 3]  # the second found every reminder already taken
    else:
        assert outcomes == [None, 3]  # the second found the day already claimed
    assert sum(len(rows) for rows in digests(demo_db).values()) == 3
    assert count(demo_db, ReminderSent) == 7


# -- the command line -----------------------------------------------------------------------------


@pytest.mark.engines("sqlite")
def test_notify_remind_on_the_command_line(demo_db: Database, scene: Scene) -> None:
    path = str(demo_db.target.sqlite_path)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "desktop", "notify", "remind", "--db", path, *args]
        return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)

    done = run("--as", "sam.patel", "--day", TODAY.isoformat())
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.strip() == "Sent 3 reminders: 3 people reminded of 2 requests to decide, 0 data sharing "
        "requests reminded."
    )
    again = run("--as", "sam.patel", "--day", TODAY.isoformat())
    assert again.returncode == 0 and again.stdout.startswith("Nothing to remind on 02 Aug 2027")
    bad = run("--as", "sam.patel", "--day", "2027-02-30")
    assert bad.returncode == 2 and bad.stderr.strip().count("\n") == 0 and "YYYY-MM-DD" in bad.stderr
    nobody = run("--as", "nobody", "--day", TODAY.isoformat())
    assert nobody.returncode == 2 and "no active TrustDesk user" in nobody.stderr


@pytest.mark.engines("postgresql")
def test_a_linked_login_reminds_but_cannot_rewrite_who_was_reminded(demo_db: Database, scene: Scene) -> None:
    from sqlalchemy.exc import DBAPIError

    from db.server_logins import link_login

    login = f"reminder.{demo_db.target.url.database}"
    with demo_db.engine.begin() as connection:
        connection.exec_driver_sql(f'CREATE ROLE "{login}" LOGIN')
        link_login(connection, login, "sam.patel")
    own = open_database(DatabaseTarget(demo_db.target.url.set(username=login)), migrate=False)
    try:
        assert send_reminders(own, scene.sam, TODAY).people == 3  # the program's own path works through the login
        for statement in ("UPDATE reminders_sent SET day = day + 1", "DELETE FROM reminders_sent"):
            with pytest.raises(DBAPIError, match="permission denied"), own.engine.begin() as connection:
                connection.exec_driver_sql(statement)
        assert send_reminders(own, scene.sam, TODAY).people == 0
    finally:
        own.dispose()
        with demo_db.engine.begin() as connection:
            connection.exec_driver_sql(f'DROP OWNED BY "{login}"')
            connection.exec_driver_sql(f'DROP ROLE "{login}"')
