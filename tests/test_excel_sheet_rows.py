"""RowStream writes the same worksheet XML as XlsxWriter's own per-cell path (db/excel/sheet_rows.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from db.excel.sheet_rows import RowStream, number_cell, text_cell

NASTY = [
    "Plain text",
    "Fish & chips <lunch>",
    "  leading and trailing  ",
    "ends in a newline\n",
    "tab\tinside",
    "bell\x07 and escape\x1b",
    "carriage\rreturn",
    "looks escaped _x0041_ already",
    "non-character \ufffe here",
    "Zoë Ørsted — 😀 and 中文",
    "=SUM(A1:A2)",
    "",
    "x" * 40_000,  # past Excel's cell limit: truncated the same way
    "😀" * 20_000,  # past it in UTF-16 units only
]
NUMBERS = [0, 1, -7, 46_000, 12.5, 0.1 + 0.2, 1 / 3, 1234567.891, 1e20, 3.14159265358979]


def _book(path: Path):  # type: ignore[no-untyped-def]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Data")
    money = book.add_format({"num_format": "£#,##0.00"})
    column_format = book.add_format({"bg_color": "#FFF8DC"})
    bold = book.add_format({"bold": True})
    for fmt in (money, column_format, bold):
        fmt._get_xf_index()  # the same style numbers whichever path uses them first
    sheet.set_column(1, 1, 20, column_format)
    sheet.write_string(0, 0, "Text", bold)
    sheet.write_string(0, 1, "Column-formatted", bold)
    sheet.write_string(0, 2, "Number", bold)
    sheet.set_row(0, 30)
    return book, sheet, money


def _rows() -> list[tuple[str, str, float]]:
    return [(NASTY[i % len(NASTY)], NASTY[(i * 7) % len(NASTY)], NUMBERS[i % len(NUMBERS)]) for i in range(60)]


def _sheet_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def _write_reference(path: Path) -> None:
    book, sheet, money = _book(path)
    for r, (a, b, number) in enumerate(_rows(), start=1):
        if a:
            sheet.write_string(r, 0, a)
        if b:
            sheet.write_string(r, 1, b)
        sheet.write_number(r, 2, number, money)
    sheet.autofilter(0, 0, len(_rows()), 2)
    book.close()


def _write_streamed(path: Path) -> None:
    book, sheet, money = _book(path)
    stream = RowStream(sheet, 1)
    at_a, at_b, at_n = stream.prefix(0), stream.prefix(1), stream.prefix(2, money)
    for r, (a, b, number) in enumerate(_rows(), start=1):
        n = str(r + 1)
        stream.write_row(r, text_cell(at_a, n, a) + text_cell(at_b, n, b) + number_cell(at_n, n, number))
    stream.close()
    sheet.autofilter(0, 0, len(_rows()), 2)
    book.close()


def test_streamed_rows_are_byte_for_byte_what_xlsxwriter_writes(tmp_path) -> None:
    _write_reference(tmp_path / "reference.xlsx")
    _write_streamed(tmp_path / "streamed.xlsx")
    assert _sheet_xml(tmp_path / "streamed.xlsx") == _sheet_xml(tmp_path / "reference.xlsx")


def test_streamed_rows_read_back_as_written(tmp_path) -> None:
    path = tmp_path / "streamed.xlsx"
    _write_streamed(path)
    read = list(openpyxl.load_workbook(path, read_only=True)["Data"].iter_rows(min_row=2, values_only=True))
    assert len(read) == len(_rows())
    by_text = {a: got for (a, _b, _n), got in zip(_rows(), read, strict=True)}
    assert by_text["Fish & chips <lunch>"][0] == "Fish & chips <lunch>"
    assert by_text["  leading and trailing  "][0] == "  leading and trailing  "
    assert by_text["Zoë Ørsted — 😀 and 中文"][0] == "Zoë Ørsted — 😀 and 中文"
    assert by_text["=SUM(A1:A2)"][0] == "=SUM(A1:A2)"
    assert by_text[""][0] is None
    assert by_text["x" * 40_000][0] == "x" * 32_767
    assert [row[2] for row in read] == pytest.approx([n for _a, _b, n in _rows()])


def test_text_that_looks_like_rich_text_stays_text(tmp_path) -> None:
    """XlsxWriter would copy this into the file unescaped, as rich text; we write the characters."""
    path = tmp_path / "rich.xlsx"
    book, sheet, _money = _book(path)
    stream = RowStream(sheet, 1)
    stream.write_row(1, text_cell(stream.prefix(0), "2", "<r>bold?</r>"))
    stream.close()
    book.close()
    assert openpyxl.load_workbook(path)["Data"]["A2"].value == "<r>bold?</r>"


def test_rows_out_of_order_are_refused(tmp_path) -> None:
    book, sheet, _money = _book(tmp_path / "order.xlsx")
    stream = RowStream(sheet, 1)
    stream.write_row(3, "")
    with pytest.raises(ValueError, match="comes before"):
        stream.write_row(2, "")
    book.close()


def test_a_worksheet_that_keeps_every_cell_in_memory_is_refused(tmp_path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "plain.xlsx"))
    with pytest.raises(ValueError, match="constant-memory"):
        RowStream(book.add_worksheet(), 1)
    book.close()
