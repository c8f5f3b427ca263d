"""Editing an organisation's expertise and leader (O1), with a version check and audit."""

from __future__ import annotations

from dataclasses import dataclass

from db.actions import begin
from db.engine import Database
from db.errors import PermissionDenied, ValidationError
from db.models import Module, Organisation
from db.queries.organisations import ORGANISATIONS

MAX_EXPERTISE = 2000


@dataclass(frozen=True, slots=True)
class DetailsSaved:
    organisation_id: int
    version: int
    changed: bool


def normalise_expertise(text: str) -> str:
    """One area per entry, "; "-separated, no blanks or repeats (the index shows it on one line)."""
    seen: list[str] = []
    for part in text.replace("\n", ";").split(";"):
        area = " ".join(part.split())
        if area and area.lower() not in {s.lower() for s in seen}:
            seen.append(area)
    return "; ".join(seen)


def save_details(
    db: Database, user_id: int, organisation_id: int, shown_version: int, *, expertise: str, leader: str | None
) -> DetailsSaved:
    """Save the expertise and leader the user edited, if nobody changed the organisation meanwhile."""
    expertise = normalise_expertise(expertise)
    leader = " ".join((leader or "").split()) or None
    if len(expertise) > MAX_EXPERTISE:
        raise ValidationError(f"The expertise is too long ({len(expertise):,} characters; at most {MAX_EXPERTISE:,}).")
    if leader is not None and len(leader) > 200:
        raise ValidationError("The leader's name is too long (at most 200 characters).")
    with begin(db, user_id) as act:
        org = act.fetch(Organisation, organisation_id, missing="That organisation no longer exists.")
        if not act.scope.can_act(Module.ORGANISATIONS, organisation_id):
            raise PermissionDenied(f"You may view {org.name} but not change its details.")
        act.check_version(
            org,
            shown_version,
            org.name,
            message=f"{org.name} was changed by someone else since you opened it. Nothing was saved; reopen it.",
        )
        before = {"expertise": org.expertise, "leader_name": org.leader_name}
        after = {"expertise": expertise, "leader_name": leader}
        if before == after:
            return DetailsSaved(organisation_id, org.version, changed=False)
        org.expertise, org.leader_name = expertise, leader
        act.session.flush()
        act.audit(
            "organisation_details_changed",
            "organisation",
            organisation_id,
            before=before | {"version": shown_version},
            after=after | {"version": org.version},
        )
        act.changed(ORGANISATIONS, organisation_id)
        return DetailsSaved(organisation_id, org.version, changed=True)
