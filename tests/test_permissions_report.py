"""The permissions report (A1) and its Excel export: the query's rows, written safely (X1), for its holders only."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from db.errors import PermissionDenied
from db.excel.permissions_report import HEADER_ROW, HEADERS, export_permissions_report, uk_time
from db.models import REPORT_MODULES, Level, Module
from db.queries.user_admin import ReportFilter, permissions_report
from db.services.grants import GrantSpec, give_grant
from db.services.users import UserDetails, add_user
from tests.helpers import user_id
from tests.test_excel_formula_guard import assert_xlsx_is_safe


def _sheet_rows(path):
    book = load_workbook(path)
    try:
        sheet = book.worksheets[0]
        return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def test_the_export_writes_the_querys_rows_under_a_title_and_a_header(demo_db, tmp_path) -> None:
    alex = user_id(demo_db, "alex.morgan")
    path = tmp_path / "permissions.xlsx"
    written = export_permissions_report(demo_db, alex, path, today=date(2026, 11, 30))
    rows = permissions_report(demo_db, alex)
    assert written == len(rows) > 5
    _sheet, values = _sheet_rows(path)
    assert values[0][0].startswith("Permissions report — ") and values[0][0].endswith(" — 30/11/2026")
    assert tuple(values[HEADER_ROW]) == HEADERS
    body = values[HEADER_ROW + 1 :]
    assert [(r[0], r[1], r[2], r[3], r[4], r[6]) for r in body] == [
        (g.user, g.username, g.module_label, g.level_label, g.where, g.title or None) for g in rows
    ]
    assert all(abs((r[-1] - uk_time(g.granted_at)).total_seconds()) < 0.01 for r, g in zip(body, rows, strict=True))
    book = load_workbook(path)
    assert book.worksheets[0].cell(HEADER_ROW + 2, len(HEADERS)).number_format == "dd/mm/yyyy hh:mm"  # UK dates
    book.close()


def test_filters_choose_report_permissions_one_module_or_one_user(demo_db, tmp_path) -> None:
    alex = user_id(demo_db, "alex.morgan")
    everything = permissions_report(demo_db, alex)
    reports = permissions_report(demo_db, alex, ReportFilter(reports_only=True))
    assert reports and all(g.module in REPORT_MODULES for g in reports)
    assert len(reports) == sum(g.is_report for g in everything)
    cpd = permissions_report(demo_db, alex, ReportFilter(module=Module.PARTNERSHIP_CPD))  # "CPD Team Access"
    assert cpd and {g.module_label for g in cpd} == {"CPD"}
    sam = user_id(demo_db, "sam.patel")
    assert {g.username for g in permissions_report(demo_db, alex, ReportFilter(user_id=sam))} == {"sam.patel"}
    path = tmp_path / "cpd.xlsx"
    assert export_permissions_report(demo_db, alex, path, ReportFilter(module=Module.PARTNERSHIP_CPD)) == len(cpd)


def test_a_name_starting_with_equals_is_written_as_text(demo_db, tmp_path) -> None:
    alex = user_id(demo_db, "alex.morgan")
    hostile = '=HYPERLINK("http://example.invalid","Click")'
    new = add_user(demo_db, alex, UserDetails("eve.hostile", hostile, None, None))
    give_grant(demo_db, alex, new, GrantSpec(Module.DASHBOARD, Level.VIEW, title="+Team"))
    path = tmp_path / "permissions.xlsx"
    export_permissions_report(demo_db, alex, path)
    seen = assert_xlsx_is_safe(path)  # no formula anywhere; risky text quote-prefixed string cells
    assert hostile in seen and "+Team" in seen


def test_refused_without_the_report_permission_and_no_file(demo_db, tmp_path) -> None:
    sam = user_id(demo_db, "sam.patel")
    path = tmp_path / "permissions.xlsx"
    with pytest.raises(PermissionDenied, match="permissions report"):
        export_permissions_report(demo_db, sam, path)
    assert not path.exists() and not list(tmp_path.glob(".*partial*"))
    with pytest.raises(PermissionDenied):
        permissions_report(demo_db, sam)
