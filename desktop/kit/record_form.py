"""A dialog that edits one record and saves it through a service, keeping everything typed on a refusal.

The organisation editor and the person and job editor share it: a form of
named fields, a Save button that runs the service on the write lane
(``ops.action``), and one sentence when the service refuses — under the field
it names (``FieldError.field``), else above the buttons — with the dialog left
open and every field as typed.  Only a save that went through closes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLayout, QVBoxLayout, QWidget

from db.errors import TrustDeskError, is_transient
from db.services.record_fields import FieldError
from desktop.kit.context import AppContext
from desktop.kit.field_error import clear_field_error, show_field_error
from resources_qt.style import set_warning


class RecordForm(QDialog):
    """Emits ``saved(result)`` with what the service returned, just before closing."""

    saved = Signal(object)

    def __init__(self, context: AppContext, title: str, save_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.running = False
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.layout_ = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.hide()
        self.layout_.addWidget(self.intro)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.fields: dict[str, QWidget | QLayout] = {}
        self._focus: dict[str, QWidget] = {}
        self.field_error = QLabel()
        self.field_error.setObjectName("field_error")
        self.field_error.setWordWrap(True)
        self.field_error.hide()
        self.message = QLabel()
        self.message.setObjectName("error")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_warning(self.message, True)
        self.message.hide()
        self.layout_.addStretch()
        self.layout_.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(save_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.layout_.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.submit)

    def set_intro(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.setVisible(bool(text))

    def add_field(self, name: str, label: str, widget: QWidget | QLayout, focus: QWidget | None = None) -> None:
        """A row of the form; ``name`` is the service's field name, so a refusal lands under it."""
        self.form.addRow(label, widget)
        self.fields[name] = widget
        target = focus if focus is not None else widget if isinstance(widget, QWidget) else None
        if target is not None:
            self._focus[name] = target

    # -- for subclasses ---------------------------------------------------------------------------------
    def work(self) -> Callable[[], Any]:
        """The service call with what the form holds now, read on the UI thread."""
        raise NotImplementedError

    def check(self) -> None:
        """Refuse early (raise FieldError) what the service would refuse, before any database work."""

    # -- saving ---------------------------------------------------------------------------------------------
    def submit(self) -> None:
        if self.running:
            return
        self.clear_error()
        try:
            self.check()
            call = self.work()
        except TrustDeskError as error:
            self.show_refusal(error)
            return
        self.running = True
        self.save_button.setEnabled(False)
        self.context.ops.action(
            lambda _progress: call(),
            self._done,
            self._failed,
            title=self.windowTitle(),
            parent=self,
            origin=self,
        )

    def _done(self, result: Any) -> None:
        self.running = False
        self.saved.emit(result)
        self.accept()

    def _failed(self, error: TrustDeskError) -> None:
        self.running = False
        self.save_button.setEnabled(True)
        self.show_refusal(error)

    def show_refusal(self, error: TrustDeskError) -> None:
        """The one sentence: under its field when it names one, else above the buttons."""
        name = error.field if isinstance(error, FieldError) else None
        if name in self.fields and name in self._focus:
            show_field_error(self.form, self.fields[name], self._focus[name], self.field_error, error.message)
            return
        again = " Everything you typed is kept: press Save to try again." if is_transient(error) else ""
        self.message.setText(error.message + again)
        self.message.show()

    def clear_error(self) -> None:
        clear_field_error(self.form, self.field_error)
        self.message.clear()
        self.message.hide()

    @property
    def error_text(self) -> str:
        """The refusal on show, wherever it is (for the status line and tests)."""
        return self.field_error.text() or self.message.text()
