"""The import's column reader agrees with openpyxl on what spreadsheet programs write."""

from __future__ import annotations

import io

import pytest

import db.excel.workbook_reader as reader
from db.excel.fast_cells import column_index, iter_rows
from db.excel.import_decisions import Outcome, import_decisions
from tests.excel_helpers import decidable, record_decisions
from tests.helpers import user_id

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def test_shared_inline_rich_numeric_and_boolean_cells() -> None:
    xml = f"""<worksheet xmlns="{NS}"><sheetData>
      <row r="1"><c r="A1" t="s"><v>0</v></c></row>
      <row r="2"><c r="A2" t="s"><v>1</v></c>
        <c r="B2" t="inlineStr"><is><r><t>Over </t></r><r><t>budget</t></r></is></c>
        <c r="C2"><v>42</v></c><c r="D2"><v>1.5</v></c><c r="E2" t="b"><v>1</v></c><c r="AA2"><v>7</v></c></row>
      <row r="3"/>
      <row><c t="str"><v>=not a formula</v></c><c t="inlineStr"><is><t>x</t></is></c></row>
    </sheetData></worksheet>"""
    rows = list(iter_rows(io.BytesIO(xml.encode()), ["Decision", "Authorise"], {0, 1, 2, 3, 4, 26}))
    assert rows == [
        (2, {0: "Authorise", 1: "Over budget", 2: 42, 3: 1.5, 4: True, 26: 7}),
        (4, {0: "=not a formula", 1: "x"}),
    ]
    assert [column_index(ref) for ref in ("A1", "Z9", "AA2", "W10")] == [0, 25, 26, 22]


@pytest.mark.parametrize("fast", [True, False])
def test_the_import_reads_the_same_with_or_without_the_fast_reader(demo_db, tmp_path, monkeypatch, fast) -> None:
    from db.excel.export import export_workbook
    from db.models import PartnershipState
    from db.queries.activities import ActivityFilter

    if not fast:
        monkeypatch.setattr(reader, "cells_source", lambda _sheet: None)
    sam = user_id(demo_db, "sam.patel")
    filt = ActivityFilter(partnership_state=PartnershipState.PENDING, search="phonics")
    path = export_workbook(demo_db, sam, filt, tmp_path / "r.xlsx").path
    ids = decidable(demo_db, "sam.patel", path, 3)
    record_decisions(path, {ids[0]: ("Authorise", ""), ids[1]: ("Reject", "Clashes with mocks"), ids[2]: ("Nope", "")})
    result = import_decisions(demo_db, sam, path, dry_run=True)
    assert sorted(r.activity_id for r in result.of(Outcome.APPLIED)) == sorted(ids[:2])
    assert [r.typed for r in result.of(Outcome.INVALID)] == ["Nope"]
