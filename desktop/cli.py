"""`trustdesk`: the GUI by default, sub-commands for work without a window.

``--db`` takes a SQLite file path or a SQLAlchemy URL; ``TRUSTDESK_DATABASE_URL``
does the same.  A failure prints one line on stderr and exits non-zero.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from db.errors import TrustDeskError

#: modules under desktop.commands, each adding one sub-command
COMMANDS = ("demo", "import_gias", "export", "import_decisions", "link_login")


def _common_options(suppress: bool) -> argparse.ArgumentParser:
    """Options valid before or after the sub-command name."""
    default = argparse.SUPPRESS if suppress else None
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=default, help="database: a SQLite file path or a SQLAlchemy URL")
    common.add_argument("--data-dir", default=default, help="keep data, settings and logs in this folder")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS if suppress else False)
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trustdesk",
        parents=[_common_options(suppress=False)],
        description="TrustDesk: CPD authorisation and budgets for a multi-academy trust.",
    )
    parser.add_argument("--demo", action="store_true", help="open the demo trust (built on first use)")
    parser.add_argument("--user", help="sign in as this user without asking")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = _common_options(suppress=True)
    for name in COMMANDS:
        importlib.import_module(f"desktop.commands.{name}").register(subparsers, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from desktop.logging_setup import configure_logging

    try:
        if args.command is None:
            from desktop.paths import AppPaths

            paths = AppPaths.under_or_default(args.data_dir)
            configure_logging(paths.logs, args.verbose)
            from desktop.launch import run_gui  # the window first, SQLAlchemy and the models after

            return run_gui(args)
        configure_logging(None, args.verbose)
        return int(args.run(args))
    except TrustDeskError as error:
        print(f"trustdesk: {error.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("trustdesk: interrupted; nothing more was changed.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
