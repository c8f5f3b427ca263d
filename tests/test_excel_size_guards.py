"""Workbooks past what a real budget workbook needs are refused before anything parses them.

The limits (``layout``) were set from the largest workbook the export writes;
these tests build workbooks past each one from a genuine export, and check
that the largest accepted shared-strings table is read in bounded memory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

import db.excel.safety as safety
from db.excel.export import export_workbook
from db.excel.import_decisions import import_decisions
from db.excel.layout import MAX_SHARED_STRINGS_BYTES
from db.excel.safety import WorkbookRefused
from db.models import DecisionBatch, PartnershipState
from db.queries.activities import ActivityFilter
from tests.excel_helpers import record_decisions, versions_in
from tests.excel_tamper import shared_strings, with_parts
from tests.helpers import user_id

# Reading a file is the same on every engine: these build large files, so they run once, on SQLite.
pytestmark = pytest.mark.engines("sqlite")

SMALL = ActivityFilter(partnership_state=PartnershipState.PENDING, search="phonics")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def decided(demo_db, tmp_path):
    """A genuine export with every row marked Authorise: importing it would change data."""
    sam = user_id(demo_db, "sam.patel")
    path = export_workbook(demo_db, sam, SMALL, tmp_path / "genuine.xlsx").path
    record_decisions(path, {i: ("Authorise", "") for i in versions_in(path)})
    return sam, path


def refused(db, sam, path: Path, message: str) -> None:
    with db.read() as session:
        before = session.scalar(select(func.count()).select_from(DecisionBatch))
    with pytest.raises(WorkbookRefused, match=message):
        import_decisions(db, sam, path)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(DecisionBatch)) == before


def test_a_shared_strings_table_past_the_limit_is_refused_before_parsing(demo_db, decided, tmp_path) -> None:
    sam, path = decided
    table = shared_strings(MAX_SHARED_STRINGS_BYTES + 4 * 1024 * 1024)  # compresses about 6 to 1, like real ones
    big = with_parts(path, tmp_path / "strings.xlsx", {"xl/sharedStrings.xml": table}, strings=True)
    refused(demo_db, sam, big, "shared-strings table unpacks to 38 MB")


@pytest.mark.parametrize(
    ("part", "megabytes"),
    [("xl/sharedStrings.xml", 1024), ("xl/worksheets/sheet9.xml", 300), ("xl/media/padding.bin", 64)],
)
def test_zip_bombs_are_refused_by_their_compression_ratio(demo_db, decided, tmp_path, part, megabytes) -> None:
    sam, path = decided
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as new:
        for item in old.infolist():
            new.writestr(item, old.read(item.filename))
        with new.open(part, "w", force_zip64=True) as padding:
            chunk = b"<si><t>x</t></si>" * 65536
            for _ in range(megabytes * 1024 * 1024 // len(chunk)):
                padding.write(chunk)
    refused(demo_db, sam, bomb, "expands to an implausible size")


def test_a_large_part_that_is_not_a_sheet_is_refused(demo_db, decided, tmp_path) -> None:
    sam, path = decided
    noise = os.urandom(17 * 1024 * 1024)  # incompressible: passes the ratio check, not the size one
    big = with_parts(path, tmp_path / "media.xlsx", {"xl/media/image1.png": noise})
    refused(demo_db, sam, big, "its part xl/media/image1.png unpacks to 18 MB")


def test_an_oversized_sheet_is_refused(demo_db, decided, monkeypatch) -> None:
    sam, path = decided
    with zipfile.ZipFile(path) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    monkeypatch.setattr(safety, "MAX_SHEET_BYTES", sheet - 1)  # a genuine sheet one byte past the limit
    refused(demo_db, sam, path, "its sheet part xl/worksheets/sheet1.xml unpacks to")


def test_a_workbook_of_too_many_parts_is_refused(demo_db, decided, tmp_path) -> None:
    sam, path = decided
    many = with_parts(path, tmp_path / "many.xlsx", {f"xl/media/p{i}.bin": b"x" for i in range(600)})
    refused(demo_db, sam, many, "holds 6[0-9][0-9] parts")


def test_the_largest_accepted_shared_strings_table_reads_in_bounded_memory(demo_db, decided, tmp_path) -> None:
    """Just under the limit, in a process of its own so that its peak memory is its own."""
    _sam, path = decided
    table = shared_strings(MAX_SHARED_STRINGS_BYTES - 64 * 1024)
    big = with_parts(path, tmp_path / "strings.xlsx", {"xl/sharedStrings.xml": table}, strings=True)
    script = (
        "import json, sys\n"
        "from db.excel.workbook_reader import read_decisions\n"
        "book = read_decisions(sys.argv[1])\n"
        # VmHWM is this process's own peak; ru_maxrss keeps the parent's peak across fork and exec on Linux
        "status = open('/proc/self/status').read().split('VmHWM:')[1]\n"
        "peak = int(status.split()[0])\n"
        "print(json.dumps({'decisions': len(book.decisions), 'peak_kb': peak}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(big)], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    measured = json.loads(done.stdout)
    assert measured["decisions"] == len(versions_in(path))
    assert measured["peak_kb"] < 500 * 1024, f"peak {measured['peak_kb'] / 1024:.0f} MB"
