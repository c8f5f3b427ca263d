"""Sort keys kept on ``cpd_activities`` so that an index can give a list's order.

The Individual column sorts by the person's last name, which lives on ``people``
two joins away: no index over a million activities can follow it, and every
first page sorted the whole period (510 ms at a million activities).  The
activity keeps a copy, ``individual_sort``; whoever inserts activities gives it
(or the column's default looks it up), and a change of last name (or a job moved to
another record of the same person, when two records are linked) refreshes the copies
here, in the transaction that made the change.

The Organisation column is kept the same way (``organisation_sort``: the name of
the activity's ``organisation_id``, the organisation the list shows), refreshed
by whatever renames an organisation: its record, Trust settings, a GIAS import.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from db.models import CpdActivity, Job, Organisation, Person

CHUNK = 5000


def last_name_of_job(session: Session, job_id: int) -> str:
    """The ``individual_sort`` of a new activity for ``job_id``."""
    query = select(Person.last_name).join(Job, Job.person_id == Person.id).where(Job.id == job_id)
    return session.scalar(query) or ""


def last_names_of_jobs(session: Session, job_ids: Collection[int]) -> dict[int, str]:
    """The ``individual_sort`` of new activities for many jobs, in one query per thousand jobs."""
    chosen = sorted(set(job_ids))
    found: dict[int, str] = {}
    for start in range(0, len(chosen), 1000):
        query = (
            select(Job.id, Person.last_name)
            .join(Person, Person.id == Job.person_id)
            .where(Job.id.in_(chosen[start : start + 1000]))
        )
        found.update(session.execute(query).tuples().all())
    return found


def refresh_individual_sort(session: Session, person_ids: Collection[int]) -> None:
    """Copy these people's last names onto their activities.

    Not an edit of the activity: its version stays, so nobody's open request is refused as
    changed by someone else because a colleague corrected a surname.
    """
    table = cast(Table, CpdActivity.__table__)
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        name = (
            select(Person.last_name)
            .join(Job, Job.person_id == Person.id)
            .where(Job.id == table.c.job_id)
            .scalar_subquery()
        )
        jobs = select(Job.id).where(Job.person_id.in_(chunk))
        session.connection().execute(update(table).where(table.c.job_id.in_(jobs)).values(individual_sort=name))


def organisation_name(session: Session, organisation_id: int) -> str:
    """The ``organisation_sort`` of a new activity at ``organisation_id``."""
    return session.scalar(select(Organisation.name).where(Organisation.id == organisation_id)) or ""


def organisation_names(session: Session, organisation_ids: Collection[int]) -> dict[int, str]:
    """The ``organisation_sort`` of new activities at many organisations (a trust has a few hundred at most)."""
    chosen = sorted(set(organisation_ids))
    found: dict[int, str] = {}
    for start in range(0, len(chosen), 1000):
        query = select(Organisation.id, Organisation.name).where(Organisation.id.in_(chosen[start : start + 1000]))
        found.update(session.execute(query).tuples().all())
    return found


def refresh_organisation_sort(session: Session, organisation_ids: Collection[int]) -> None:
    """Copy these organisations' names onto their activities (after a rename, in its transaction).

    Like ``refresh_individual_sort``, not an edit of the activities: their versions stay.
    Only rows whose copy differs are written, so an import that renames nothing writes nothing.
    """
    table = cast(Table, CpdActivity.__table__)
    connection = session.connection()
    for organisation_id, name in organisation_names(session, organisation_ids).items():
        connection.execute(
            update(table)
            .where(table.c.organisation_id == organisation_id, table.c.organisation_sort != name)
            .values(organisation_sort=name)
        )
