"""The databases opened lately, kept in QSettings as addresses with no password in them."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QSettings

from db.engine import DatabaseTarget

KEY = "databases/recent"
LIMIT = 8


def recent(settings: QSettings) -> list[str]:
    value = cast("list[object] | str | None", settings.value(KEY, []))  # a lone address comes back as a str
    if isinstance(value, str):
        value = [value]
    return [str(item) for item in value or [] if item]


def remember(settings: QSettings, target: DatabaseTarget) -> None:
    """Put ``target`` first; the password, if any, is stripped before anything is written."""
    address = target.address
    items = [address] + [item for item in recent(settings) if item != address]
    settings.setValue(KEY, items[:LIMIT])
    settings.sync()


def last(settings: QSettings) -> str | None:
    items = recent(settings)
    return items[0] if items else None
