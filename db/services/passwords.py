"""Setting a user's password on a SQLite file (A3).

The primary user sets each user's password (and gives it to them); anyone may change their own
by giving the current one.  A weak password is refused with the reason.  The audit records that
the password was set and by whom — never the password, never its hash.
"""

from __future__ import annotations

from db.actions import begin
from db.engine import Database
from db.errors import PermissionDenied, ValidationError
from db.models import AppUser
from db.passwords import hash_password, password_problem, verify_password
from db.queries.users import USERS


def set_password(
    db: Database, acting_user_id: int, target_user_id: int, new_password: str, current_password: str | None = None
) -> None:
    """Give ``target_user_id`` the password ``new_password``; refused in one sentence, changing nothing,
    for a weak password, a deactivated user, or anyone who may not.

    Setting it clears the user's wrong-password count, so a primary user's reset also lifts a hold.
    """
    if not db.target.is_sqlite:
        raise ValidationError(
            f"On {db.display} each person signs in with their own database login; "
            "TrustDesk passwords are for SQLite files."
        )
    with begin(db, acting_user_id) as act:
        acting = act.fetch(AppUser, acting_user_id, missing="Your user no longer exists.")
        target = act.fetch(AppUser, target_user_id, missing="That user no longer exists.")
        if not acting.active:
            raise PermissionDenied("Your user is deactivated, so you cannot set passwords.")
        if acting.id == target.id:
            # Their own: prove it with the current one (a laptop left unlocked is not enough) —
            # unless they have none yet (the first sign-in to a file made before passwords).
            if target.password_hash is not None and not verify_password(current_password or "", target.password_hash):
                raise PermissionDenied("Your current password is not right; your password was not changed.")
        elif not act.scope.is_primary:
            raise PermissionDenied(f"Only a primary user sets the password of {target.display_name}.")
        if not target.active:
            raise ValidationError(f"{target.display_name} is deactivated: reactivate them before setting a password.")
        problem = password_problem(new_password, target.username, target.display_name)
        if problem is not None:
            raise ValidationError(problem)
        target.password_hash = hash_password(new_password)
        target.failed_sign_ins = 0
        target.sign_in_blocked_until = None
        act.audit("password_set", "app_user", target.id, after={"user": target.display_name})
        act.changed(USERS, target.id)
