"""Whole rows of cells written straight into an XlsxWriter constant-memory worksheet.

Why: XlsxWriter's per-cell path (``write_string``/``write_number``) stores each
cell in a dict, then re-reads it when the row changes and builds its XML
through attribute lists and three regular expressions: two thirds of a
200,000-row export (4.3 million cells; profiled, 13 s of writing per 50,000
rows, 2.6 s this way).  Our rows have a fixed shape, so the text around each
cell can be worked out once per column and a row becomes one string.

What stays XlsxWriter's: every other part of the workbook, the header row,
the formats and their style indices, column and row settings, and the file
the rows go to (in constant-memory mode, its temporary row file).  The XML is
the same as XlsxWriter's own for the same calls; ``tests/test_excel_sheet_rows.py``
compares the two byte for byte, so an XlsxWriter upgrade that changes the
format is caught.  One deliberate difference: XlsxWriter writes a string that
looks like ``<r>…</r>`` into the file unescaped, as rich text; here it is
escaped like any other text, so a title typed that way cannot break the
workbook.
"""

from __future__ import annotations

import re
from typing import Any

from xlsxwriter.utility import _preserve_whitespace, _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.xmlwriter import XMLwriter

#: anything XlsxWriter would change in a string: XML specials, control characters, its own
#: ``_xHHHH_`` escapes, the two non-characters, and leading or trailing white space
_NEEDS_CARE = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
_MAX_CHARS = 32767  # Excel's limit on a cell, in UTF-16 units


def _careful_text(value: str) -> tuple[str, str]:
    """The escaped text and the ``<t>`` attribute, exactly as XlsxWriter's constant-memory path makes them."""
    if len(value) > _MAX_CHARS // 2 and _utf16_len(value) > _MAX_CHARS:
        value = _utf16_truncate(value, _MAX_CHARS)
    value = XMLwriter._escape_control_characters(value)
    preserve = ' xml:space="preserve"' if _preserve_whitespace(value) else ""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), preserve


class RowStream:
    """Appends ``<row>`` elements to a constant-memory worksheet, after whatever it already holds.

    Build each cell with ``text_cell``/``number_cell`` from the column's
    ``prefix`` (made once), join a row's cells and ``write_row`` it; rows
    must come in order, below everything written through XlsxWriter before.
    ``close`` gives the worksheet its new extent; write nothing more to those
    rows through XlsxWriter afterwards.
    """

    def __init__(self, sheet: Any, first_row: int) -> None:
        if not sheet.constant_memory:
            raise ValueError("RowStream needs a worksheet in constant-memory mode")
        sheet._write_single_row(first_row)  # XlsxWriter's pending row (the header) goes first
        self._sheet = sheet
        self._write = sheet.fh.write
        self._next = first_row
        self._last_row: int | None = None
        self._last_column = 0

    def prefix(self, column: int, cell_format: Any = None) -> tuple[str, str]:
        """The text before and after the row number in this column's cells: ``<c r="C`` and ``" s="4"``.

        The style is the cell's format, or else the column's (as XlsxWriter does).
        """
        self._last_column = max(self._last_column, column)
        fmt = cell_format
        if fmt is None and (info := self._sheet.col_info.get(column)) is not None:
            fmt = info.column_format
        style = f' s="{fmt._get_xf_index()}"' if fmt is not None else ""
        return f'<c r="{xl_col_to_name(column)}', f'"{style}'

    def write_row(self, row: int, cells: str) -> None:
        if row < self._next:
            raise ValueError(f"row {row} comes before row {self._next}, which may already be written")
        self._write(f'<row r="{row + 1}">{cells}</row>')
        self._next, self._last_row = row + 1, row

    def close(self) -> None:
        if self._last_row is None:
            return
        self._sheet._check_dimensions(self._last_row, self._last_column)
        # XlsxWriter flushes "the previous row" when it closes the file: an empty one now.
        self._sheet.previous_row = self._last_row


def text_cell(prefix: tuple[str, str], row_number: str, value: str) -> str:
    """An inline-string cell; ``row_number`` is the 1-based row as text.  Empty text: no cell."""
    if not value:
        return ""
    if len(value) <= _MAX_CHARS // 2 and _NEEDS_CARE.search(value) is None:
        return f'{prefix[0]}{row_number}{prefix[1]} t="inlineStr"><is><t>{value}</t></is></c>'
    text, preserve = _careful_text(value)
    return f'{prefix[0]}{row_number}{prefix[1]} t="inlineStr"><is><t{preserve}>{text}</t></is></c>'


def number_cell(prefix: tuple[str, str], row_number: str, value: float) -> str:
    """A number cell, printed as XlsxWriter prints it (``.16G``).  Callers keep NaN and infinities out."""
    return f"{prefix[0]}{row_number}{prefix[1]}><v>{value:.16G}</v></c>"
