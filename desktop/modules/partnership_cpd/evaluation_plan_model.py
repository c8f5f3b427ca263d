"""The rows of an evaluation spreadsheet and what each will do (or did): add, correct, unchanged, invalid."""

from __future__ import annotations

from db.services.evaluation_import import PlannedRow
from desktop.kit.row_table_model import Column, RowTableModel


def _rating(row: PlannedRow) -> str:
    return f"{row.evaluation.rating} of 5" if row.evaluation else ""


def _hours(row: PlannedRow) -> str:
    return f"{row.evaluation.hours:g}" if row.evaluation else ""


def _sentence(reason: str) -> str:
    return reason[:1].upper() + reason[1:] if reason else ""


class EvaluationPlanModel(RowTableModel[PlannedRow]):
    COLUMNS = (
        Column("Row", lambda r: str(r.number), sort_key=lambda r: r.number, align_right=True),
        Column("Does", lambda r: r.action.value.capitalize()),
        Column("Activity", lambda r: r.title, tooltip=lambda r: r.title or None),
        Column("Individual", lambda r: r.individual),
        Column("Hours", _hours, sort_key=lambda r: r.evaluation.hours if r.evaluation else 0.0, align_right=True),
        Column("Rating", _rating, sort_key=lambda r: r.evaluation.rating if r.evaluation else 0),
        Column("Why not", lambda r: _sentence(r.reason), tooltip=lambda r: _sentence(r.reason) or None),
    )
