"""Data sharing: each school with no agreement, a pending request or an approved level (D1-D6).

The central team ticks schools and requests in bulk (No agreement), reminds
in bulk (Pending) or asks for a higher level (Approved).  A school's own head
sees, above the tabs, the requests awaiting their decision, and approves one
at the level it asks for or declines it with a reason.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.errors import TrustDeskError
from db.queries.data_sharing import LEVEL_LABELS, ApprovalRow, SharingOverview, sharing_overview
from db.services.data_sharing import approve, decline, remind
from desktop.dialogs.errors import show_error
from desktop.kit.icons import icon
from desktop.kit.panel import Panel
from desktop.kit.row_table_model import RowRole
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.data_sharing import school_table_model as columns
from desktop.modules.data_sharing.approval_table_model import ApprovalTableModel
from desktop.modules.data_sharing.school_table_model import SchoolTableModel

TABS = ("no_agreement", "pending", "approved")
TITLES = {"no_agreement": "No agreement", "pending": "Pending", "approved": "Approved"}
#: the columns each tab leaves out
HIDDEN = {
    "no_agreement": (columns.LEVEL, columns.REQUESTED, columns.SENT_TO, columns.SENT, columns.REMINDERS,
                     columns.LAST_REMINDED, columns.APPROVED),
    "pending": (columns.APPROVED, columns.NOTE),
    "approved": (columns.SENT_TO, columns.LAST_REMINDED, columns.NOTE),
}  # fmt: skip


class DataSharingPanel(Panel):
    def create_widget(self) -> QWidget:
        self.overview: SharingOverview | None = None
        self._request = 0
        root = QWidget()
        layout = QVBoxLayout(root)

        self.approvals_box = QGroupBox("Awaiting your decision for your school")
        box_layout = QVBoxLayout(self.approvals_box)
        self.approval_model = ApprovalTableModel(self)
        self.approval_table = data_table(self.approval_model)
        self.approval_table.setMaximumHeight(140)
        box_layout.addWidget(self.approval_table)
        row = QHBoxLayout()
        row.addWidget(QLabel("Once approved, the school cannot change it; the trust may only ask for more."), 1)
        self.approve_button = QPushButton(icon("authorise"), "Approve…")
        self.decline_button = QPushButton(icon("reject"), "Decline…")
        row.addWidget(self.approve_button)
        row.addWidget(self.decline_button)
        box_layout.addLayout(row)
        self.approve_button.clicked.connect(self.approve_selected)
        self.decline_button.clicked.connect(self.decline_selected)
        self.approval_table.selectionModel().selectionChanged.connect(self._approval_selection)
        self.approvals_box.hide()
        layout.addWidget(self.approvals_box)

        self.tabs = QTabWidget()
        self.models: dict[str, SchoolTableModel] = {}
        self.tables: dict[str, QTableView] = {}
        self.action_buttons: dict[str, QPushButton] = {}
        self.tick_buttons: list[QPushButton] = []
        actions = {
            "no_agreement": ("Request data sharing…", "add", self.request_selected),
            "pending": ("Remind", "refresh", self.remind_selected),
            "approved": ("Request a higher level…", "add", self.raise_selected),
        }
        for tab in TABS:
            page = QWidget()
            page_layout = QVBoxLayout(page)
            model = SchoolTableModel(self)
            table = data_table(model)
            for column in HIDDEN[tab]:
                table.setColumnHidden(column, True)
            page_layout.addWidget(table, 1)
            bar = QHBoxLayout()
            tick_all = QPushButton(icon("tick_all"), "Tick all")
            tick_all.clicked.connect(lambda _checked=False, m=model: m.tick_all(m.ticked_count < m.rowCount()))
            text, icon_name, slot = actions[tab]
            button = QPushButton(icon(icon_name), text)
            button.clicked.connect(slot)
            self.tick_buttons.append(tick_all)
            bar.addWidget(tick_all)
            bar.addStretch(1)
            bar.addWidget(button)
            page_layout.addLayout(bar)
            model.ticks_changed.connect(self._update_buttons)
            self.models[tab], self.tables[tab], self.action_buttons[tab] = model, table, button
            self.tabs.addTab(page, TITLES[tab])
        layout.addWidget(self.tabs, 1)

        bottom = QHBoxLayout()
        self.status_label = QLabel("Loading…")
        self.status_label.setWordWrap(True)
        self.contact_button = QPushButton(icon("user"), "Add a school contact…")
        self.contact_button.setToolTip("A head, deputy or data manager who may receive requests, with their e-mail")
        self.contact_button.clicked.connect(self.add_contact)
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.contact_button)
        layout.addLayout(bottom)
        self._sized: set[str] = set()
        self.tabs.currentChanged.connect(self._fit_shown_tab)
        return root

    def _fit_shown_tab(self, *_args: object) -> None:
        """Size a tab's columns once, when it is on screen with rows (a hidden table measures nothing)."""
        tab = TABS[self.tabs.currentIndex()]
        if tab not in self._sized and self.models[tab].rowCount():
            fit_columns(self.tables[tab])
            table = self.tables[tab]
            table.setColumnWidth(0, table.columnWidth(0) + 28)  # room for the tick
            self._sized.add(tab)

    # -- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        db, user_id = self.context.db, self.context.user.id
        self._request += 1
        request = self._request
        self.context.ops.query(
            lambda: sharing_overview(db, user_id),
            lambda overview: self._loaded(request, overview),
            lambda error: self.status_label.setText(f"Could not load data sharing: {error.message}"),
        )

    def _loaded(self, request: int, overview: SharingOverview) -> None:
        if request != self._request:
            return
        first = self.overview is None
        self.overview = overview
        lists = {"no_agreement": overview.no_agreement, "pending": overview.pending, "approved": overview.approved}
        if first and not lists[TABS[self.tabs.currentIndex()]]:  # open where there is something to see
            self.tabs.setCurrentIndex(next((n for n, tab in enumerate(TABS) if lists[tab]), 0))
        for n, tab in enumerate(TABS):
            self.models[tab].ticks_enabled = bool(overview.can_send_to)
            self.models[tab].set_rows(lists[tab])
            self.tabs.setTabText(n, f"{TITLES[tab]} ({len(lists[tab])})")
        self._fit_shown_tab()
        self.approval_model.set_rows(overview.approvals)
        self.approvals_box.setVisible(bool(overview.approvals))
        if overview.approvals:
            fit_columns(self.approval_table)
            self.approval_table.selectRow(0)
        self._approval_selection()
        sends = bool(overview.can_send_to)
        for button in [self.contact_button, *self.tick_buttons, *self.action_buttons.values()]:
            button.setVisible(sends)  # a school's head approves above; the bulk actions are the trust's
        if sends:
            self.status_label.setText(
                "Tick schools, then request, remind or ask for a higher level. Only a school's own head "
                "(or whoever holds the school's Data sharing permission) approves."
            )
        elif overview.approvals:
            self.status_label.setText("The trust asks your school to share data: approve or decline above.")
        else:
            self.status_label.setText(
                "You may view agreements here; sending requests needs Data sharing at decide level over the trust."
            )
        self._update_buttons()

    def _update_buttons(self) -> None:
        sends = self.overview is not None and bool(self.overview.can_send_to)
        for tab, button in self.action_buttons.items():
            button.setEnabled(sends and self.models[tab].ticked_count > 0)

    # -- routes ------------------------------------------------------------------------------
    def show_tab(self, value: object) -> None:
        """The ``data_sharing`` route: bring the panel forward on a tab (a banner's link)."""
        self.activate()
        if value in TABS:
            self.tabs.setCurrentIndex(TABS.index(str(value)))
        self._fit_shown_tab()

    # -- the trust's side ------------------------------------------------------------------
    def request_selected(self) -> None:
        self._open_request("no_agreement")

    def raise_selected(self) -> None:
        self._open_request("approved")

    def _open_request(self, tab: str) -> None:
        from desktop.modules.data_sharing.request_dialog import open_request_dialog

        ticked = self.models[tab].ticked_rows
        if ticked:
            open_request_dialog(self.context, ticked, self.window())

    def remind_selected(self) -> None:
        ticked = self.models["pending"].ticked_rows
        if not ticked:
            return
        db, user_id, ids = self.context.db, self.context.user.id, [row.organisation_id for row in ticked]
        self.context.ops.action(
            lambda _progress: remind(db, user_id, ids),
            lambda count: self.context.navigator.tell(
                f"Reminded {count} recipient{'s' if count != 1 else ''} at {len(ids)} school(s)."
            ),
            self._failed,
            title="Sending reminders…",
            origin=self,
        )

    def add_contact(self) -> None:
        from desktop.modules.data_sharing.contact_dialog import ContactDialog

        if self.overview is None:
            return
        rows = {
            r.organisation_id: r for r in [*self.overview.no_agreement, *self.overview.pending, *self.overview.approved]
        }
        schools = [row for org_id, row in rows.items() if org_id in self.overview.can_send_to]
        current = self.models[TABS[self.tabs.currentIndex()]].ticked_rows
        dialog = ContactDialog(self.context, schools, current[0].organisation_id if current else None, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # -- the school's side (D3) ----------------------------------------------------------
    def _selected_approval(self) -> ApprovalRow | None:
        rows = self.approval_table.selectionModel().selectedRows()
        found = rows[0].data(RowRole) if rows else None
        return found if isinstance(found, ApprovalRow) else None

    def _approval_selection(self, *_args: object) -> None:
        chosen = self._selected_approval() is not None
        self.approve_button.setEnabled(chosen)
        self.decline_button.setEnabled(chosen)

    def confirm_approval(self, row: ApprovalRow) -> bool:
        """Whether the head confirms (tests replace this): an approval cannot be undone by the school."""
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self,
            "Approve data sharing",
            f"Share {LEVEL_LABELS[row.level]} of {row.organisation} with the trust? Once approved, the school "
            "cannot change or lower it.",
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_reason(self, row: ApprovalRow) -> str | None:
        """Why the head declines, or None if they cancelled (tests replace this)."""
        text, accepted = QInputDialog.getText(
            self, "Decline data sharing", f"Why does {row.organisation} decline? The trust sees your reason:"
        )
        return text if accepted else None

    def approve_selected(self) -> None:
        row = self._selected_approval()
        if row is None or not self.confirm_approval(row):
            return
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.action(
            lambda _progress: approve(db, user_id, row.request_id, row.level),
            lambda level: self.context.navigator.tell(f"{row.organisation} now shares {LEVEL_LABELS[level]}."),
            self._failed,
            title="Approving…",
            origin=self,
        )

    def decline_selected(self) -> None:
        row = self._selected_approval()
        reason = None if row is None else self.ask_reason(row)
        if row is None or reason is None:
            return
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.action(
            lambda _progress: decline(db, user_id, row.request_id, reason),
            lambda _none: self.context.navigator.tell(f"Declined the request to {row.organisation}."),
            self._failed,
            title="Declining…",
            origin=self,
        )

    def _failed(self, error: TrustDeskError) -> None:
        show_error(self, error)
        self.refresh()
