"""File › Preferences…: each choice takes effect as it is made and is remembered; Close just closes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.preferences import (
    SCHEMES,
    TEXT_SIZES,
    apply_preferences,
    load_preferences,
    save_preferences,
    system_text_size,
)


class PreferencesDialog(QDialog):
    def __init__(self, settings: QSettings, panels: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        """``panels``: (object name, title) of each panel, in View-menu order."""
        super().__init__(parent)
        self.setObjectName("preferences_dialog")
        self.setWindowTitle("Preferences")
        self.settings = settings
        self.preferences = load_preferences(settings)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self._app = app

        form = QFormLayout()
        schemes = QHBoxLayout()
        self.scheme_group = QButtonGroup(self)
        self.scheme_buttons: dict[str, QRadioButton] = {}
        for key, label in SCHEMES.items():
            button = QRadioButton(label)
            button.setObjectName(f"scheme_{key}")
            button.setChecked(key == self.preferences.scheme)
            self.scheme_group.addButton(button)
            self.scheme_buttons[key] = button
            schemes.addWidget(button)
            button.toggled.connect(lambda on, chosen=key: self._change(scheme=chosen) if on else None)
        schemes.addStretch(1)
        form.addRow("Colours", schemes)

        self.size_box = QComboBox()
        system = system_text_size(app)
        for size in TEXT_SIZES:
            self.size_box.addItem(f"As Windows sets it ({system:g} pt)" if size == 0 else f"{size} pt", size)
        if self.size_box.findData(self.preferences.text_size) < 0:  # a size saved by an older version
            self.size_box.addItem(f"{self.preferences.text_size} pt", self.preferences.text_size)
        self.size_box.setCurrentIndex(self.size_box.findData(self.preferences.text_size))
        self.size_box.currentIndexChanged.connect(lambda _i: self._change(text_size=int(self.size_box.currentData())))
        form.addRow("Text size", self.size_box)

        self.panel_box = QComboBox()
        for name, title in panels:
            self.panel_box.addItem(title, name)
        index = self.panel_box.findData(self.preferences.first_panel)
        self.panel_box.setCurrentIndex(max(index, 0))
        self.panel_box.currentIndexChanged.connect(
            lambda _i: self._change(first_panel=str(self.panel_box.currentData()))
        )
        form.addRow("Panel in front at start", self.panel_box)

        note = QLabel("Changes take effect at once and are remembered on this computer.")
        note.setWordWrap(True)
        note.setObjectName("hint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _change(self, **changes: object) -> None:
        self.preferences = replace(self.preferences, **changes)  # type: ignore[arg-type]  # one field's own value
        save_preferences(self.settings, self.preferences)
        apply_preferences(self._app, self.preferences)
