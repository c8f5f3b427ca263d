"""Regenerate the user guide's screenshots (docs/images/*.png) from the real program.

Builds a fresh small demo trust in a temporary folder, opens the real MainWindow signed in as
sam.patel (the CPD lead the guide is written for), raises every panel the registry knows —
so panels added later are photographed without changing this script — waits for each to finish
loading, and saves one PNG per panel, named after its objectName. It also photographs the
welcome dialog, the sign-in dialog and the About dialog.

    xvfb-run -a -s "-screen 0 1600x1000x24" python scripts/make_screenshots.py   # like a real screen
    python scripts/make_screenshots.py --out /tmp/shots                          # offscreen, elsewhere

The docs refer to images/<panel object name>.png; a panel without a screenshot in the guide is
listed at the end so whoever adds a panel knows to describe it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WINDOW_SIZE = (1400, 860)
USERNAME = "sam.patel"


def wait_until_idle(app, ops, timeout: float = 30.0, settle_ms: int = 400) -> None:  # type: ignore[no-untyped-def]
    """Process events until no database work is running, then a short settle for painting."""
    deadline = time.monotonic() + timeout
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        app.processEvents()
        if ops.running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif (time.monotonic() - quiet_since) * 1000 >= settle_ms:
            return
        time.sleep(0.02)


def save(widget, path: Path) -> None:  # type: ignore[no-untyped-def]
    path.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images", help="folder for the PNG files")
    parser.add_argument("--user", default=USERNAME, help="who is signed in (default: %(default)s)")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY") and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    from db.demo import build_demo
    from db.engine import DatabaseTarget
    from db.migrate import open_database
    from db.queries.users import list_users
    from desktop.app import build_context, create_application, open_settings
    from desktop.dialogs.about_dialog import AboutDialog
    from desktop.dialogs.sign_in import SignInDialog
    from desktop.dialogs.welcome_dialog import WelcomeDialog
    from desktop.main_window import MainWindow
    from desktop.ops import Operations
    from desktop.paths import AppPaths

    app = create_application()
    out: Path = args.out.resolve()
    # A fixed folder (emptied first) so the paths in the pictures do not change from run to run.
    temp = Path(tempfile.gettempdir()) / "TrustDesk-screenshots"
    shutil.rmtree(temp, ignore_errors=True)
    try:
        paths = AppPaths.under(temp)
        paths.ensure()
        db = open_database(DatabaseTarget.parse(str(paths.demo_database)))
        build_demo(db, scale="small", seed=1)
        users = list_users(db)
        user = next(u for u in users if u.username == args.user)

        welcome = WelcomeDialog(str(paths.default_database))
        welcome.show()
        wait_until_idle(app, Operations())
        save(welcome, out / "welcome.png")
        welcome.close()

        sign_in = SignInDialog(users, db.display, args.user)
        sign_in.show()
        wait_until_idle(app, Operations())
        save(sign_in, out / "sign_in.png")
        sign_in.close()

        context = build_context(db, user, paths, open_settings(paths), Operations())
        window = MainWindow(context)
        window.resize(*WINDOW_SIZE)
        window.show()
        wait_until_idle(app, context.ops)
        for name, panel in window.panels.items():
            panel.activate()
            wait_until_idle(app, context.ops)
            save(window, out / f"{name}.png")

        about = AboutDialog(db.display, paths, window)
        about.show()
        wait_until_idle(app, context.ops)
        save(about, out / "about.png")
        about.close()

        window.close()
        context.ops.wait_for_done(10_000)
        db.dispose()

        guide = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")
        missing = [name for name in window.panels if f"images/{name}.png" not in guide]
        if missing:
            print(f"note: docs/user-guide.md does not show these panels yet: {', '.join(missing)}")
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
