"""File › Export current view… and the Partnership CPD panel's "Export view…" button.

"What I see": the panel's filter and sort as they are now, and its visible
columns in their on-screen order (the user may have dragged or hidden them).
The file type chosen in the save dialog (.xlsx or .csv) decides the writer;
the export runs through ``context.ops.action`` with progress and cancel.
"""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QTableView, QWidget

from db.errors import ValidationError
from db.excel.view_export import ViewExportResult, export_view
from db.queries.activities import ActivityFilter
from desktop.dialogs.errors import show_done, show_error
from desktop.dialogs.save_as import CSV, XLSX, ask_save_path
from desktop.kit.context import AppContext
from desktop.modules.partnership_cpd.activity_table_model import (
    COL_CHECK,
    COL_COST,
    COL_COURSE_FEE,
    COL_COVER_COST,
    COL_COVER_DAYS,
    COL_CPD_TEAM,
    COL_CREATED_BY,
    COL_END,
    COL_EVENT,
    COL_INDIVIDUAL,
    COL_LINE_MANAGER,
    COL_ORGANISATION,
    COL_OTHER,
    COL_PARTNERSHIP,
    COL_PERIOD,
    COL_START,
    COL_TITLE,
    COL_TRAVEL,
    COL_TYPE,
)
from desktop.modules.partnership_cpd.export_dialog import LAST_FOLDER_KEY

#: the table's columns → the export's column keys (db.excel.view_export.VIEW_COLUMNS)
COLUMN_KEYS = {
    COL_INDIVIDUAL: "individual",
    COL_ORGANISATION: "organisation",
    COL_TITLE: "title",
    COL_TYPE: "type",
    COL_START: "start",
    COL_END: "end",
    COL_PERIOD: "period",
    COL_COST: "cost",
    COL_COVER_DAYS: "cover_days",
    COL_LINE_MANAGER: "line_manager",
    COL_CPD_TEAM: "cpd_team",
    COL_PARTNERSHIP: "partnership",
    COL_EVENT: "training_event",
    COL_CREATED_BY: "created_by",
    COL_COURSE_FEE: "course_fee",
    COL_COVER_COST: "cover_cost",
    COL_TRAVEL: "travel",
    COL_OTHER: "other",
}


def visible_columns(table: QTableView) -> list[str]:
    """The shown columns' keys, left to right as on screen (the tick column is not data)."""
    header = table.horizontalHeader()
    logical = [header.logicalIndex(visual) for visual in range(header.count())]
    return [COLUMN_KEYS[c] for c in logical if c != COL_CHECK and c in COLUMN_KEYS and not header.isSectionHidden(c)]


def current_view(panel: Any) -> tuple[ActivityFilter, list[str]]:
    """The Partnership CPD panel's filter and visible columns (built first if it never was)."""
    panel.ensure_built()
    return panel.filter, visible_columns(panel.table)


def export_current_view(context: AppContext, panel: Any, parent: QWidget) -> None:
    """Ask where, then export the panel's view there (off the UI thread)."""
    filt, columns = current_view(panel)
    if not columns:
        show_error(parent, ValidationError("Show at least one column in the table to export."))
        return
    folder = Path(str(context.settings.value(LAST_FOLDER_KEY, "") or context.paths.exports))
    suggested = folder / f"Partnership CPD {date.today():%Y-%m-%d}.xlsx"
    path = ask_save_path(parent, "Export current view", suggested, [XLSX, CSV])
    if path is not None:
        start_view_export(context, filt, columns, path, parent)


def start_view_export(
    context: AppContext, filt: ActivityFilter, columns: list[str], path: Path, parent: QWidget
) -> None:
    db, user_id = context.db, context.user.id
    if path.parent == context.paths.exports:
        with contextlib.suppress(OSError):  # if it cannot be made, the export says so in a sentence
            path.parent.mkdir(parents=True, exist_ok=True)
    context.settings.setValue(LAST_FOLDER_KEY, str(path.parent))

    def done(result: ViewExportResult) -> None:
        context.navigator.tell(f"Exported {result.rows:,} activities to {result.path}")
        box = show_done(
            parent,
            "Export current view",
            f"Exported {result.rows:,} activities ({len(columns)} columns) to “{result.path.name}”.",
            f"Filters: {result.filter_text}",
        )
        box.setObjectName("view_export_done")

    context.ops.action(
        lambda progress: export_view(db, user_id, filt, columns, path, progress=progress),
        done,
        lambda error: show_error(parent, error),
        title="Exporting the current view…",
        cancellable=True,
        progress_dialog=True,
        parent=parent,
    )
