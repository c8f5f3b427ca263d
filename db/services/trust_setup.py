"""Starting a new, empty trust database from the first-run dialog.

A new database needs more than the trust and its standard roles: someone must be able to sign
in and set the rest up. The person creating it becomes the Partnership primary user at the
trust. Everything happens in one transaction with audit rows, so a failure leaves the file
exactly as empty as it was (and the welcome dialog can simply be shown again).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from db.actions import Action
from db.engine import Database
from db.errors import ValidationError
from db.models import AppUser, RoleAssignment, utcnow
from db.periods import ensure_period
from db.standard_roles import PRIMARY_USER, create_trust, ensure_standard_roles

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")


@dataclass(frozen=True, slots=True)
class NewTrust:
    trust_id: int
    user_id: int
    username: str


def create_new_trust(db: Database, trust_name: str, trust_uid: str, display_name: str, username: str) -> NewTrust:
    """Create the trust, its standard roles, the current academic period and its first user (a Partnership
    primary user)."""
    display_name = " ".join(display_name.split())
    username = username.strip().lower()
    if not display_name:
        raise ValidationError("Enter your name.")
    if not USERNAME_PATTERN.match(username):
        raise ValidationError(
            "Enter a username of 2 to 80 characters: lower-case letters, digits, dots, dashes or underscores "
            "(for example jane.smith)."
        )
    # A plain transaction, not ``begin``: the acting user does not exist until this transaction
    # creates them. Once they do, their audit rows go through the write contract like any other.
    with db.transaction() as session:
        trust_id = create_trust(session, trust_name, trust_uid)
        role_ids = ensure_standard_roles(session)
        # The current academic period, so that period filters and the dashboard have one to show.
        ensure_period(session, date.today())
        user = AppUser(username=username, display_name=display_name, is_primary=True, active=True)
        session.add(user)
        session.flush()
        session.add(RoleAssignment(user_id=user.id, role_id=role_ids[PRIMARY_USER], organisation_id=trust_id))
        act = Action(session, db, user.id)
        now = utcnow()
        act.audit_rows(
            [
                {
                    "at": now,
                    "action": "trust_created",
                    "entity": "organisation",
                    "entity_id": trust_id,
                    "before": None,
                    "after": {"name": trust_name.strip(), "trust_uid": trust_uid.strip()},
                    "reason": None,
                },
                {
                    "at": now,
                    "action": "user_created",
                    "entity": "app_user",
                    "entity_id": user.id,
                    "before": None,
                    "after": {"username": username, "display_name": display_name, "role": PRIMARY_USER},
                    "reason": None,
                },
            ]
        )
        return NewTrust(trust_id=trust_id, user_id=user.id, username=username)
