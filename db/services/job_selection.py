"""A selection of jobs that a central action turns into activities: flood fill (F1-F6) and training bookings.

Both read the chosen jobs in chunks, refuse a selection with jobs that have gone or ended,
and pre-authorise on the same rules (F5): partnership authorisation at every school of the
selection, within its data sharing agreement (D6), and never one's own request (C3).  One copy
of those rules, so a change to one reaches both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.actions import Action
from db.errors import PermissionDenied, ValidationError
from db.models import Job, Module, Organisation, Person
from db.progress import NullProgress, Progress
from db.scope import own_person_id

CHUNK = 2000
MAX_NAMED = 5


@dataclass(frozen=True, slots=True)
class Target:
    """One chosen job as the checks need it."""

    job_id: int
    organisation_id: int
    organisation: str
    person_id: int
    active: bool
    last_name: str  # the activities' individual_sort (the sort key for the individual's name)


def load_targets(
    session: Session, chosen: Sequence[int], progress: Progress | None = None, total: int | None = None
) -> dict[int, Target]:
    """The chosen jobs that still exist, read in chunks as plain rows (the ORM doubled the cost at 5,000)."""
    progress = progress or NullProgress()
    total = len(chosen) if total is None else total
    targets: dict[int, Target] = {}
    connection = session.connection()
    for start in range(0, len(chosen), CHUNK):
        chunk = chosen[start : start + CHUNK]
        rows = connection.execute(
            select(Job.id, Job.organisation_id, Organisation.name, Job.person_id, Job.active, Person.last_name)
            .join(Organisation, Organisation.id == Job.organisation_id)
            .join(Person, Person.id == Job.person_id)
            .where(Job.id.in_(chunk))
        )
        for row in rows:
            targets[row[0]] = Target(*row)
        progress.report(min(start + CHUNK, total), total * 2, "Checking the chosen staff…")
    return targets


def named(names: Sequence[str]) -> str:
    """The first few names and how many more: a refusal names what to fix without a wall of text."""
    shown = ", ".join(names[:MAX_NAMED])
    return shown + (f" and {len(names) - MAX_NAMED:,} more" if len(names) > MAX_NAMED else "")


def check_present_and_active(chosen: Sequence[int], targets: dict[int, Target], then: str) -> None:
    """Refuse a selection holding jobs that no longer exist or have ended; ``then``: "Nothing was created."."""
    missing = [job_id for job_id in chosen if job_id not in targets]
    if missing:
        raise ValidationError(
            f"{len(missing):,} of the chosen jobs no longer exist (ids {named([str(i) for i in missing])}); "
            f"refresh the selection. {then}"
        )
    inactive = [job_id for job_id, target in targets.items() if not target.active]
    if inactive:
        raise ValidationError(
            f"{len(inactive):,} of the chosen jobs are no longer active (ids {named([str(i) for i in inactive])}). "
            f"{then}"
        )


def check_pre_authorise(act: Action, org_ids: Iterable[int], person_ids: Iterable[int], what: str, then: str) -> None:
    """F5: who may pre-authorise — authorise CPD at every school of the selection (D6 included), and
    nobody authorises their own CPD (C3).  ``what`` names the selection ("This fill"), ``then`` what happened."""
    act.require_central(
        Module.PARTNERSHIP_CPD,
        org_ids,
        "authorise CPD",
        then=f"{what} cannot be pre-authorised: untick pre-authorise or remove those staff; {then}",
    )
    own_person = own_person_id(act.session, act.scope)
    if own_person is not None and own_person in set(person_ids):
        raise PermissionDenied(
            f"Your own job is in the selection: nobody authorises their own CPD, so {what.lower()} cannot be "
            f"pre-authorised. Remove yourself or untick pre-authorise; {then}"
        )
