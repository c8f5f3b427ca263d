"""Reading staff files before anything is planned (X2): headers as exports spell them, dates in the
three forms files use, and every file refused whole in one sentence when it is not what it claims."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from db.staff_import.fields import MappingError, check_mapping, recognise
from db.staff_import.reader import MAX_STAFF_ROWS, StaffFileError, read_staff_file, sheet_names
from db.staff_import.records import make_record, parse_date
from tests.staff_import_helpers import HR, MIS, XLSX


def test_headers_are_recognised_whatever_their_case_and_spacing() -> None:
    found = recognise(["  legal SURNAME", "Preferred Forename", "Legal Forename", "WORK E-MAIL ADDRESS", "Payroll No",
                       "school urn", "Job Title", "DfE Teacher Number", "Pay Grade", "NI Number"])  # fmt: skip
    assert found == {
        "first_name": "Legal Forename",  # the legal name wins over the preferred one
        "last_name": "  legal SURNAME",
        "email": "WORK E-MAIL ADDRESS",
        "staff_code": "Payroll No",
        "urn": "school urn",
        "role": "Job Title",
        "trn": "DfE Teacher Number",
        "pay_scale": "Pay Grade",
    }


def test_the_three_fixture_layouts_are_read_and_recognised() -> None:
    mis, hr, book = read_staff_file(MIS), read_staff_file(HR), read_staff_file(XLSX)
    assert (mis.read_as, hr.read_as, book.read_as) == ("UTF-8 with BOM", "Windows-1252 (ISO-8859-1)", "sheet “Staff”")
    assert recognise(hr.headers)["school_name"] == "Establishment"
    assert recognise(hr.headers)["line_manager"] == "Reports To"
    assert recognise(book.headers)["urn"] == "Establishment URN"
    assert any("O’Connor" in values for _row, values in hr.rows)
    assert sheet_names(XLSX) == ("Staff", "Notes")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("03/09/2019", date(2019, 9, 3)),
        ("3/9/2019", date(2019, 9, 3)),
        ("03-09-2019", date(2019, 9, 3)),
        ("2019-09-03", date(2019, 9, 3)),
        ("2019-09-03 00:00:00", date(2019, 9, 3)),
        ("43711", date(2019, 9, 3)),
        (43711, date(2019, 9, 3)),
        (43711.0, date(2019, 9, 3)),
        (datetime(2019, 9, 3), date(2019, 9, 3)),
        ("03-Sep-2019", date(2019, 9, 3)),
        ("3 September 2019", date(2019, 9, 3)),
        ("", None),
    ],
)
def test_dates_are_read_as_dd_mm_yyyy_iso_or_excel_serials(value: object, expected: date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["09/31/2019", "2019/09/03", "3rd September", "1.5", 43711.5, "12/12/1812", True])
def test_a_date_that_is_not_certain_is_refused(value: object) -> None:
    with pytest.raises(ValueError):
        parse_date(value)


def test_a_report_title_above_the_column_names_is_left_out_and_said(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text(
        "Staff list,,,,\nRun on 30/11/2026 by the data manager,,,,\n\n"
        "Employee Ref,Known As,Surname,Post Name,Termination Date\nE1,Ann,Lee,Teacher,31-Aug-2026\n",
        encoding="utf-8",
    )
    table = read_staff_file(path)
    assert table.headers == ("Employee Ref", "Known As", "Surname", "Post Name", "Termination Date")
    assert table.rows == ((5, ("E1", "Ann", "Lee", "Teacher", "31-Aug-2026")),)
    assert table.read_as == "ASCII, column names on row 4"
    assert set(recognise(table.headers)) == {"staff_code", "first_name", "last_name", "role", "ended_on"}


def test_a_bad_value_in_a_workbook_row_is_refused_with_its_row_number() -> None:
    record = make_record(7, ("X1", "Ann\x07", "=1+1"), {"staff_code": 0, "first_name": 1, "role": 2})
    assert record.problem.startswith("row 7: ")
    assert "First name “Ann ” contains the control character U+0007" in record.problem
    assert "Role “=1+1” starts like a formula" in record.problem


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


HEADER = b"Staff Code,Forename,Surname,Role,URN,Email\n"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("s.csv", "Surname\nZoë\n".encode("utf-16"), "UTF-16"),
        ("s.csv", HEADER + b"A1,Ann,Lee,Teacher,941787,a@b.uk\x81\n", "neither UTF-8 nor Windows-1252"),
        ("s.csv", HEADER + b"A1,Ann,Lee\x07,Teacher,941787,a@b.uk\n", "control character U+0007 on line 2"),
        ("s.csv", b"", "empty"),
        ("s.csv", XLSX.read_bytes(), "is a workbook, not a CSV file"),
        ("s.xlsx", HEADER + b"A1,Ann,Lee,Teacher,941787,a@b.uk\n", "is a text (CSV) file with an .xlsx name"),
        ("s.xlsx", bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 600, "password-protected"),
        ("s.xlsx", b"PK\x03\x04 truncated", "damaged or incomplete"),
        ("s.xls", b"whatever", "old-style .xls"),
        ("s.pdf", b"%PDF-1.4", "neither a .csv nor an .xlsx"),
        ("s.csv", b"Staff Code,Staff Code\nA,B\n", "two columns called “Staff Code”"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_in_one_sentence(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    with pytest.raises(StaffFileError, match=re.escape(message)) as refused:
        read_staff_file(_write(tmp_path, name, data))
    assert "\n" not in refused.value.message and "Traceback" not in refused.value.message


def test_a_file_of_a_million_rows_is_refused_before_any_row_is_planned(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.write(HEADER)
        handle.write(b"1,A,B,T,9,\n" * 1_000_000)
    with pytest.raises(StaffFileError, match=f"more than {MAX_STAFF_ROWS:,} rows"):
        read_staff_file(path)


def test_missing_required_columns_and_doubled_columns_are_refused_in_one_sentence() -> None:
    headers = ("Surname", "Forename", "Email", "URN")
    with pytest.raises(MappingError, match="lacks a column for Role"):
        check_mapping(recognise(headers), headers, "“s.csv”")
    with pytest.raises(MappingError, match="DfE number only"):
        check_mapping({"first_name": "F", "last_name": "S", "role": "R", "dfe_number": "D", "email": "E"},
                      ("F", "S", "R", "D", "E"), "“s.csv”")  # fmt: skip
    with pytest.raises(MappingError, match="both Role and Pay scale in the column “Post”"):
        check_mapping({"role": "Post", "pay_scale": "Post"}, ("Post",), "“s.csv”")
