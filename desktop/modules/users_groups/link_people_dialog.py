"""Link two records of one person (P1): the other record's jobs move to this one, which is kept.

The user searches for the other record by name, e-mail or TRN; the table
shows each candidate's jobs, so two people who only share a name are easy to
tell apart.  The service refuses two jobs at one organisation and two
different TRNs; its sentence shows here with the choice kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from db.queries.people import JobRecord, PersonChoice, person_choices
from db.services.job_lifecycle import link_people
from db.services.record_fields import FieldError
from desktop.kit.context import AppContext
from desktop.kit.paged_loader import SearchBox
from desktop.kit.record_form import RecordForm
from desktop.kit.row_table_model import Column, RowTableModel
from desktop.kit.widgets import data_table


class PersonChoiceTableModel(RowTableModel[PersonChoice]):
    COLUMNS = (
        Column("Name", lambda r: r.name),
        Column("TRN", lambda r: r.trn or ""),
        Column("Jobs", lambda r: r.jobs, tooltip=lambda r: r.jobs),
    )


class LinkPeopleDialog(RecordForm):
    """``saved`` carries how many jobs moved."""

    def __init__(self, context: AppContext, keep: JobRecord, parent: QWidget | None = None) -> None:
        super().__init__(context, f"Link {keep.name} with another record", "Link as one person", parent)
        self.setObjectName("link_people_dialog")
        self.resize(720, 480)
        self.keep = keep
        self.set_intro(
            f"Keep <b>{keep.name}</b>{f' (TRN {keep.trn})' if keep.trn else ''} and move the other record's jobs "
            "to it; the other record, then empty, is removed. A person holds one job per organisation."
        )
        self.search = SearchBox("Search the other record by name, e-mail or TRN…")
        self.add_field("search", "Other record", self.search)
        self.model = PersonChoiceTableModel(self)
        self.table = data_table(self.model, sortable=False)
        self.table.setMinimumHeight(200)
        self.layout_.insertWidget(self.layout_.indexOf(self.message), self.table, 1)
        self.summary = QLabel("Choose the other record.")
        self.summary.setWordWrap(True)
        self.layout_.insertWidget(self.layout_.indexOf(self.message), self.summary)
        self.search.search_changed.connect(self.search_for)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._chosen())
        self.save_button.setEnabled(False)
        self._request = 0
        self.search.setText(keep.name)  # a second record of the same person most often has the same name
        self.search_for(keep.name)

    def search_for(self, text: str) -> None:
        self._request += 1
        request, db, user_id = self._request, self.context.db, self.context.user.id
        self.context.ops.query(lambda: person_choices(db, user_id, text), lambda rows: self._found(request, rows))

    def _found(self, request: int, rows: list[PersonChoice]) -> None:
        if request != self._request:
            return
        self.model.set_rows([row for row in rows if row.person_id != self.keep.person_id])
        self._chosen()

    def chosen(self) -> PersonChoice | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _chosen(self) -> None:
        other = self.chosen()
        self.save_button.setEnabled(other is not None and not self.running)
        if other is None:
            self.summary.setText("Choose the other record." if self.model.rowCount() else "No other record matches.")
        else:
            self.summary.setText(f"{other.name}'s jobs ({other.jobs}) will move to {self.keep.name}.")

    def check(self) -> None:
        if self.chosen() is None:
            raise FieldError("search", "Choose the other record in the list.")

    def work(self) -> Callable[[], Any]:
        other, keep = self.chosen(), self.keep
        assert other is not None
        db, user_id = self.context.db, self.context.user.id
        return lambda: link_people(db, user_id, keep.person_id, keep.person_version, other.person_id, other.version)
