"""`trustdesk users …`: the trust's users and their grants from the command line (A1).

The same services as the Users & roles panel, so the same rules: only an
administrator of users acts, nobody grants more than they hold, report
permissions come from a primary user, the last primary user stays.

    trustdesk users list --as alex.morgan
    trustdesk users add pat.jones --name "Pat Jones" --email pat@example.org --as alex.morgan
    trustdesk users grant pat.jones --role "Finance officer" --as alex.morgan
    trustdesk users grant pat.jones --module cpd --level view --org "Oakfield Primary" --as alex.morgan
    trustdesk users revoke pat.jones --module cpd --org "Oakfield Primary" --as alex.morgan
    trustdesk users set-password pat.jones --as alex.morgan
    trustdesk users deactivate pat.jones --as alex.morgan
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from db.errors import ValidationError

if TYPE_CHECKING:
    from db.engine import Database
    from db.models import Module

LEVELS = {"view": 1, "comment": 2, "decide": 3}


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "users",
        help="list and administer the trust's users and their grants",
        description="List and administer TrustDesk users and their grants, with the rules of the Users & roles panel.",
    )
    actions = parser.add_subparsers(dest="users_action", metavar="ACTION", required=True)

    def action(name: str, help_text: str, *, user: bool = True) -> argparse.ArgumentParser:
        # The database options belong to each action, so they may follow it: `users list --db …`.
        sub = actions.add_parser(name, parents=[common], help=help_text, description=help_text)
        if user:
            sub.add_argument("username", help="the user to change, e.g. pat.jones")
        sub.add_argument("--as", dest="acting", required=True, metavar="USERNAME", help="act as this user")
        sub.set_defaults(run=run)
        return sub

    listing = action("list", "list the users you administer", user=False)
    listing.add_argument("--inactive", action="store_true", help="include deactivated users")
    action("show", "show one user's grants")
    action("report", "the permissions report: every grant, granted by whom and when", user=False)
    add = action("add", "add a user (give them grants next)")
    add.add_argument("--name", required=True, help="their full name")
    add.add_argument("--email", help="their e-mail address")
    add.add_argument("--job", metavar="TEXT", help="link them to their own job: a name or e-mail that finds one job")
    grant = action("grant", "give a standard role, or one module at a level")
    what = grant.add_mutually_exclusive_group(required=True)
    what.add_argument("--role", help='a standard role, e.g. "CPD lead"')
    what.add_argument("--module", help='a module, e.g. cpd, staff, "flood fill", budgets, exports')
    grant.add_argument("--level", choices=sorted(LEVELS), help="with --module: view, comment or decide")
    _where_arguments(grant)
    grant.add_argument("--groups", help="restrict to these groups of staff (comma-separated names)")
    grant.add_argument("--title", help='a team title, e.g. "CPD Coordinator"')
    revoke = action("revoke", "take away a user's grants of one module at one place")
    revoke.add_argument("--module", required=True, help="the module, e.g. cpd")
    _where_arguments(revoke)
    action(
        "set-password",
        "a primary user sets a user's password (from TRUSTDESK_NEW_PASSWORD, or typed twice at a terminal)",
    )
    action("deactivate", "deactivate a user (kept in the audit, can do nothing)")
    action("reactivate", "reactivate a deactivated user")


def _where_arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--org", metavar="NAME", help="one organisation, by name or URN (default: the whole trust)")
    where.add_argument("--cluster", metavar="NAME", help="the schools of one cluster")


def run(args: argparse.Namespace) -> int:
    from desktop.commands.acting import acting_user  # here, not at import: `trustdesk` alone must not load SQLAlchemy
    from desktop.commands.database import open_existing_database

    if not args.db:
        print("trustdesk users: say which database with --db PATH", file=sys.stderr)
        return 2
    db = open_existing_database(args)
    try:
        acting = acting_user(db, args.acting)
        return _ACTIONS[args.users_action](db, acting.id, args)
    finally:
        db.dispose()


def _list(db: Database, acting: int, args: argparse.Namespace) -> int:
    from db.queries.user_admin import list_admin_users

    users = list_admin_users(db, acting, include_inactive=args.inactive)
    if not users:
        print("You administer no users here (that needs Users & roles).")
        return 0
    for user in users:
        flags = ", ".join(flag for flag, on in (("primary", user.is_primary), ("deactivated", not user.active)) if on)
        job = f" — {user.job}" if user.job else ""
        flagged = f"  ({flags})" if flags else ""
        print(f"{user.username:<24} {user.display_name}{job}  [{user.titles or 'no grants'}]{flagged}")
    return 0


def _show(db: Database, acting: int, args: argparse.Namespace) -> int:
    from db.queries.user_admin import grants_of_user

    target = _user_id(db, args.username)
    rows = grants_of_user(db, acting, target)
    if not rows:
        print(f"{args.username} holds no grants you can see.")
    for row in rows:
        groups = f", only {row.groups}" if row.groups else ""
        print(f"{row.module_label:<20} {row.level_label:<26} {row.where}{groups}  “{row.title}”")
    return 0


def _report(db: Database, acting: int, args: argparse.Namespace) -> int:
    from db.queries.user_admin import permissions_report

    for row in permissions_report(db, acting):
        groups = f", only {row.groups}" if row.groups else ""
        print(
            f"{row.username:<20} {row.module_label:<20} {row.level_label:<26} {row.where}{groups}; "
            f"granted by {row.granted_by} on {row.granted_at:%d/%m/%Y}"
        )
    return 0


def _add(db: Database, acting: int, args: argparse.Namespace) -> int:
    from db.queries.user_admin import find_jobs
    from db.services.users import UserDetails, add_user

    job_id = None
    if args.job:
        jobs = find_jobs(db, acting, args.job, limit=2)
        if len(jobs) != 1:
            raise ValidationError(
                f"“{args.job}” finds {'no job' if not jobs else 'more than one job'} you may link a user to; "
                "give their work e-mail or full name and school."
            )
        job_id = jobs[0].id
    add_user(db, acting, UserDetails(args.username, args.name, args.email, job_id))
    print(f"Added {args.username}. Give them grants with `trustdesk users grant {args.username} …`.")
    return 0


def _grant(db: Database, acting: int, args: argparse.Namespace) -> int:
    from db.models import Level
    from db.services.grants import GrantSpec, give_grant, grant_role

    target = _user_id(db, args.username)
    org_id = _org_id(db, args.org)
    groups = _group_ids(db, args.groups)
    if args.role:
        ids = grant_role(
            db,
            acting,
            target,
            _role_id(db, args.role),
            organisation_id=org_id,
            cluster=args.cluster,
            title=args.title,
            group_ids=groups,
        )
        print(f"Gave {args.username} the role “{args.role}”: {len(ids)} grants.")
        return 0
    if not args.level:
        raise ValidationError("Say the level with --level view, comment or decide.")
    module = module_named(args.module)
    give_grant(
        db,
        acting,
        target,
        GrantSpec(module, Level(LEVELS[args.level]), org_id, args.cluster, args.title or "", tuple(groups)),
    )
    print(f"Gave {args.username} {args.module} at “{args.level}”.")
    return 0


def _revoke(db: Database, acting: int, args: argparse.Namespace) -> int:
    from db.queries.user_admin import GrantRow, grants_of_user
    from db.services.grants import revoke_grant

    target = _user_id(db, args.username)
    module = module_named(args.module)
    org_id = _org_id(db, args.org)

    def there(row: GrantRow) -> bool:
        if args.cluster:
            return (row.cluster or "").casefold() == args.cluster.strip().casefold()
        if org_id is not None:
            return row.cluster is None and row.organisation_id == org_id
        return row.where == "the whole trust"

    matching = [row for row in grants_of_user(db, acting, target) if row.module == module and there(row)]
    if not matching:
        raise ValidationError(f"{args.username} holds no grant of {args.module} there; nothing was changed.")
    for row in matching:
        revoke_grant(db, acting, row.id, row.version)
    print(f"Took away {len(matching)} grant{'s' if len(matching) != 1 else ''} of {args.module} from {args.username}.")
    return 0


def _set_active(active: bool) -> Callable[[Database, int, argparse.Namespace], int]:
    def change(db: Database, acting: int, args: argparse.Namespace) -> int:
        from db.queries.user_admin import list_admin_users
        from db.services.users import set_active

        target = _user_id(db, args.username)
        row = next((u for u in list_admin_users(db, acting) if u.id == target), None)
        if row is None:
            raise ValidationError(f"You do not administer {args.username}; nothing was changed.")
        set_active(db, acting, target, row.version, active)
        print(f"{'Reactivated' if active else 'Deactivated'} {args.username}.")
        return 0

    return change


NEW_PASSWORD_ENV = "TRUSTDESK_NEW_PASSWORD"


def _set_password(db: Database, acting: int, args: argparse.Namespace) -> int:
    """The password is never an argument (it would stay in the shell's history and the process list)."""
    import getpass
    import os

    from db.services.passwords import set_password

    target = _user_id(db, args.username)
    password = os.environ.get(NEW_PASSWORD_ENV)
    if password is None:
        if sys.stdin is None or not sys.stdin.isatty():
            raise ValidationError(
                f"Give the new password in {NEW_PASSWORD_ENV}, or run the command in a terminal to type it."
            )
        password = getpass.getpass(f"New TrustDesk password for {args.username}: ")
        if getpass.getpass("Type it again: ") != password:
            raise ValidationError("The two passwords differ; nothing was changed.")
    set_password(db, acting, target, password)
    print(f"Set the password of {args.username}.")
    return 0


_ACTIONS = {
    "list": _list,
    "show": _show,
    "report": _report,
    "add": _add,
    "grant": _grant,
    "revoke": _revoke,
    "set-password": _set_password,
    "deactivate": _set_active(False),
    "reactivate": _set_active(True),
}


def module_named(text: str) -> Module:
    """A module from its value or label, any case ("cpd", "Flood fill", "flood_fill", "exports")."""
    from db.labels import MODULE_LABELS

    wanted = text.strip().casefold().replace("_", " ")
    for module, label in MODULE_LABELS.items():
        if wanted in (module.value.replace("_", " "), label.casefold()):
            return module
    if wanted == "partnership cpd":
        return next(module for module, label in MODULE_LABELS.items() if label == "CPD")
    names = ", ".join(label.casefold() for label in MODULE_LABELS.values())
    raise ValidationError(f"There is no module called “{text}”; choose one of: {names}.")


def _user_id(db: Database, username: str) -> int:
    from db.queries.user_admin import user_named

    return user_named(db, username)


def _org_id(db: Database, text: str | None) -> int | None:
    from db.queries.user_admin import organisation_named

    return None if text is None else organisation_named(db, text)


def _role_id(db: Database, name: str) -> int:
    from db.queries.user_admin import role_named

    return role_named(db, name)


def _group_ids(db: Database, text: str | None) -> list[int]:
    from db.queries.user_admin import groups_named

    return groups_named(db, [part.strip() for part in (text or "").split(",") if part.strip()])
