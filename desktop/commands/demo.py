"""`trustdesk demo`: build a demo trust database without opening a window."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "demo", parents=[common], help="build a demo trust database", description="Build a demo trust database."
    )
    parser.add_argument(
        "--scale",
        choices=("small", "large", "huge"),
        default="small",
        help="small (default), large (1,000,000 activities) or huge (5,000,000)",
    )
    parser.add_argument("--seed", type=int, default=1, help="the same seed builds the same trust (default 1)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Imported here, not at the top: `trustdesk` imports every command to build its parser, and
    # the GUI should not wait for what only this command needs.
    from db.demo import build_demo
    from db.engine import DatabaseTarget
    from db.migrate import open_database

    if not args.db:
        print("trustdesk demo: say where to build it with --db PATH", file=sys.stderr)
        return 2
    db = open_database(DatabaseTarget.parse(args.db))  # the one command that creates a database
    last = [-1]

    def report(done: int, total: int, text: str) -> None:
        percent = int(100 * done / total) if total else 0
        if percent // 10 != last[0]:
            last[0] = percent // 10
            print(f"{percent:3d}%  {text}", file=sys.stderr)

    try:
        summary = build_demo(db, scale=args.scale, seed=args.seed, progress=report)
    finally:
        db.dispose()
    print(
        f"Built the {args.scale} demo trust in {db.display}: {summary.organisations:,} organisations, "
        f"{summary.jobs:,} jobs, {summary.activities:,} activities, {summary.users} users "
        f"({summary.elapsed_seconds:.1f} s)."
    )
    return 0
