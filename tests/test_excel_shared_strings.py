"""The import's own shared-strings reader reads what Excel writes, and refuses what it cannot hold."""

from __future__ import annotations

import io
import zipfile

import pytest

from db.excel.export import export_workbook
from db.excel.fast_cells import read_shared_strings
from db.excel.import_decisions import import_decisions
from db.excel.safety import WorkbookRefused
from db.models import PartnershipState
from db.queries.activities import ActivityFilter
from tests.excel_helpers import record_decisions, versions_in
from tests.excel_tamper import with_parts
from tests.helpers import user_id

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.fixture
def decided(demo_db, tmp_path):
    sam = user_id(demo_db, "sam.patel")
    filt = ActivityFilter(partnership_state=PartnershipState.PENDING, search="phonics")
    path = export_workbook(demo_db, sam, filt, tmp_path / "genuine.xlsx").path
    record_decisions(path, {i: ("Authorise", "") for i in versions_in(path)})
    return sam, path


def strings_of(body: str) -> list[str]:
    xml = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{body}</sst>'
    return read_shared_strings(io.BytesIO(xml.encode()))


def test_plain_rich_and_phonetic_strings_read_as_their_text() -> None:
    assert strings_of(
        "<si><t>Authorise</t></si>"
        '<si><r><rPr><b/></rPr><t>Re</t></r><r><t xml:space="preserve">ject </t></r></si>'
        '<si><t>漢字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh></si>'
        "<si><t/></si>"
        "<si><t>Tom &amp; Jerry &#x2014; &lt;b&gt;</t></si>"
    ) == ["Authorise", "Reject ", "漢字", "", "Tom & Jerry — <b>"]


def test_a_cell_pointing_past_the_shared_strings_is_refused_in_one_sentence(demo_db, decided, tmp_path) -> None:
    sam, path = decided
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    # The first Decision cell now refers to shared string 5, in a table of one.
    first = sheet.index(b'<c r="A2"')
    end = sheet.index(b"</c>", first) + 4
    sheet = sheet[:first] + b'<c r="A2" t="s"><v>5</v></c>' + sheet[end:]
    table = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"><si><t>Authorise</t></si></sst>'.encode()
    parts = {"xl/worksheets/sheet1.xml": sheet, "xl/sharedStrings.xml": table}
    broken = with_parts(path, tmp_path / "broken.xlsx", parts, strings=True)
    with pytest.raises(WorkbookRefused, match="refers to shared string '5', which the workbook does not hold"):
        import_decisions(demo_db, sam, broken)
