"""Starting a new, empty trust database from the first-run dialog.

A new database needs more than the trust and its standard roles: someone must be able to sign
in and set the rest up. The person creating it becomes the Partnership primary user at the
trust. Everything happens in one transaction with audit rows, so a failure leaves the file
exactly as empty as it was (and the welcome dialog can simply be shown again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from db.actions import Action
from db.engine import Database
from db.errors import ValidationError
from db.models import AppUser, utcnow
from db.passwords import hash_password, password_problem
from db.periods import ensure_period
from db.services.users import EMAIL_PATTERN, check_username
from db.standard_roles import PRIMARY_USER, create_trust, ensure_standard_roles, grants_of_role


@dataclass(frozen=True, slots=True)
class NewTrust:
    trust_id: int
    user_id: int
    username: str


def create_new_trust(
    db: Database,
    trust_name: str,
    trust_uid: str,
    display_name: str,
    username: str,
    password: str | None = None,
    *,
    email: str | None = None,
) -> NewTrust:
    """Create the trust, its standard roles, the current academic period and its first user (a Partnership
    primary user), optionally with their e-mail address, with ``password`` (only its hash is kept; a weak
    one is refused with the reason, A3).

    ``None`` (``trustdesk new-trust``, typed where no dialog can ask) sets no password: the first sign-in
    to a file where nobody has one lets the primary user in once and makes them set it.
    """
    display_name = " ".join(display_name.split())
    if not display_name:
        raise ValidationError("Enter your name.")
    username = check_username(username)
    email = (email or "").strip() or None
    if email is not None and (len(email) > 200 or not EMAIL_PATTERN.match(email)):
        raise ValidationError(f"“{email[:60]}” is not an e-mail address.")
    password_hash = None
    if password is not None:
        problem = password_problem(password, username, display_name)
        if problem is not None:
            raise ValidationError(problem)
        password_hash = hash_password(password)
    # A plain transaction, not ``begin``: the acting user does not exist until this transaction
    # creates them. Once they do, their audit rows go through the write contract like any other.
    with db.transaction() as session:
        trust_id = create_trust(session, trust_name, trust_uid)
        role_ids = ensure_standard_roles(session)
        # The current academic period, so that period filters and the dashboard have one to show.
        ensure_period(session, date.today())
        user = AppUser(
            username=username,
            display_name=display_name,
            email=email,
            is_primary=True,
            active=True,
            password_hash=password_hash,
        )
        session.add(user)
        session.flush()
        session.add_all(grants_of_role(session, role_ids[PRIMARY_USER], user.id, trust_id))
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
                    "after": {"username": username, "display_name": display_name, "role": PRIMARY_USER}
                    | ({"email": email} if email else {}),
                    "reason": None,
                },
            ]
        )
        return NewTrust(trust_id=trust_id, user_id=user.id, username=username)
