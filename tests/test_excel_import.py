"""Offline decisions back in (issue 4 part 3): checked row by row, applied in one transaction."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from db.errors import PermissionDenied
from db.excel.export import export_workbook
from db.excel.import_decisions import Outcome, import_decisions
from db.excel.layout import DATA_SHEET, ID_COL
from db.models import CpdActivity, DecisionBatch, PartnershipState, SharingLevel
from db.progress import Cancelled
from db.queries.activities import ActivityFilter
from db.services.signoff import sign_off
from tests.excel_helpers import decidable, record_decisions, versions_in
from tests.helpers import org_with_sharing, user_id

PENDING = ActivityFilter(partnership_state=PartnershipState.PENDING, sort="created", descending=False)


def states(db, ids) -> dict[int, PartnershipState]:
    with db.read() as session:
        query = select(CpdActivity.id, CpdActivity.partnership_state).where(CpdActivity.id.in_(list(ids)))
        return dict(session.execute(query).tuples().all())


def batches(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(DecisionBatch))


@pytest.fixture
def exported(demo_db, tmp_path):
    sam = user_id(demo_db, "sam.patel")
    return sam, export_workbook(demo_db, sam, PENDING, tmp_path / "review.xlsx").path


def test_round_trip_applies_decisions_skips_changed_rows_and_applies_nothing_twice(demo_db, exported) -> None:
    sam, path = exported
    ids = decidable(demo_db, "sam.patel", path, 8)
    authorise, reject, changed = ids[:4], ids[4:7], ids[7]
    decisions = {i: ("Authorise", "") for i in authorise}
    decisions |= {i: ("Reject", "Not in the school improvement plan") for i in reject[:2]}
    decisions[reject[2]] = ("reject", "Cover not available that week")  # another program's casing
    decisions[changed] = ("Authorise", "")
    record_decisions(path, decisions)
    # Someone else decides one row in TrustDesk after the export.
    sign_off(demo_db, sam, {changed: versions_in(path)[changed]}, PartnershipState.REJECTED, "Duplicate request")

    result = import_decisions(demo_db, sam, path)

    assert result.count(Outcome.APPLIED) == 7
    assert [r.activity_id for r in result.of(Outcome.CHANGED)] == [changed]
    assert result.undecided == len(versions_in(path)) - 8
    now = states(demo_db, ids)
    assert {now[i] for i in authorise} == {PartnershipState.AUTHORISED}
    assert {now[i] for i in reject} == {PartnershipState.REJECTED}
    with demo_db.read() as session:
        made = session.execute(
            select(DecisionBatch.decision, DecisionBatch.reason, DecisionBatch.activity_count)
            .where(DecisionBatch.source == "workbook")
            .order_by(DecisionBatch.id)
        ).all()
        reason = session.scalar(select(CpdActivity.partnership_reason).where(CpdActivity.id == reject[2]))
    assert sorted(made) == sorted(
        [
            (PartnershipState.AUTHORISED, "", 4),
            (PartnershipState.REJECTED, "Not in the school improvement plan", 2),
            (PartnershipState.REJECTED, "Cover not available that week", 1),
        ]
    )
    assert reason == "Cover not available that week"

    before = batches(demo_db)
    again = import_decisions(demo_db, sam, path)
    assert again.count(Outcome.APPLIED) == 0
    assert again.count(Outcome.ALREADY) == 7
    assert batches(demo_db) == before


def test_bad_rows_are_reported_as_invalid_with_why_and_the_rest_still_applies(demo_db, exported) -> None:
    sam, path = exported
    ids = decidable(demo_db, "sam.patel", path, 4)
    record_decisions(
        path,
        {
            ids[0]: ("Approve", ""),
            ids[1]: ("Reject", "   "),
            ids[2]: ("Authorise", ""),
            ids[3]: ("Reject", "x" * 2001),
        },
    )
    result = import_decisions(demo_db, sam, path)

    invalid = {r.activity_id: r.why for r in result.of(Outcome.INVALID)}
    assert "“Approve” is not a decision" in invalid[ids[0]]
    assert "needs a reason" in invalid[ids[1]]
    assert "longer than" in invalid[ids[3]]
    assert [r.activity_id for r in result.of(Outcome.APPLIED)] == [ids[2]]
    assert states(demo_db, [ids[0], ids[1], ids[3]]) == dict.fromkeys(
        (ids[0], ids[1], ids[3]), PartnershipState.PENDING
    )


def test_tampered_ids_and_duplicates_are_invalid(demo_db, exported) -> None:
    sam, path = exported
    ids = decidable(demo_db, "sam.patel", path, 4)
    record_decisions(path, {i: ("Authorise", "") for i in ids})
    book = load_workbook(path)
    sheet = book[DATA_SHEET]
    rows = {row[ID_COL].value: row for row in sheet.iter_rows(min_row=2)}
    rows[ids[0]][ID_COL].value = "forty-two"
    rows[ids[1]][ID_COL].value = ids[2]  # copied over another row's id
    book.save(path)

    result = import_decisions(demo_db, sam, path)

    whys = [r.why for r in result.of(Outcome.INVALID)]
    assert sum("not a whole number" in why for why in whys) == 1
    assert sum("the same activity id is on rows" in why for why in whys) == 2  # neither copy is trusted
    assert [r.activity_id for r in result.of(Outcome.APPLIED)] == [ids[3]]
    assert states(demo_db, ids[:3]) == dict.fromkeys(ids[:3], PartnershipState.PENDING)


def test_rows_the_user_may_not_decide_are_refused(demo_db, tmp_path) -> None:
    sam = user_id(demo_db, "sam.patel")
    view_only_org = org_with_sharing(demo_db, SharingLevel.MIS)
    filt = ActivityFilter(organisation_id=view_only_org, partnership_state=PartnershipState.PENDING)
    path = export_workbook(demo_db, sam, filt, tmp_path / "mis.xlsx").path
    some = list(versions_in(path))[:3]
    assert some
    record_decisions(path, {i: ("Authorise", "") for i in some})

    result = import_decisions(demo_db, sam, path)

    assert result.count(Outcome.REFUSED) == 3
    assert {r.why for r in result.of(Outcome.REFUSED)} == {"you may not decide for this organisation"}
    assert set(states(demo_db, some).values()) == {PartnershipState.PENDING}


def test_a_user_without_decide_permission_imports_nothing(demo_db, exported) -> None:
    _sam, path = exported
    ids = decidable(demo_db, "sam.patel", path, 2)
    record_decisions(path, {i: ("Authorise", "") for i in ids})
    with pytest.raises(PermissionDenied):
        import_decisions(demo_db, user_id(demo_db, "jo.evans"), path)
    assert set(states(demo_db, ids).values()) == {PartnershipState.PENDING}


def test_dry_run_counts_but_changes_nothing(demo_db, exported) -> None:
    sam, path = exported
    ids = decidable(demo_db, "sam.patel", path, 5)
    record_decisions(path, {i: ("Authorise", "") for i in ids})
    before = batches(demo_db)

    result = import_decisions(demo_db, sam, path, dry_run=True)

    assert result.count(Outcome.APPLIED) == 5 and result.dry_run
    assert "Dry run: nothing was changed." in result.summary_lines()
    assert batches(demo_db) == before
    assert set(states(demo_db, ids).values()) == {PartnershipState.PENDING}


def test_a_cancel_before_commit_leaves_every_group_undone(demo_db, exported) -> None:
    sam, path = exported
    ids = decidable(demo_db, "sam.patel", path, 4)
    record_decisions(path, {ids[0]: ("Authorise", ""), ids[1]: ("Reject", "a"), ids[2]: ("Reject", "b")})

    class CancelAtTheEnd:
        calls = 0

        def report(self, done: int, total: int, text: str = "") -> None:
            pass

        def check_cancelled(self) -> None:
            self.calls += 1
            if self.calls >= 3:
                raise Cancelled()

    with pytest.raises(Cancelled):
        import_decisions(demo_db, sam, path, progress=CancelAtTheEnd())
    assert set(states(demo_db, ids[:3]).values()) == {PartnershipState.PENDING}
