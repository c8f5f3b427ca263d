"""Export… the current view, or one training event, as an .ics file a diary program imports.

A save dialog that asks before replacing a file; the file is read and written off the UI thread
(``context.ops``); an unwritable folder or a file open elsewhere ends in one sentence and leaves any
existing file as it was (``db.queries.calendar_ics.write_ics``).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtWidgets import QWidget

from db.queries.calendar import CalendarFilter
from db.queries.calendar_ics import event_ics, view_ics, write_ics
from desktop.dialogs.errors import show_done, show_error
from desktop.dialogs.save_as import ask_save_path
from desktop.kit.context import AppContext

ICS = ("iCalendar file (*.ics)", "ics")
LAST_FOLDER_KEY = "calendar/last_export_folder"
#: characters a file name cannot hold on Windows, replaced in a suggested name
_NOT_IN_NAMES = str.maketrans({c: " " for c in '<>:"/\\|?*'})


def suggested_path(context: AppContext, name: str) -> Path:
    folder = Path(str(context.settings.value(LAST_FOLDER_KEY, "") or context.paths.exports))
    return folder / f"{' '.join(name.translate(_NOT_IN_NAMES).split())}.ics"


def ask_ics_path(context: AppContext, parent: QWidget, title: str, name: str) -> Path | None:
    path = ask_save_path(parent, title, suggested_path(context, name), [ICS])
    if path is not None:
        context.settings.setValue(LAST_FOLDER_KEY, str(path.parent))
        if path.parent == context.paths.exports:
            with contextlib.suppress(OSError):  # if it cannot be made, the export says so in a sentence
                path.parent.mkdir(parents=True, exist_ok=True)
    return path


def export_view(context: AppContext, parent: QWidget, filt: CalendarFilter, name: str) -> None:
    """Ask where, then write every entry of the view (not only those that fit on screen)."""
    path = ask_ics_path(context, parent, "Export the calendar", name)
    if path is not None:
        start_view_export(context, parent, filt, path)


def start_view_export(context: AppContext, parent: QWidget, filt: CalendarFilter, path: Path) -> None:
    db, user_id = context.db, context.user.id

    def work() -> tuple[Path, int]:
        data, entries = view_ics(db, user_id, filt)
        return write_ics(path, data), entries

    def done(result: tuple[Path, int]) -> None:
        written, entries = result
        context.navigator.tell(f"Exported {entries:,} calendar entries to {written}")
        box = show_done(parent, "Export the calendar", f"Exported {entries:,} entries to “{written.name}”.")
        box.setObjectName("calendar_export_done")

    context.ops.query(work, done, lambda error: show_error(parent, error))


def export_event(context: AppContext, parent: QWidget, event_id: int, title: str) -> None:
    path = ask_ics_path(context, parent, "Export the training event", title)
    if path is not None:
        start_event_export(context, parent, event_id, path)


def start_event_export(context: AppContext, parent: QWidget, event_id: int, path: Path) -> None:
    db, user_id = context.db, context.user.id

    def work() -> tuple[Path, str]:
        data, title = event_ics(db, user_id, event_id)
        return write_ics(path, data), title

    def done(result: tuple[Path, str]) -> None:
        written, title = result
        context.navigator.tell(f"Exported “{title}” to {written}")
        box = show_done(parent, "Export the training event", f"Exported “{title}” to “{written.name}”.")
        box.setObjectName("calendar_export_done")

    context.ops.query(work, done, lambda error: show_error(parent, error))
