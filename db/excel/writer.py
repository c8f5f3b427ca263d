"""The one place every TrustDesk export writes text through (DESIGN X1).

Text that people or files supplied (names, titles, reasons, organisation names
from GIAS, filter words) can start with a character a spreadsheet reads as the
start of a formula.  Every workbook and CSV TrustDesk writes goes through this
module, so there is one guard to get right:

* xlsx: text is always a string cell (never ``write()``, never a formula, the
  workbook opened with ``strings_to_formulas`` off), and text that
  ``needs_quote`` also gets Excel's quote-prefix style, so that editing the cell
  later (F2, Enter) keeps it text.
* CSV (which has no cell types): text that ``needs_quote`` is written with a
  leading ``'``, as OWASP advises for "CSV injection"; fields are quoted as
  RFC 4180 says; the file is UTF-8 with a byte-order mark so Excel on Windows
  reads it as UTF-8.

What counts as risky (decided, and tested in tests/test_excel_formula_guard.py):
``=``, ``+``, ``-``, ``@``, tab and carriage return at the start (X1); the
same after leading white space (Excel ignores the space when the cell is
re-entered, LibreOffice may when importing CSV); and the fullwidth forms
``＝ ＋ － ＠``, which Excel with an East Asian input method turns into a
formula when a cell is re-entered.  A quote prefix on such text is invisible,
so erring on the safe side costs nothing in a workbook and one ``'`` in a CSV.

Files appear only when complete: written under a temporary name beside the
target and renamed (``replace_atomically``), so a failure or a cancel leaves no
half-written file and any earlier file untouched.
"""

from __future__ import annotations

import contextlib
import csv
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO, TypeAlias

from db.errors import ValidationError

#: an XlsxWriter workbook, worksheet or format: XlsxWriter ships no type information
XlsxObject: TypeAlias = Any

#: what spreadsheet programs may treat as the start of a formula (OWASP "CSV injection"), X1
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_TRIGGERS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: a cheap first test (is the first character one of these?); only text passing it is looked at closely
RISKY_FIRST = frozenset((*FORMULA_PREFIXES, "\uff1d", "\uff0b", "\uff0d", "\uff20", " ", "\n", "\xa0", "\u3000"))
#: options every XlsxWriter workbook is opened with: strings stay strings
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "remove_timezone": True,
}


def needs_quote(text: str) -> bool:
    """Would a spreadsheet read this text as (the start of) a formula?"""
    if not text or text[0] not in RISKY_FIRST:
        return False
    if text.startswith(FORMULA_PREFIXES) or text.startswith(_TRIGGERS):
        return True
    return text.lstrip(" \n\xa0\u3000").startswith((*_TRIGGERS, "\t", "\r"))


def looks_like_formula(text: str) -> bool:
    """The import's name for the same test (a value a spreadsheet could run)."""
    return needs_quote(text)


# -- xlsx (XlsxWriter) ---------------------------------------------------------------


def open_workbook(temporary: Path) -> Any:
    """An XlsxWriter workbook in constant-memory mode that never turns strings into formulas or links."""
    import xlsxwriter

    return xlsxwriter.Workbook(str(temporary), dict(WORKBOOK_OPTIONS))


class TextStyle:
    """A cell format and its quote-prefixed twin: text is written with whichever it needs."""

    __slots__ = ("plain", "quoted")

    def __init__(self, book: Any, properties: dict[str, Any] | None = None) -> None:
        properties = dict(properties or {})
        self.plain = book.add_format(properties)
        self.quoted = book.add_format({**properties, "quote_prefix": True})

    def write(self, sheet: Any, row: int, column: int, text: str) -> None:
        """Write ``text`` as a string cell, quote-prefixed when it needs it; empty text: a blank, styled cell."""
        if text:
            sheet.write_string(row, column, text, self.quoted if needs_quote(text) else self.plain)
        else:
            sheet.write_blank(row, column, None, self.plain)


def finish(book: Any, temporary: Path, path: Path) -> None:
    """Close the workbook (its file is written now) and put it in place."""
    import xlsxwriter.exceptions

    try:
        book.close()
    except xlsxwriter.exceptions.FileCreateError as exc:
        raise ValidationError(f"TrustDesk cannot write in {path.parent}: {exc}. Choose another folder.") from None
    replace_atomically(temporary, path)


def discard(book: Any, temporary: Path) -> None:
    """After a failure or a cancel: release XlsxWriter's temporary files and remove ours."""
    if not getattr(book, "fileclosed", False):
        with contextlib.suppress(Exception):
            book.close()
    temporary.unlink(missing_ok=True)


# -- files ---------------------------------------------------------------------------


def temporary_beside(path: Path) -> Path:
    """A hidden name in the target's folder (same disk, so the rename is atomic)."""
    return path.with_name(f".{path.stem}.partial-{os.getpid()}{path.suffix}")


def check_target(path: Path, suffixes: tuple[str, ...]) -> None:
    """Refuse, in one sentence, a name we would not write."""
    if path.suffix.lower() not in suffixes:
        wanted = " or ".join(suffixes)
        raise ValidationError(f"Save the file with the {wanted} extension (not “{path.name}”).")
    if not path.parent.is_dir():
        raise ValidationError(f"The folder {path.parent} does not exist.")


def replace_atomically(temporary: Path, final: Path) -> None:
    """Put a finished file in place in one step: readers see the old file or the new one."""
    try:
        os.replace(temporary, final)
    except PermissionError:
        temporary.unlink(missing_ok=True)
        raise ValidationError(
            f"“{final.name}” is open in another program (Excel?) or read-only. Close it and export again; "
            "the existing file was left as it was."
        ) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# -- CSV -----------------------------------------------------------------------------


def csv_text(text: str) -> str:
    """Text for a CSV field: a leading ``'`` when a spreadsheet would otherwise run it."""
    return "'" + text if needs_quote(text) else text


class CsvWriter:
    """RFC 4180 rows (CRLF, fields quoted when they hold a comma, quote or line break) of guarded text.

    Numbers are written as numbers; every ``str`` goes through ``csv_text``.
    """

    def __init__(self, handle: TextIO) -> None:
        self._writer = csv.writer(handle, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)

    def row(self, values: list[object] | tuple[object, ...]) -> None:
        self._writer.writerow([csv_text(v) if isinstance(v, str) else ("" if v is None else v) for v in values])


@contextlib.contextmanager
def csv_file(path: Path) -> Iterator[CsvWriter]:
    """A CSV file (UTF-8 with BOM) that appears under ``path`` only if the block completes."""
    temporary = temporary_beside(path)
    try:
        with temporary.open("w", encoding="utf-8-sig", newline="") as handle:
            yield CsvWriter(handle)
    except PermissionError:
        temporary.unlink(missing_ok=True)
        raise ValidationError(f"TrustDesk cannot write in {path.parent}. Choose another folder.") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    replace_atomically(temporary, path)
