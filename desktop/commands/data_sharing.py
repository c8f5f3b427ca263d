"""`trustdesk data-sharing …`: data sharing agreements from the command line (D1-D6).

The same services as the Data sharing panel, so the same rules: the central team
(Data sharing at decide level over the trust) requests and reminds; a school's
own head approves or declines; a level is only ever raised.

    trustdesk data-sharing list --as jane.smith
    trustdesk data-sharing contact "Finchbrook Primary Academy" --name "Aoife O'Brien" --role head \\
        --email aoife@finchbrook.example --as jane.smith
    trustdesk data-sharing request --all-without-agreement --level institution --to head --as jane.smith
    trustdesk data-sharing remind --all-pending --as jane.smith
    trustdesk data-sharing approve Finchbrook --level institution --as aoife.obrien
    trustdesk data-sharing decline Finchbrook --reason "Governors meet in January" --as aoife.obrien
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from db.errors import ValidationError

if TYPE_CHECKING:
    from db.engine import Database
    from db.queries.data_sharing import ApprovalRow, SchoolSharingRow, SharingOverview

LEVELS = {"institution": 1, "mis": 2, "group-actions": 3}
ROLES = {
    "executive-head": "executive_head",
    "head": "head",
    "deputy-head": "deputy_head",
    "data-manager": "data_manager",
}


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "data-sharing",
        parents=[common],
        help="request, remind, approve or decline data sharing agreements",
        description="Data sharing agreements between the trust and its schools, with the rules of the Data sharing "
        "panel: the trust requests and reminds, each school's head approves or declines, levels only go up.",
    )
    actions = parser.add_subparsers(dest="sharing_action", metavar="ACTION", required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, parents=[common], help=help_text, description=help_text)
        sub.add_argument("--as", dest="acting", required=True, metavar="USERNAME", help="act as this user")
        sub.set_defaults(run=run)
        return sub

    listing = action("list", "list the schools: no agreement, pending and approved")
    listing.add_argument("--tab", choices=("none", "pending", "approved"), help="only one of the three lists")
    request = action("request", "send a request for a level to schools (or raise an approved one)")
    _schools_argument(request, "--all-without-agreement", "every school with no agreement and no request")
    request.add_argument("--level", required=True, choices=sorted(LEVELS), help="the level to request")
    request.add_argument(
        "--to",
        default="head",
        metavar="ROLES",
        help="comma-separated: head, executive-head, deputy-head, data-manager, or all (default: head, recommended)",
    )
    remind = action("remind", "remind everyone with an outstanding request at these schools")
    _schools_argument(remind, "--all-pending", "every school with an outstanding request")
    contact = action("contact", "add a school leader who may receive requests (name, role, e-mail)")
    contact.add_argument("school", help="the school, by name or URN")
    contact.add_argument("--name", required=True, help="their full name")
    contact.add_argument("--role", required=True, choices=sorted(ROLES), help="their role")
    contact.add_argument("--email", required=True, help="their e-mail address")
    approve = action("approve", "approve your school's outstanding request at the level it asks for")
    approve.add_argument("school", help="the school, by name or URN")
    approve.add_argument("--level", required=True, choices=sorted(LEVELS), help="the level the request asks for")
    decline = action("decline", "decline your school's outstanding request, saying why")
    decline.add_argument("school", help="the school, by name or URN")
    decline.add_argument("--reason", required=True, help="why: the trust sees it")


def _schools_argument(parser: argparse.ArgumentParser, every: str, every_help: str) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--school", action="append", metavar="NAME", help="a school by name or URN (repeatable)")
    which.add_argument(every, dest="every", action="store_true", help=every_help)


def run(args: argparse.Namespace) -> int:
    from desktop.commands.acting import acting_user  # here: `trustdesk` alone must not load SQLAlchemy
    from desktop.commands.database import open_existing_database

    if not args.db:
        print("trustdesk data-sharing: say which database with --db PATH", file=sys.stderr)
        return 2
    db = open_existing_database(args)
    try:
        acting = acting_user(db, args.acting)
        return _ACTIONS[args.sharing_action](db, acting.id, args)
    finally:
        db.dispose()


def _rows(overview: SharingOverview) -> list[SchoolSharingRow]:
    seen: dict[int, SchoolSharingRow] = {}
    for row in [*overview.no_agreement, *overview.pending, *overview.approved]:
        seen.setdefault(row.organisation_id, row)
    return list(seen.values())


def _find(rows: list[SchoolSharingRow], text: str) -> SchoolSharingRow:
    if not rows:
        raise ValidationError("You see no school in Data sharing: that needs a Data sharing permission.")
    wanted = " ".join(text.split()).casefold()
    exact = [r for r in rows if r.name.casefold() == wanted or (r.urn or "") == wanted]
    found = exact or [r for r in rows if wanted and wanted in r.name.casefold()]
    if len(found) != 1:
        raise ValidationError(
            f"“{text}” names no school you see in Data sharing."
            if not found
            else f"“{text}” names {len(found)} schools ({', '.join(r.name for r in found[:3])}); be more precise."
        )
    return found[0]


def _list(db: Database, acting: int, args: argparse.Namespace) -> int:
    from db.queries.data_sharing import LEVEL_LABELS, sharing_overview

    overview = sharing_overview(db, acting)
    tabs = {"none": overview.no_agreement, "pending": overview.pending, "approved": overview.approved}
    titles = {"none": "No agreement", "pending": "Pending", "approved": "Approved"}
    for tab, rows in tabs.items():
        if args.tab not in (None, tab):
            continue
        print(f"{titles[tab]} ({len(rows)})")
        for row in rows:
            parts = [f"  {row.name:<36} {LEVEL_LABELS[row.level]}"]
            if row.requested_level is not None:
                parts.append(f"requested {LEVEL_LABELS[row.requested_level]} from {row.sent_to}")
                parts.append(f"sent {row.sent_at:%d %b %Y}" if row.sent_at else "")
                parts.append(f"{row.reminders} reminder{'' if row.reminders == 1 else 's'}")
            if tab == "approved" and row.approved_at:
                parts.append(f"approved {row.approved_at:%d %b %Y} by {row.approved_by or '?'}")
            if row.note:
                parts.append(row.note)
            print(" · ".join(part for part in parts if part))
    for approval in overview.approvals:
        print(
            f"Awaiting your decision: {approval.organisation} — {LEVEL_LABELS[approval.level]}, "
            f"sent by {approval.sent_by} on {approval.sent_at:%d %b %Y}"
        )
    return 0


def _chosen_ids(db: Database, acting: int, args: argparse.Namespace, every: list[SchoolSharingRow]) -> list[int]:
    from db.queries.data_sharing import sharing_overview

    if args.every:
        if not every:
            raise ValidationError("There is no school to send to.")
        return [row.organisation_id for row in every]
    rows = _rows(sharing_overview(db, acting))
    return [_find(rows, text).organisation_id for text in args.school]


def _request(db: Database, acting: int, args: argparse.Namespace) -> int:
    from db.models import SharingLevel, SharingRecipientRole
    from db.queries.data_sharing import LEVEL_LABELS, sharing_overview
    from db.services.data_sharing import request_sharing

    names = [part.strip().lower() for part in args.to.split(",") if part.strip()]
    if names == ["all"]:
        roles = frozenset(SharingRecipientRole)
    else:
        unknown = [name for name in names if name not in ROLES]
        if unknown or not names:
            raise ValidationError(f"--to takes {', '.join(ROLES)} or all, not “{args.to}”.")
        roles = frozenset(SharingRecipientRole(ROLES[name]) for name in names)
    org_ids = _chosen_ids(db, acting, args, sharing_overview(db, acting).no_agreement)
    level = SharingLevel(LEVELS[args.level])
    sent = request_sharing(db, acting, org_ids, level, roles=roles)
    print(f"Sent {sent.requests} request{'s' if sent.requests != 1 else ''} for {LEVEL_LABELS[level]} "
          f"to {sent.schools} school{'s' if sent.schools != 1 else ''}.")  # fmt: skip
    return 0


def _remind(db: Database, acting: int, args: argparse.Namespace) -> int:
    from db.queries.data_sharing import sharing_overview
    from db.services.data_sharing import remind

    org_ids = _chosen_ids(db, acting, args, sharing_overview(db, acting).pending)
    count = remind(db, acting, org_ids)
    schools = len(org_ids)
    print(f"Reminded {count} recipient{'s' if count != 1 else ''} at {schools} school{'s' if schools != 1 else ''}.")
    return 0


def _contact(db: Database, acting: int, args: argparse.Namespace) -> int:
    from db.models import SharingRecipientRole
    from db.queries.data_sharing import sharing_overview
    from db.services.data_sharing import add_contact

    school = _find(_rows(sharing_overview(db, acting)), args.school)
    add_contact(db, acting, school.organisation_id, args.name, SharingRecipientRole(ROLES[args.role]), args.email)
    print(f"Added {' '.join(args.name.split())} as a data sharing contact at {school.name}.")
    return 0


def _awaiting(db: Database, acting: int, school: str, level: int | None) -> ApprovalRow:
    """The outstanding request for ``school`` the user may decide, at ``level`` if one asks for it."""
    from db.queries.data_sharing import sharing_overview

    overview = sharing_overview(db, acting)
    if not overview.approvals:
        raise ValidationError(
            "No data sharing request awaits your decision: that needs the school's own Data sharing permission "
            "(its head teacher by default) and an outstanding request."
        )
    found = _find(_rows(overview), school)
    mine = [a for a in overview.approvals if a.organisation_id == found.organisation_id]
    if not mine:
        raise ValidationError(f"No data sharing request for {found.name} awaits your decision.")
    return next((a for a in mine if level is not None and int(a.level) == level), mine[0])


def _approve(db: Database, acting: int, args: argparse.Namespace) -> int:
    from db.models import SharingLevel
    from db.queries.data_sharing import LEVEL_LABELS
    from db.services.data_sharing import approve

    approval = _awaiting(db, acting, args.school, LEVELS[args.level])
    level = approve(db, acting, approval.request_id, SharingLevel(LEVELS[args.level]))
    print(f"Approved: {approval.organisation} now shares {LEVEL_LABELS[level]} with the trust.")
    return 0


def _decline(db: Database, acting: int, args: argparse.Namespace) -> int:
    from db.services.data_sharing import decline

    approval = _awaiting(db, acting, args.school, None)
    decline(db, acting, approval.request_id, args.reason)
    print(f"Declined the request to {approval.organisation}; the trust sees your reason.")
    return 0


_ACTIONS = {
    "list": _list,
    "request": _request,
    "remind": _remind,
    "contact": _contact,
    "approve": _approve,
    "decline": _decline,
}
