"""Step 2 (F2, F3, F5): the activity every chosen job receives.

Checked here with the service's own ``validate_spec`` so that a bad date or
cost is explained before the review, and again by the service on creation.
The sentence appears under the field at fault, in the warning colour, and
that field takes the focus.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from db.errors import ValidationError
from db.queries.flood_fill import FloodFillOptions
from db.services.flood_fill import FloodFillSpec, validate_spec
from desktop.kit.context import AppContext
from desktop.kit.field_error import clear_field_error, show_field_error

MAX_POUNDS = 100_000.0


def _money_box() -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setPrefix("£")
    box.setDecimals(2)
    box.setRange(0.0, MAX_POUNDS)
    box.setSingleStep(10.0)
    box.setGroupSeparatorShown(True)
    return box


def _pence(box: QDoubleSpinBox) -> int:
    return round(box.value() * 100)


def _date(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


class ActivityPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.form = form = QFormLayout(self)
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(200)
        self.title_edit.setPlaceholderText("e.g. INSET: phonics and early reading")
        self.type_box = QComboBox()  # the product's list of types (db.activity_types), as the data uses
        self.provider_edit = QLineEdit()
        self.provider_edit.setPlaceholderText("Who delivers it")
        today = QDate.currentDate()
        self.starts_edit = QDateEdit(today)
        self.ends_edit = QDateEdit(today)
        for edit in (self.starts_edit, self.ends_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd MMM yyyy")
        self.starts_edit.dateChanged.connect(self._start_moved)
        self.dates = dates = QHBoxLayout()
        dates.addWidget(self.starts_edit)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.ends_edit)
        dates.addStretch()
        self.fee_box, self.cover_box, self.travel_box, self.other_box = (_money_box() for _ in range(4))
        costs = QHBoxLayout()
        for label, box in (("Course fee", self.fee_box), ("Cover/supply", self.cover_box),
                           ("Travel", self.travel_box), ("Other", self.other_box)):  # fmt: skip
            costs.addWidget(QLabel(label))
            costs.addWidget(box)
        costs.addStretch()
        self.cover_days_box = QDoubleSpinBox()
        self.cover_days_box.setRange(0.0, 365.0)
        self.cover_days_box.setSingleStep(0.5)
        self.event_box = QComboBox()
        self.module_box = QComboBox()
        self.creator_box = QComboBox()
        self.creator_box.setMinimumContentsLength(40)
        self.pre_authorise = QCheckBox("Pre-authorise (the partnership authorises every activity as it is created)")
        self.error_label = QLabel("")
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        form.addRow("Title", self.title_edit)
        form.addRow("Type", self.type_box)
        form.addRow("Provider", self.provider_edit)
        form.addRow("Dates", dates)
        form.addRow("Costs per person", costs)
        form.addRow("Cover days", self.cover_days_box)
        form.addRow("Training event", self.event_box)
        form.addRow("Learning module", self.module_box)
        form.addRow("Creator", self.creator_box)
        form.addRow("", self.pre_authorise)

    def set_options(self, options: FloodFillOptions) -> None:
        current_type = self.type_box.currentText()
        self.type_box.clear()
        self.type_box.addItems(list(options.activity_types))
        if current_type:
            self.type_box.setCurrentText(current_type)
        for box, choices, none in (
            (self.event_box, options.training_events, "None"),
            (self.module_box, options.learning_modules, "None"),
            (self.creator_box, options.creators, None),
        ):
            kept = box.currentData()
            box.clear()
            if none is not None:
                box.addItem(none, None)
            for choice in choices:
                box.addItem(choice.label, choice.id)
            box.setCurrentIndex(max(0, box.findData(kept)))
        self.creator_box.setToolTip("Partnership primary users and line managers (F3).")

    def _start_moved(self, value: QDate) -> None:
        if self.ends_edit.date() < value:
            self.ends_edit.setDate(value)

    def spec(self) -> FloodFillSpec:
        """The activity as entered; raises ValidationError with a sentence for the user."""
        creator = self.creator_box.currentData()
        if creator is None:
            raise ValidationError("Choose the creator: a partnership primary user or a line manager.")
        return validate_spec(
            FloodFillSpec(
                title=self.title_edit.text(),
                activity_type=self.type_box.currentText(),
                provider=self.provider_edit.text(),
                starts_on=_date(self.starts_edit),
                ends_on=_date(self.ends_edit),
                creator_job_id=creator,
                course_fee_pence=_pence(self.fee_box),
                cover_cost_pence=_pence(self.cover_box),
                travel_cost_pence=_pence(self.travel_box),
                other_cost_pence=_pence(self.other_box),
                cover_days=self.cover_days_box.value(),
                training_event_id=self.event_box.currentData(),
                learning_module_id=self.module_box.currentData(),
                pre_authorise=self.pre_authorise.isChecked(),
            )
        )

    def checked_spec(self) -> FloodFillSpec | None:
        """The spec, or None after showing why not under the field at fault (focused)."""
        try:
            spec = self.spec()
        except ValidationError as error:
            row_of, focus = self._field_at_fault()
            show_field_error(self.form, row_of, focus, self.error_label, error.message)
            return None
        clear_field_error(self.form, self.error_label)
        return spec

    def _field_at_fault(self) -> tuple[QWidget | QHBoxLayout, QWidget]:
        """Which row a refusal is about, read from the fields themselves (the same order as the checks)."""
        if self.creator_box.currentData() is None:
            return self.creator_box, self.creator_box
        if not self.title_edit.text().strip():
            return self.title_edit, self.title_edit
        if not self.type_box.currentText().strip():
            return self.type_box, self.type_box
        if self.ends_edit.date() < self.starts_edit.date():
            return self.dates, self.ends_edit
        return self.pre_authorise, self.title_edit

    def describe(self) -> list[tuple[str, str]]:
        """What the review step repeats back."""
        return [
            ("Creator", self.creator_box.currentText()),
            ("Training event", self.event_box.currentText()),
            ("Learning module", self.module_box.currentText()),
        ]

    def reset(self) -> None:
        self.title_edit.clear()
        self.provider_edit.clear()
        for box in (self.fee_box, self.cover_box, self.travel_box, self.other_box, self.cover_days_box):
            box.setValue(0.0)
        self.pre_authorise.setChecked(False)
        clear_field_error(self.form, self.error_label)
