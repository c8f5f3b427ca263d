"""Read a few columns of a big worksheet quickly.

openpyxl's read-only mode builds a cell object for every cell of every row;
for a 10,000-row budget workbook that is three quarters of an import's time,
though the import needs six of its 23 columns.  This walks the sheet's XML
with the standard library's C parser and converts only the wanted cells.

It is used only after openpyxl has opened the package and the import has
checked the marker sheet and the header row; openpyxl supplies the sheet's
part and the shared strings.  If those internals ever move, the caller falls
back to openpyxl's own iteration (``cells_source`` returns None).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from typing import IO, Any
from xml.etree.ElementTree import iterparse

Row = dict[int, object]


def cells_source(sheet: Any) -> tuple[Callable[[], IO[bytes]], list] | None:
    """openpyxl's handles to a read-only sheet's XML part and the workbook's shared strings."""
    opener = getattr(sheet, "_get_source", None)
    strings = getattr(sheet, "_shared_strings", None)
    if opener is None or strings is None:
        return None
    return opener, strings


def read_shared_strings(source: IO[bytes]) -> list[str]:
    """The workbook's shared strings, as plain text (rich-text runs joined, phonetic hints left out).

    openpyxl builds a rich-text object per string: on a 32 MB table of short
    strings that took minutes and about 300 MB.  Here each string costs one
    ``str`` and the parsed elements are dropped as soon as they are read.
    The table's size was checked before (``safety.check_workbook_file``).
    """
    strings: list[str] = []
    parts: list[str] = []
    root = None
    phonetic = 0
    for event, element in iterparse(source, events=("start", "end")):
        local = element.tag.rpartition("}")[2]
        if event == "start":
            if root is None:
                root = element
            elif local == "rPh":
                phonetic += 1
            continue
        if local == "t":
            if not phonetic:
                parts.append(element.text or "")
        elif local == "rPh":
            phonetic -= 1
        elif local == "si":
            strings.append("".join(parts))
            parts.clear()
            root.clear()  # type: ignore[union-attr]  # set by the "start" event of the same element, never None here
    return strings


def column_index(reference: str) -> int:
    """``"C12"`` → 2 (0-based)."""
    index = 0
    for char in reference:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        else:
            break
    return index - 1


def iter_rows(
    source: IO[bytes], strings: list, wanted: Collection[int], first_row: int = 2
) -> Iterator[tuple[int, Row]]:
    """(row number, {column: value}) for rows from ``first_row`` on; blank rows are skipped.

    Each row is dropped from the tree once read, so memory stays flat however long the sheet.
    """
    wanted = frozenset(wanted)
    ns = ""
    sheet_data = None
    row_number = 0
    for event, element in iterparse(source, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if not ns and tag.startswith("{"):
                ns = tag[: tag.index("}") + 1]
            if sheet_data is None and tag == ns + "sheetData":
                sheet_data = element
            continue
        if tag != ns + "row":
            continue
        declared = element.get("r")
        row_number = int(declared) if declared else row_number + 1
        if row_number >= first_row:
            values: Row = {}
            position = -1
            for cell in element:
                if cell.tag != ns + "c":
                    continue
                reference = cell.get("r")
                position = column_index(reference) if reference else position + 1
                if position in wanted:
                    value = _value(cell, ns, strings)
                    if value is not None and value != "":
                        values[position] = value
            if values:
                yield row_number, values
        if sheet_data is not None:
            sheet_data.clear()


def _value(cell: Any, ns: str, strings: list) -> object:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(node.text or "" for node in cell.iter(ns + "t"))
    raw = cell.findtext(ns + "v")
    if raw is None:
        return None
    if kind == "s":
        index = int(raw) if raw.isascii() and raw.isdigit() else -1
        if not 0 <= index < len(strings):
            raise ValueError(f"a cell refers to shared string {raw[:12]!r}, which the workbook does not hold")
        return str(strings[index])
    if kind in ("str", "e"):
        return raw
    if kind == "b":
        return raw == "1"
    try:
        number = float(raw)
    except ValueError:
        return raw
    return int(number) if number.is_integer() and "." not in raw and "E" not in raw.upper() else number
