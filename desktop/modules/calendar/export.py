"""Export… the current view, or one training event, as an .ics file a diary program imports.

A save dialog that asks before replacing a file; the file is read and written off the UI thread
(``context.ops``); an unwritable folder or a file open elsewhere ends in one sentence and leaves any
existing file as it was (``db.queries.calendar_ics.write_ics``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from db.engine import Database
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

    def read(db: Database, user_id: int) -> tuple[bytes, str, str]:
        data, entries = view_ics(db, user_id, filt)
        return data, f"{entries:,} calendar entries", f"{entries:,} entries"

    export_ics(context, parent, "Export the calendar", name, read)


def export_event(context: AppContext, parent: QWidget, event_id: int, title: str) -> None:
    """Ask where, then write the training event's sessions."""

    def read(db: Database, user_id: int) -> tuple[bytes, str, str]:
        data, event_title = event_ics(db, user_id, event_id)
        return data, f"“{event_title}”", f"“{event_title}”"

    export_ics(context, parent, "Export the training event", title, read)


def export_ics(
    context: AppContext,
    parent: QWidget,
    title: str,
    name: str,
    read: Callable[[Database, int], tuple[bytes, str, str]],
) -> None:
    """Ask where (``name`` suggests the file), then ``read`` the calendar file and write it, both off
    the UI thread.  ``read`` returns the file's bytes and what was exported, as the status line and
    the done box say it ("12 calendar entries", "12 entries")."""
    path = ask_ics_path(context, parent, title, name)
    if path is None:
        return
    db, user_id = context.db, context.user.id

    def work() -> tuple[Path, str, str]:
        data, told, shown = read(db, user_id)
        return write_ics(path, data), told, shown

    def done(result: tuple[Path, str, str]) -> None:
        written, told, shown = result
        context.navigator.tell(f"Exported {told} to {written}")
        box = show_done(parent, title, f"Exported {shown} to “{written.name}”.")
        box.setObjectName("calendar_export_done")

    context.ops.query(work, done, lambda error: show_error(parent, error))
