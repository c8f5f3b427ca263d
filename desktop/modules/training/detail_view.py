"""The "Details" tab of the events panel: one event's facts, places, who is told, and its sessions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from db.models import EventPayer
from db.queries.training_event_detail import EventDetail
from db.queries.training_events import STATUS_LABELS, EventStatus
from desktop.kit.formatting import day, moment, money
from desktop.kit.widgets import data_table, fit_columns, fit_dates
from desktop.modules.training.session_table_model import DATE, SessionTableModel
from resources_qt.style import set_warning

PAID_BY = {EventPayer.CENTRAL: "paid from the central budget", EventPayer.SCHOOL: "paid by each attendee's school"}


def places_sentence(detail: EventDetail) -> str:
    """ "20 places: 12 booked, 3 waiting, 8 free" — the counts come from the bookings themselves."""
    waiting = f", {detail.waiting:,} waiting" if detail.waiting else ""
    if detail.places is None:
        return f"No limit on places: {detail.booked:,} booked{waiting}"
    return f"{detail.places:,} places: {detail.booked:,} booked{waiting}, {detail.free:,} free"


def dates_sentence(detail: EventDetail) -> str:
    sessions = len(detail.sessions)
    span = (
        day(detail.starts_on)
        if detail.starts_on == detail.ends_on
        else f"{day(detail.starts_on)} – {day(detail.ends_on)}"
    )
    return f"{span} ({sessions} session{'s' if sessions != 1 else ''})"


class EventDetailView(QWidget):
    """Shows one ``EventDetail`` (or a hint when none is chosen); read-only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("training_event_heading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        self.status_label = QLabel()
        self.status_label.setObjectName("training_event_status")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        self.form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for name in ("Run by", "When", "Type", "Places", "Cost", "Budget", "Learning module", "Who is told"):
            label = QLabel()
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[name] = label
            self.form.addRow(name, label)
        layout.addLayout(self.form)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.description)
        self.sessions = SessionTableModel(self)
        self.session_table = data_table(self.sessions, sortable=False)
        self.session_table.setObjectName("training_event_detail_sessions")
        layout.addWidget(self.session_table, 1)
        self.show_detail(None)

    def show_detail(self, detail: EventDetail | None) -> None:
        for label in self.fields.values():
            label.clear()
        if detail is None:
            self.heading.setText("No event chosen")
            self.status_label.setText("Choose an event in the list to see its sessions and places.")
            set_warning(self.status_label, False)
            self.description.clear()
            self.sessions.set_rows([])
            return
        self.heading.setText(detail.title)
        self.status_label.setText(self._status(detail))
        set_warning(self.status_label, detail.status is EventStatus.CANCELLED)
        self.fields["Run by"].setText(detail.organisation)
        self.fields["When"].setText(dates_sentence(detail))
        self.fields["Type"].setText(" · ".join(part for part in (detail.activity_type, detail.provider) if part))
        self.fields["Places"].setText(places_sentence(detail))
        self.fields["Cost"].setText(f"{money(detail.cost_pence)} per place, {PAID_BY[detail.payer]}")
        self.fields["Budget"].setText(money(detail.budget_pence) if detail.budget_pence is not None else "None set")
        self.fields["Learning module"].setText(detail.learning_module or "None")
        self.fields["Who is told"].setText(
            "; ".join(t.label for t in detail.targets)
            if detail.targets
            else "Every member organisation's staff (no targets chosen)"
        )
        self.description.setText(detail.description)
        self.sessions.set_rows(detail.sessions)
        fit_columns(self.session_table)
        fit_dates(self.session_table, (DATE,))

    @staticmethod
    def _status(detail: EventDetail) -> str:
        if detail.status is EventStatus.CANCELLED:
            by = f" by {detail.cancelled_by}" if detail.cancelled_by else ""
            return f"Cancelled {moment(detail.cancelled_at)}{by}: {detail.cancelled_reason or ''}"
        if detail.status is EventStatus.PUBLISHED:
            opted = f"; {detail.opted_in} organisation(s) opted in" if detail.opted_in else ""
            return f"Published {moment(detail.published_at)} to every member organisation{opted}."
        return f"{STATUS_LABELS[detail.status]}: seen only at {detail.organisation} until it is published."
