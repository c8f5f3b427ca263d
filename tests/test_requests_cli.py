"""`trustdesk requests …`: the request services from the command line, refusals in one line (exit 2)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import CpdActivity, CpdTeamState, Job, LineManagerState, PartnershipState, Person
from desktop.cli import main
from tests.request_helpers import job_at, managed_job

pytestmark = pytest.mark.engines("sqlite")


def _run(demo_db, capsys, *words: str, acting: str) -> tuple[int, str, str]:
    code = main(["requests", *words, "--db", demo_db.display, "--as", acting])
    out, err = capsys.readouterr()
    return code, out, err


def _name(demo_db, job_id: int) -> str:
    with demo_db.read() as session:
        first, last, email = session.execute(
            select(Person.first_name, Person.last_name, Job.email)
            .join(Job, Job.person_id == Person.id)
            .where(Job.id == job_id)
        ).one()
    return email or f"{first} {last}"


def test_enter_answer_comment_and_withdraw(demo_db, capsys) -> None:
    job = managed_job(demo_db, "chris.lee")
    code, out, err = _run(
        demo_db, capsys, "enter", "--job", _name(demo_db, job), "--title", "Phonics leadership", "--type", "Course",
        "--starts", "2026-11-03", "--fee", "450.50", "--cover-days", "1", "--outcome", "Better phonics",
        acting="chris.lee",
    )  # fmt: skip
    assert code == 0, err
    activity = int(out.split()[2])
    code, out, _ = _run(demo_db, capsys, "line-manager", str(activity), "--agree", acting="chris.lee")
    assert code == 0 and out.startswith("Agreed 1; left alone 0.")
    code, out, _ = _run(demo_db, capsys, "cpd-team", f"{activity},999999", "--approve", acting="sam.patel")
    assert code == 0 and "Approved 1" in out and "999999: left alone because it no longer exists" in out
    code, out, _ = _run(demo_db, capsys, "comment", str(activity), "Booked", acting="jo.evans")
    assert code == 0
    code, out, _ = _run(demo_db, capsys, "withdraw", str(activity), "--reason", "Cancelled", acting="chris.lee")
    assert code == 0
    with demo_db.read() as session:
        row = session.get(CpdActivity, activity)
        assert row.course_fee_pence == 45_050 and row.line_manager_state is LineManagerState.AGREED
        assert row.cpd_team_state is CpdTeamState.APPROVED and row.partnership_state is PartnershipState.WITHDRAWN


@pytest.mark.parametrize(
    ("words", "sentence"),
    [
        (("--fee", "-5"), "Course fee cannot be negative"),
        (("--fee", "lots"), "--fee takes an amount in pounds"),
        (("--ends", "2026-11-01"), "end date is before the start date"),
        (("--cover-days", "40"), "past their limit"),
        (("--starts", "3/11/2026"), "--starts takes a date"),
    ],
)
def test_bad_input_is_one_line_and_enters_nothing(demo_db, capsys, words: tuple[str, ...], sentence: str) -> None:
    job = job_at(demo_db, 4)
    with demo_db.read() as session:
        before = session.scalar(select(CpdActivity.id).order_by(CpdActivity.id.desc()).limit(1))
    base = ["enter", "--job", _name(demo_db, job), "--title", "A course", "--type", "Course", "--starts", "2026-11-03"]
    code, out, err = _run(demo_db, capsys, *base, *words, acting="chris.lee")
    assert code == 2 and out == "" and sentence in err and err.count("\n") == 1
    with demo_db.read() as session:
        assert session.scalar(select(CpdActivity.id).order_by(CpdActivity.id.desc()).limit(1)) == before
