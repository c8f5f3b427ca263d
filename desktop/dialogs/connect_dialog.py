"""File › Connect to database…: a SQLite file on this computer, or a shared PostgreSQL server.

A server's fields (and where its password is kept) are desktop/dialogs/server_fields.py,
the same the welcome dialog shows at first start.

A file must already be a database: a mistyped path is said in the dialog, and
never becomes a new, empty database (new trust databases are made by the
welcome dialog at first start, demo databases by ``trustdesk demo``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from db.engine import DatabaseTarget
from db.errors import DatabaseOpenError
from desktop import recent_databases
from desktop.dialogs.server_fields import ServerFields


class ConnectDialog(QDialog):
    def __init__(self, settings: QSettings, current: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("Connect to database")
        self.setMinimumWidth(560)
        self.target: DatabaseTarget | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(f"Open now: {current}")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.recent_box = QComboBox()
        self.recent_box.addItem("Recent databases…", None)
        for address in recent_databases.recent(settings):
            self.recent_box.addItem(address, address)
        self.recent_box.activated.connect(self._recent_chosen)
        layout.addWidget(self.recent_box)

        self.file_choice = QRadioButton("A file on this computer (just me)")
        self.server_choice = QRadioButton("A shared PostgreSQL server (the whole team)")
        layout.addWidget(self.file_choice)
        file_row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("trust.sqlite")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(browse)
        self.file_group = QWidget()
        self.file_group.setLayout(file_row)
        layout.addWidget(self.file_group)

        layout.addWidget(self.server_choice)
        self.server_group = ServerFields()
        layout.addWidget(self.server_group)

        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Connect")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.file_choice.toggled.connect(self._kind_changed)
        self.server_choice.setChecked(True)
        self.file_choice.setChecked(not current.startswith("postgresql"))
        if current.startswith("postgresql"):
            self._fill(current)
        self._kind_changed()

    # -- filling ---------------------------------------------------------------------
    def _kind_changed(self) -> None:
        self.file_group.setEnabled(self.file_choice.isChecked())
        self.server_group.setEnabled(self.server_choice.isChecked())

    def _recent_chosen(self, index: int) -> None:
        address = self.recent_box.itemData(index)
        if address:
            self._fill(address)

    def _fill(self, address: str) -> None:
        try:
            target = DatabaseTarget.parse(address)
        except DatabaseOpenError:
            return
        if target.sqlite_path is not None:
            self.file_choice.setChecked(True)
            self.path_edit.setText(str(target.sqlite_path))
            return
        self.server_choice.setChecked(True)
        self.server_group.fill(target)

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose a TrustDesk database", self.path_edit.text(), "TrustDesk database (*.sqlite);;All files (*)"
        )
        if name:
            self.path_edit.setText(name)

    # -- result ------------------------------------------------------------------------
    def _chosen_file(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    def _problem(self) -> str | None:
        if self.file_choice.isChecked():
            if not self.path_edit.text().strip():
                return "Choose a database file."
            path = self._chosen_file()
            if path.is_dir():
                return f"{path} is a folder; choose the database file in it."
            if not path.is_file():
                return f"There is no database file at {path}. Check the folder and the name (Browse… finds it)."
            return None
        return self.server_group.problem()

    def accept(self) -> None:
        problem = self._problem()
        if problem:
            self.error_label.setText(problem)
            self.error_label.show()
            return
        if self.file_choice.isChecked():
            # must_exist: should the file vanish before it is opened, it is refused, not created empty
            self.target = DatabaseTarget.parse(str(self._chosen_file())).must_exist()
        else:
            self.target = self.server_group.target()
        super().accept()
