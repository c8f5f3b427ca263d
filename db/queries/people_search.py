"""As-you-type search for the "individual" filter of Partnership CPD (C6).

Small by design: at most ``limit`` people whose name contains the typed text,
among those with a job in an organisation the user may see.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from db.engine import Database
from db.models import Job, Module, Organisation, Person
from db.queries.text_search import any_contains
from db.scope import scope_for


@dataclass(frozen=True, slots=True)
class PersonChoice:
    id: int
    name: str
    organisation: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.organisation})" if self.organisation else self.name


def search_people(db: Database, user_id: int, text: str, limit: int = 20) -> list[PersonChoice]:
    text = text.strip()
    if not text:
        return []
    full_name = Person.first_name + " " + Person.last_name
    with db.read() as session:
        visible = sorted(scope_for(session, user_id).orgs(Module.PARTNERSHIP_CPD))
        rows = session.execute(
            select(Person.id, full_name, Organisation.name)
            .join(Job, Job.person_id == Person.id)
            .join(Organisation, Organisation.id == Job.organisation_id)
            .where(Job.organisation_id.in_(visible), any_contains(text, full_name, Person.email))
            .order_by(Person.last_name, Person.first_name, Person.id, Organisation.name)
            .limit(limit * 3)
        ).all()
    seen: dict[int, PersonChoice] = {}
    for person_id, name, org in rows:
        if person_id not in seen:
            seen[person_id] = PersonChoice(person_id, name, org)
    return list(seen.values())[:limit]


def person_choice(db: Database, user_id: int, person_id: int) -> PersonChoice | None:
    """The label for a remembered person filter."""
    with db.read() as session:
        found = session.execute(
            select(Person.id, Person.first_name + " " + Person.last_name, Organisation.name)
            .join(Job, Job.person_id == Person.id)
            .join(Organisation, Organisation.id == Job.organisation_id)
            .where(Person.id == person_id)
            .limit(1)
        ).first()
    return PersonChoice(*found) if found else None
