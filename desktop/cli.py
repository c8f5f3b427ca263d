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
COMMANDS = (
    "demo",
    "new_trust",
    "import_gias",
    "import_staff",
    "import_requests",
    "export",
    "import_decisions",
    "import_evaluations",
    "link_login",
    "users",
    "data_sharing",
    "requests",
    "notify",
    "remind",
    "events",
)


def _common_options(suppress: bool) -> argparse.ArgumentParser:
    """Options valid before or after the sub-command name."""
    default = argparse.SUPPRESS if suppress else None
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=default, help="database: a SQLite file path or a SQLAlchemy URL")
    common.add_argument("--data-dir", default=default, help="keep data, settings and logs in this folder")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS if suppress else False)
    return common


def _window_parser(add_help: bool = True) -> argparse.ArgumentParser:
    """The options of ``trustdesk`` itself, the window (no sub-command)."""
    parser = argparse.ArgumentParser(
        prog="trustdesk",
        parents=[_common_options(suppress=False)],
        description="TrustDesk: CPD authorisation and budgets for a multi-academy trust.",
        add_help=add_help,
    )
    parser.add_argument("--demo", action="store_true", help="open the demo trust (built on first use)")
    parser.add_argument("--user", help="sign in as this user without asking")
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = _window_parser()
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = _common_options(suppress=True)
    for name in COMMANDS:
        importlib.import_module(f"desktop.commands.{name}").register(subparsers, common)
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Sub-commands are imported and registered only when the command line has more than the window's options.

    Building every sub-command's parser costs several milliseconds of a double-click's start-up;
    anything else (a command, ``--help``, a mistake) goes through the full parser and its messages.
    """
    args, rest = _window_parser(add_help=False).parse_known_args(argv)
    if not rest:
        args.command = None
        return args
    return build_parser().parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from desktop.logging_setup import configure_logging

    try:
        if args.command is None:
            from desktop.paths import AppPaths

            paths = AppPaths.under_or_default(args.data_dir)
            configure_logging(paths.logs, args.verbose, rotate_now=False)  # launch rotates once the window is up
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
