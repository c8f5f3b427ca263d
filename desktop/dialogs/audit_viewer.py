"""Help › Audit log…: read the append-only audit log, filter it, export it to Excel (A2).

Filtering and paging happen in SQL (db.queries.audit); the export runs as a
background action through ``context.ops`` and writes the file all at once
(db.audit_export), so a cancelled or failed export leaves no partial file.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from html import escape
from pathlib import Path
from typing import cast

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from db.audit_text import changes, local_time, sentence, show_login
from db.errors import TrustDeskError
from db.progress import Progress
from db.queries import audit as audit_queries
from db.queries.audit import AuditChoices, AuditFilter, AuditRow
from desktop.dialogs.audit_table_model import AuditTableModel
from desktop.dialogs.save_as import ask_save_path
from desktop.kit.context import AppContext
from desktop.kit.widgets import data_table, fit_columns

SEARCH_DELAY_MS = 250


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class AuditViewer(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Audit log")
        self.setObjectName("audit_viewer")
        self.resize(1180, 640)
        self.filter = AuditFilter()
        self._generation = 0

        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.user_box = QComboBox()
        self.user_box.addItem("Anyone", None)
        self.action_box = QComboBox()
        self.action_box.addItem("Any action", "")
        self.entity_box = QComboBox()
        self.entity_box.addItem("Anything", "")
        self.dates_box = QCheckBox("From")
        today = date.today()
        self.from_edit = QDateEdit(_qdate(today.replace(day=1)))
        self.to_edit = QDateEdit(_qdate(today))
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd MMM yyyy")
            edit.setEnabled(False)
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search reasons, values, logins…")
        self.search_box.setClearButtonEnabled(True)
        for widget in (QLabel("Who"), self.user_box, self.action_box, self.entity_box, self.dates_box):
            bar.addWidget(widget)
        bar.addWidget(self.from_edit)
        bar.addWidget(QLabel("to"))
        bar.addWidget(self.to_edit)
        bar.addWidget(self.search_box, 1)
        layout.addLayout(bar)

        self.model = AuditTableModel(self)
        self.table = data_table(self.model, sortable=False)
        self.table.setWordWrap(False)
        # The selected entry in full: the sentence wrapped, each change in words, the login if it differs.
        self.detail = QTextBrowser()
        self.detail.setObjectName("audit_detail")
        self.detail.setOpenLinks(False)
        self.detail.setPlaceholderText("Select an entry to read it in full.")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.model.modelReset.connect(self.detail.clear)

        bottom = QHBoxLayout()
        self.count_label = QLabel("Loading…")
        self.export_button = QPushButton("Export to Excel…")
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(close)
        layout.addLayout(bottom)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._filter_changed)
        self.search_box.textChanged.connect(self._search_timer.start)
        for box in (self.user_box, self.action_box, self.entity_box):
            box.currentIndexChanged.connect(self._filter_changed)
        self.dates_box.toggled.connect(self._dates_toggled)
        self.from_edit.dateChanged.connect(self._filter_changed)
        self.to_edit.dateChanged.connect(self._filter_changed)
        self.model.more_wanted.connect(self._fetch_more)
        self.export_button.clicked.connect(self._export)

        db, viewer = context.db, context.user.id
        context.ops.query(lambda: audit_queries.audit_choices(db, viewer), self._choices_loaded, self._failed)
        self.reload()

    # -- the entry in full ----------------------------------------------------------
    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.detail.clear()
            return
        self.detail.setHtml(entry_html(self.model.row_at(current.row())))

    # -- filter ------------------------------------------------------------------
    def _choices_loaded(self, choices: AuditChoices) -> None:
        for user_id, name in choices.users:
            self.user_box.addItem(name, user_id)
        for action in choices.actions:
            self.action_box.addItem(action.replace("_", " ").capitalize(), action)
        for entity in choices.entities:
            self.entity_box.addItem(entity.replace("_", " "), entity)

    def _dates_toggled(self, on: bool) -> None:
        self.from_edit.setEnabled(on)
        self.to_edit.setEnabled(on)
        self._filter_changed()

    def _filter_changed(self) -> None:
        dated = self.dates_box.isChecked()
        self.filter = replace(
            self.filter,
            user_id=self.user_box.currentData(),
            action=self.action_box.currentData() or "",
            entity=self.entity_box.currentData() or "",
            date_from=cast(date, self.from_edit.date().toPython()) if dated else None,  # typed object in PySide6
            date_to=cast(date, self.to_edit.date().toPython()) if dated else None,
            search=self.search_box.text(),
        )
        self.reload()

    # -- loading -----------------------------------------------------------------
    def reload(self) -> None:
        self._generation += 1
        generation, current = self._generation, self.filter
        db, viewer = self.context.db, self.context.user.id

        def work() -> tuple[int, list[AuditRow]]:
            return audit_queries.count_audit(db, viewer, current), audit_queries.audit_page(db, viewer, current)

        self.context.ops.query(work, lambda result: self._loaded(generation, result), self._failed)

    def _loaded(self, generation: int, result: tuple[int, list[AuditRow]]) -> None:
        if generation != self._generation:
            return
        total, rows = result
        self.model.reset(total, rows)
        self.count_label.setText(f"{total:,} entries" if total != 1 else "1 entry")
        self.export_button.setEnabled(total > 0)
        if rows:
            fit_columns(self.table, maximum=240)
            self.table.selectRow(0)

    def _fetch_more(self, offset: int) -> None:
        generation, current = self._generation, self.filter
        db, viewer = self.context.db, self.context.user.id

        def arrived(rows: list[AuditRow]) -> None:
            if generation == self._generation:
                self.model.append(offset, rows)

        def failed(error: TrustDeskError) -> None:
            self.model.fetch_failed()
            self._failed(error)

        self.context.ops.query(lambda: audit_queries.audit_page(db, viewer, current, offset), arrived, failed)

    def _failed(self, error: TrustDeskError) -> None:
        self.count_label.setText(error.message)

    # -- export ------------------------------------------------------------------
    def _export(self) -> None:
        suggested = str(self.context.paths.data / f"audit-log-{date.today():%Y-%m-%d}.xlsx")
        chosen = ask_save_path(self, "Export the audit log", Path(suggested))  # asks before replacing a file
        if chosen is not None:
            self.export_to(chosen)

    def export_to(self, path: Path) -> None:
        from db.audit_export import export_audit

        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        db, viewer, current = self.context.db, self.context.user.id, self.filter

        def work(progress: Progress) -> int:
            def report(done: int, total: int, text: str) -> None:
                progress.report(done, total, text)
                progress.check_cancelled()

            return export_audit(db, viewer, current, path, progress=report)

        def done(count: int) -> None:
            self.context.navigator.tell(f"Exported {count:,} audit entries to {path}")
            self.count_label.setText(f"Exported {count:,} entries to {path.name}")

        self.context.ops.action(
            work,
            done,
            self._failed,
            title="Exporting the audit log…",
            cancellable=True,
            progress_dialog=True,
            parent=self,
        )


def entry_html(row: AuditRow) -> str:
    """One entry for the detail pane: what happened, when (UK time), each change, who at the database."""
    parts = [f"<p><b>{escape(local_time(row.at))}</b> — {sentence(row, rich=True)}</p>"]
    changed = changes(row)
    if changed:
        lines = "".join(
            f"<tr><td>{escape(c.field.capitalize())}</td><td>{escape(c.before)}</td><td>{escape(c.after)}</td></tr>"
            for c in changed
        )
        parts.append(
            f"<table cellpadding='2'><tr><th align='left'>Changed</th><th align='left'>From</th>"
            f"<th align='left'>To</th></tr>{lines}</table>"
        )
    if show_login(row):
        parts.append(f"<p>Database login: {escape(row.db_identity)} (not {escape(row.user or 'a person')}’s own)</p>")
    if row.decision_batch_id is not None:
        parts.append(f"<p>Decided together with others as sign-off batch {row.decision_batch_id}.</p>")
    return "".join(parts)


def open_audit_viewer(context: AppContext, parent: QWidget | None) -> AuditViewer:
    viewer = AuditViewer(context, parent)
    viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    viewer.show()
    return viewer
