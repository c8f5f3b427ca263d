"""Small lists for filter boxes and pickers: periods, organisations, events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from db.engine import Database
from db.models import AcademicPeriod, Module, Organisation, OrgKind, TrainingEvent
from db.periods import period_containing, start_month
from db.scope import scope_for


@dataclass(frozen=True, slots=True)
class Choice:
    """One entry of a combo box: the id to filter by and the text to show."""

    id: int
    label: str


@dataclass(frozen=True, slots=True)
class Lookups:
    periods: list[Choice]
    current_period_id: int | None
    organisations: list[Choice]
    training_events: list[Choice]


def load_lookups(
    db: Database, user_id: int, module: Module = Module.PARTNERSHIP_CPD, today: date | None = None
) -> Lookups:
    """Everything the filter bar needs, in one short read."""
    with db.read() as session:
        scope = scope_for(session, user_id)
        periods = session.execute(select(AcademicPeriod).order_by(AcademicPeriod.starts_on.desc())).scalars().all()
        current = period_containing(today or date.today(), start_month(session))
        current_id = next((p.id for p in periods if p.starts_on == current.starts_on), None)
        visible = scope.orgs(module)
        orgs = session.execute(
            select(Organisation.id, Organisation.name, Organisation.kind)
            .where(Organisation.id.in_(sorted(visible)))
            .order_by(Organisation.kind != OrgKind.TRUST, Organisation.name)
        ).all()
        events = session.execute(
            select(TrainingEvent.id, TrainingEvent.title, TrainingEvent.starts_on).order_by(
                TrainingEvent.starts_on.desc()
            )
        ).all()
        return Lookups(
            periods=[Choice(p.id, p.label) for p in periods],
            current_period_id=current_id,
            organisations=[Choice(org_id, name) for org_id, name, _kind in orgs],
            training_events=[Choice(ev_id, f"{title} ({day:%d %b %Y})") for ev_id, title, day in events],
        )
