"""File › Trust settings…: the trust's name and logo, the academic year, cover-day limits, budget periods.

For primary users and administrators of the trust's organisations (the File menu offers it to
nobody else; the services refuse anyone else anyway). Every read and change goes through the
operations helper; each change is saved on its own button, and the dialog reloads whenever trust
settings, organisations or budgets change anywhere in the program.

Changing the academic year's start month moves activities between periods, so the dialog first
works out how many (in the background, as the month is chosen), then asks once more naming the
count; the service refuses if that count is no longer true when it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.changes import DataChange
from db.errors import TrustDeskError, ValidationError
from db.images import MAX_LOGO_BYTES
from db.queries.organisations import BUDGETS, ORGANISATIONS
from db.queries.trust_settings import (
    TRUST_SETTINGS,
    RoleLimit,
    TrustSettings,
    load_trust_settings,
)
from db.services.trust_settings import (
    PeriodAdded,
    add_budget_period,
    set_default_cover_limit,
    set_logo,
    set_role_cover_limit,
    set_trust_name,
)
from desktop.dialogs.academic_year_tab import AcademicYearTab, hint
from desktop.dialogs.email_tab import EmailTab
from desktop.dialogs.errors import show_error
from desktop.dialogs.reminders_tab import RemindersTab
from desktop.dialogs.role_limit_dialog import RoleLimitDialog, days_box
from desktop.dialogs.trust_settings_models import PeriodTableModel, RoleLimitTableModel
from desktop.kit.context import AppContext
from desktop.kit.icons import icon
from desktop.kit.row_table_model import RowRole
from desktop.kit.widgets import data_table, fit_columns

WATCHED = frozenset({TRUST_SETTINGS, ORGANISATIONS, BUDGETS})
READ_ONLY = "Only a primary user or an administrator of the trust's organisations may change trust settings."
LOGO_BOX = (240, 80)


def read_logo_file(path: Path) -> bytes:
    """The file's bytes, read in the background; one byte past the limit is enough to refuse it."""
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_LOGO_BYTES + 1)
    except OSError as exc:
        raise ValidationError(f"TrustDesk could not read {path.name}: {exc.strerror or exc}.") from exc


class TrustSettingsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.settings: TrustSettings | None = None
        self._shown_default: float | None = None
        self._open = True
        self.setObjectName("trust_settings_dialog")
        self.setWindowTitle("Trust settings")
        self.resize(760, 520)
        layout = QVBoxLayout(self)
        self.read_only_note = hint(READ_ONLY)
        self.read_only_note.hide()
        layout.addWidget(self.read_only_note)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._general_tab(), icon("organisations"), "General")
        self.year_tab = AcademicYearTab(
            context, lambda title, text: self.confirm(title, text), self._failed, self._while_open
        )
        self.tabs.addTab(self.year_tab, icon("calendar"), "Academic year")
        self.tabs.addTab(self._cover_tab(), "Cover limits")
        self.tabs.addTab(self._periods_tab(), icon("budget"), "Budget periods")
        self.email_tab = EmailTab(context, self._failed, self._while_open)
        self.tabs.addTab(self.email_tab, icon("mail"), "E-mail")
        self.email_tab.reload()
        self.reminders_tab = RemindersTab(context, self._failed, self._while_open)
        self.tabs.addTab(self.reminders_tab, "Reminders")
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        context.bus.changed.connect(self._on_changed)
        self._set_editable(False)
        self.reload()

    # -- building ------------------------------------------------------------------------------
    def _general_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        form = QFormLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(200)
        self.save_name_button = QPushButton(icon("edit"), "Save name")
        self.save_name_button.clicked.connect(self.save_name)
        self.name_edit.returnPressed.connect(self.save_name)
        row = QHBoxLayout()
        row.addWidget(self.name_edit, 1)
        row.addWidget(self.save_name_button)
        form.addRow("Trust name", row)
        form.addRow("", hint("Shown at the top of the Organisations list and on exported budget workbooks."))

        self.logo_label = QLabel("No logo")
        self.logo_label.setObjectName("logo_preview")
        self.logo_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.logo_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_label.setFixedSize(LOGO_BOX[0] + 12, LOGO_BOX[1] + 12)
        self.choose_logo_button = QPushButton(icon("import"), "Choose…")
        self.remove_logo_button = QPushButton(icon("delete"), "Remove")
        self.choose_logo_button.clicked.connect(self.choose_logo)
        self.remove_logo_button.clicked.connect(self.remove_logo)
        logo_buttons = QVBoxLayout()
        logo_buttons.addWidget(self.choose_logo_button)
        logo_buttons.addWidget(self.remove_logo_button)
        logo_buttons.addStretch(1)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_label, 0, Qt.AlignmentFlag.AlignTop)
        logo_row.addLayout(logo_buttons)
        logo_row.addStretch(1)
        form.addRow("Logo", logo_row)
        form.addRow(
            "",
            hint(
                f"A PNG or JPEG image of at most {MAX_LOGO_BYTES // 1024} KB. It appears on the Notes sheet "
                "of exported budget workbooks, beside the trust's name."
            ),
        )
        layout.addLayout(form)
        layout.addStretch(1)
        return tab

    def _cover_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        row = QHBoxLayout()
        row.addWidget(QLabel("Default cover-day limit per academic period"))
        self.default_spin = days_box()
        row.addWidget(self.default_spin)
        self.save_default_button = QPushButton(icon("edit"), "Save default")
        self.save_default_button.clicked.connect(self.save_default)
        row.addWidget(self.save_default_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(
            hint(
                "Authorising past someone's limit warns first. A person's own limit comes first, then the limit "
                "for their role below, then this default."
            )
        )
        self.role_model = RoleLimitTableModel(self)
        self.role_table = data_table(self.role_model, stretch_last=False)
        self.role_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.role_table.doubleClicked.connect(lambda _index: self.edit_role_limit())
        self.role_table.selectionModel().selectionChanged.connect(self._role_selection_changed)
        layout.addWidget(self.role_table, 1)
        buttons = QHBoxLayout()
        self.add_role_button = QPushButton(icon("add"), "Add…")
        self.edit_role_button = QPushButton(icon("edit"), "Edit…")
        self.remove_role_button = QPushButton(icon("delete"), "Remove")
        self.add_role_button.clicked.connect(self.add_role_limit)
        self.edit_role_button.clicked.connect(self.edit_role_limit)
        self.remove_role_button.clicked.connect(self.remove_role_limit)
        for button in (self.add_role_button, self.edit_role_button, self.remove_role_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        return tab

    def _periods_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.period_model = PeriodTableModel(self)
        self.period_table = data_table(self.period_model, sortable=False, stretch_last=False)
        layout.addWidget(self.period_table, 1)
        row = QHBoxLayout()
        row.addWidget(
            hint("Add the period after the last one to set budgets before it starts (Organisations › Budgets)."), 1
        )
        self.add_period_button = QPushButton(icon("add"), "Add next period")
        self.add_period_button.clicked.connect(self.add_period)
        row.addWidget(self.add_period_button)
        layout.addLayout(row)
        return tab

    # -- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(
            lambda: load_trust_settings(db, user_id), self._while_open(self._loaded), self._while_open(self._failed)
        )

    def _while_open(self, slot: Callable[[Any], None]) -> Callable[[Any], None]:
        """Drop replies that arrive after the dialog was closed."""
        return lambda value: slot(value) if self._open else None

    def _loaded(self, settings: TrustSettings) -> None:
        first = self.settings is None
        self.settings = settings
        if first or not self.name_edit.isModified():
            self.name_edit.setText(settings.trust_name)
            self.name_edit.setModified(False)
        self._show_logo(settings.logo)
        if first or self.default_spin.value() == self._shown_default:
            self.default_spin.setValue(settings.default_cover_limit)
        self._shown_default = settings.default_cover_limit
        self.role_model.set_rows(settings.role_limits)
        fit_columns(self.role_table)
        self.period_model.set_rows(settings.periods)
        fit_columns(self.period_table)
        self.year_tab.show_settings(settings)
        self.email_tab.set_editable(settings.can_edit)
        self.reminders_tab.show_settings(settings)
        self._set_editable(settings.can_edit)

    def _show_logo(self, logo: bytes | None) -> None:
        pixmap = QPixmap()
        if logo is not None and pixmap.loadFromData(logo):
            self.logo_label.setPixmap(
                pixmap.scaled(*LOGO_BOX, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
            )
        else:
            self.logo_label.setPixmap(QPixmap())
            self.logo_label.setText("No logo" if logo is None else "The logo cannot be shown")

    def _set_editable(self, editable: bool) -> None:
        self.read_only_note.setVisible(self.settings is not None and not editable)
        for widget in (
            self.name_edit,
            self.save_name_button,
            self.choose_logo_button,
            self.default_spin,
            self.save_default_button,
            self.add_role_button,
            self.add_period_button,
        ):
            widget.setEnabled(editable)
        self.remove_logo_button.setEnabled(editable and self.settings is not None and self.settings.has_logo)
        self._role_selection_changed()

    def _failed(self, error: TrustDeskError) -> None:
        show_error(self, error)
        self.reload()

    def _on_changed(self, change: DataChange) -> None:
        if self._open and change.kind in WATCHED:
            self.reload()

    def confirm(self, title: str, text: str) -> bool:
        """Ask before a change that cannot simply be undone (tests replace this)."""
        answer = QMessageBox.question(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    # -- name and logo -------------------------------------------------------------------------
    def save_name(self) -> None:
        if self.settings is None or not self.settings.can_edit:
            return
        db, user_id, name, version = (
            self.context.db,
            self.context.user.id,
            self.name_edit.text(),
            self.settings.trust_version,
        )
        self._act(lambda: set_trust_name(db, user_id, name, version), "Saving the trust's name…", "Name saved.")
        self.name_edit.setModified(False)

    def ask_logo_path(self) -> Path | None:
        """The image file the user picked, or None (tests replace this)."""
        name, _filter = QFileDialog.getOpenFileName(self, "Choose the trust's logo", "", "Images (*.png *.jpg *.jpeg)")
        return Path(name) if name else None

    def choose_logo(self) -> None:
        path = self.ask_logo_path()
        if path is None:
            return
        db, user_id = self.context.db, self.context.user.id
        self._act(lambda: set_logo(db, user_id, read_logo_file(path)), "Saving the logo…", "Logo saved.")

    def remove_logo(self) -> None:
        if self.confirm("Remove the logo", "Remove the trust's logo? Exports will show the name only."):
            db, user_id = self.context.db, self.context.user.id
            self._act(lambda: set_logo(db, user_id, None), "Removing the logo…", "Logo removed.")

    # -- cover limits --------------------------------------------------------------------------
    def save_default(self) -> None:
        if self.settings is None:
            return
        db, user_id = self.context.db, self.context.user.id
        days, version = self.default_spin.value(), self.settings.default_cover_limit_version
        self._act(
            lambda: set_default_cover_limit(db, user_id, days, version),
            "Saving the default cover-day limit…",
            f"Default cover-day limit saved: {days:g} days.",
        )

    def _selected_role(self) -> RoleLimit | None:
        rows = self.role_table.selectionModel().selectedRows()
        return rows[0].data(RowRole) if rows else None

    def _role_selection_changed(self, *_args: object) -> None:
        editable = self.settings is not None and self.settings.can_edit and self._selected_role() is not None
        self.edit_role_button.setEnabled(editable)
        self.remove_role_button.setEnabled(editable)

    def ask_role_limit(self, existing: RoleLimit | None) -> tuple[str, float] | None:
        """The role and its limit the user chose, or None (tests replace this)."""
        assert self.settings is not None
        roles = [existing.role] if existing else [r for r in self.settings.roles if r not in self._limited_roles()]
        if not roles:
            show_error(self, ValidationError("Every role some job has already has a limit; edit one instead."))
            return None
        dialog = RoleLimitDialog(roles, existing.days if existing else self.default_spin.value(), self)
        return (dialog.role_box.currentText(), dialog.days_spin.value()) if dialog.exec() else None

    def _limited_roles(self) -> set[str]:
        return {row.role for row in self.role_model.rows}

    def add_role_limit(self) -> None:
        chosen = self.ask_role_limit(None)
        if chosen is not None:
            self._save_role(chosen[0], chosen[1], None)

    def edit_role_limit(self) -> None:
        row = self._selected_role()
        if row is None or self.settings is None or not self.settings.can_edit:
            return
        chosen = self.ask_role_limit(row)
        if chosen is not None:
            self._save_role(row.role, chosen[1], row.version)

    def _save_role(self, role: str, days: float, version: int | None) -> None:
        db, user_id = self.context.db, self.context.user.id
        self._act(
            lambda: set_role_cover_limit(db, user_id, role, days, version),
            "Saving the cover-day limit…",
            f"Cover-day limit for {role} saved: {days:g} days.",
        )

    def remove_role_limit(self) -> None:
        row = self._selected_role()
        if row is None or not self.confirm(
            "Remove the limit", f"Remove the cover-day limit for {row.role}? They will take the trust's default."
        ):
            return
        db, user_id = self.context.db, self.context.user.id
        self._act(
            lambda: set_role_cover_limit(db, user_id, row.role, None, row.version),
            "Removing the cover-day limit…",
            f"Cover-day limit for {row.role} removed.",
        )

    # -- budget periods ------------------------------------------------------------------------
    def add_period(self) -> None:
        db, user_id = self.context.db, self.context.user.id
        self.add_period_button.setEnabled(False)
        self.context.ops.action(
            lambda _progress: add_budget_period(db, user_id),
            self._while_open(self._period_added),
            self._while_open(self._failed),
            title="Adding the next academic period…",
            origin=self,
        )

    def _period_added(self, added: PeriodAdded) -> None:
        self.add_period_button.setEnabled(bool(self.settings and self.settings.can_edit))
        self.context.navigator.tell(f"Period {added.label} added: budgets can now be set for it.")

    # -- shared --------------------------------------------------------------------------------
    def _act(self, work: Callable[[], Any], title: str, done: str) -> None:
        """Run one change; what it changed reaches this dialog (and every panel) through the data bus."""
        self.context.ops.action(
            lambda _progress: work(),
            self._while_open(lambda _result: self.context.navigator.tell(done)),
            self._while_open(self._failed),
            title=title,
            origin=self,
        )

    def done(self, result: int) -> None:
        if self._open:
            self._open = False
            self.context.bus.changed.disconnect(self._on_changed)
        super().done(result)
