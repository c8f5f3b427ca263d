"""`trustdesk requests …`: CPD requests from the command line (C1, C2), with the window's services and rules.

    trustdesk requests enter --job "Joseph Jenkins" --title "Phonics leadership" --type Course \\
        --starts 2026-11-03 --fee 450 --cover-days 1 --outcome "…" --as chris.lee
    trustdesk requests line-manager 4512,4513 --deny --reason "Mocks that week" --as chris.lee
    trustdesk requests cpd-team 4512 --approve --as sam.patel
    trustdesk requests comment 4512 "Same provider as last year" --as jo.evans
    trustdesk requests withdraw 4512 --reason "Course cancelled" --as chris.lee

A decision on many activities prints what it did and one line per activity it left alone, with why.
Each bad input is one sentence on stderr and exit status 2, and changes nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from typing import TYPE_CHECKING

from db.errors import ValidationError

if TYPE_CHECKING:
    from db.engine import Database

MONEY = re.compile(r"^£?(-?\d+(?:\.\d{1,2})?)$")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "requests",
        help="enter CPD requests, answer for the line manager or the CPD team, comment, withdraw",
        description="CPD requests with the rules of the Partnership CPD panel.",
    )
    actions = parser.add_subparsers(dest="requests_action", metavar="ACTION", required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, parents=[common], help=help_text, description=help_text)
        sub.add_argument("--as", dest="acting", required=True, metavar="USERNAME", help="act as this user")
        sub.set_defaults(run=run)
        return sub

    enter = action("enter", "enter a request on an individual's behalf (they are notified)")
    enter.add_argument("--job", required=True, metavar="TEXT", help="a name or e-mail that finds exactly one job")
    enter.add_argument("--title", required=True)
    enter.add_argument("--type", dest="activity_type", required=True, help="Course, INSET, Conference, …")
    enter.add_argument("--provider", default="")
    enter.add_argument("--starts", required=True, metavar="YYYY-MM-DD")
    enter.add_argument("--ends", metavar="YYYY-MM-DD", help="default: the start date")
    enter.add_argument("--session", action="append", default=[], metavar="YYYY-MM-DD", help="a further session")
    for flag in ("fee", "cover-cost", "travel", "other"):
        enter.add_argument(f"--{flag}", default="0", metavar="POUNDS")
    enter.add_argument("--cover-days", type=float, default=0.0)
    enter.add_argument("--outcome", default="", help="the intended outcome")
    enter.add_argument("--impact", default="", help="how impact will be measured")
    enter.add_argument("--sharing", default="", help="how it will be shared")
    enter.add_argument("--over-cover-limit", action="store_true", help="enter it even past the cover-day limit")
    for name, answers in (("line-manager", ("agree", "deny")), ("cpd-team", ("approve", "decline"))):
        layer = action(name, f"record the {name.replace('-', ' ')}'s answer on activities (ids, comma-separated)")
        layer.add_argument("ids", metavar="IDS")
        chosen = layer.add_mutually_exclusive_group(required=True)
        for answer in answers:
            chosen.add_argument(f"--{answer}", dest="answer", action="store_const", const=answer)
        layer.add_argument("--reason", default="")
    comment = action("comment", "add a comment to an activity's thread (the individual is not told)")
    comment.add_argument("id", type=int, metavar="ID")
    comment.add_argument("text")
    withdraw = action("withdraw", "withdraw a request the partnership has not decided")
    withdraw.add_argument("id", type=int, metavar="ID")
    withdraw.add_argument("--reason", default="")


def run(args: argparse.Namespace) -> int:
    from desktop.commands.acting import acting_user  # here, not at import: `trustdesk` alone must not load SQLAlchemy
    from desktop.commands.database import open_existing_database

    if not args.db:
        print("trustdesk requests: say which database with --db PATH", file=sys.stderr)
        return 2
    db = open_existing_database(args)
    try:
        acting = acting_user(db, args.acting).id
        if args.requests_action == "enter":
            return _enter(db, acting, args)
        if args.requests_action == "comment":
            from db.services.comments import add_comment

            add_comment(db, acting, args.id, args.text)
            print(f"Comment added to activity {args.id}.")
            return 0
        if args.requests_action == "withdraw":
            from db.services.requests import withdraw_request

            withdraw_request(db, acting, args.id, _versions(db, [args.id])[args.id], args.reason)
            print(f"Withdrew activity {args.id}; the individual will be notified.")
            return 0
        return _decide(db, acting, args)
    finally:
        db.dispose()


def _pence(flag: str, text: str) -> int:
    found = MONEY.match(text.strip().replace(",", ""))
    if found is None:
        raise ValidationError(f"--{flag} takes an amount in pounds, like 450 or 450.50, not “{text}”.")
    return round(float(found.group(1)) * 100)


def _day(flag: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"--{flag} takes a date as YYYY-MM-DD, like 2026-11-03, not “{text}”.") from None


def _enter(db: Database, acting: int, args: argparse.Namespace) -> int:
    from db.queries.request_form import search_jobs
    from db.services.requests import RequestDetails, cover_warning, enter_request

    jobs = search_jobs(db, acting, args.job, limit=2)
    if len(jobs) != 1:
        raise ValidationError(
            f"“{args.job}” finds no job you may enter requests for: check the name or e-mail."
            if not jobs
            else f"“{args.job}” finds more than one job: give more of the name, or their e-mail."
        )
    starts = _day("starts", args.starts)
    details = RequestDetails(
        title=args.title,
        activity_type=args.activity_type,
        provider=args.provider,
        starts_on=starts,
        ends_on=_day("ends", args.ends) if args.ends else starts,
        sessions=tuple(_day("session", text) for text in args.session),
        course_fee_pence=_pence("fee", args.fee),
        cover_cost_pence=_pence("cover-cost", args.cover_cost),
        travel_cost_pence=_pence("travel", args.travel),
        other_cost_pence=_pence("other", args.other),
        cover_days=args.cover_days,
        intended_outcome=args.outcome,
        impact_measure=args.impact,
        sharing_plan=args.sharing,
    )
    warning = cover_warning(db, jobs[0].id, details.starts_on, details.cover_days)
    if warning and not args.over_cover_limit:
        raise ValidationError(f"{warning} Add --over-cover-limit to enter it all the same; nothing was entered.")
    result = enter_request(db, acting, jobs[0].id, details)
    print(f"Entered activity {result.activity_id} for {jobs[0].label}; they will be notified.")
    return 0


def _versions(db: Database, ids: list[int]) -> dict[int, int]:
    """The activities' versions now: a command "sees" them as it starts (unknown ids stay, to be reported)."""
    from db.queries.decidable_rows import versions_of

    return versions_of(db, ids)


def _decide(db: Database, acting: int, args: argparse.Namespace) -> int:
    from db.models import CpdTeamState, LineManagerState
    from db.services.layer_decisions import VERBS, Layer, LayerState, decide_layer

    try:
        ids = sorted({int(part) for part in args.ids.split(",") if part.strip()})
    except ValueError:
        raise ValidationError(
            f"Give activity ids as numbers separated by commas, like 4512,4513, not “{args.ids}”."
        ) from None
    answers: dict[str, LayerState] = {
        "agree": LineManagerState.AGREED,
        "deny": LineManagerState.DENIED,
        "approve": CpdTeamState.APPROVED,
        "decline": CpdTeamState.DECLINED,
    }
    layer = Layer.LINE_MANAGER if args.requests_action == "line-manager" else Layer.CPD_TEAM
    result = decide_layer(db, acting, layer, _versions(db, ids), answers[args.answer], args.reason)
    behalf = f" ({len(result.on_behalf):,} on the line manager's behalf)" if result.on_behalf else ""
    print(f"{VERBS[result.decision].capitalize()} {len(result.applied):,}{behalf}; left alone {len(result.skipped):,}.")
    for skipped in result.skipped:
        print(f"  {skipped.activity_id}: left alone because {skipped.reason}")
    return 0
