"""Importing CPD requests from a spreadsheet (C1, C2, D6, X2): a preview that says what each row will do,
one transaction with an audit row and a notification per request, and nothing added the second time."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from db.errors import PermissionDenied, StaleData
from db.models import AuditEntry, CpdActivity, CpdTeamState, LineManagerState, Notification, SharingLevel
from db.queries.request_import import preview_request_import
from db.request_import.plan import RowAction
from db.services.request_import import apply_request_import, import_requests
from db.services.requests import enter_request
from tests.helpers import user_id
from tests.request_helpers import details, school_sharing, user_job
from tests.request_import_helpers import counts, emails_at, row, urn_of, write_csv


@pytest.fixture
def finchbrook(demo_db) -> tuple[str, list[str]]:
    """chris.lee's school: its URN and three of its staff's work e-mails."""
    _job, school = user_job(demo_db, "chris.lee")
    urn = urn_of(demo_db, school)
    return urn, emails_at(demo_db, urn)


def test_rows_are_added_once_with_audit_and_notification_and_a_second_import_adds_nothing(
    demo_db, tmp_path: Path, finchbrook
) -> None:
    urn, (a, b, _c) = finchbrook
    path = write_csv(tmp_path / "requests.csv", [
        row(a, urn, "Phonics leadership"),
        row(b, urn, "Maths mastery", Category="conference", Date="2026-10-01", **{"End Date": "", "Course Fee": "300"}),
    ])  # fmt: skip
    sam = user_id(demo_db, "sam.patel")
    before = counts(demo_db)

    plan = preview_request_import(demo_db, sam, path)
    assert [r.action for r in plan.rows] == [RowAction.ADD, RowAction.ADD]
    assert counts(demo_db) == before  # the preview writes nothing
    result = apply_request_import(demo_db, sam, plan)

    assert result.added == 2 and counts(demo_db) == (before[0] + 2, before[1] + 2, before[2] + 2)
    with demo_db.read() as session:
        first, second = (session.get(CpdActivity, i) for i in result.activity_ids)
        assert first.title == "Phonics leadership" and first.entered_by_user_id == sam
        assert first.course_fee_pence == 125_000 and first.cover_cost_pence == 18_000
        assert first.travel_cost_pence == 2_450 and first.cover_days == 1.0
        assert first.intended_outcome == "Better phonics" and first.created_by_job_id == first.job_id
        assert second.activity_type == "Conference" and second.ends_on == second.starts_on
        audit = session.scalars(select(AuditEntry).where(AuditEntry.entity_id.in_(result.activity_ids))).all()
        assert {e.action for e in audit} == {"request_entered"} and audit[0].after["imported_from"] == "requests.csv"
        notes = session.scalars(select(Notification).where(Notification.activity_id.in_(result.activity_ids))).all()
        assert len({n.batch_key for n in notes}) == 1 and "entered the CPD request" in notes[0].subject

    again = preview_request_import(demo_db, sam, path)
    assert [r.action for r in again.rows] == [RowAction.DUPLICATE, RowAction.DUPLICATE]
    assert "already has “Phonics leadership” starting 03/11/2026" in again.rows[0].detail
    _plan, second_result = import_requests(demo_db, sam, path)
    assert second_result.added == 0 and counts(demo_db) == (before[0] + 2, before[1] + 2, before[2] + 2)


def test_each_invalid_row_says_why_in_one_sentence_and_the_rest_import(demo_db, tmp_path: Path, finchbrook) -> None:
    urn, (a, b, c) = finchbrook
    path = write_csv(tmp_path / "requests.csv", [
        row(a, urn, "Late", Date="05/10/2026", **{"End Date": "01/10/2026"}),
        row(a, urn, "Cheap", **{"Course Fee": "-£40"}),
        row("nobody@nowhere.example", urn, "Lost"),
        row(b, urn, "Twice"),
        row(b, urn, "twice "),
        row(b, urn, '=HYPERLINK("http://x")'),
        row(b, urn, "Someday", Date="31/02/2026"),
        row(c, urn, "Juggling", Category="Circus skills"),
        row(c, urn, "Priced", Travel="12.345"),
        row(c, urn, "Good one"),
    ])  # fmt: skip
    plan = preview_request_import(demo_db, user_id(demo_db, "sam.patel"), path)
    why = {r.row: r.detail for r in plan.rows if r.action is RowAction.INVALID}
    assert "end date is before the start date" in why[2]
    assert "Course fee cannot be negative" in why[3]
    assert "has the work e-mail nobody@nowhere.example" in why[4]
    assert "the same request as row 5" in why[6]
    assert "starts like a formula" in why[7]
    assert "Start date “31/02/2026” is not a date" in why[8]
    assert "Type “Circus skills” is not one of" in why[9]
    assert "Travel “12.345” is not an amount" in why[10]
    assert all(text.startswith(f"row {n}: ") and "\n" not in text for n, text in why.items())
    assert [r.row for r in plan.to_add] == [5, 11]


def test_cover_days_past_the_limit_warn_but_still_import(demo_db, tmp_path: Path, finchbrook) -> None:
    urn, (a, _b, _c) = finchbrook
    path = write_csv(tmp_path / "requests.csv", [
        row(a, urn, "First block", **{"Cover Days": "4"}),
        row(a, urn, "Second block", Date="10/11/2026", **{"End Date": "", "Cover Days": "30"}),
    ])  # fmt: skip
    plan = preview_request_import(demo_db, user_id(demo_db, "sam.patel"), path)
    assert [r.action for r in plan.rows] == [RowAction.ADD, RowAction.ADD]
    assert plan.rows[0].warning == ""
    assert "With 30 more cover days" in plan.rows[1].warning and "past their limit" in plan.rows[1].warning
    assert "1 with a warning" in plan.summary


def test_line_manager_and_cpd_team_answers_are_carried_in_by_a_decider(demo_db, tmp_path: Path, finchbrook) -> None:
    urn, (a, b, c) = finchbrook
    path = write_csv(tmp_path / "requests.csv", [
        row(a, urn, "Agreed", **{"LM approval": "Yes", "CPD Team Status": "Approved"}),
        row(b, urn, "Denied", **{"LM approval": "Declined"}),
        row(c, urn, "Unclear", **{"LM approval": "Maybe"}),
    ])  # fmt: skip
    sam = user_id(demo_db, "sam.patel")
    plan = preview_request_import(demo_db, sam, path)
    assert plan.rows[0].detail == "with line manager agreed and CPD team approved"
    assert "neither agreed, denied nor pending" in plan.rows[2].detail
    result = apply_request_import(demo_db, sam, plan)
    with demo_db.read() as session:
        agreed, denied = (session.get(CpdActivity, i) for i in result.activity_ids)
        assert agreed.line_manager_state is LineManagerState.AGREED and agreed.cpd_team_state is CpdTeamState.APPROVED
        assert agreed.line_manager_user_id == sam and agreed.cpd_team_user_id == sam
        assert agreed.line_manager_decided_at is not None and agreed.cpd_team_decided_at is not None
        assert denied.line_manager_state is LineManagerState.DENIED and denied.cpd_team_state is CpdTeamState.PENDING
        assert denied.line_manager_reason == "As recorded in “requests.csv”"
        note = session.scalar(select(Notification).where(Notification.activity_id == agreed.id))
        assert "your line manager agreed it and the CPD team approved it" in note.body

    # jo.evans may enter requests (CPD at comment level) but not record the CPD team's answer
    again = write_csv(tmp_path / "jo.csv", [
        row(a, urn, "Entered by Jo"),
        row(b, urn, "Approved by Jo", **{"CPD Team Status": "approved"}),
    ])  # fmt: skip
    plan = preview_request_import(demo_db, user_id(demo_db, "jo.evans"), again)
    assert plan.rows[0].action is RowAction.ADD
    assert plan.rows[1].action is RowAction.INVALID and "may not record the CPD team's answer" in plan.rows[1].detail


def test_rights_and_data_sharing_are_checked_per_row(demo_db, tmp_path: Path, finchbrook) -> None:
    urn, (a, _b, _c) = finchbrook
    mis_only = urn_of(demo_db, school_sharing(demo_db, SharingLevel.MIS))
    elsewhere = emails_at(demo_db, mis_only, 1)[0]
    path = write_csv(tmp_path / "requests.csv", [row(a, urn, "Home"), row(elsewhere, mis_only, "Away")])
    sam = preview_request_import(demo_db, user_id(demo_db, "sam.patel"), path)
    assert sam.rows[0].action is RowAction.ADD
    assert sam.rows[1].action is RowAction.INVALID and "so no central action touches it" in sam.rows[1].detail
    chris = preview_request_import(demo_db, user_id(demo_db, "chris.lee"), path)
    assert chris.rows[0].action is RowAction.ADD
    assert "needs CPD at comment level or above at their organisation" in chris.rows[1].detail
    with pytest.raises(PermissionDenied, match="may not import CPD requests"):
        preview_request_import(demo_db, user_id(demo_db, "pat.kim"), path)


def test_a_plan_that_moved_since_the_preview_adds_nothing(demo_db, tmp_path: Path, finchbrook) -> None:
    urn, (a, b, _c) = finchbrook
    path = write_csv(tmp_path / "requests.csv", [row(a, urn, "One"), row(b, urn, "Two")])
    sam = user_id(demo_db, "sam.patel")
    plan = preview_request_import(demo_db, sam, path)
    job = plan.rows[1].job_id
    assert job is not None
    enter_request(demo_db, sam, job, details(title="Two", sessions=(), starts_on=plan.rows[1].starts_on))
    before = counts(demo_db)
    with pytest.raises(StaleData, match="1 of these rows would now do something else"):
        apply_request_import(demo_db, sam, plan)
    assert counts(demo_db) == before


def test_a_workbook_s_dates_and_numbers_are_read_and_a_formula_is_data_never_run(
    demo_db, tmp_path: Path, finchbrook
) -> None:
    from datetime import datetime

    from openpyxl import Workbook

    urn, (a, b, _c) = finchbrook
    book = Workbook()
    sheet = book.active
    sheet.title = "Requests"
    sheet.append(["Staff Email", "URN", "Activity", "Start Date", "Cost", "Supply Days"])
    sheet.append([a, int(urn), "Forest school", datetime(2027, 1, 12), 1250.5, 2])
    sheet.append([b, int(urn), '=HYPERLINK("http://example.com","Click")', datetime(2027, 1, 12), 10, 0])
    sheet.append([b, int(urn), "Budget", datetime(2027, 1, 13), "=A1*2", 0])
    path = tmp_path / "requests.xlsx"
    book.save(path)

    plan = preview_request_import(demo_db, user_id(demo_db, "sam.patel"), path)
    assert plan.read_as == "sheet “Requests”"
    added, formula, money = plan.rows
    assert added.action is RowAction.ADD and added.details is not None
    assert added.details.course_fee_pence == 125_050 and added.details.starts_on.isoformat() == "2027-01-12"
    assert formula.action is RowAction.INVALID and "starts like a formula" in formula.detail
    assert money.action is RowAction.INVALID and "Course fee “=A1*2” is not an amount" in money.detail
