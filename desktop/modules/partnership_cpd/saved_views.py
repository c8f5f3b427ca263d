"""Saved views of Partnership CPD: name the current filters and pick them again from a list.

Personal views live in the user's settings (like the remembered filters);
shared views are rows on the database, created and deleted through
``db.services.saved_views`` (audited; only the creator or a primary user
deletes).  A view stores the filter as data ("current" for this period), so
"My queue: pending, this period" still means this period next year.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import TrustDeskError
from db.queries.activities import ActivityFilter
from db.queries.filter_words import FilterPart
from db.queries.saved_views import SharedView, shared_views
from db.services.saved_views import create_shared_view, delete_shared_view
from desktop.kit.context import AppContext

SETTINGS_VIEWS = "partnership_cpd/saved_views"


def suggested_name(filt: ActivityFilter, parts: list[FilterPart], current_period_id: int | None) -> str:
    """E.g. "My queue: this period, partnership: pending, line manager: agreed"."""
    named = {"organisation", "person", "training_event", "flood_fill", "search"}  # names keep their capitals
    texts = [part.text if part.key in named else part.text.lower() for part in parts]
    if parts and parts[0].key == "period" and filt.period_id == current_period_id:
        texts[0] = "this period"
    return ("My queue: " + ", ".join(texts))[:120] if texts else "Everything"


def personal_views(settings: QSettings) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(str(settings.value(SETTINGS_VIEWS, "") or "{}"))
    except ValueError:
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}


def save_personal_view(settings: QSettings, name: str, data: dict[str, Any]) -> None:
    views = personal_views(settings)
    views[name] = data
    settings.setValue(SETTINGS_VIEWS, json.dumps(views))


def delete_personal_view(settings: QSettings, name: str) -> None:
    views = personal_views(settings)
    views.pop(name, None)
    settings.setValue(SETTINGS_VIEWS, json.dumps(views))


class SaveViewDialog(QDialog):
    """Asks for a name (suggested from the filter) and whether everyone in the trust may use the view."""

    def __init__(self, suggestion: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save view")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Name these filters:"))
        self.name_edit = QLineEdit(suggestion)
        self.name_edit.setMaxLength(120)
        self.name_edit.selectAll()
        layout.addWidget(self.name_edit)
        self.shared_box = QCheckBox("Share with everyone in the trust")
        layout.addWidget(self.shared_box)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if not " ".join(self.name_edit.text().split()):
            self.error_label.setText("Give the view a name.")
            return
        self.accept()

    @property
    def name(self) -> str:
        return " ".join(self.name_edit.text().split())


class SavedViewsButton(QToolButton):
    """ "Views ▾": pick a personal or shared view, save the current filters, delete a view.

    ``current`` returns (filter data, suggested name); ``view_chosen(data)`` asks the panel to show a view.
    """

    view_chosen = Signal(object)

    def __init__(
        self, context: AppContext, current: Callable[[], tuple[dict[str, Any], str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._current = current
        self.shared: list[SharedView] = []
        self.setText("Views")
        self.setToolTip("Saved views: pick one, or save the current filters under a name")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMenu(QMenu(self))
        self.menu().aboutToShow.connect(self._fill_menu)
        self.reload()

    def reload(self) -> None:
        db, user_id = self._context.db, self._context.user.id
        self._context.ops.query(lambda: shared_views(db, user_id), self._shared_loaded, lambda _error: None)

    def _shared_loaded(self, views: list[SharedView]) -> None:
        self.shared = views

    def _fill_menu(self) -> None:
        menu = self.menu()
        menu.clear()
        settings = self._context.settings
        mine = personal_views(settings)
        menu.addSection("My views")
        for name, data in sorted(mine.items()):
            menu.addAction(name, lambda d=data: self.view_chosen.emit(d))  # type: ignore[misc]  # mypy: a defaulted lambda vs overloads
        if not mine:
            menu.addAction("(none yet)").setEnabled(False)
        menu.addSection("Shared views")
        for view in self.shared:
            action = menu.addAction(view.name, lambda d=view.filter: self.view_chosen.emit(d))  # type: ignore[misc]  # mypy: a defaulted lambda vs overloads
            action.setToolTip(f"Saved by {view.created_by}")
        if not self.shared:
            menu.addAction("(none yet)").setEnabled(False)
        menu.addSeparator()
        menu.addAction("Save current filters as…", self.save_current)
        deletable = [v for v in self.shared if v.may_delete]
        if mine or deletable:
            delete_menu = menu.addMenu("Delete a view")
            for name in sorted(mine):
                delete_menu.addAction(name, lambda n=name: delete_personal_view(settings, n))  # type: ignore[misc]  # mypy: a defaulted lambda vs overloads
            for view in deletable:
                delete_menu.addAction(f"{view.name} (shared)", lambda v=view: self.delete_shared(v.id))  # type: ignore[misc]  # mypy: a defaulted lambda vs overloads

    def save_current(self) -> None:
        data, suggestion = self._current()
        dialog = SaveViewDialog(suggestion, self)
        dialog.accepted.connect(lambda: self._save(dialog.name, dialog.shared_box.isChecked(), data))
        dialog.open()

    def _save(self, name: str, shared: bool, data: dict[str, Any]) -> None:
        if not shared:
            save_personal_view(self._context.settings, name, data)
            self._context.navigator.tell(f"Saved the view “{name}”.")
            return
        db, user_id = self._context.db, self._context.user.id
        self._context.ops.action(
            lambda _progress: create_shared_view(db, user_id, name, data),
            lambda _id: self._changed(f"Shared the view “{name}” with everyone in the trust."),
            self._failed,
            title="Saving the view",
        )

    def delete_shared(self, view_id: int) -> None:
        db, user_id = self._context.db, self._context.user.id
        self._context.ops.action(
            lambda _progress: delete_shared_view(db, user_id, view_id),
            lambda _none: self._changed("Deleted the shared view."),
            self._failed,
            title="Deleting the view",
        )

    def _changed(self, message: str) -> None:
        self._context.navigator.tell(message)
        self.reload()

    def _failed(self, error: TrustDeskError) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Saved views", error.message, parent=self.window())
        box.open()
        self.reload()
