"""End a leaver's job from a date (P1): the job leaves lists and pickers, its history stays."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, cast

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QWidget

from db.queries.people import JobRecord
from db.services.job_lifecycle import end_job
from desktop.kit.context import AppContext
from desktop.kit.record_form import RecordForm


class EndJobDialog(RecordForm):
    """``saved`` carries the job's new version."""

    def __init__(self, context: AppContext, record: JobRecord, parent: QWidget | None = None) -> None:
        super().__init__(context, f"End {record.name}'s job", "End job", parent)
        self.setObjectName("end_job_dialog")
        self.record = record
        self.set_intro(
            f"{record.name} leaves their job as {record.role} at {record.organisation}. From the leaving date the "
            "job is no longer listed or offered; its activities, groups and history are kept, and it can be "
            "reactivated later (Show leavers)."
        )
        today = date.today()
        self.ended_on = QDateEdit(QDate(today.year, today.month, today.day))
        self.ended_on.setCalendarPopup(True)
        self.ended_on.setDisplayFormat("dd MMM yyyy")
        self.ended_on.setMaximumDate(QDate(today.year, today.month, today.day))
        if record.started_on is not None:
            start = record.started_on
            self.ended_on.setMinimumDate(QDate(start.year, start.month, start.day))
        self.add_field("ended_on", "Leaving date", self.ended_on)

    def work(self) -> Callable[[], Any]:
        db, user_id, record = self.context.db, self.context.user.id, self.record
        ended = cast(date, self.ended_on.date().toPython())
        return lambda: end_job(db, user_id, record.job_id, record.job_version, ended)
