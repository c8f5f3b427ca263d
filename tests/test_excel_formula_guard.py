"""X1 over every sheet of every export: hostile text never becomes a formula.

The data is filled with strings a spreadsheet could run (each formula
character, leading tab and CR, HYPERLINK, DDE, a space before ``=``, the
fullwidth ``＝``) in every text field an export writes: names of people and
users, organisation names (as from GIAS), titles, types, providers, training
events, academic periods, rejection reasons, and the filter recorded on the
Notes sheet.  Each produced workbook is then read twice — with openpyxl, and as
raw sheet XML — and each CSV as text.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import case, literal, select, update

from db.audit_export import export_audit
from db.excel.export import export_workbook
from db.excel.view_export import VIEW_COLUMNS, export_view
from db.excel.writer import csv_text, needs_quote
from db.models import (
    AcademicPeriod,
    AppUser,
    CpdActivity,
    Organisation,
    PartnershipState,
    Person,
    TrainingEvent,
)
from db.queries.activities import ActivityFilter
from db.queries.audit import AuditFilter
from db.services.signoff import sign_off
from tests.helpers import pending_elsewhere, user_id
from tests.test_signoff import decidable_orgs

HOSTILE = (
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","Click")',
    "+1+1 Academy",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "＝1+1",
)
#: written independently of db.excel.writer: what the test holds to be risky
RISKY = re.compile(r"^[ \u3000\xa0]*[=+\-@＝＋－＠]|^[\t\r]")
#: a control character as stored in the sheet XML; Excel reads it back as the character, openpyxl does not
ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def as_excel_reads(value: str) -> str:
    return ESCAPED.sub(lambda found: chr(int(found[1], 16)), value)


def hostile(index: object) -> object:
    """SQL: the hostile string for ``index`` (cycled)."""
    return case(*((index % len(HOSTILE) == i, literal(text)) for i, text in enumerate(HOSTILE)))


@pytest.fixture
def poisoned(demo_db):
    """Every text field an export writes starts with a hostile string."""
    with demo_db.transaction() as session:
        a = CpdActivity
        session.execute(
            update(a).values(
                title=hostile(a.id) + " " + a.title,
                activity_type=hostile(a.id + 1),
                provider=hostile(a.id + 2) + " Ltd",
            )
        )
        session.execute(update(Person).values(first_name=hostile(Person.id), last_name="Person"))
        session.execute(update(Organisation).values(name=hostile(Organisation.id) + " " + Organisation.name))
        session.execute(update(TrainingEvent).values(title=hostile(TrainingEvent.id + 3) + " event"))
        session.execute(update(AppUser).values(display_name=hostile(AppUser.id + 4) + " User"))
        session.execute(update(AcademicPeriod).values(label="-" + AcademicPeriod.label))
        org = session.scalar(select(Organisation.id).where(Organisation.name.like("+1+1%")).limit(1))
    sam = user_id(demo_db, "sam.patel")
    for number, reason in enumerate(HOSTILE):
        ticked = pending_elsewhere(demo_db, "sam.patel", decidable_orgs(demo_db, "sam.patel"), limit=1)
        decision = PartnershipState.REJECTED if number % 2 else PartnershipState.AUTHORISED
        assert sign_off(demo_db, sam, ticked, decision, reason).applied
    return org


def assert_xlsx_is_safe(path: Path) -> set[str]:
    """No formula anywhere; every risky text is a quote-prefixed string.  Returns the risky texts seen."""
    seen: set[str] = set()
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, f"a formula in {name}"
                assert 't="str"' not in xml  # the type XlsxWriter gives a formula's cached result
    book = load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                value = as_excel_reads(cell.value) if isinstance(cell.value, str) else None
                if value is not None and RISKY.match(value):
                    assert cell.data_type == "s", f"{sheet.title}!{cell.coordinate}"
                    assert cell.quotePrefix, f"{sheet.title}!{cell.coordinate} {value!r} lacks the quote prefix"
                    seen.add(value)
    return seen


def starts(seen: set[str]) -> set[str]:
    """Which of HOSTILE begin the texts seen."""
    return {text for text in HOSTILE if any(value.startswith(text) for value in seen)}


def test_the_guard_itself() -> None:
    for text in HOSTILE:
        assert needs_quote(text) and csv_text(text) == "'" + text
    for text in ("Phonics", "", "Year 1-2", "email@school", "£40", " leading space", "1+1"):
        assert not needs_quote(text) and csv_text(text) == text


def test_budget_workbook_every_sheet(demo_db, poisoned, tmp_path) -> None:
    sam = user_id(demo_db, "sam.patel")
    path = export_workbook(demo_db, sam, ActivityFilter(organisation_id=poisoned), tmp_path / "b.xlsx").path
    seen = assert_xlsx_is_safe(path)
    assert starts(seen) == set(HOSTILE)
    book = load_workbook(path)
    budget = [cell.value for cell in book["Budget"]["B"] if isinstance(cell.value, str)]
    assert any(value.startswith("+1+1") for value in budget)  # GIAS names on the Budget sheet
    notes = {row[0].value: row[1].value for row in book["Notes"].iter_rows(min_row=3) if row[0].value}
    assert notes["Filter — Organisation"].startswith("+1+1")
    assert RISKY.match(as_excel_reads(notes["Exported by"]))  # the user's display name
    assert any(value.startswith("-20") for value in seen)  # academic periods, on the Activities and Budget sheets


def test_audit_log_export(demo_db, poisoned, tmp_path) -> None:
    alex = user_id(demo_db, "alex.morgan")
    path = tmp_path / "audit.xlsx"
    assert export_audit(demo_db, alex, AuditFilter(action="partnership_rejected"), path) >= 4
    assert export_audit(demo_db, alex, AuditFilter(), path) >= len(HOSTILE)
    seen = assert_xlsx_is_safe(path)
    assert {text.strip() for text in HOSTILE} <= seen  # every reason, as stored (the service trims it)
    assert any(value.endswith(" User") for value in seen)  # display names


def test_view_export_xlsx_every_column(demo_db, poisoned, tmp_path) -> None:
    sam = user_id(demo_db, "sam.patel")
    filt = ActivityFilter(organisation_id=poisoned, sort="title", descending=False)
    result = export_view(demo_db, sam, filt, list(VIEW_COLUMNS), tmp_path / "view.xlsx")
    assert result.rows > 0
    seen = assert_xlsx_is_safe(result.path)
    assert starts(seen) == set(HOSTILE)
    book = load_workbook(result.path)
    assert book.sheetnames == ["Activities", "Notes"]
    notes = {row[0].value: row[1].value for row in book["Notes"].iter_rows(min_row=3) if row[0].value}
    assert notes["Filter — Organisation"].startswith("+1+1")


def test_view_export_csv_every_column(demo_db, poisoned, tmp_path) -> None:
    sam = user_id(demo_db, "sam.patel")
    filt = ActivityFilter(organisation_id=poisoned)
    result = export_view(demo_db, sam, filt, list(VIEW_COLUMNS), tmp_path / "view.csv")
    data = result.path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: Excel reads it as UTF-8
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == [column.header for column in VIEW_COLUMNS.values()]
    assert len(rows) == result.rows + 1
    fields = [field for row in rows[1:] for field in row]
    assert not [field for field in fields if RISKY.match(field)], "a field a spreadsheet would run"
    guarded = {field[1:] for field in fields if field.startswith("'")}
    assert starts(guarded) == set(HOSTILE)
    assert all(needs_quote(value) for value in guarded)
    assert '"\t=1+1' in text or "'\t=1+1" in text  # RFC 4180: fields quoted only when they must be
    assert "\"'\r=1+1" in text  # a field with a CR in it is quoted
