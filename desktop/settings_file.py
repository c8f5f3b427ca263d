"""The program's QSettings, one INI file under the settings folder.

A module of its own because both halves of start-up need it: ``desktop.launch``
(the window's frame, before SQLAlchemy is imported) and ``desktop.app`` (the
rest); neither may import the other for it.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from desktop.paths import AppPaths


def open_settings(paths: AppPaths) -> QSettings:
    """The settings file in ``paths`` (an INI file, so portable installs and tests keep their own)."""
    return QSettings(str(paths.settings_file), QSettings.Format.IniFormat)
