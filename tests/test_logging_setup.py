"""The log file: plain while the window opens, rotating from then on, one copy of every line."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

from desktop.logging_setup import configure_logging, start_rotating


@pytest.fixture
def root_handlers() -> Iterator[None]:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield
    for handler in [h for h in root.handlers if h not in before]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


def _file_handlers() -> list[logging.Handler]:
    """Ours only (pytest's log capture adds a file handler of its own)."""
    return [
        h
        for h in logging.getLogger().handlers
        if getattr(h, "_trustdesk", False) and isinstance(h, logging.FileHandler)
    ]


def test_the_gui_log_starts_plain_and_then_rotates_in_the_same_file(tmp_path: Path, root_handlers) -> None:
    path = configure_logging(tmp_path, rotate_now=False)
    assert path == tmp_path / "trustdesk.log"
    assert [type(h) for h in _file_handlers()] == [logging.FileHandler]
    logging.getLogger("test").info("before the window")
    start_rotating()
    (handler,) = _file_handlers()
    assert isinstance(handler, RotatingFileHandler)
    assert handler.maxBytes > 0 and handler.backupCount > 0
    logging.getLogger("test").info("after the window")
    handler.flush()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == ["before the window", "after the window"]


def test_commands_rotate_from_the_start(tmp_path: Path, root_handlers) -> None:
    configure_logging(tmp_path)
    assert [type(h) for h in _file_handlers()] == [RotatingFileHandler]
    start_rotating()  # nothing plain to replace
    assert [type(h) for h in _file_handlers()] == [RotatingFileHandler]
