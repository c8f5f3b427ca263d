"""Step 1 (F1): choose the jobs — by organisation, group, role or phase, or one by one.

The selection is a set of job ids that outlives what the list shows: the list
is paged and searched in SQL, and each box shows whether its job is in the
set.  Quick selects add (or remove) every matching job at once.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from db.models import Level, Module
from db.queries.flood_fill import FloodFillOptions, quick_select
from db.queries.staff import StaffFilter, StaffRow, fetch_staff_page, first_staff_page, matching_job_ids
from desktop.kit.context import AppContext
from desktop.kit.paged_loader import PagedLoader, SearchBox
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.flood_fill.job_pick_table_model import JobPickTableModel

QUICK_KINDS = (("Organisation", "organisation"), ("Group", "group"), ("Role", "role"), ("Phase", "phase"))


class JobsPage(QWidget):
    selection_changed = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.selection: set[int] = set()
        self.options: FloodFillOptions | None = None
        self.chosen_by: list[dict[str, object]] = []  # quick selects, recorded with the batch
        layout = QVBoxLayout(self)

        quick = QHBoxLayout()
        quick.addWidget(QLabel("Quick select:"))
        self.kind_box = QComboBox()
        for label, kind in QUICK_KINDS:
            self.kind_box.addItem(label, kind)
        self.value_box = QComboBox()
        self.value_box.setMinimumContentsLength(28)
        self.add_quick_button = QPushButton("Add all")
        self.remove_quick_button = QPushButton("Remove all")
        quick.addWidget(self.kind_box)
        quick.addWidget(self.value_box, 1)
        quick.addWidget(self.add_quick_button)
        quick.addWidget(self.remove_quick_button)
        layout.addLayout(quick)

        search_row = QHBoxLayout()
        self.search = SearchBox("Search staff one by one: name, role or organisation…")
        self.add_matching_button = QPushButton("Add all matching")
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.add_matching_button)
        layout.addLayout(search_row)

        self.model = JobPickTableModel(self.selection, self)
        self.table = data_table(self.model, sortable=False)
        layout.addWidget(self.table, 1)

        footer = QHBoxLayout()
        self.listed_label = QLabel("")
        self.clear_button = QPushButton("Clear selection")
        footer.addStretch()
        footer.addWidget(self.listed_label)
        footer.addWidget(self.clear_button)
        layout.addLayout(footer)

        db, user_id = context.db, context.user.id
        self.loader = PagedLoader(
            context,
            self.model,
            lambda filt: first_staff_page(db, user_id, filt),
            lambda filt, offset: fetch_staff_page(db, user_id, filt, offset),
            self,
        )
        self.loader.loaded.connect(self._listed)
        self.search.search_changed.connect(lambda _text: self.load())
        self.kind_box.currentIndexChanged.connect(lambda _i: self._fill_values())
        self.add_quick_button.clicked.connect(lambda: self._quick(add=True))
        self.remove_quick_button.clicked.connect(lambda: self._quick(add=False))
        self.add_matching_button.clicked.connect(self._add_matching)
        self.clear_button.clicked.connect(self.clear)
        self.model.check_toggled.connect(self._ticked)

    def set_options(self, options: FloodFillOptions) -> None:
        self.options = options
        self._fill_values()

    def _filter(self) -> StaffFilter:
        return StaffFilter(search=self.search.text(), module=Module.FLOOD_FILL.value, at_least=Level.DECIDE)

    def load(self) -> None:
        self.loader.load(self._filter())

    def _listed(self, page: object) -> None:
        self.listed_label.setText(f"{self.model.total:,} staff listed")
        fit_columns(self.table)

    def _fill_values(self) -> None:
        self.value_box.clear()
        if self.options is None:
            return
        kind = self.kind_box.currentData()
        items: list[tuple[str, int | str]]  # an id for organisations and groups, the name for roles and phases
        if kind == "organisation":
            items = [(c.label, c.id) for c in self.options.organisations]
        elif kind == "group":
            items = [(c.label, c.id) for c in self.options.groups]
        elif kind == "role":
            items = [(role, role) for role in self.options.roles]
        else:
            items = [(phase, phase) for phase in self.options.phases]
        for label, value in items:
            self.value_box.addItem(label, value)

    # -- changing the selection ---------------------------------------------------
    def _changed(self) -> None:
        self.model.refresh_checks()
        self.selection_changed.emit(len(self.selection))

    def _ticked(self, row: StaffRow, wanted: bool) -> None:
        if wanted:
            self.selection.add(row.job_id)
        else:
            self.selection.discard(row.job_id)
        self._changed()

    def _quick(self, add: bool) -> None:
        kind, value, label = self.kind_box.currentData(), self.value_box.currentData(), self.value_box.currentText()
        if value is None:
            return
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(
            lambda: quick_select(db, user_id, kind, value),
            lambda ids: self._apply(ids, add, f"{kind} {label}", {"kind": kind, "id": value, "label": label}),
        )

    def _add_matching(self) -> None:
        db, user_id, filt = self.context.db, self.context.user.id, self._filter()
        what = f"matching “{filt.search}”" if filt.search.strip() else "listed"
        self.context.ops.query(lambda: matching_job_ids(db, user_id, filt), lambda ids: self._apply(ids, True, what))

    def _apply(self, ids: list[int], add: bool, what: str, how: dict[str, object] | None = None) -> None:
        before = len(self.selection)
        if how is not None:
            self.chosen_by.append({**how, "added": add})
        if add:
            self.selection.update(ids)
        else:
            self.selection.difference_update(ids)
        change = abs(len(self.selection) - before)
        verb = "added" if add else "removed"
        self.context.navigator.tell(f"{change:,} staff {verb} ({what}); {len(self.selection):,} chosen.")
        self._changed()

    def clear(self) -> None:
        self.selection.clear()
        self.chosen_by.clear()
        self._changed()
