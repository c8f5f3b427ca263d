"""The version, read from the installed distribution (one source: pyproject.toml)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("trustdesk")
except PackageNotFoundError:  # a frozen build without metadata
    __version__ = "0.1.0"
