"""`trustdesk import-requests`: a dry run that writes nothing, a saved mapping by name, a second run
that adds nothing, and a file that cannot be read refused in one line with exit status 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.services.request_import import save_request_mapping
from desktop.cli import main
from tests.helpers import user_id
from tests.request_helpers import user_job
from tests.request_import_helpers import counts, emails_at, row, urn_of, write_csv

pytestmark = pytest.mark.engines("sqlite")


def _run(demo_db, capsys, *words: str, acting: str = "sam.patel") -> tuple[int, str, str]:
    code = main(["import-requests", *words, "--db", demo_db.display, "--as", acting])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def school(demo_db) -> tuple[str, list[str]]:
    _job, organisation = user_job(demo_db, "chris.lee")
    urn = urn_of(demo_db, organisation)
    return urn, emails_at(demo_db, urn, 2)


def test_a_dry_run_writes_nothing_then_the_import_adds_and_a_second_adds_nothing(
    demo_db, capsys, tmp_path: Path, school
) -> None:
    urn, (a, b) = school
    path = write_csv(tmp_path / "requests.csv", [
        row(a, urn, "Phonics leadership", **{"LM approval": "agreed"}),
        row(b, urn, "Late", Date="05/12/2026", **{"End Date": "01/12/2026"}),
    ])  # fmt: skip
    before = counts(demo_db)
    code, out, err = _run(demo_db, capsys, str(path), "--dry-run")
    assert code == 0, err
    assert "add         row 2: “Phonics leadership” for" in out and "with line manager agreed" in out
    assert "invalid     row 3: The end date is before the start date" in out
    assert out.rstrip().endswith("Dry run: 1 to add, no duplicates, 1 invalid. Nothing was written.")
    assert counts(demo_db) == before

    code, out, err = _run(demo_db, capsys, str(path))
    assert code == 0, err
    assert "Imported requests.csv: 1 request added, no duplicates, 1 invalid." in out
    assert counts(demo_db)[0] == before[0] + 1

    code, out, _ = _run(demo_db, capsys, str(path))
    assert code == 0 and "none to add, 1 duplicate skipped, 1 invalid. Nothing to add." in out
    assert counts(demo_db)[0] == before[0] + 1


def test_a_saved_mapping_reads_a_file_whose_columns_are_not_recognised(demo_db, capsys, tmp_path: Path, school) -> None:
    urn, (a, _b) = school
    header = ("Who", "Where", "What", "When")
    path = write_csv(tmp_path / "odd.csv", [(a, urn, "Forest school", "12/01/2027")], header)
    code, _out, err = _run(demo_db, capsys, str(path), "--dry-run")
    assert code == 2 and err.count("\n") == 1 and "lacks the columns for Title, Start date" in err
    mapping = {"email": "Who", "urn": "Where", "title": "What", "starts_on": "When"}
    save_request_mapping(demo_db, user_id(demo_db, "sam.patel"), "Old CPD system", mapping)
    code, out, err = _run(demo_db, capsys, str(path), "--mapping", "Old CPD system")
    assert code == 0, err
    assert "1 request added" in out
    code, _out, err = _run(demo_db, capsys, str(path), "--mapping", "Nothing like it")
    assert code == 2 and "no saved request mapping called “Nothing like it”" in err


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("r.csv", "Course,Date\nZoë,01/01/2027\n".encode("utf-16"), "UTF-16"),
        ("r.csv", b"Course,Date,URN\nCaf\xe9\x81,01/01/2027,1\n", "neither UTF-8 nor Windows-1252"),
        ("r.xlsx", b"Course,Date\nA,01/01/2027\n", "is a text (CSV) file with an .xlsx name"),
        ("r.pdf", b"%PDF-1.4", "TrustDesk imports requests from those"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_in_one_line(
    demo_db, capsys, tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    before = counts(demo_db)
    code, _out, err = _run(demo_db, capsys, str(path))
    assert code == 2 and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert counts(demo_db) == before
