"""Flood fill (F1-F6): all or nothing, permission per organisation, every bad input refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from db.errors import PermissionDenied, ValidationError
from db.models import (
    AppUser,
    AuditEntry,
    CpdActivity,
    DecisionBatch,
    FloodFillBatch,
    Job,
    Module,
    PartnershipState,
)
from db.progress import Cancelled
from db.scope import scope_for
from db.services.flood_fill import FloodFillSpec, create_flood_fill
from tests.helpers import user_id


def activity_count(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(CpdActivity))


def batch_count(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(FloodFillBatch))


def fillable_jobs(db, username: str, limit: int = 30, exclude_own: bool = True) -> list[int]:
    """Active jobs at organisations where the user may flood-fill and authorise."""
    uid = user_id(db, username)
    with db.read() as session:
        scope = scope_for(session, uid)
        orgs = scope.orgs(Module.FLOOD_FILL, at_least=3) & scope.orgs(Module.PARTNERSHIP_CPD, at_least=3)
        own = session.scalar(select(Job.person_id).join(AppUser, AppUser.job_id == Job.id).where(AppUser.id == uid))
        rows = session.scalars(
            select(Job.id)
            .where(Job.organisation_id.in_(sorted(orgs)), Job.active.is_(True), Job.person_id != (own or -1))
            .order_by(Job.organisation_id, Job.id)
        ).all()
    # spread over organisations: every third job
    return list(rows[::3][:limit])


def outside_job(db, username: str) -> int:
    uid = user_id(db, username)
    with db.read() as session:
        scope = scope_for(session, uid)
        allowed = scope.orgs(Module.FLOOD_FILL, at_least=3)
        found = session.scalar(select(Job.id).where(Job.organisation_id.not_in(sorted(allowed))).limit(1))
    assert found is not None
    return found


def primary_creator(db) -> int:
    with db.read() as session:
        return session.scalar(select(AppUser.job_id).where(AppUser.is_primary.is_(True)).limit(1))


@pytest.fixture
def spec(demo_db) -> FloodFillSpec:
    return FloodFillSpec(
        title="INSET: phonics refresher",
        activity_type="INSET",
        provider="Trust English hub",
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 1, 5),
        creator_job_id=primary_creator(demo_db),
        course_fee_pence=1500,
        cover_days=1.0,
    )


def test_flood_fill_creates_one_activity_per_job_and_records_the_batch(demo_db, spec) -> None:
    sam = user_id(demo_db, "sam.patel")
    jobs = fillable_jobs(demo_db, "sam.patel")
    before = activity_count(demo_db)

    result = create_flood_fill(demo_db, sam, spec, jobs + jobs[:3])  # duplicates count once

    assert result.activity_count == len(jobs)
    assert sum(result.by_organisation.values()) == len(jobs)
    assert activity_count(demo_db) == before + len(jobs)
    with demo_db.read() as session:
        batch = session.get(FloodFillBatch, result.batch_id)
        assert batch.run_by_user_id == sam and batch.creator_job_id == spec.creator_job_id
        assert batch.activity_count == len(jobs) and batch.parameters["job_ids"] == sorted(jobs)
        assert batch.parameters["starts_on"] == "2026-01-05" and not batch.pre_authorised
        rows = session.scalars(select(CpdActivity).where(CpdActivity.flood_fill_batch_id == result.batch_id)).all()
        assert sorted(r.job_id for r in rows) == sorted(jobs)
        assert {r.partnership_state for r in rows} == {PartnershipState.PENDING}
        assert all(r.total_cost_pence == 1500 and r.created_by_job_id == spec.creator_job_id for r in rows)
        assert all(r.organisation_id == session.get(Job, r.job_id).organisation_id for r in rows)
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "flood_fill_batch", AuditEntry.entity_id == batch.id)
        ).all()
        assert len(audit) == 1 and audit[0].after["activity_count"] == len(jobs)


def test_pre_authorised_fill_is_authorised_charged_and_has_a_decision_batch(demo_db, spec) -> None:
    sam = user_id(demo_db, "sam.patel")
    jobs = fillable_jobs(demo_db, "sam.patel", limit=10)
    result = create_flood_fill(demo_db, sam, replace(spec, pre_authorise=True), jobs)
    with demo_db.read() as session:
        rows = session.scalars(select(CpdActivity).where(CpdActivity.flood_fill_batch_id == result.batch_id)).all()
        assert {r.partnership_state for r in rows} == {PartnershipState.AUTHORISED}
        assert all(r.partnership_user_id == sam and r.charged_organisation_id == r.organisation_id for r in rows)
        decision = session.get(DecisionBatch, rows[0].decision_batch_id)
        assert decision.activity_count == 10 and decision.source == "flood_fill"
        assert session.get(FloodFillBatch, result.batch_id).pre_authorised


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ends_on": date(2026, 1, 1)}, "ends .* before it starts"),
        ({"course_fee_pence": -1}, "cannot be negative: check the course fee"),
        ({"travel_cost_pence": -500}, "travel cost"),
        ({"cover_days": -1.0}, "Cover days cannot be negative"),
        ({"title": "   "}, "title"),
        ({"activity_type": ""}, "type"),
        ({"creator_job_id": 999_999}, "creator"),
        ({"training_event_id": 999_999}, "training event"),
        ({"learning_module_id": 999_999}, "learning module"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_created(demo_db, spec, change, message) -> None:
    sam = user_id(demo_db, "sam.patel")
    before, batches = activity_count(demo_db), batch_count(demo_db)
    with pytest.raises(ValidationError, match=message):
        create_flood_fill(demo_db, sam, replace(spec, **change), fillable_jobs(demo_db, "sam.patel"))
    assert (activity_count(demo_db), batch_count(demo_db)) == (before, batches)


def test_a_creator_who_is_not_a_line_manager_or_primary_user_is_refused(demo_db, spec) -> None:
    sam = user_id(demo_db, "sam.patel")
    with demo_db.read() as session:
        plain = session.scalar(
            select(Job.id)
            .where(
                Job.is_line_manager.is_(False), Job.id.not_in(select(AppUser.job_id).where(AppUser.job_id.is_not(None)))
            )
            .limit(1)
        )
    with pytest.raises(ValidationError, match="not a partnership primary user or a line manager"):
        create_flood_fill(demo_db, sam, replace(spec, creator_job_id=plain), fillable_jobs(demo_db, "sam.patel"))


def test_empty_selection_and_unknown_jobs_are_refused(demo_db, spec) -> None:
    sam = user_id(demo_db, "sam.patel")
    with pytest.raises(ValidationError, match="No staff are chosen"):
        create_flood_fill(demo_db, sam, spec, [])
    before = activity_count(demo_db)
    with pytest.raises(ValidationError, match="no longer exist"):
        create_flood_fill(demo_db, sam, spec, [*fillable_jobs(demo_db, "sam.patel"), 9_999_999])
    assert activity_count(demo_db) == before


def test_one_job_outside_scope_refuses_the_whole_fill_naming_the_organisation(demo_db, spec) -> None:
    sam = user_id(demo_db, "sam.patel")
    before, batches = activity_count(demo_db), batch_count(demo_db)
    with pytest.raises(
        PermissionDenied,
        match=r"1 of the chosen jobs cannot be flood-filled\. .*(You may not|shares .* with the trust)",
    ):
        create_flood_fill(demo_db, sam, spec, [*fillable_jobs(demo_db, "sam.patel"), outside_job(demo_db, "sam.patel")])
    assert (activity_count(demo_db), batch_count(demo_db)) == (before, batches)


def test_users_without_flood_fill_permission_are_refused(demo_db, spec) -> None:
    jo = user_id(demo_db, "jo.evans")
    with pytest.raises(PermissionDenied, match="may not run flood fills"):
        create_flood_fill(demo_db, jo, spec, fillable_jobs(demo_db, "sam.patel"))


def test_pre_authorising_your_own_job_is_refused(demo_db, spec) -> None:
    alex = user_id(demo_db, "alex.morgan")
    with demo_db.read() as session:
        own = session.scalar(select(AppUser.job_id).where(AppUser.id == alex))
    with pytest.raises(PermissionDenied, match="nobody authorises their own"):
        create_flood_fill(demo_db, alex, replace(spec, pre_authorise=True), [own])


class CancelAtCommit:
    def __init__(self) -> None:
        self.reports: list[tuple[int, int]] = []

    def report(self, done: int, total: int, text: str = "") -> None:
        self.reports.append((done, total))

    def check_cancelled(self) -> None:
        raise Cancelled()


def test_cancel_before_commit_leaves_nothing_behind(demo_db, spec) -> None:
    sam = user_id(demo_db, "sam.patel")
    before, batches = activity_count(demo_db), batch_count(demo_db)
    progress = CancelAtCommit()
    with pytest.raises(Cancelled):
        create_flood_fill(demo_db, sam, spec, fillable_jobs(demo_db, "sam.patel"), progress=progress)
    assert progress.reports and progress.reports[-1][0] == progress.reports[-1][1]
    assert (activity_count(demo_db), batch_count(demo_db)) == (before, batches)
