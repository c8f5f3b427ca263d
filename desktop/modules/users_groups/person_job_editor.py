"""Add a person and their job, give a person another job, or edit both (P1, P2), in one form.

The organisation box offers only where the user may add staff now (open, and
sharing group actions with the trust when the right is held there, D6); the
line manager box offers the active jobs at that organisation and at the trust,
loaded off the UI thread whenever the organisation changes.  A person's
details are shared by all their jobs, so editing them from one job changes
them everywhere; the form says so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, cast

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QLineEdit, QWidget

from db.queries.lookups import Choice
from db.queries.people import JobRecord, StaffFormChoices, line_manager_choices
from db.services.people import (
    TITLES,
    JobFields,
    PersonFields,
    add_job,
    add_person,
    clean_job,
    clean_person,
    edit_person_job,
)
from db.services.record_fields import FieldError
from desktop.kit.context import AppContext
from desktop.kit.record_form import RecordForm

NOT_KNOWN = QDate(1900, 1, 1)


def _line(text: str | None, limit: int, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text or "")
    edit.setMaxLength(limit)
    edit.setPlaceholderText(placeholder)
    return edit


def _heading(text: str) -> QLabel:
    label = QLabel(f"<b>{text}</b>")
    label.setObjectName("section")
    return label


class PersonJobEditor(RecordForm):
    """``record``: edit that job and its person; ``for_person``: (person id, name) to give another job;
    neither: add a new person with a job.  ``saved`` carries the job id (adding) or a JobSaved (editing)."""

    def __init__(
        self,
        context: AppContext,
        choices: StaffFormChoices,
        record: JobRecord | None = None,
        for_person: tuple[int, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        if record is not None:
            title, save = f"Edit {record.name} at {record.organisation}", "Save"
        elif for_person is not None:
            title, save = f"Add a job for {for_person[1]}", "Add job"
        else:
            title, save = "Add a person", "Add"
        super().__init__(context, title, save, parent)
        self.setObjectName("person_job_editor")
        self.setMinimumWidth(560)
        self.record, self.for_person = record, for_person
        self._managers_for: int | None = None

        # -- the person ---------------------------------------------------------------------------
        self.form.addRow(_heading("Person"))
        self.title_box = QComboBox()
        self.title_box.setEditable(True)
        self.title_box.addItems(["", *TITLES])
        self.title_box.setCurrentText((record.title or "") if record else "")
        self.first_name = _line(record.first_name if record else "", 80)
        self.last_name = _line(record.last_name if record else "", 80)
        self.email = _line(record.email if record else "", 200, "optional")
        self.trn = _line(record.trn if record else "", 10, "7 digits, optional")
        self.trn.setToolTip("Teacher Reference Number: how a staff import knows the same teacher at two schools.")
        if for_person is None:
            self.add_field("title", "Title", self.title_box)
            self.add_field("first_name", "First name", self.first_name)
            self.add_field("last_name", "Last name", self.last_name)
            self.add_field("email", "Personal e-mail", self.email)
            self.add_field("trn", "TRN", self.trn)
        else:
            self.form.addRow("Name", QLabel(for_person[1]))

        # -- the job ------------------------------------------------------------------------------------
        self.form.addRow(_heading("Job"))
        self.organisation_box = QComboBox(self)
        if record is None:
            for choice in choices.organisations:
                self.organisation_box.addItem(choice.label, choice.id)
            self.add_field("organisation", "Organisation", self.organisation_box)
        else:  # a job stays at its organisation
            self.organisation_box.addItem(record.organisation, record.organisation_id)
            self.organisation_box.hide()
            self.form.addRow("Organisation", QLabel(record.organisation))
        self.role_box = QComboBox()
        self.role_box.setEditable(True)
        self.role_box.addItems(["", *choices.roles])
        self.role_box.setCurrentText(record.role if record else "")
        self.add_field("role", "Role", self.role_box)
        self.work_email = _line(record.work_email if record else "", 200, "name@school.org.uk")
        self.add_field("work_email", "Work e-mail", self.work_email)
        self.staff_code = _line(record.staff_code if record else "", 40, "the MIS staff code or payroll number")
        self.add_field("staff_code", "Staff code", self.staff_code)
        self.manager_box = QComboBox()
        self.manager_box.addItem("Loading…", None)
        self.add_field("line_manager", "Line manager", self.manager_box)
        self.started_on = QDateEdit()
        self.started_on.setCalendarPopup(True)
        self.started_on.setDisplayFormat("dd MMM yyyy")
        self.started_on.setMinimumDate(NOT_KNOWN)
        self.started_on.setSpecialValueText("Not known")
        start = record.started_on if record else None
        self.started_on.setDate(QDate(start.year, start.month, start.day) if start else NOT_KNOWN)
        self.add_field("started_on", "Start date", self.started_on)
        self.unique_id = _line(record.unique_id if record else "", 40, "optional")
        self.pay_scale = _line(record.pay_scale if record else "", 40, "optional, e.g. MPS3, UPS1, L7")
        self.add_field("unique_id", "Unique ID", self.unique_id)
        self.add_field("pay_scale", "Pay scale", self.pay_scale)

        if record is not None:
            others = (
                "" if record.active else f" This job ended on {record.ended_on:%d %b %Y}." if record.ended_on else ""
            )
            self.set_intro(
                f"The person's details are the same on every job {record.first_name} holds; "
                f"the job's are for {record.organisation} only.{others}"
            )
        elif not choices.organisations:
            self.set_intro("There is no organisation where you may add staff.")
            self.save_button.setEnabled(False)
        self.organisation_box.currentIndexChanged.connect(lambda _i: self.load_managers())
        self.load_managers()

    # -- line managers --------------------------------------------------------------------------------
    def load_managers(self) -> None:
        org = self.organisation_box.currentData()
        if org is None or org == self._managers_for:
            return
        self._managers_for = org
        db, user_id = self.context.db, self.context.user.id
        self.manager_box.setEnabled(False)
        self.context.ops.query(lambda: line_manager_choices(db, user_id, org), lambda rows: self._managers(org, rows))

    def _managers(self, org: int, rows: list[Choice]) -> None:
        if org != self.organisation_box.currentData():
            return  # the user chose another organisation meanwhile
        current = self.manager_box.currentData() if self.manager_box.isEnabled() else None
        if current is None and self.record is not None and org == self.record.organisation_id:
            current = self.record.line_manager_job_id
        self.manager_box.clear()
        self.manager_box.addItem("None", None)
        own = self.record.job_id if self.record else None
        for choice in rows:
            if choice.id != own:
                self.manager_box.addItem(choice.label, choice.id)
        record = self.record
        if (
            record is not None
            and record.line_manager_job_id
            and self.manager_box.findData(record.line_manager_job_id) < 0
        ):
            self.manager_box.addItem(f"{record.line_manager} (no longer in post)", record.line_manager_job_id)
        self.manager_box.setCurrentIndex(max(0, self.manager_box.findData(current)))
        self.manager_box.setEnabled(True)

    # -- what the form holds ----------------------------------------------------------------------------
    def person_now(self) -> PersonFields:
        return PersonFields(
            self.first_name.text(),
            self.last_name.text(),
            self.title_box.currentText(),
            self.email.text(),
            self.trn.text(),
        )

    def job_now(self) -> JobFields:
        start = self.started_on.date()
        return JobFields(
            organisation_id=self.organisation_box.currentData(),
            role=self.role_box.currentText(),
            work_email=self.work_email.text(),
            staff_code=self.staff_code.text(),
            line_manager_job_id=self.manager_box.currentData()
            if self.manager_box.isEnabled()
            else self._kept_manager(),
            started_on=None if start == NOT_KNOWN else cast(date, start.toPython()),
            unique_id=self.unique_id.text(),
            pay_scale=self.pay_scale.text(),
        )

    def _kept_manager(self) -> int | None:
        """Still loading: what the job has now (an added job has none)."""
        return self.record.line_manager_job_id if self.record else None

    def check(self) -> None:
        if self.organisation_box.currentData() is None:
            raise FieldError("organisation", "Choose the organisation the job is at.")
        if self.for_person is None:
            clean_person(self.person_now())
        clean_job(self.job_now())

    def work(self) -> Callable[[], Any]:
        db, user_id, record = self.context.db, self.context.user.id, self.record
        person, job = self.person_now(), self.job_now()
        if record is not None:
            return lambda: edit_person_job(
                db, user_id, record.job_id, record.job_version, record.person_version, person, job
            )
        if self.for_person is not None:
            person_id = self.for_person[0]
            return lambda: add_job(db, user_id, person_id, job)
        return lambda: add_person(db, user_id, person, job)
