"""File › Trust settings…: the trust's name and logo, the academic year, cover limits and budget periods.

Only a primary user, or someone who decides about Organisations at the trust itself, may change
them; each change is one audited transaction through ``db.actions.begin``. Changing the start
month re-dates every stored period in place (a period keeps its id, so its budgets stay with it)
and moves the activities whose start date now falls in another period, with one UPDATE per
period rather than one per activity (``db.period_moves`` says how).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, exists, select, update
from sqlalchemy.orm import Session

from db.actions import Action, begin
from db.bulk_cache import bigger_sqlite_cache
from db.cover_limits import DEFAULT_LIMIT_DAYS, DEFAULT_LIMIT_KEY, check_days
from db.engine import Database
from db.errors import PermissionDenied, StaleData, ValidationError
from db.images import inspect_logo
from db.models import AcademicPeriod, CoverLimit, CpdActivity, Job, Organisation, TrustSetting
from db.period_moves import MovePlan, month_name, period_of_year, plan_moves
from db.periods import START_MONTH_KEY, period_containing, start_month
from db.queries.activities import ACTIVITIES
from db.queries.organisations import BUDGETS, ORGANISATIONS
from db.queries.staff import JOBS
from db.queries.trust_settings import LOGO_KEY, TRUST_SETTINGS, may_edit, setting, trust_row
from db.reminder_settings import (
    DAYS_BEFORE_KEY,
    SHARING_SCHEDULE_KEY,
    ReminderSettings,
    check_days_before,
    parse_schedule,
    reminder_settings,
)
from db.services.sort_keys import refresh_organisation_sort

MAX_NAME = 200
#: budget periods may be added this many years past the current one, no further
MAX_YEARS_AHEAD = 5
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class StartMonthChanged:
    month: int
    activities_moved: int
    periods_created: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PeriodAdded:
    period_id: int
    label: str


def _trust_editor(act: Action) -> Organisation:
    """The trust, once the acting user is known to be allowed to change its settings."""
    trust = trust_row(act.session)
    if not may_edit(act.scope, trust.id):
        raise PermissionDenied(
            "Only a primary user or an administrator of the trust's organisations may change trust settings."
        )
    return trust


def _put_setting(act: Action, key: str, value: str) -> TrustSetting:
    row = setting(act.session, key)
    if row is None:
        row = TrustSetting(key=key, value=value)
        act.session.add(row)
    else:
        row.value = value
    act.session.flush()
    return row


# -- the academic year ------------------------------------------------------------------------------


def set_start_month(db: Database, user_id: int, month: int, expected_moves: int) -> StartMonthChanged:
    """Start the academic year in ``month``; refused if the number of activities that would move is no
    longer ``expected_moves`` (what the preview showed the user)."""
    if not 1 <= month <= 12:
        raise ValidationError("Choose a month from January to December.")
    with begin(db, user_id) as act:
        _trust_editor(act)
        session = act.session
        current = start_month(session)
        if month == current:
            raise ValidationError(f"The academic year already starts in {month_name(month)}; nothing was changed.")
        plan = plan_moves(session, month)
        if plan.total != expected_moves:
            raise StaleData(
                f"{plan.total:,} activities would now move to another period, not {expected_moves:,} as shown "
                "(someone changed activities meanwhile); nothing was changed. Look at the preview again."
            )
        # Re-date each stored period for its first year; no two rows ever share a date or a label
        # on the way (a new start date keeps the row's year, a new label its first year).
        for period in plan.stored.values():
            new = period_of_year(period.starts_on.year, month)
            period.starts_on, period.ends_on, period.label = new.starts_on, new.ends_on, new.label
        session.flush()
        created: list[str] = []
        ids: dict[int, int] = {}
        for target in plan.targets:
            if target.period_id is not None:
                ids[target.first_year] = target.period_id
            elif any(year == target.first_year and count for (_from, year), count in plan.moves.items()):
                row = AcademicPeriod(
                    label=target.period.label, starts_on=target.period.starts_on, ends_on=target.period.ends_on
                )
                session.add(row)
                session.flush()
                ids[target.first_year] = row.id
                created.append(row.label)
        with bigger_sqlite_cache(session.connection()):
            moved = _move_activities(session, plan, ids)
        if moved != plan.total:
            raise StaleData(
                "Activities changed while the academic year was being moved; nothing was changed. Try again."
            )
        _put_setting(act, START_MONTH_KEY, str(month))
        act.audit(
            "start_month_changed",
            "trust_setting",
            None,
            before={"start_month": month_name(current)},
            after={
                "start_month": month_name(month),
                "activities_moved": moved,
                "periods_created": ", ".join(created) or None,
            },
        )
        act.changed(ACTIVITIES)
        act.changed(BUDGETS)
        act.changed(TRUST_SETTINGS)
        return StartMonthChanged(month, moved, tuple(created))


def _move_activities(session: Session, plan: MovePlan, ids: dict[int, int]) -> int:
    """One UPDATE per period: the activities starting within its new dates that are elsewhere now.

    The period is derived from the start date, not something a person decided, so an activity's
    version stays: a workbook exported before still imports its decisions.
    """
    every_id = sorted(ids.values())
    moved = 0
    for target in plan.targets:
        to_id = ids.get(target.first_year)
        others = [pid for pid in every_id if pid != to_id]
        if to_id is None or not others:
            continue
        result = session.execute(
            update(CpdActivity)
            .where(
                CpdActivity.period_id.in_(others),
                CpdActivity.starts_on >= target.period.starts_on,
                CpdActivity.starts_on <= target.period.ends_on,
            )
            .values(period_id=to_id)
            .execution_options(synchronize_session=False)
        )
        moved += cast(CursorResult[Any], result).rowcount or 0  # an UPDATE's result is a cursor result
    return moved


def add_budget_period(db: Database, user_id: int) -> PeriodAdded:
    """The academic period after the latest stored one, so budgets can be set before it starts."""
    with begin(db, user_id) as act:
        _trust_editor(act)
        session = act.session
        month = start_month(session)
        latest = session.scalar(select(AcademicPeriod).order_by(AcademicPeriod.starts_on.desc()).limit(1))
        current = period_containing(date.today(), month)
        year = current.starts_on.year if latest is None else latest.starts_on.year + 1
        if year > current.starts_on.year + MAX_YEARS_AHEAD:
            raise ValidationError(
                f"Periods can be added at most {MAX_YEARS_AHEAD} years ahead; {latest.label if latest else ''} "
                "is already the last one allowed."
            )
        new = period_of_year(year, month)
        if session.scalar(select(exists().where(AcademicPeriod.label == new.label))):
            raise StaleData(f"The period {new.label} was added by someone else meanwhile; nothing was changed.")
        row = AcademicPeriod(label=new.label, starts_on=new.starts_on, ends_on=new.ends_on)
        session.add(row)
        session.flush()
        act.audit(
            "budget_period_added",
            "academic_period",
            row.id,
            after={"period": row.label, "starts_on": row.starts_on.isoformat(), "ends_on": row.ends_on.isoformat()},
        )
        act.changed(BUDGETS)
        act.changed(TRUST_SETTINGS)
        return PeriodAdded(row.id, row.label)


# -- cover limits -----------------------------------------------------------------------------------


def _days(days: float) -> float:
    problem = check_days(days)
    if problem:
        raise ValidationError(problem)
    return float(days)


def set_default_cover_limit(db: Database, user_id: int, days: float, version: int | None) -> int:
    """The trust's default cover-day limit; ``version`` None when the user saw the built-in default.
    Returns the setting's new version."""
    days = _days(days)
    with begin(db, user_id) as act:
        _trust_editor(act)
        row = setting(act.session, DEFAULT_LIMIT_KEY)
        act.check_version(row, version, "The default cover-day limit")
        before = float(row.value) if row is not None else DEFAULT_LIMIT_DAYS
        row = _put_setting(act, DEFAULT_LIMIT_KEY, f"{days:g}")
        act.audit("cover_limit_default_set", "trust_setting", None, before={"days": before}, after={"days": days})
        act.changed(JOBS)
        act.changed(TRUST_SETTINGS)
        return row.version


def set_role_cover_limit(
    db: Database, user_id: int, role: str, days: float | None, version: int | None = None
) -> int | None:
    """The cover-day limit for everyone whose job has the role title ``role`` (and no limit of their own);
    ``days`` None removes it. ``version``: the limit's version as shown, None when none was shown.
    Returns the limit's new version (None once removed)."""
    role = " ".join(role.split())
    if not role:
        raise ValidationError("Choose a role.")
    if days is not None:
        days = _days(days)
    with begin(db, user_id) as act:
        _trust_editor(act)
        session = act.session
        row = session.get(CoverLimit, role)
        if days is None:
            if row is None:
                raise ValidationError(f"There is no cover-day limit for the role “{role}” to remove.")
            act.check_version(row, version, f"The cover-day limit for {role}")
            before = {"role": role, "days": row.days}
            session.delete(row)
            session.flush()
            act.audit("cover_limit_role_removed", "cover_limit", None, before=before, after={"role": role})
            act.changed(JOBS)
            act.changed(TRUST_SETTINGS)
            return None
        if row is None and not session.scalar(select(exists().where(Job.role == role))):
            raise ValidationError(f"No job has the role “{role}”, so a limit for it would apply to nobody.")
        act.check_version(row, version, f"The cover-day limit for {role}")
        before_days = None if row is None else row.days
        if row is None:
            row = CoverLimit(role=role, days=days)
            session.add(row)
        else:
            row.days = days
        session.flush()
        act.audit(
            "cover_limit_role_set",
            "cover_limit",
            None,
            before=None if before_days is None else {"role": role, "days": before_days},
            after={"role": role, "days": days},
        )
        act.changed(JOBS)
        act.changed(TRUST_SETTINGS)
        return row.version


# -- name and logo ------------------------------------------------------------------------------------


def set_trust_name(db: Database, user_id: int, name: str, version: int) -> int:
    """Rename the trust (shown on exports and at the top of the Organisations list); returns its new version."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Enter the trust's name.")
    if len(name) > MAX_NAME:
        raise ValidationError(f"A trust's name may be at most {MAX_NAME} characters.")
    if _CONTROL.search(name):
        raise ValidationError("A trust's name cannot contain control characters.")
    with begin(db, user_id) as act:
        trust = _trust_editor(act)
        act.check_version(trust, version, "The trust's name")
        old = trust.name
        if old == name:
            return trust.version
        trust.name = name
        act.session.flush()
        refresh_organisation_sort(act.session, [trust.id])  # the central team's own activities
        act.audit("trust_renamed", "organisation", trust.id, before={"name": old}, after={"name": name})
        act.changed(ORGANISATIONS, trust.id)
        act.changed(TRUST_SETTINGS)
        return trust.version


def set_logo(db: Database, user_id: int, data: bytes | None) -> None:
    """Store the trust's logo (a PNG or JPEG of at most 512 KB), or remove it with ``data`` None."""
    info = None if data is None else inspect_logo(data)
    with begin(db, user_id) as act:
        _trust_editor(act)
        row = setting(act.session, LOGO_KEY)
        if info is None or data is None:
            if row is None:
                raise ValidationError("The trust has no logo to remove.")
            act.session.delete(row)
            act.session.flush()
            act.audit("trust_logo_removed", "trust_setting", None)
        else:
            _put_setting(act, LOGO_KEY, base64.b64encode(data).decode("ascii"))
            act.audit(
                "trust_logo_set",
                "trust_setting",
                None,
                after={
                    "format": info.kind,
                    "width": info.width,
                    "height": info.height,
                    "size": f"{max(1, round(len(data) / 1024))} KB",
                },
            )
        act.changed(TRUST_SETTINGS)


# -- reminders ----------------------------------------------------------------------------------------


def set_reminder_settings(
    db: Database, user_id: int, days_before: int, schedule: str, shown: ReminderSettings
) -> ReminderSettings:
    """When reminders go out: ``days_before`` a request starts, and the data sharing ``schedule`` ("7, 14, 28"
    days after sending). Refused if the settings changed since ``shown`` was read."""
    days = check_days_before(days_before)
    steps = parse_schedule(schedule)
    with begin(db, user_id) as act:
        _trust_editor(act)
        before = reminder_settings(act.session)
        if before != shown:
            raise StaleData(
                "The reminder settings were changed by someone else since they were shown; nothing was changed."
            )
        after = ReminderSettings(days, steps)
        if after == before:
            return before
        _put_setting(act, DAYS_BEFORE_KEY, str(days))
        _put_setting(act, SHARING_SCHEDULE_KEY, after.schedule_text)
        act.audit(
            "reminder_settings_set",
            "trust_setting",
            None,
            before={"days_before_start": before.days_before_start, "data_sharing_days": before.schedule_text},
            after={"days_before_start": days, "data_sharing_days": after.schedule_text or "none"},
        )
        act.changed(TRUST_SETTINGS)
        return after
