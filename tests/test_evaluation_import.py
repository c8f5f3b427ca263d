"""Evaluations imported from a spreadsheet (X2): preview, one transaction, nothing twice, bad rows named."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from db.errors import ValidationError
from db.models import ActivityEvaluation, AuditEntry, CompletionState, CpdActivity, Job, Module, PartnershipState
from db.scope import scope_for
from db.services.attendance import record_completion
from db.services.evaluation_import import RowAction, apply_evaluations, preview_evaluations
from tests.helpers import activities, login_acts_as, user_id

HEADER = ["Activity ID", "Staff e-mail", "Title", "Start date", "Hours", "Rating", "Impact", "Change in practice"]


def completed(db, count: int) -> list[int]:
    sam = user_id(db, "sam.patel")
    with db.read() as session:
        orgs = scope_for(session, sam).orgs(Module.PARTNERSHIP_CPD, at_least=3)
    rows = activities(
        db,
        CpdActivity.organisation_id.in_(orgs),
        CpdActivity.starts_on <= date.today() - timedelta(days=30),
        CpdActivity.completion_state == CompletionState.NOT_COMPLETED,
        CpdActivity.partnership_state == PartnershipState.AUTHORISED,
        CpdActivity.line_manager_state != "denied",
        CpdActivity.cpd_team_state != "declined",
        limit=count,
    )
    assert record_completion(db, sam, rows, date.today()).applied
    return sorted(rows)


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return path


def evaluations(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(ActivityEvaluation)) or 0


def test_a_csv_by_activity_id_previews_then_applies_once(demo_db, tmp_path) -> None:
    sam = user_id(demo_db, "sam.patel")
    first, second, third = completed(demo_db, 3)
    path = write_csv(
        tmp_path / "evaluations.csv",
        [
            [first, "", "", "", 6, 4, "Sharper questioning", "Cold-calling"],
            [second, "", "", "", "2.5", "5", "Phonics screening up", ""],
            [third, "", "", "", 3, 9, "", ""],
            [999999, "", "", "", 3, 3, "", ""],
        ],
    )

    before = evaluations(demo_db)
    plan = preview_evaluations(demo_db, sam, path)

    assert [row.action for row in plan.rows] == [RowAction.ADD, RowAction.ADD, RowAction.INVALID, RowAction.INVALID]
    assert "rating" in plan.rows[2].reason and plan.rows[2].number == 4
    assert "no activity 999999" in plan.rows[3].reason
    assert evaluations(demo_db) == before  # a preview changes nothing

    applied = apply_evaluations(demo_db, sam, path)
    assert applied.count(RowAction.ADD) == 2
    with demo_db.read() as session:
        assert session.get(ActivityEvaluation, second).hours == 2.5
        audit = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "evaluation_recorded")
        )
        assert audit == 2

    again = preview_evaluations(demo_db, sam, path)
    assert again.count(RowAction.UNCHANGED) == 2 and again.changes == 0
    with pytest.raises(ValidationError, match="Nothing to import"):
        apply_evaluations(demo_db, sam, path)
    assert evaluations(demo_db) == before + 2


def test_an_xlsx_matched_by_email_title_and_start_date(demo_db, tmp_path) -> None:
    sam = user_id(demo_db, "sam.patel")
    (activity_id,) = completed(demo_db, 1)
    with demo_db.read() as session:
        row = session.get(CpdActivity, activity_id)
        job = session.get(Job, row.job_id)
        title, starts = row.title, row.starts_on
        email = job.email
    if not email:
        pytest.skip("this demo job has no e-mail")
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER[1:])
    sheet.append([email.upper(), f"  {title} ", starts, 4, 3, "Useful", "Shared with the department"])
    path = tmp_path / "evaluations.xlsx"
    book.save(path)

    plan = preview_evaluations(demo_db, sam, path)
    assert [(r.action, r.activity_id, r.reason) for r in plan.rows] == [(RowAction.ADD, activity_id, "")]
    assert apply_evaluations(demo_db, sam, path).count(RowAction.ADD) == 1


def test_formulas_control_characters_and_duplicates_are_refused_per_row(demo_db, tmp_path) -> None:
    sam = user_id(demo_db, "sam.patel")
    first, second = completed(demo_db, 2)
    path = write_csv(
        tmp_path / "evaluations.csv",
        [
            [first, "", "", "", 6, 4, '=HYPERLINK("http://x")', ""],
            [second, "", "", "", 6, 4, "ok", "bell\x07"],
            [first, "", "", "", 6, 4, "fine", ""],
            [first, "", "", "", 6, 4, "again", ""],
        ],
    )
    with pytest.raises(ValidationError, match="control character"):
        preview_evaluations(demo_db, sam, path)  # a control character anywhere refuses a text file as a whole
    path = write_csv(
        tmp_path / "evaluations.csv",
        [
            [first, "", "", "", 6, 4, '=HYPERLINK("http://x")', ""],
            [second, "", "", "", 6, 4, "fine", ""],
            [second, "", "", "", 6, 4, "again", ""],
        ],
    )
    plan = preview_evaluations(demo_db, sam, path)
    assert [row.action for row in plan.rows] == [RowAction.INVALID, RowAction.ADD, RowAction.INVALID]
    assert "formula" in plan.rows[0].reason
    assert "same activity as row 3" in plan.rows[2].reason


def test_a_file_without_the_columns_is_refused_as_a_whole(demo_db, tmp_path) -> None:
    path = tmp_path / "evaluations.csv"
    path.write_text("Name,Score\nA,3\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="no column"):
        preview_evaluations(demo_db, user_id(demo_db, "sam.patel"), path)
    bogus = tmp_path / "evaluations.xlsx"
    bogus.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(ValidationError):
        preview_evaluations(demo_db, user_id(demo_db, "sam.patel"), bogus)


def test_the_command_line_checks_then_imports_and_refuses_a_bad_file_in_one_line(demo_db, tmp_path, capsys) -> None:
    from desktop.cli import main

    login_acts_as(demo_db, "sam.patel")  # on PostgreSQL the command acts as the database login (A3)
    (first,) = completed(demo_db, 1)
    path = write_csv(
        tmp_path / "evaluations.csv", [[first, "", "", "", 4, 5, "Useful", ""], [1, "", "", "", 0, 1, "", ""]]
    )
    before = evaluations(demo_db)

    assert main(["import-evaluations", str(path), "--db", demo_db.display, "--as", "sam.patel", "--dry-run"]) == 0
    assert "1 to add" in capsys.readouterr().out and evaluations(demo_db) == before
    assert main(["import-evaluations", str(path), "--db", demo_db.display, "--as", "sam.patel"]) == 0
    out = capsys.readouterr().out
    assert "1 to add" in out and "row 3:" in out and evaluations(demo_db) == before + 1

    bad = tmp_path / "evaluations.txt"
    bad.write_text("x", encoding="utf-8")
    assert main(["import-evaluations", str(bad), "--db", demo_db.display, "--as", "sam.patel"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("trustdesk:")


def test_an_evaluation_recorded_after_the_check_stops_the_import(demo_db, tmp_path) -> None:
    from db.errors import StaleData
    from db.services.evaluations import check_evaluation, record_evaluation

    sam = user_id(demo_db, "sam.patel")
    first, second = completed(demo_db, 2)
    path = write_csv(
        tmp_path / "evaluations.csv",
        [[first, "", "", "", 6, 4, "From the file", ""], [second, "", "", "", 2, 3, "Also", ""]],
    )
    checked = preview_evaluations(demo_db, sam, path)
    record_evaluation(demo_db, user_id(demo_db, "jo.evans"), first, None, check_evaluation(1, 2, "Jo's", ""))

    with pytest.raises(StaleData, match="changed since it was checked"):
        apply_evaluations(demo_db, sam, path, checked)
    with demo_db.read() as session:
        assert session.get(ActivityEvaluation, first).impact == "Jo's"
        assert session.get(ActivityEvaluation, second) is None


def test_a_formula_cell_in_a_workbook_is_refused_on_its_row(demo_db, tmp_path) -> None:
    sam = user_id(demo_db, "sam.patel")
    first, second = completed(demo_db, 2)
    book = Workbook()
    sheet = book.active
    sheet.append(["Activity ID", "Hours", "Rating", "Impact"])
    sheet.append([first, 3, 4, '=HYPERLINK("http://example.com","click")'])
    sheet.append([second, "=1+1", 4, "Plain words"])
    path = tmp_path / "evaluations.xlsx"
    book.save(path)
    before = evaluations(demo_db)

    plan = preview_evaluations(demo_db, sam, path)

    assert [row.action for row in plan.rows] == [RowAction.INVALID, RowAction.INVALID]
    assert "formula" in plan.rows[0].reason and "hours" in plan.rows[1].reason.lower()
    with pytest.raises(ValidationError, match="Nothing to import"):
        apply_evaluations(demo_db, sam, path)
    assert evaluations(demo_db) == before
