"""Notifications: the outbox and its history (N1).

To whom, what, when queued, when sent, what the server answered or why it failed; filtered by
status, period and words, exported through the guarded writer (X1); **Send again** puts chosen
messages back in the queue, **Send now** drains at once. The panel also owns the background
sender (``OutboxDrainer``): it exists from start-up, whether or not the panel is ever shown.
"""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import TrustDeskError
from db.progress import Progress
from db.queries.outbox import (
    STATUS_LABELS,
    OutboxFilter,
    OutboxPage,
    OutboxRow,
    OutboxStatus,
    OutboxSummary,
    outbox_first_page,
    outbox_more,
    outbox_summary,
)
from desktop.dialogs.errors import show_done, show_error
from desktop.dialogs.save_as import CSV, XLSX, ask_save_path
from desktop.kit.context import AppContext
from desktop.kit.formatting import moment
from desktop.kit.icons import icon
from desktop.kit.module import ModuleSpec
from desktop.kit.paged_loader import PagedLoader, SearchBox
from desktop.kit.panel import Panel
from desktop.kit.row_table_model import RowRole
from desktop.kit.widgets import data_table
from desktop.modules.notifications.drainer import OutboxDrainer
from desktop.modules.notifications.outbox_table_model import OutboxTableModel
from resources_qt.style import set_warning

if TYPE_CHECKING:  # imported by the drainer's first step, not with the panels (it brings the mail composer)
    from db.services.outbox import DrainResult

PERIODS = (("Any time", None), ("Last 7 days", 7), ("Last 30 days", 30))


class NotificationsPanel(Panel):
    def __init__(self, module: ModuleSpec, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(module, context, parent)
        self.drainer = OutboxDrainer(context.db, context.user.id, context.ops, self)
        self.drainer.drained.connect(self._drained)
        self.drainer.start()
        # The outbox brings the mail composer (jinja2, icalendar): imported in the background once the first
        # rows are shown, so that neither start-up nor the first step (or Send now) waits for it.
        context.navigator.after_first_view(self._import_outbox, self)

    def _import_outbox(self) -> None:
        self.context.ops.query(lambda: importlib.import_module("db.services.outbox"), None, lambda _error: None)

    def create_widget(self) -> QWidget:
        root = QWidget()
        layout = QVBoxLayout(root)
        self.banner = QLabel()
        self.banner.setObjectName("outbox_banner")
        self.banner.setWordWrap(True)
        layout.addWidget(self.banner)

        bar = QHBoxLayout()
        self.status_box = QComboBox()
        for status, label in STATUS_LABELS.items():
            self.status_box.addItem(label, status)
        self.period_box = QComboBox()
        for label, days in PERIODS:
            self.period_box.addItem(label, days)
        self.search = SearchBox("Search recipient, address or subject")
        self.count_label = QLabel()
        bar.addWidget(QLabel("Show"))
        bar.addWidget(self.status_box)
        bar.addWidget(self.period_box)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count_label)
        layout.addLayout(bar)

        self.model = OutboxTableModel(self)
        self.table = data_table(self.model, sortable=False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setObjectName("outbox_table")
        for column, width in enumerate((132, 150, 250, 300, 70, 80, 132)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.detail)

        buttons = QHBoxLayout()
        self.send_again_button = QPushButton(icon("refresh"), "Send again")
        self.send_now_button = QPushButton(icon("mail"), "Send now")
        self.export_button = QPushButton(icon("export"), "Export…")
        self.reminders_button = QPushButton("Stop reminders to this person")
        self.bounce_button = QPushButton("Clear the bounce flag")
        for button in (self.send_again_button, self.reminders_button, self.bounce_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.send_now_button)
        buttons.addWidget(self.export_button)
        layout.addLayout(buttons)

        self.loader = PagedLoader(
            self.context,
            self.model,
            lambda filt: outbox_first_page(self.context.db, self.context.user.id, filt),
            lambda filt, offset: outbox_more(self.context.db, self.context.user.id, filt, offset),
            self,
        )
        self.loader.loaded.connect(self._loaded)
        self.loader.failed.connect(self._failed)
        self.status_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.period_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.search.search_changed.connect(lambda _t: self.refresh())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.send_again_button.clicked.connect(self.send_again)
        self.send_now_button.clicked.connect(self.send_now)
        self.export_button.clicked.connect(self.export)
        self.reminders_button.clicked.connect(self.toggle_reminders)
        self.bounce_button.clicked.connect(self.clear_bounce)
        self._selection_changed()
        return root

    # -- loading ----------------------------------------------------------------
    @property
    def filter(self) -> OutboxFilter:
        return OutboxFilter(
            status=OutboxStatus(self.status_box.currentData()),
            text=self.search.text().strip(),
            days=self.period_box.currentData(),
        )

    def refresh(self) -> None:
        self.loader.load(self.filter)
        db = self.context.db
        self.context.ops.query(lambda: outbox_summary(db), self._summary)

    def _loaded(self, page: OutboxPage) -> None:
        self.count_label.setText(f"{page.total:,} messages")
        self.export_button.setEnabled(page.total > 0)
        self._selection_changed()

    def _failed(self, error: TrustDeskError) -> None:
        self.count_label.setText("")
        self.banner.setText(error.message)
        set_warning(self.banner, True)
        for button in (self.send_again_button, self.export_button, self.reminders_button, self.bounce_button):
            button.setEnabled(False)

    def _summary(self, summary: OutboxSummary) -> None:
        last = self.drainer.last
        text = summary.sentence
        if summary.reason is None and last is not None and last.reason:
            text += f" — last attempt: {last.reason}"
        self.banner.setText(text)
        set_warning(self.banner, summary.reason is not None or bool(last and last.reason) or summary.failed > 0)

    def _drained(self, result: DrainResult) -> None:
        if result.messages:
            self.context.navigator.tell(
                f"Outbox: {result.messages_sent:,} e-mails sent, {result.retrying:,} to try again, "
                f"{result.failed + result.not_sent:,} failed or not sent."
            )
        if result.messages or result.reason:
            self._stale = True
            if self._built and self.isVisible():
                self._stale = False
                self.refresh()

    # -- selection ----------------------------------------------------------------
    def selected_rows(self) -> list[OutboxRow]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.index(row, 0).data(RowRole) for row in rows]

    def _selection_changed(self) -> None:
        rows = self.selected_rows()
        self.send_again_button.setEnabled(bool(rows))
        one = rows[0] if len(rows) == 1 else None
        person = one is not None and one.person_id is not None
        self.reminders_button.setEnabled(person)
        self.reminders_button.setText(
            "Restart reminders to this person"
            if one is not None and one.reminders_opt_out
            else "Stop reminders to this person"
        )
        self.bounce_button.setEnabled(person and one is not None and one.bounced)
        if one is None:
            self.detail.setText(f"{len(rows):,} messages chosen." if rows else "")
            return
        lines = [
            f"<b>{_escape(one.subject)}</b>",
            f"To {_escape(one.recipient)} &lt;{_escape(one.address)}&gt; · {one.kind}",
        ]
        if one.outcome:
            lines.append(_escape(one.outcome))
        if one.state == "Retrying" and one.next_attempt_at is not None:
            tried = "once" if one.attempts == 1 else f"{one.attempts} times"
            lines.append(f"Tried {tried}; next attempt {moment(one.next_attempt_at)}.")
        if one.message_id:
            lines.append(f"Message-ID {_escape(one.message_id)}")
        self.detail.setText("<br>".join(lines))

    # -- actions --------------------------------------------------------------------
    def send_again(self) -> None:
        from db.services.mail_settings import send_again

        ids = [row.id for row in self.selected_rows()]
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.action(
            lambda _p: send_again(db, user_id, ids),
            self._queued_again,
            lambda error: show_error(self, error),
            title="Putting messages back in the queue…",
            origin=self,
        )

    def _queued_again(self, count: int) -> None:
        self.context.navigator.tell(f"{count:,} messages will be sent again.")
        self.drainer.drain_now()

    def send_now(self) -> None:
        self.context.navigator.tell("Sending the outbox…")
        self.drainer.drain_now()

    def toggle_reminders(self) -> None:
        from db.services.mail_settings import set_reminders_opt_out

        rows = self.selected_rows()
        if len(rows) != 1 or rows[0].person_id is None:
            return
        row, person_id = rows[0], rows[0].person_id
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.action(
            lambda _p: set_reminders_opt_out(db, user_id, person_id, not row.reminders_opt_out),
            lambda _r: self.context.navigator.tell(
                f"{row.recipient} {'gets reminders again' if row.reminders_opt_out else 'gets no more reminders'}."
            ),
            lambda error: show_error(self, error),
            title="Changing reminders…",
            origin=self,
        )

    def clear_bounce(self) -> None:
        from db.services.mail_settings import clear_bounce

        rows = self.selected_rows()
        if len(rows) != 1 or rows[0].person_id is None:
            return
        person_id = rows[0].person_id
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.action(
            lambda _p: clear_bounce(db, user_id, person_id),
            lambda _r: self.context.navigator.tell("The address is no longer flagged."),
            lambda error: show_error(self, error),
            title="Clearing the bounce flag…",
            origin=self,
        )

    def export(self) -> None:
        suggested = self.context.paths.data / f"outbox-{date.today():%Y-%m-%d}.xlsx"
        chosen = ask_save_path(self, "Export the outbox", suggested, [XLSX, CSV])
        if chosen is not None:
            self.export_to(chosen)

    def export_to(self, path: Path) -> None:
        from db.excel.outbox_export import export_outbox

        db, user_id, wanted = self.context.db, self.context.user.id, self.filter

        def work(_progress: Progress) -> int:
            return export_outbox(db, user_id, wanted, path)

        def done(count: int) -> None:
            self.context.navigator.tell(f"Exported {count:,} messages to {path}")
            show_done(self, "Outbox", f"Exported {count:,} messages to {path.name}.", str(path))

        self.context.ops.action(
            work, done, lambda error: show_error(self, error), title="Exporting the outbox…", parent=self
        )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
