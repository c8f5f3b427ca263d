"""What an event was worth (T1): its evaluations summarised, cost per attendee and spend against its budget.

Read-only; ``EventRegisterView`` shows it under the register, and it reloads with it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from db.queries.training_impact import ImpactSummary
from desktop.kit.formatting import money
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.training.booking_table_models import CommentTableModel

FIGURES = (
    ("places", "Places taken"),
    ("attendees", "Attended"),
    ("evaluated", "Evaluated"),
    ("rating", "Average rating"),
    ("hours", "Total hours"),
    ("spend", "Spend"),
    ("budget", "Event budget"),
    ("remaining", "Budget left"),
    ("per_attendee", "Cost per attendee"),
)


class ImpactView(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Impact", parent)
        layout = QVBoxLayout(self)
        grid = QGridLayout()
        self.figures: dict[str, QLabel] = {}
        for n, (key, title) in enumerate(FIGURES):
            label = QLabel("—")
            label.setObjectName(f"impact_{key}")
            grid.addWidget(QLabel(f"{title}:"), n // 3, (n % 3) * 2)
            grid.addWidget(label, n // 3, (n % 3) * 2 + 1)
            self.figures[key] = label
        layout.addLayout(grid)
        self.paid_label = QLabel("")
        self.paid_label.setWordWrap(True)
        layout.addWidget(self.paid_label)
        self.comment_model = CommentTableModel(self)
        self.comment_table = data_table(self.comment_model)
        layout.addWidget(self.comment_table, 1)

    def show_summary(self, summary: ImpactSummary | None) -> None:
        if summary is None:
            for label in self.figures.values():
                label.setText("—")
            self.paid_label.setText("")
            self.comment_model.set_rows([])
            return
        remaining = summary.remaining_pence
        values = {
            "places": f"{summary.places_taken:,}",
            "attendees": f"{summary.attendees:,}",
            "evaluated": f"{summary.evaluated:,}",
            "rating": "—" if summary.average_rating is None else f"{summary.average_rating:.1f} / 5",
            "hours": f"{summary.total_hours:g}",
            "spend": money(summary.spend_pence),
            "budget": money(summary.event.budget_pence),
            "remaining": money(remaining),
            "per_attendee": money(summary.cost_per_attendee_pence),
        }
        for key, text in values.items():
            self.figures[key].setText(text)
        over = remaining is not None and remaining < 0
        self.figures["remaining"].setStyleSheet("color: #c0392b; font-weight: bold;" if over else "")
        self.paid_label.setText(
            f"{money(summary.event.cost_pence)} a place, paid from {summary.paid_by}. Spend is the cost per place "
            f"times the places taken; cost per attendee divides it by those recorded as attended. "
            f"{len(summary.comments):,} impact comment{'s' if len(summary.comments) != 1 else ''} below."
        )
        self.comment_model.set_rows(summary.comments)
        fit_columns(self.comment_table)
