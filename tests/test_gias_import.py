"""Importing a trust's establishments from GIAS: preview, apply, and refusing bad files (O2)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from db.errors import PermissionDenied, StaleData
from db.gias.plan import Action
from db.gias.reader import GiasFileError
from db.models import AuditEntry, Organisation, OrgStatus
from db.queries.gias_import import preview_gias_import
from db.services.gias_import import apply_gias_import, import_gias
from desktop.cli import main
from tests.helpers import login_acts_as, user_id

FIXTURES = Path(__file__).parent / "fixtures" / "gias"
EXTRACT = FIXTURES / "establishments.csv"
GRADES = FIXTURES / "grades.csv"
TRUST = "TR09471"


def _org(db, urn: str) -> Organisation | None:
    with db.read() as session:
        org = session.scalar(select(Organisation).where(Organisation.urn == urn))
        if org is not None:
            session.expunge(org)
        return org


def _count_orgs(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Organisation))


def test_preview_says_what_will_change_and_writes_nothing(demo_db) -> None:
    before = _count_orgs(demo_db)
    plan = preview_gias_import(demo_db, user_id(demo_db, "alex.morgan"), EXTRACT, TRUST, GRADES)
    actions = {entry.urn: entry.action for entry in plan.entries}
    assert actions == {
        "941787": Action.UPDATE,
        "942597": Action.UNCHANGED,
        "944127": Action.UPDATE,
        "969482": Action.UNCHANGED,  # "Not applicable" + special type reads as Special
        "990001": Action.ADD,
        "990002": Action.SKIP,
        "990003": Action.ADD,
    }
    assert plan.other_trust_rows == 1
    finchbrook = next(e for e in plan.entries if e.urn == "941787")
    assert "leader: Joseph Jenkins → Aoife O'Brien" in finchbrook.detail
    assert "inspection grade: 1 → 2" in finchbrook.detail
    old_mill = next(e for e in plan.entries if e.urn == "990002")
    assert "closed" in old_mill.reason
    assert plan.summary == "2 added, 2 updated, 2 unchanged, 1 skipped"
    assert _count_orgs(demo_db) == before


def test_apply_creates_and_updates_with_audit(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    _plan, result = import_gias(demo_db, alex, EXTRACT, TRUST, GRADES)
    assert (result.added, result.updated, result.unchanged, len(result.skipped)) == (2, 2, 2, 1)
    ashcombe = _org(demo_db, "990001")
    assert ashcombe is not None
    assert ashcombe.leader_name == "Zoë Ashdown"  # read as ISO-8859-1
    assert (ashcombe.inspection_grade, ashcombe.inspection_date) == (1, date(2026, 2, 1))
    assert ashcombe.status is OrgStatus.OPEN and ashcombe.phase == "Primary"
    assert _org(demo_db, "990003").status is OrgStatus.PROPOSED
    assert _org(demo_db, "990002") is None
    assert _org(demo_db, "990004") is None  # another trust's school
    assert _org(demo_db, "944127").name == "Birchwell Academy"
    with demo_db.read() as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("gias_%"))).all()
    assert sorted(actions) == ["gias_added", "gias_added", "gias_updated", "gias_updated"]
    # a second import of the same files changes nothing
    again = preview_gias_import(demo_db, alex, EXTRACT, TRUST, GRADES)
    assert again.count(Action.ADD) == again.count(Action.UPDATE) == 0


def test_apply_refuses_a_plan_overtaken_by_another_change(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    plan = preview_gias_import(demo_db, alex, EXTRACT, TRUST, GRADES)
    with demo_db.transaction() as session:
        org = session.scalar(select(Organisation).where(Organisation.urn == "944127"))
        org.expertise = "Changed meanwhile"
    with pytest.raises(StaleData, match="changed since the preview"):
        apply_gias_import(demo_db, alex, plan)
    assert _org(demo_db, "990001") is None  # nothing half-done


def test_only_those_allowed_may_import(demo_db) -> None:
    with pytest.raises(PermissionDenied):
        preview_gias_import(demo_db, user_id(demo_db, "jo.evans"), EXTRACT, TRUST)


def _latin1() -> str:
    return EXTRACT.read_text("iso-8859-1")


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda t: _write(t, "x.csv", EXTRACT.read_text("iso-8859-1").encode("utf-16")), "UTF-16"),
        (lambda t: _write(t, "x.xlsx", b"PK\x03\x04\x00\x00binary"), "binary"),
        (lambda t: _write(t, "x.csv", _latin1().replace("'", "\x92").encode()), r"control character U\+0092 on line 2"),
        (lambda t: _write(t, "x.csv", EXTRACT.read_bytes().replace(b"'", b"\x81")), "line 2 has the byte 0x81"),
        (lambda t: _write(t, "x.csv", _latin1().replace("ë", "\ufffd").encode()), "lost in an earlier conversion"),
        (lambda t: _write(t, "x.csv", b"URN,EstablishmentName\n1,A\n"), "lacks the columns"),
        (lambda t: _write(t, "x.csv", b""), "empty"),
    ],
)
def test_bad_extracts_are_refused_clearly(demo_db, tmp_path, make, message) -> None:
    with pytest.raises(GiasFileError, match=message):
        preview_gias_import(demo_db, user_id(demo_db, "alex.morgan"), make(tmp_path), TRUST)


def test_duplicate_urns_and_bad_dates_are_refused_with_lines(demo_db, tmp_path) -> None:
    lines = EXTRACT.read_text("iso-8859-1").splitlines()
    duplicate = _write(tmp_path, "dup.csv", "\n".join([*lines, lines[1]]).encode("iso-8859-1"))
    with pytest.raises(GiasFileError, match=r"941787 \(lines 2 and 10\)"):
        preview_gias_import(demo_db, user_id(demo_db, "alex.morgan"), duplicate, TRUST)
    bad_date = _write(tmp_path, "date.csv", "\n".join(lines).replace("01-09-2014", "2014-09-01").encode("iso-8859-1"))
    with pytest.raises(GiasFileError, match="line 2: OpenDate “2014-09-01” is not a dd-mm-yyyy date"):
        preview_gias_import(demo_db, user_id(demo_db, "alex.morgan"), bad_date, TRUST)


def test_grade_file_with_urns_outside_the_trust_is_refused(demo_db, tmp_path) -> None:
    grades = _write(tmp_path, "g.csv", b"URN,Overall effectiveness,Inspection start date\n990004,2,01-01-2025\n")
    with pytest.raises(GiasFileError, match="not in Oakfield Learning Trust: 990004"):
        preview_gias_import(demo_db, user_id(demo_db, "alex.morgan"), EXTRACT, TRUST, grades)
    bad = _write(tmp_path, "b.csv", b"URN,Overall effectiveness,Inspection start date\n941787,5,01-01-2025\n")
    with pytest.raises(GiasFileError, match="grade “5” is not 1, 2, 3 or 4"):
        preview_gias_import(demo_db, user_id(demo_db, "alex.morgan"), EXTRACT, TRUST, bad)


def test_a_school_of_another_trust_in_trustdesk_is_skipped(demo_db, tmp_path) -> None:
    with demo_db.transaction() as session:
        session.execute(update(Organisation).where(Organisation.urn == "942597").values(trust_id=None))
    plan = preview_gias_import(demo_db, user_id(demo_db, "alex.morgan"), EXTRACT, TRUST)
    larkwell = next(e for e in plan.entries if e.urn == "942597")
    assert larkwell.action is Action.SKIP and "not in Oakfield Learning Trust" in larkwell.reason


def test_command_line_dry_run_then_import(demo_db, capsys) -> None:
    path = demo_db.target.url.render_as_string(hide_password=False)
    common = ["import-gias", str(EXTRACT), "--trust", TRUST, "--grades", str(GRADES), "--db", path]
    login_acts_as(demo_db, "alex.morgan")
    assert main([*common, "--as", "alex.morgan", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would be 2 added, 2 updated, 2 unchanged, 1 skipped. Nothing was written." in out
    assert main([*common, "--as", "alex.morgan"]) == 0
    assert "Imported into Oakfield Learning Trust: 2 added, 2 updated" in capsys.readouterr().out
    login_acts_as(demo_db, "jo.evans")
    assert main([*common, "--as", "jo.evans"]) == 2
    assert "may not" in capsys.readouterr().err
    login_acts_as(demo_db, "alex.morgan")
    assert main(["import-gias", str(GRADES), "--trust", TRUST, "--as", "alex.morgan", "--db", path]) == 2
    assert "lacks the columns" in capsys.readouterr().err


# -- encodings: what GIAS publishes and what Excel saves ---------------------------------------

RENAMED = {"Ashcombe Primary Academy": "St Mary’s Ashcombe Primary Academy", "Kestrel Free School": "Élan Free School"}


def _renamed_extract(tmp_path: Path, encoding: str, names: dict[str, str]) -> Path:
    text = EXTRACT.read_text("iso-8859-1")
    for old, new in names.items():
        text = text.replace(old, new)
    return _write(tmp_path, f"extract-{encoding}.csv", text.encode(encoding))


def _stored_texts(db) -> list[str]:
    with db.read() as session:
        rows = session.execute(select(Organisation.name, Organisation.leader_name, Organisation.phase)).all()
    return [value for row in rows for value in row if value]


@pytest.mark.parametrize(
    ("encoding", "names", "read_as"),
    [
        ("utf-8", RENAMED, "UTF-8"),
        ("utf-8-sig", RENAMED, "UTF-8 with BOM"),
        ("cp1252", RENAMED, "Windows-1252 (ISO-8859-1)"),
        ("iso-8859-1", {"Kestrel Free School": "Élan Free School"}, "Windows-1252 (ISO-8859-1)"),
    ],
)
def test_files_saved_by_gias_or_excel_are_read_as_written(demo_db, tmp_path, encoding, names, read_as) -> None:
    path = _renamed_extract(tmp_path, encoding, names)
    plan, _result = import_gias(demo_db, user_id(demo_db, "alex.morgan"), path, TRUST, GRADES)
    assert plan.read_as[0] == f"{path.name}: {read_as}"
    assert _org(demo_db, "990001").leader_name == "Zoë Ashdown"
    assert _org(demo_db, "990003").name == "Élan Free School"
    if "Ashcombe Primary Academy" in names:
        assert _org(demo_db, "990001").name == "St Mary’s Ashcombe Primary Academy"
    garbled = [text for text in _stored_texts(demo_db) if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in text)]
    assert garbled == [] and not any("Ã" in text for text in _stored_texts(demo_db))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("Kestrel Free School", '"Kestrel\nFree School"', "line 9: EstablishmentName “Kestrel Free School” contains a"),
        ("Kestrel Free School", "Kestrel\tFree School", "line 8: EstablishmentName .* contains a line break or tab"),
        ("Kestrel Free School", "Kestrel\x1bFree School", r"control character U\+001B"),
    ],
)
def test_control_characters_in_a_value_are_refused_with_the_line(demo_db, tmp_path, old, new, message) -> None:
    path = _renamed_extract(tmp_path, "utf-8", {old: new})
    before = _count_orgs(demo_db)
    with pytest.raises(GiasFileError, match=message):
        preview_gias_import(demo_db, user_id(demo_db, "alex.morgan"), path, TRUST)
    assert _count_orgs(demo_db) == before


# -- every value fits its column, checked before the transaction -------------------------------


def _length(field: str) -> int:
    return Organisation.__table__.c[field].type.length


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("Kestrel Free School", lambda: "K" * (_length("name") + 1), "line 8: EstablishmentName is {name} characters"),
        ("990003", lambda: "9" * (_length("urn") + 1), "line 8: the URN “9+” has {urn} digits; a URN has at most"),
        ("990003", lambda: "99O003", "line 8: the URN “99O003” is not a number"),
        ("990003", lambda: "９９０００３", "line 8: the URN “９９０００３” is not a number"),
        (",Secondary,11,18", lambda: f",{'S' * (_length('phase') + 1)},11,18", "line 8: PhaseOfEducation"),
        (",Mr,Neil,Lewis,OK1", lambda: f",Mr,Neil,{'L' * _length('leader_name')},OK1", "line 3: HeadFirstName and"),
    ],
)
def test_values_too_long_or_misshapen_are_refused_with_the_line(demo_db, tmp_path, old, new, message) -> None:
    value = new()
    path = _renamed_extract(tmp_path, "utf-8", {old: value})
    expected = message.format(name=_length("name") + 1, urn=_length("urn") + 1)
    before = _count_orgs(demo_db)
    with pytest.raises(GiasFileError, match=expected) as refused:
        import_gias(demo_db, user_id(demo_db, "alex.morgan"), path, TRUST)
    assert "Nothing was imported" in refused.value.message
    assert _count_orgs(demo_db) == before and _org(demo_db, "990001") is None


def test_an_over_long_value_in_another_trusts_row_is_ignored(demo_db, tmp_path) -> None:
    path = _renamed_extract(tmp_path, "utf-8", {"Elsewhere Primary Academy": "E" * 400})
    plan = preview_gias_import(demo_db, user_id(demo_db, "alex.morgan"), path, TRUST)
    assert plan.other_trust_rows == 1 and plan.count(Action.ADD) == 2


def test_an_over_long_urn_in_the_grade_file_is_refused(demo_db, tmp_path) -> None:
    urn = "9" * (_length("urn") + 1)
    grades = _write(tmp_path, "g.csv", f"URN,Grade,Inspection date\n{urn},2,01-01-2025\n".encode())
    with pytest.raises(GiasFileError, match=f"line 2: the URN “{urn}” has"):
        preview_gias_import(demo_db, user_id(demo_db, "alex.morgan"), EXTRACT, TRUST, grades)


def test_command_line_refuses_an_over_long_urn_in_one_line(demo_db, tmp_path, capsys) -> None:
    path = _renamed_extract(tmp_path, "utf-8", {"990003": "1234567890123"})
    url = demo_db.target.url.render_as_string(hide_password=False)
    login_acts_as(demo_db, "alex.morgan")
    assert main(["import-gias", str(path), "--trust", TRUST, "--as", "alex.morgan", "--db", url]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "line 8: the URN “1234567890123” has 13 digits" in err[0]
    assert _org(demo_db, "1234567890123") is None
