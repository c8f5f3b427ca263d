"""What File › Trust settings… shows: the trust's name and logo, the academic year, cover limits, periods.

Also the preview of a start-month change (how many activities would move to another period),
worked out exactly as the change itself will do it (``db.period_moves``).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from db.changes import ChangeKind
from db.cover_limits import DEFAULT_LIMIT_DAYS, DEFAULT_LIMIT_KEY
from db.engine import Database
from db.errors import NotFound, ValidationError
from db.models import AcademicPeriod, Budget, CoverLimit, Job, Level, Module, Organisation, OrgKind, TrustSetting
from db.period_moves import month_name, plan_moves
from db.periods import DEFAULT_START_MONTH, START_MONTH_KEY
from db.reminder_settings import ReminderSettings, reminder_settings
from db.scope import Scope, scope_for

#: what a change to trust settings is called on the data bus
TRUST_SETTINGS: ChangeKind = "trust_settings"
LOGO_KEY = "trust_logo"


@dataclass(frozen=True, slots=True)
class RoleLimit:
    role: str
    days: float
    version: int
    #: jobs with this role title
    jobs: int
    #: of those, the ones without a limit of their own: this limit is theirs
    applies_to: int = 0


@dataclass(frozen=True, slots=True)
class PeriodRow:
    id: int
    label: str
    starts_on: date
    ends_on: date
    budgets: int  # budgets set for this period, across every organisation

    @property
    def has_budgets(self) -> bool:
        return self.budgets > 0


@dataclass(frozen=True, slots=True)
class TrustSettings:
    trust_id: int
    trust_name: str
    trust_version: int
    start_month: int
    default_cover_limit: float
    #: None while the default has never been set (the first save creates it)
    default_cover_limit_version: int | None
    role_limits: tuple[RoleLimit, ...]
    #: every role title some job has, for choosing a role to give a limit
    roles: tuple[str, ...]
    periods: tuple[PeriodRow, ...]
    logo: bytes | None
    can_edit: bool
    #: when reminders go out (Trust settings › Reminders)
    reminders: ReminderSettings = field(default_factory=ReminderSettings)

    @property
    def has_logo(self) -> bool:
        return self.logo is not None


@dataclass(frozen=True, slots=True)
class TrustBranding:
    """What exports put on their front page: the trust's name and its logo, if one is set."""

    name: str
    logo: bytes | None


@dataclass(frozen=True, slots=True)
class PeriodMove:
    from_label: str
    to_label: str
    activities: int
    #: the period moved to is not stored yet: the change creates it
    new_period: bool = False


@dataclass(frozen=True, slots=True)
class StartMonthPreview:
    month: int
    current_month: int
    moves: tuple[PeriodMove, ...]
    #: budgets of organisations and periods that activities would leave or join (the budgets stay)
    budgets_affected: int

    @property
    def activities(self) -> int:
        return sum(move.activities for move in self.moves)

    @property
    def sentence(self) -> str:
        name = month_name(self.month)
        if self.month == self.current_month:
            return f"The academic year already starts in {name}."
        count = self.activities
        noun = "activity" if count == 1 else "activities"
        return f"Changing to {name} moves {count:,} {noun} to another period (budgets are kept per period)."


# -- shared with the services -------------------------------------------------------------------


def trust_row(session: Session) -> Organisation:
    trust = session.scalar(select(Organisation).where(Organisation.kind == OrgKind.TRUST).order_by(Organisation.id))
    if trust is None:
        raise NotFound("This database has no trust yet.")
    return trust


def may_edit(scope: Scope, trust_id: int) -> bool:
    """Primary users and those who decide about Organisations at the trust itself."""
    return scope.is_primary or scope.can_act(Module.ORGANISATIONS, trust_id, Level.DECIDE)


def setting(session: Session, key: str) -> TrustSetting | None:
    return session.get(TrustSetting, key)


def stored_logo(session: Session) -> bytes | None:
    row = setting(session, LOGO_KEY)
    if row is None or not row.value:
        return None
    try:
        return base64.b64decode(row.value, validate=True)
    except (binascii.Error, ValueError):
        return None  # a damaged value shows as no logo rather than breaking every export


def branding(session: Session) -> TrustBranding:
    trust = session.scalar(
        select(Organisation.name).where(Organisation.kind == OrgKind.TRUST).order_by(Organisation.id)
    )
    return TrustBranding(trust or "", stored_logo(session))


def _start_month(session: Session) -> int:
    row = setting(session, START_MONTH_KEY)
    return int(row.value) if row is not None and row.value else DEFAULT_START_MONTH


# -- the queries ----------------------------------------------------------------------------------


def can_edit_trust_settings(db: Database, user_id: int) -> bool:
    """For the File menu: whether Trust settings… is offered at all."""
    with db.read() as session:
        trust = session.scalar(select(Organisation.id).where(Organisation.kind == OrgKind.TRUST))
        return trust is not None and may_edit(scope_for(session, user_id), trust)


def load_trust_settings(db: Database, user_id: int) -> TrustSettings:
    with db.read() as session:
        trust = trust_row(session)
        default = setting(session, DEFAULT_LIMIT_KEY)
        own_limit = case((Job.cover_limit_days.is_(None), 1), else_=0)
        jobs_per_role = {
            role: (jobs, int(without or 0))
            for role, jobs, without in session.execute(
                select(Job.role, func.count(), func.sum(own_limit)).group_by(Job.role).order_by(Job.role)
            )
        }
        limits = tuple(
            RoleLimit(row.role, float(row.days), row.version, *jobs_per_role.get(row.role, (0, 0)))
            for row in session.scalars(select(CoverLimit).order_by(CoverLimit.role))
        )
        budgets = dict(
            session.execute(select(Budget.period_id, func.count()).group_by(Budget.period_id)).tuples().all()
        )
        periods = tuple(
            PeriodRow(p.id, p.label, p.starts_on, p.ends_on, budgets.get(p.id, 0))
            for p in session.scalars(select(AcademicPeriod).order_by(AcademicPeriod.starts_on))
        )
        return TrustSettings(
            trust_id=trust.id,
            trust_name=trust.name,
            trust_version=trust.version,
            start_month=_start_month(session),
            default_cover_limit=float(default.value) if default is not None else DEFAULT_LIMIT_DAYS,
            default_cover_limit_version=default.version if default is not None else None,
            role_limits=limits,
            roles=tuple(jobs_per_role),
            periods=periods,
            logo=stored_logo(session),
            can_edit=may_edit(scope_for(session, user_id), trust.id),
            reminders=reminder_settings(session),
        )


def preview_start_month(db: Database, user_id: int, month: int) -> StartMonthPreview:
    """How many activities would move, from which period to which, if the year started in ``month``."""
    if not 1 <= month <= 12:
        raise ValidationError("Choose a month from January to December.")
    with db.read() as session:
        current = _start_month(session)
        if month == current:
            return StartMonthPreview(month, current, (), 0)
        plan = plan_moves(session, month)
        labels = {target.first_year: target.period.label for target in plan.targets}
        new = {target.first_year for target in plan.targets if target.period_id is None}
        moves = tuple(
            PeriodMove(plan.stored[from_id].label, labels[year], count, year in new)
            for (from_id, year), count in sorted(
                plan.moves.items(), key=lambda item: (plan.stored[item[0][0]].starts_on, item[0][1])
            )
        )
        pairs = {pair for pair in plan.touched if pair[1] is not None}
        affected = 0
        if pairs:
            for org, period in session.execute(select(Budget.organisation_id, Budget.period_id)):
                affected += (org, period) in pairs
        return StartMonthPreview(month, current, moves, affected)
