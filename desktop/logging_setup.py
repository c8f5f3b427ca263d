"""The log file in the logs folder (rotating), plus warnings on stderr.

``logging.handlers`` (and the socket, pickle and queue modules it brings) takes
about 11 ms to import, a tenth of a bare PySide6 window's start.  So the GUI
starts with a plain file handler on the same file and ``start_rotating``
swaps in the rotating one once the main window is on screen; sub-commands
rotate from the start.
"""

from __future__ import annotations

import logging
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_BYTES = 2_000_000
BACKUPS = 5


def configure_logging(log_dir: Path | None, verbose: bool = False, *, rotate_now: bool = True) -> Path | None:
    """Replace the handlers a previous call installed (tests call ``main`` many times)."""
    root = logging.getLogger()
    for old in _ours(root):
        root.removeHandler(old)
        old.close()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    console = logging.StreamHandler()
    console._trustdesk = True  # type: ignore[attr-defined]  # our mark on a stdlib handler, found by _ours()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root.addHandler(console)
    if log_dir is None:
        return None
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        path = log_dir / "trustdesk.log"
        handler = _rotating(path) if rotate_now else logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:
        logging.getLogger(__name__).warning("Cannot write a log file in %s: %s", log_dir, exc)
        return None
    _add(root, handler)
    return path


def start_rotating() -> None:
    """Put a rotating handler in place of the plain file handler ``configure_logging(rotate_now=False)`` made."""
    root = logging.getLogger()
    for plain in _ours(root):
        if type(plain) is logging.FileHandler:
            try:
                rotating = _rotating(Path(plain.baseFilename))
            except OSError as exc:
                logging.getLogger(__name__).warning("Log file kept without rotation: %s", exc)
                return
            _add(root, rotating)  # before the plain one goes: a record in between is written twice, not lost
            root.removeHandler(plain)
            plain.close()


def _rotating(path: Path) -> logging.Handler:
    from logging.handlers import RotatingFileHandler

    return RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")


def _ours(root: logging.Logger) -> list[logging.Handler]:
    return [h for h in root.handlers if getattr(h, "_trustdesk", False)]


def _add(root: logging.Logger, handler: logging.Handler) -> None:
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler._trustdesk = True  # type: ignore[attr-defined]  # our mark on a stdlib handler, found by _ours()
    root.addHandler(handler)
