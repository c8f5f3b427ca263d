"""An organisation's page (O1): details, staff, budgets by period and expertise.

Opened from the Organisations index (double-click or Enter) or by any panel
through ``context.navigator.go("organisation", id)``.  Modeless, so a CPD lead can
keep it open beside Partnership CPD; it reloads itself when the organisation,
its staff or its budgets change anywhere in the app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.changes import DataChange
from db.errors import TrustDeskError
from db.models import OrgKind
from db.queries.activities import ActivityFilter
from db.queries.data_sharing import DATA_SHARING, LEVEL_EFFECTS
from db.queries.organisation_page import STAFF_PAGE, BudgetRow, OrganisationPage, organisation_page, staff_page
from db.queries.organisations import BUDGETS, ORGANISATIONS
from db.queries.staff import JOBS
from db.services.budgets import BudgetSaved, set_budget
from db.services.organisations import DetailsSaved, save_details
from desktop.dialogs.errors import show_error
from desktop.kit.context import AppContext
from desktop.kit.formatting import day, money
from desktop.kit.icons import icon
from desktop.kit.row_table_model import RowRole
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.organisations.budget_table_model import BudgetTableModel
from desktop.modules.organisations.organisation_staff_model import OrganisationStaffModel
from desktop.modules.organisations.organisation_table_model import GRADE_LABELS

WATCHED = frozenset({ORGANISATIONS, BUDGETS, JOBS, DATA_SHARING})


class OrganisationDialog(QDialog):
    def __init__(self, context: AppContext, organisation_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.organisation_id = organisation_id
        self.page: OrganisationPage | None = None
        self._staff_generation = 0
        self._open = True
        self.setObjectName("organisation_dialog")
        self.setWindowTitle("Organisation")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(860, 600)
        layout = QVBoxLayout(self)

        self.heading = QLabel("Loading…")
        self.heading.setObjectName("heading")
        layout.addWidget(self.heading)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.facts)
        self.sharing_note = QLabel()  # D6: what the school's data sharing level hides from and allows the trust
        self.sharing_note.setObjectName("sharingNote")
        self.sharing_note.setWordWrap(True)
        layout.addWidget(self.sharing_note)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._staff_tab(), "Staff")
        self.tabs.addTab(self._budget_tab(), icon("budget"), "Budgets")
        self.tabs.addTab(self._expertise_tab(), "Leader and expertise")
        layout.addWidget(self.tabs, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.activities_button = QPushButton(icon("partnership_cpd"), "Open its activities in Partnership CPD")
        self.activities_button.setToolTip("Every CPD activity of this organisation, in every period")
        buttons.addButton(self.activities_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        self.activities_button.clicked.connect(self.open_activities)
        layout.addWidget(buttons)
        context.bus.changed.connect(self._on_changed)
        self.reload()

    # -- building ----------------------------------------------------------------
    def _staff_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.staff_search = QLineEdit()
        self.staff_search.setPlaceholderText("Search staff by name or role…")
        self.staff_search.setClearButtonEnabled(True)
        layout.addWidget(self.staff_search)
        self.staff_model = OrganisationStaffModel(self)
        self.staff_table = data_table(self.staff_model, sortable=False)
        layout.addWidget(self.staff_table, 1)
        row = QHBoxLayout()
        self.staff_label = QLabel()
        self.more_button = QPushButton("Show more staff")
        self.more_button.hide()
        row.addWidget(self.staff_label, 1)
        row.addWidget(self.more_button)
        layout.addLayout(row)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self.load_staff)
        self.staff_search.textChanged.connect(self._search_timer.start)
        self.more_button.clicked.connect(self.load_more_staff)
        scroll = self.staff_table.verticalScrollBar()
        scroll.valueChanged.connect(lambda value: self._more_wanted() if value == scroll.maximum() else None)
        return tab

    def _budget_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.budget_model = BudgetTableModel(self)
        self.budget_table = data_table(self.budget_model)
        layout.addWidget(self.budget_table, 1)
        row = QHBoxLayout()
        self.budget_label = QLabel()
        self.budget_label.setWordWrap(True)
        self.budget_button = QPushButton(icon("edit"), "Set budget…")
        self.budget_button.setEnabled(False)
        row.addWidget(self.budget_label, 1)
        row.addWidget(self.budget_button)
        layout.addLayout(row)
        self.budget_button.clicked.connect(self.edit_selected_budget)
        self.budget_table.doubleClicked.connect(lambda _index: self.edit_selected_budget())
        self.budget_table.selectionModel().selectionChanged.connect(self._budget_selection_changed)
        return tab

    def _expertise_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.leader_edit = QLineEdit()
        self.expertise_edit = QPlainTextEdit()
        self.expertise_edit.setPlaceholderText("One area of expertise per line, e.g. Early reading")
        self.details_note = QLabel()
        self.details_note.setWordWrap(True)
        self.save_details_button = QPushButton(icon("edit"), "Save")
        form.addRow("Leader", self.leader_edit)
        form.addRow("Expertise", self.expertise_edit)
        form.addRow("", self.details_note)
        form.addRow("", self.save_details_button)
        self.save_details_button.clicked.connect(self.save_details)
        return tab

    # -- loading -----------------------------------------------------------------
    def reload(self) -> None:
        db, user_id, org_id = self.context.db, self.context.user.id, self.organisation_id
        self.context.ops.query(
            lambda: organisation_page(db, user_id, org_id),
            self._while_open(self._loaded),
            self._while_open(self._load_failed),
        )

    def _while_open(self, slot: Callable[[Any], None]) -> Callable[[Any], None]:
        """Drop results that arrive after the page was closed."""
        return lambda value: slot(value) if self._open else None

    def _load_failed(self, error: TrustDeskError) -> None:
        self.heading.setText("This organisation cannot be shown")
        self.facts.setText(error.message)

    def _loaded(self, page: OrganisationPage) -> None:
        first = self.page is None
        self.page = page
        org = page.organisation
        self.setWindowTitle(f"{org.name} — TrustDesk")
        self.heading.setText(org.name)
        grade = GRADE_LABELS.get(org.inspection_grade or 0, "not inspected")
        inspected = f" ({day(org.inspection_date)})" if org.inspection_date else ""
        parts = [
            f"URN {org.urn}" if org.urn else org.kind.value.title(),
            org.phase or "",
            org.cluster or "",
            f"status {org.status.value}",
            f"inspection: {grade}{inspected}",
            f"leader: {org.leader or '—'}",
        ]
        self.facts.setText(" · ".join(part for part in parts if part))
        self.sharing_note.setVisible(org.kind != OrgKind.TRUST)
        self.sharing_note.setText(LEVEL_EFFECTS[org.sharing_level])

        self.budget_model.set_rows(page.budgets)
        fit_columns(self.budget_table)
        if not page.budgets_visible:
            self.budget_label.setText("Budgets are not shared with you for this organisation.")
        elif page.can_edit_budget:
            self.budget_label.setText("Select a period and choose Set budget… (or double-click it).")
        else:
            self.budget_label.setText("You may view these budgets but not change them.")
        self._budget_selection_changed()

        if not self.leader_edit.isModified() or first:
            self.leader_edit.setText(org.leader or "")
            self.leader_edit.setModified(False)
        if not self.expertise_edit.document().isModified() or first:
            self.expertise_edit.setPlainText(org.expertise.replace("; ", "\n"))
            self.expertise_edit.document().setModified(False)
        for widget in (self.leader_edit, self.expertise_edit, self.save_details_button):
            widget.setEnabled(page.can_edit_details)
        self.details_note.setText(
            "" if page.can_edit_details else "You may view this organisation's details but not change them."
        )
        self.load_staff()

    def load_staff(self) -> None:
        self._staff_generation += 1
        generation = self._staff_generation
        self.staff_model.set_rows([])
        if self.page is not None and not self.page.staff_visible:
            self.staff_label.setText("This organisation's staff are not shared with you.")
            self.more_button.hide()
            return
        self._fetch_staff(generation, 0)

    def _more_wanted(self) -> None:
        if self.more_button.isVisible() and self.more_button.isEnabled():
            self.load_more_staff()

    def load_more_staff(self) -> None:
        self.more_button.setEnabled(False)
        self._fetch_staff(self._staff_generation, self.staff_model.rowCount())

    def _fetch_staff(self, generation: int, offset: int) -> None:
        db, user_id, org_id, search = (
            self.context.db,
            self.context.user.id,
            self.organisation_id,
            self.staff_search.text(),
        )
        self.context.ops.query(
            lambda: staff_page(db, user_id, org_id, offset, STAFF_PAGE + 1, search),
            self._while_open(lambda rows: self._staff_loaded(generation, rows)),
        )

    def _staff_loaded(self, generation: int, rows: list) -> None:
        if generation != self._staff_generation:
            return
        more = len(rows) > STAFF_PAGE
        self.staff_model.append_rows(rows[:STAFF_PAGE])
        if self.staff_model.rowCount() == len(rows[:STAFF_PAGE]):
            fit_columns(self.staff_table, maximum=260)
        shown = self.staff_model.rowCount()
        self.staff_label.setText(
            f"{shown:,} jobs shown, more below" if more else (f"{shown:,} jobs" if shown else "No staff match.")
        )
        self.more_button.setVisible(more)
        self.more_button.setEnabled(True)

    # -- actions -----------------------------------------------------------------
    def open_activities(self) -> None:
        self.context.navigator.go("activities", ActivityFilter(organisation_id=self.organisation_id))

    def _selected_budget(self) -> BudgetRow | None:
        rows = self.budget_table.selectionModel().selectedRows()
        return rows[0].data(RowRole) if rows else None

    def _budget_selection_changed(self, *_args: object) -> None:
        allowed = self.page is not None and self.page.can_edit_budget
        self.budget_button.setEnabled(allowed and self._selected_budget() is not None)

    def ask_amount(self, row: BudgetRow) -> float | None:
        """The new budget in pounds, or None if the user cancelled (tests replace this)."""
        assert self.page is not None
        value, accepted = QInputDialog.getDouble(
            self,
            "Set budget",
            f"CPD budget of {self.page.organisation.name} for {row.period} (£):",
            (row.amount_pence or 0) / 100,
            0.0,
            100_000_000.0,
            2,
        )
        return value if accepted else None

    def edit_selected_budget(self) -> None:
        row = self._selected_budget()
        if row is None or self.page is None or not self.page.can_edit_budget:
            return
        pounds = self.ask_amount(row)
        if pounds is not None:
            self.save_budget(row, round(pounds * 100))

    def save_budget(self, row: BudgetRow, amount_pence: int) -> None:
        db, user_id, org_id = self.context.db, self.context.user.id, self.organisation_id
        self.context.ops.action(
            lambda _progress: set_budget(db, user_id, org_id, row.period_id, amount_pence, row.version),
            self._budget_saved,
            self._while_open(self._failed),
            title="Saving the budget…",
        )

    def _budget_saved(self, saved: BudgetSaved) -> None:
        self.context.navigator.tell(f"Budget saved: {money(saved.amount_pence)}.")

    def save_details(self) -> None:
        if self.page is None:
            return
        db, user_id, org_id = self.context.db, self.context.user.id, self.organisation_id
        version = self.page.organisation.version
        expertise, leader = self.expertise_edit.toPlainText(), self.leader_edit.text()
        self.save_details_button.setEnabled(False)
        self.context.ops.action(
            lambda _progress: save_details(db, user_id, org_id, version, expertise=expertise, leader=leader),
            self._while_open(self._details_saved),
            self._while_open(self._failed),
            title="Saving the organisation…",
        )

    def _details_saved(self, saved: DetailsSaved) -> None:
        self.leader_edit.setModified(False)
        self.expertise_edit.document().setModified(False)
        self.save_details_button.setEnabled(True)
        if saved.changed:
            self.context.navigator.tell("Leader and expertise saved.")
        else:
            self.context.navigator.tell("Nothing to save: the leader and expertise are unchanged.")

    def _failed(self, error: TrustDeskError) -> None:
        self.save_details_button.setEnabled(bool(self.page and self.page.can_edit_details))
        show_error(self, error)
        self.reload()

    def _on_changed(self, change: DataChange) -> None:
        if self._open and change.kind in WATCHED:
            self.reload()

    def done(self, result: int) -> None:
        if self._open:
            self._open = False
            self.context.bus.changed.disconnect(self._on_changed)
        super().done(result)
