"""The version, from one source: ``[project] version`` in pyproject.toml.

An installed TrustDesk reads it from its package metadata; a frozen build has no metadata, so
build_installer.spec writes the same value into ``desktop/VERSION`` inside the bundle; a source
checkout that was never installed reads pyproject.toml itself.
"""

from __future__ import annotations

import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def _read_version() -> str:
    bundled = Path(__file__).with_name("VERSION")
    if getattr(sys, "frozen", False) and bundled.is_file():
        return bundled.read_text(encoding="utf-8").strip()
    try:
        return version("trustdesk")
    except PackageNotFoundError:
        pass
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        with pyproject.open("rb") as fh:
            return str(tomllib.load(fh)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "0+unknown"


__version__ = _read_version()
