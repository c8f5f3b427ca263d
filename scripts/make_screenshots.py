"""Regenerate the user guide's screenshots (docs/images/*.png) from the real program.

Builds a fresh small demo trust in a temporary folder, opens the real MainWindow signed in as
sam.patel (the CPD lead the guide is written for), raises every panel the registry knows —
so panels added later are photographed without changing this script — waits for each to finish
loading, and saves one PNG per panel, named after its objectName. It also photographs the
welcome dialog, the sign-in dialog and the About dialog, and the tasks the guide walks through:
the Partnership CPD sign-off dialog with a few pending rows ticked (cancelled, nothing is
decided), an authorised request's Edit dates and costs… with its fee raised (cancelled), the
Training events editor on the first upcoming event (cancelled), the
first step of the flood-fill wizard (cancelled, nothing is created), the Users & Groups
"Groups" tab with a group chosen so its members show, and File › Export budget workbook…'s
dialog (closed, nothing is exported). Dialogs are shown without blocking (open() or show(),
never exec()) and grabbed.

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
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WINDOW_SIZE = (1400, 860)
USERNAME = "sam.patel"


def wait_until_idle(app, ops, timeout: float = 30.0, settle_ms: int = 400) -> None:
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


def save(widget, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


W = TypeVar("W")


def shown_window(kind: type[W]) -> W | None:
    """The one window of ``kind`` on screen, as a user would see it (the program keeps no "last dialog")."""
    from PySide6.QtWidgets import QApplication

    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
    return shown[0] if len(shown) == 1 else None


def photograph_tasks(app, window, context, out: Path) -> None:
    """The dialogs and steps the guide walks a CPD lead through; nothing is saved."""
    from dataclasses import replace

    from db.models.enums import PartnershipState

    ops = context.ops

    # Partnership CPD: pending requests, a few ticked, the Authorise… dialog open (then cancelled).
    cpd = window.panels["partnership_cpd"]
    cpd.activate()
    cpd.show_filter(replace(cpd.filter, partnership_state=PartnershipState.PENDING))
    wait_until_idle(app, ops)
    for row in range(min(5, cpd.model.loaded)):
        cpd.model.toggle(row)
    wait_until_idle(app, ops)
    save(window, out / "partnership_cpd_ticked.png")
    cpd.sign_off(PartnershipState.AUTHORISED)
    wait_until_idle(app, ops)
    from desktop.modules.partnership_cpd.activity_detail import ActivityDetailDialog
    from desktop.modules.partnership_cpd.export_dialog import ExportDialog
    from desktop.modules.partnership_cpd.sign_off_dialog import SignOffDialog

    dialog = shown_window(SignOffDialog)
    if dialog is None:
        raise SystemExit("the sign-off dialog did not open (no pending rows to tick?)")
    save(dialog, out / "sign_off_dialog.png")
    dialog.reject()
    cpd.model.clear_ticks()

    # An authorised request's Edit dates and costs… with the fee raised: the C5 warning shows
    # (cancelled, nothing is saved).
    cpd.show_filter(replace(cpd.filter, partnership_state=PartnershipState.AUTHORISED))
    wait_until_idle(app, ops)
    cpd.open_details(0)
    wait_until_idle(app, ops)
    detail = shown_window(ActivityDetailDialog)
    if detail is None or not detail.edit_button.isEnabled():
        raise SystemExit("the activity detail did not offer Edit dates and costs…")
    detail.open_editor()
    editor = detail.editor
    if editor is None:
        raise SystemExit("Edit dates and costs… did not open")
    editor.money_boxes["course_fee_pence"].setValue(editor.money_boxes["course_fee_pence"].value() + 25)
    editor.note_edit.setPlainText("The provider raised the fee for this year.")
    wait_until_idle(app, ops)
    save(editor, out / "activity_edit.png")
    editor.reject()
    detail.reject()
    cpd.clear_filters()
    wait_until_idle(app, ops)

    # File › Export budget workbook…: its dialog opens with open() (window-modal, not blocking).
    # It suggests the folder last saved to (else the home folder); point it at the exports
    # folder so the picture does not show the home folder of whoever runs this script.
    from desktop.modules.partnership_cpd.export_dialog import LAST_FOLDER_KEY

    context.settings.setValue(LAST_FOLDER_KEY, str(context.paths.exports))
    window.module_actions["export_workbook"].trigger()
    wait_until_idle(app, ops)
    export = shown_window(ExportDialog)
    if export is None:
        raise SystemExit("the export dialog did not open")
    save(export, out / "export_dialog.png")
    export.reject()
    wait_until_idle(app, ops)

    # Training events: the editor on the event chosen in the list (cancelled, nothing is saved).
    from desktop.modules.training.event_dialog import EventDialog

    training = window.panels["training"]
    training.activate()
    wait_until_idle(app, ops)
    training.edit_event()
    wait_until_idle(app, ops)
    event_editor = shown_window(EventDialog)
    if event_editor is None:
        raise SystemExit("the training event editor did not open (no event chosen?)")
    save(event_editor, out / "training_event_dialog.png")
    event_editor.reject()
    wait_until_idle(app, ops)

    # Flood Fill: the wizard's first step (choose staff), then back to the history.
    flood = window.panels["flood_fill"]
    flood.activate()
    flood.open_wizard()
    wait_until_idle(app, ops)
    save(window, out / "flood_fill_wizard.png")
    flood.stack.setCurrentIndex(0)
    wait_until_idle(app, ops)

    # Users & Groups › Groups with a Key Stage group chosen, so its members show ticked.
    groups = window.panels["users_groups"]
    groups.activate()
    groups.tabs.setCurrentIndex(1)
    # Reload now that the tab has its real size: its columns are fitted to what is visible.
    groups.group_editor.refresh()
    wait_until_idle(app, ops)
    table = groups.group_table
    view_model = table.model()
    names = [str(view_model.index(row, 1).data()) for row in range(view_model.rowCount())]
    table.selectRow(names.index("KS2") if "KS2" in names else 0)
    wait_until_idle(app, ops)
    # The fitted Members column is wider than the list (its counts sit past the right edge
    # until you scroll); narrow it for the picture so the counts the guide mentions show.
    table.resizeColumnToContents(2)
    wait_until_idle(app, ops)
    save(window, out / "groups_members.png")
    groups.tabs.setCurrentIndex(0)
    wait_until_idle(app, ops)

    # Calendar › Who is out for the week, then back to the month.
    calendar = window.panels["calendar"]
    calendar.activate()
    calendar.set_mode("out")
    calendar.out_span.setCurrentIndex(1)
    calendar.out_span.activated.emit(1)
    wait_until_idle(app, ops)
    save(window, out / "calendar_who_is_out.png")
    calendar.set_mode("month")
    wait_until_idle(app, ops)


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
    from db.queries.sign_in import SignInMode
    from db.queries.users import list_users
    from desktop.app import build_context
    from desktop.dialogs.about_dialog import AboutDialog
    from desktop.dialogs.sign_in import SignInDialog
    from desktop.dialogs.welcome_dialog import WelcomeDialog
    from desktop.kit.ops import Operations
    from desktop.launch import create_application
    from desktop.main_window import MainWindow
    from desktop.paths import AppPaths
    from desktop.settings_file import open_settings

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

        sign_in = SignInDialog(db, Operations(), users, SignInMode.DEMO, args.user)
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

        photograph_tasks(app, window, context, out)

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
