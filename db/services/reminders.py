"""Reminders (issue 17, item 4): each day, one digest to each person who still has to decide a request
that starts soon, and the trust's schedule of reminders for pending data sharing requests.

* Who decides what is ``db.queries.inbox.deciding_layers``'s answer, the same as My inbox's: the
  line manager of the individual's job (a TrustDesk user, or someone with an e-mail address), the
  school's own CPD deciders (CPD team) and the trust's (partnership, as far as D6 lets it reach).
* Requests starting within the trust's N days (Trust settings › Reminders) are reminded every day
  until they start or are decided; each person gets ONE notification listing all of theirs (N1).
* A pending data sharing request is reminded on the schedule's days after it was sent (the k-th
  reminder once the k-th day has come), recorded as the Data sharing panel records a reminder.
* Nobody is reminded twice of the same thing on the same day: ``reminders_sent`` holds one row per
  person, thing and day under a unique constraint, and a reminder is written only for the rows this
  run's insert actually added.  Two programs running at once both insert; the database lets one in.
* The run is one transaction and one audit row ("sent N reminders").  At start-up it runs once a day
  per database (``daily_reminders`` claims the day first); ``trustdesk notify remind`` always runs.

The notification rows are the queue: the outbox sends them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Table, and_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.actions import Action, begin
from db.engine import Database
from db.models import (
    AcademicPeriod,
    AppUser,
    CpdActivity,
    CpdTeamState,
    DataSharingRequest,
    Job,
    Level,
    LineManagerState,
    Module,
    Organisation,
    OrgKind,
    Person,
    ReminderSent,
    SharingLevel,
    SharingRequestState,
    TrustSetting,
    UserGrant,
    utcnow,
)
from db.queries.data_sharing import DATA_SHARING, LEVEL_WORDS
from db.queries.inbox import GROUP_TITLES, OPEN_STATES, DecidingLayers, InboxGroup, deciding_layers
from db.reminder_settings import LAST_RUN_KEY, reminder_settings

SHARING_KIND = "data_sharing"
DIGEST_KIND = "decision_reminder"
SHARING_REMINDER_KIND = "data_sharing_reminder"
#: requests listed per layer in one digest, the soonest first; the rest are counted
DIGEST_LINES = 50
#: the tables behind the models, typed as tables (``__table__`` is declared as any FromClause)
SENT_TABLE = cast(Table, ReminderSent.__table__)
SETTINGS_TABLE = cast(Table, TrustSetting.__table__)


@dataclass(frozen=True, slots=True)
class RemindersRun:
    day: date
    #: digests written: one per person with requests to decide
    people: int = 0
    #: the requests those digests list (a request may be in several people's digests)
    requests: int = 0
    #: data sharing requests reminded
    data_sharing: int = 0

    @property
    def reminders(self) -> int:
        """Notifications written: the digests and the data sharing reminders."""
        return self.people + self.data_sharing

    @property
    def sentence(self) -> str:
        if not self.reminders:
            return f"Nothing to remind on {self.day:%d %b %Y}: everyone due a reminder today has had it."
        return (
            f"Sent {self.reminders:,} reminder{'s' if self.reminders != 1 else ''}: {self.people:,} "
            f"{'person' if self.people == 1 else 'people'} reminded of {self.requests:,} "
            f"request{'s' if self.requests != 1 else ''} to decide, {self.data_sharing:,} data sharing "
            f"request{'s' if self.data_sharing != 1 else ''} reminded."
        )


def _opted_out_condition() -> ColumnElement[bool]:
    """SQL over ``people``: those who opted out of reminder e-mails (decisions about their own
    requests still reach them)."""
    return Person.reminders_opt_out.is_(True)


@dataclass
class _Recipient:
    key: str  # "user:12", "job:345" or "email:…": the person, as reminders_sent names them
    name: str
    user_id: int | None = None
    job_id: int | None = None
    email: str | None = None


@dataclass
class _Due:
    recipient: _Recipient
    kind: str
    item_id: int
    line: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def send_reminders(db: Database, user_id: int, today: date | None = None) -> RemindersRun:
    """Remind everyone of what is due today (``trustdesk notify remind``): always runs; what was already
    reminded today is left out, so running it twice sends nothing the second time."""
    run = _run(db, user_id, today or date.today(), claim=False)
    assert run is not None  # only a run that claims the day can find it taken
    return run


def daily_reminders(db: Database, user_id: int, today: date | None = None) -> RemindersRun | None:
    """The start-up run: once a day per database. None when another start-up (here or elsewhere) ran today."""
    return _run(db, user_id, today or date.today(), claim=True)


def _run(db: Database, user_id: int, today: date, *, claim: bool) -> RemindersRun | None:
    with begin(db, user_id) as act:
        session = act.session
        if claim and not _claim_day(session, today):
            return None
        settings = reminder_settings(session)
        now = utcnow()
        opted_out = set(session.scalars(select(Person.id).where(_opted_out_condition())))
        due = _requests_due(session, today, settings.days_before_start, opted_out)
        sharing = _sharing_due(session, today, settings.sharing_schedule, opted_out)
        added = _record(session, [*due, *sharing], today, now)
        digests = _digests([d for d in due if (d.recipient.key, d.kind, d.item_id) in added])
        act.notify_rows(digests)
        reminded = [d for d in sharing if (d.recipient.key, d.kind, d.item_id) in added]
        _remind_sharing(act, reminded, now)
        run = RemindersRun(
            day=today,
            people=len(digests),
            requests=len({d.item_id for d in due if (d.recipient.key, d.kind, d.item_id) in added}),
            data_sharing=len(reminded),
        )
        act.audit(
            "reminders_sent",
            "reminders",
            None,
            after={
                "reminders": run.reminders,
                "people": run.people,
                "requests": run.requests,
                "data_sharing": run.data_sharing,
                "day": f"{today:%d %b %Y}",
            },
        )
        if reminded:
            act.changed(DATA_SHARING, {d.extra["organisation_id"] for d in reminded})
        return run


# -- once a day, whoever starts first ---------------------------------------------------------------


def _insert_ignoring_duplicates(session: Session, table: Table) -> Any:
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing()


def _claim_day(session: Session, today: date) -> bool:
    """Mark the reminders as run today; False if they already were (another program may be doing it now:
    on PostgreSQL its uncommitted claim makes this one wait, then see the day taken)."""
    value = today.isoformat()
    moved = session.execute(
        update(TrustSetting)
        .where(TrustSetting.key == LAST_RUN_KEY, TrustSetting.value != value)
        .values(value=value, version=TrustSetting.version + 1)
    )
    if cast(CursorResult[Any], moved).rowcount:
        return True
    added = session.execute(
        _insert_ignoring_duplicates(session, SETTINGS_TABLE).returning(SETTINGS_TABLE.c.key),
        {"key": LAST_RUN_KEY, "value": value, "version": 1},
    ).first()
    return added is not None


def _record(session: Session, due: Sequence[_Due], today: date, now: Any) -> set[tuple[str, str, int]]:
    """Insert one ``reminders_sent`` row per (person, thing) due; the ones that went in are this run's to send."""
    if not due:
        return set()
    rows = {(d.recipient.key, d.kind, d.item_id): None for d in due}
    statement = _insert_ignoring_duplicates(session, SENT_TABLE).returning(
        SENT_TABLE.c.recipient, SENT_TABLE.c.kind, SENT_TABLE.c.item_id
    )
    added: set[tuple[str, str, int]] = set()
    keys = list(rows)
    for start in range(0, len(keys), 1000):
        params = [
            {"day": today, "recipient": key, "kind": kind, "item_id": item, "sent_at": now}
            for key, kind, item in keys[start : start + 1000]
        ]
        added.update((r, k, i) for r, k, i in session.execute(statement, params))
    return added


# -- requests that start soon -------------------------------------------------------------------------


def _requests_due(session: Session, today: date, days: int, opted_out: set[int]) -> list[_Due]:
    last = today + timedelta(days=days)
    periods = list(
        session.scalars(
            select(AcademicPeriod.id).where(AcademicPeriod.starts_on <= last, AcademicPeriod.ends_on >= today)
        )
    )
    rows = session.execute(
        select(
            CpdActivity.id,
            CpdActivity.title,
            CpdActivity.starts_on,
            CpdActivity.organisation_id,
            Organisation.name,
            CpdActivity.job_id,
            Job.line_manager_job_id,
            Job.person_id,
            Person.first_name,
            Person.last_name,
            CpdActivity.line_manager_state,
            CpdActivity.cpd_team_state,
        )
        .join(Job, Job.id == CpdActivity.job_id)
        .join(Person, Person.id == Job.person_id)
        .join(Organisation, Organisation.id == CpdActivity.organisation_id)
        .where(
            CpdActivity.period_id.in_(periods),
            CpdActivity.starts_on >= today,
            CpdActivity.starts_on <= last,
            CpdActivity.partnership_state.in_(OPEN_STATES),
            CpdActivity.withdrawn_at.is_(None),
        )
        .order_by(CpdActivity.starts_on, CpdActivity.id)
    ).all()
    if not rows:
        return []
    due: list[_Due] = []
    managers = _line_managers(session, {r.line_manager_job_id for r in rows if r.line_manager_job_id}, opted_out)
    for r in rows:
        line = f"{r.title} — {r.first_name} {r.last_name} ({r.name}), starts {r.starts_on:%d %b %Y}"
        manager = managers.get(r.line_manager_job_id or 0)
        if manager is not None and LineManagerState(r.line_manager_state) is LineManagerState.PENDING:
            person_of_manager, recipient = manager
            if person_of_manager != r.person_id:
                due.append(_Due(recipient, InboxGroup.LINE_MANAGER.value, r.id, line))
    for recipient, layers in _deciders(session, opted_out):
        for r in rows:
            if r.job_id in layers.own_job_ids:
                continue
            line = f"{r.title} — {r.first_name} {r.last_name} ({r.name}), starts {r.starts_on:%d %b %Y}"
            lm_state, team_state = LineManagerState(r.line_manager_state), CpdTeamState(r.cpd_team_state)
            if (
                _decides(layers, layers.cpd_team_orgs, r.organisation_id, r.job_id)
                and team_state is CpdTeamState.PENDING
                and lm_state is not LineManagerState.DENIED
            ):
                due.append(_Due(recipient, InboxGroup.CPD_TEAM.value, r.id, line))
            if (
                _decides(layers, layers.partnership_orgs, r.organisation_id, r.job_id)
                and lm_state is not LineManagerState.DENIED
                and team_state is not CpdTeamState.DECLINED
            ):
                due.append(_Due(recipient, InboxGroup.PARTNERSHIP.value, r.id, line))
    return due


def _decides(layers: DecidingLayers, orgs: frozenset[int], org_id: int, job_id: int) -> bool:
    if org_id not in orgs:
        return False
    limit = layers.job_limits.get(org_id)
    return limit is None or job_id in limit


def _line_managers(session: Session, job_ids: Iterable[int], opted_out: set[int]) -> dict[int, tuple[int, _Recipient]]:
    """Manager job → (their person, how to reach them): a TrustDesk user of that job, else the job's or
    the person's e-mail address; managers who are neither, or who opted out, are left out."""
    wanted = sorted(set(job_ids))
    found: dict[int, tuple[int, _Recipient]] = {}
    for start in range(0, len(wanted), 1000):
        rows = session.execute(
            select(
                Job.id,
                Job.person_id,
                Job.email,
                Person.email,
                Person.first_name,
                Person.last_name,
                AppUser.id,
                AppUser.email,
            )
            .join(Person, Person.id == Job.person_id)
            .outerjoin(AppUser, and_(AppUser.job_id == Job.id, AppUser.active.is_(True)))
            .where(Job.id.in_(wanted[start : start + 1000]), Job.active.is_(True))
        ).all()
        for job_id, person_id, job_email, person_email, first, last, user, user_email in rows:
            if person_id in opted_out:
                continue
            email = job_email or person_email or user_email
            name = f"{first} {last}"
            if user is not None:
                found[job_id] = (person_id, _Recipient(f"user:{user}", name, user_id=user, job_id=job_id, email=email))
            elif email:
                found[job_id] = (person_id, _Recipient(f"job:{job_id}", name, job_id=job_id, email=email))
    return found


def _deciders(session: Session, opted_out: set[int]) -> list[tuple[_Recipient, DecidingLayers]]:
    """Every active user who decides Partnership CPD somewhere, with where (their layers)."""
    rows = session.execute(
        select(AppUser.id, AppUser.display_name, AppUser.email, AppUser.job_id, Job.person_id, Job.email)
        .outerjoin(Job, Job.id == AppUser.job_id)
        .where(
            AppUser.active.is_(True),
            AppUser.id.in_(
                select(UserGrant.user_id).where(
                    UserGrant.module == Module.PARTNERSHIP_CPD, UserGrant.level >= int(Level.DECIDE)
                )
            ),
        )
        .order_by(AppUser.id)
    ).all()
    deciders = []
    for user_id, name, email, job_id, person_id, job_email in rows:
        if person_id is not None and person_id in opted_out:
            continue
        layers = deciding_layers(session, user_id)
        if layers.cpd_team_orgs or layers.partnership_orgs:
            recipient = _Recipient(f"user:{user_id}", name, user_id=user_id, job_id=job_id, email=email or job_email)
            deciders.append((recipient, layers))
    return deciders


def _digests(due: Sequence[_Due]) -> list[dict[str, Any]]:
    """One notification per person, listing their requests by layer, soonest first."""
    by_person: dict[str, list[_Due]] = defaultdict(list)
    for item in due:
        by_person[item.recipient.key].append(item)
    notes = []
    for items in by_person.values():
        recipient = items[0].recipient
        requests = len({d.item_id for d in items})
        sections = []
        for group in (InboxGroup.LINE_MANAGER, InboxGroup.CPD_TEAM, InboxGroup.PARTNERSHIP):
            lines = [f"  • {d.line}" for d in items if d.kind == group.value]
            if len(lines) > DIGEST_LINES:  # a trust-wide lead's digest stays readable; My inbox has them all
                lines = [*lines[:DIGEST_LINES], f"  … and {len(lines) - DIGEST_LINES:,} more"]
            if lines:
                sections.append(f"{GROUP_TITLES[group]}:\n" + "\n".join(lines))
        one = requests == 1
        notes.append(
            {
                "recipient_user_id": recipient.user_id,
                "recipient_job_id": recipient.job_id,
                "recipient_email": recipient.email,
                "kind": DIGEST_KIND,
                "subject": f"Reminder: {requests} request{'' if one else 's'} to decide, starting soon",
                "body": f"Dear {recipient.name},\n\n"
                + ("This request starts soon and still waits" if one else "These requests start soon and still wait")
                + " for your decision:"
                "\n\n"
                + "\n\n".join(sections)
                + f"\n\nDecide {'it' if one else 'them'} in TrustDesk: My inbox lists {'it' if one else 'them'}.",
            }
        )
    return notes


# -- data sharing requests on the trust's schedule ---------------------------------------------------


def _sharing_due(session: Session, today: date, schedule: Sequence[int], opted_out: set[int]) -> list[_Due]:
    """Pending requests whose next scheduled reminder day has come and that were not reminded today."""
    if not schedule:
        return []
    rows = session.execute(
        select(DataSharingRequest, Organisation.name, Job.person_id)
        .join(Organisation, Organisation.id == DataSharingRequest.organisation_id)
        .outerjoin(Job, Job.id == DataSharingRequest.recipient_job_id)
        .where(DataSharingRequest.state == SharingRequestState.PENDING)
        .order_by(DataSharingRequest.id)
    ).all()
    due = []
    for request, school, person_id in rows:
        if person_id is not None and person_id in opted_out:
            continue
        step = request.reminder_count
        if step >= len(schedule) or today < request.sent_at.date() + timedelta(days=schedule[step]):
            continue
        if request.reminded_at is not None and request.reminded_at.date() >= today:
            continue
        key = f"job:{request.recipient_job_id}" if request.recipient_job_id else f"email:{request.recipient_email}"
        recipient = _Recipient(
            key.lower(),
            request.recipient_name or request.recipient_email,
            job_id=request.recipient_job_id,
            email=request.recipient_email,
        )
        due.append(
            _Due(
                recipient,
                SHARING_KIND,
                request.id,
                extra={"organisation_id": request.organisation_id, "school": school},
            )
        )
    return due


def _remind_sharing(act: Action, reminded: Sequence[_Due], now: Any) -> None:
    """Count and stamp each reminder, audit and notify it, as the Data sharing panel's Remind does (D2)."""
    if not reminded:
        return
    trust = act.session.scalar(select(Organisation.name).where(Organisation.kind == OrgKind.TRUST)) or "The trust"
    requests = {
        r.id: r
        for r in act.session.scalars(
            select(DataSharingRequest).where(DataSharingRequest.id.in_([d.item_id for d in reminded]))
        )
    }
    audits, notes = [], []
    for item in reminded:
        request = requests[item.item_id]
        request.reminder_count += 1
        request.reminded_at = now
        level = LEVEL_WORDS[SharingLevel(request.level)]
        audits.append(
            {
                "action": "data_sharing_reminded",
                "entity": "organisation",
                "entity_id": request.organisation_id,
                "after": {
                    "request_id": request.id,
                    "sharing": level,
                    "recipient": request.recipient_name or request.recipient_email,
                    "reminders": request.reminder_count,
                },
            }
        )
        notes.append(
            {
                "recipient_job_id": request.recipient_job_id,
                "recipient_email": request.recipient_email,
                "kind": SHARING_REMINDER_KIND,
                "subject": f"Reminder: {trust} asks {item.extra['school']} to share {level}",
                "body": (
                    f"{trust} sent this request on {request.sent_at:%d %b %Y} and it is still waiting. Approve or "
                    "decline it in TrustDesk under Data sharing."
                ),
            }
        )
    act.session.flush()
    act.audit_rows(audits)
    act.notify_rows(notes)
