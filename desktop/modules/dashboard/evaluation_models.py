"""Tables of what CPD was worth, for the dashboard (DB1): hours per organisation or person, ratings."""

from __future__ import annotations

from db.queries.evaluation_figures import HoursRow, RatingRow
from desktop.kit.row_table_model import Column, RowTableModel


def hours_text(hours: float) -> str:
    return f"{hours:,.1f}".removesuffix(".0")


class OrganisationHoursModel(RowTableModel[HoursRow]):
    COLUMNS = (
        Column("Organisation", lambda r: r.name),
        Column("CPD hours", lambda r: hours_text(r.hours), sort_key=lambda r: r.hours, align_right=True),
        Column("Evaluations", lambda r: f"{r.evaluations:,}", sort_key=lambda r: r.evaluations, align_right=True),
    )


class PersonHoursModel(RowTableModel[HoursRow]):
    COLUMNS = (
        Column("Individual", lambda r: r.name),
        Column("Organisation", lambda r: r.organisation),
        Column("CPD hours", lambda r: hours_text(r.hours), sort_key=lambda r: r.hours, align_right=True),
        Column("Evaluations", lambda r: f"{r.evaluations:,}", sort_key=lambda r: r.evaluations, align_right=True),
    )


class RatingModel(RowTableModel[RatingRow]):
    """One model for providers and types: the first column's title says which."""

    COLUMNS = (
        Column("Provider", lambda r: r.name, tooltip=lambda r: r.name),
        Column("Average rating", lambda r: f"{r.average:.2f}", sort_key=lambda r: r.average, align_right=True),
        Column("Evaluations", lambda r: f"{r.evaluations:,}", sort_key=lambda r: r.evaluations, align_right=True),
        Column("CPD hours", lambda r: hours_text(r.hours), sort_key=lambda r: r.hours, align_right=True),
    )


class TypeRatingModel(RatingModel):
    COLUMNS = (Column("Type", lambda r: r.name), *RatingModel.COLUMNS[1:])
