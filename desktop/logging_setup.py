"""A rotating log file in the logs folder, plus warnings on stderr."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(log_dir: Path | None, verbose: bool = False) -> Path | None:
    """Replace the handlers a previous call installed (tests call ``main`` many times)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_trustdesk", False)]:
        root.removeHandler(old)
        old.close()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    console = logging.StreamHandler()
    console._trustdesk = True  # type: ignore[attr-defined]
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root.addHandler(console)
    if log_dir is None:
        return None
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        path = log_dir / "trustdesk.log"
        handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError as exc:
        logging.getLogger(__name__).warning("Cannot write a log file in %s: %s", log_dir, exc)
        return None
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler._trustdesk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    return path
