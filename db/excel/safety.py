"""Keeping workbooks harmless in both directions.

Out: text people typed must never run as a formula; that guard lives in
``db.excel.writer`` (the one writer every export uses) and is re-exported here
for the import's checks.

In: a file chosen for import is checked before any workbook library parses
it: an encrypted (password-protected) workbook is an OLE compound file, not a
zip; a truncated one has no zip central directory; a huge or zip-bomb one
declares its uncompressed sizes up front.  Each gets one clear sentence and
nothing is changed.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from db.errors import ValidationError
from db.excel.layout import (
    MAX_COMPRESSION_RATIO,
    MAX_ENTRIES,
    MAX_FILE_BYTES,
    MAX_IMPORT_ROWS,
    MAX_OTHER_PART_BYTES,
    MAX_SHARED_STRINGS_BYTES,
    MAX_SHEET_BYTES,
    MAX_UNCOMPRESSED_BYTES,
    RATIO_CHECKED_FROM_BYTES,
)
from db.excel.writer import FORMULA_PREFIXES, looks_like_formula, replace_atomically

__all__ = ["FORMULA_PREFIXES", "WorkbookRefused", "check_workbook_file", "looks_like_formula", "replace_atomically"]
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
ZIP_MAGIC = b"PK\x03\x04"


class WorkbookRefused(ValidationError):
    """The workbook cannot be imported; nothing was changed."""


def check_workbook_file(path: Path) -> None:
    """Refuse files we must not hand to a workbook parser, with the reason why."""
    name = path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except FileNotFoundError:
        raise WorkbookRefused(f"“{name}” does not exist.") from None
    except IsADirectoryError:
        raise WorkbookRefused(f"“{name}” is a folder, not a workbook.") from None
    except OSError as exc:
        raise WorkbookRefused(f"“{name}” could not be read: {exc.strerror or exc}.") from None
    if size == 0:
        raise WorkbookRefused(f"“{name}” is empty.")
    if size > MAX_FILE_BYTES:
        raise WorkbookRefused(
            f"“{name}” is {size / 1e6:,.0f} MB, too large to be a TrustDesk budget workbook; nothing was imported."
        )
    if head == OLE_MAGIC:
        raise WorkbookRefused(
            f"“{name}” is password-protected (encrypted) or an old-style .xls file. "
            "Save it without a password as an Excel workbook (.xlsx) and import that."
        )
    if not head.startswith(ZIP_MAGIC):
        raise WorkbookRefused(f"“{name}” is not an Excel workbook (.xlsx).")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise WorkbookRefused(
            f"“{name}” is damaged or incomplete (perhaps it was not fully copied or downloaded). "
            "Nothing was imported; export again or copy the file again."
        ) from None
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
        raise WorkbookRefused(f"“{name}” is not an Excel workbook (.xlsx).")
    _check_sizes(name, entries)


def _check_sizes(name: str, entries: list[zipfile.ZipInfo]) -> None:
    """Refuse, from the sizes the zip declares, anything past what a real budget workbook needs.

    Python's zip reader never unpacks more than an entry declares (and fails
    on a wrong checksum), so checking the declared sizes here is enough to
    stop a workbook that would unpack to gigabytes before anything parses it.
    """
    bomb = f"“{name}” expands to an implausible size when opened (a damaged or crafted file); nothing was imported."
    if len(entries) > MAX_ENTRIES:
        raise WorkbookRefused(
            f"“{name}” holds {len(entries):,} parts, far more than a budget workbook; nothing was imported."
        )
    total = 0
    for entry in entries:
        size = entry.file_size
        total += size
        if size >= RATIO_CHECKED_FROM_BYTES and size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1):
            raise WorkbookRefused(bomb)
        part = entry.filename.lower()
        if part == "xl/sharedstrings.xml":
            limit, what = MAX_SHARED_STRINGS_BYTES, "its shared-strings table"
        elif part.startswith("xl/worksheets/"):
            limit, what = MAX_SHEET_BYTES, f"its sheet part {entry.filename[:40]}"
        else:
            limit, what = MAX_OTHER_PART_BYTES, f"its part {entry.filename[:40]}"
        if size > limit:
            raise WorkbookRefused(
                f"In “{name}”, {what} unpacks to {size / 1e6:,.0f} MB, more than a budget workbook of "
                f"{MAX_IMPORT_ROWS:,} rows needs ({limit / 1e6:,.0f} MB); nothing was imported. "
                "Export one academic period or organisation at a time."
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookRefused(
            f"“{name}” holds {total / 1e6:,.0f} MB of sheet data, too much to be a TrustDesk budget workbook; "
            "nothing was imported."
        )
