"""Organisations (O1): the index with its filters, an organisation's page, and editing budgets and expertise."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.errors import NotFound, PermissionDenied, StaleData, ValidationError
from db.models import AuditEntry, Budget, Organisation, OrgStatus
from db.queries.organisation_page import organisation_page, staff_page
from db.queries.organisations import OrganisationFilter, list_organisations, organisation_facets
from db.services.budgets import set_budget
from db.services.organisations import normalise_expertise, save_details
from tests.helpers import user_id


def _names(db, username: str, **fields) -> set[str]:
    return {row.name for row in list_organisations(db, user_id(db, username), OrganisationFilter(**fields))}


def test_index_hides_closed_and_proposed_unless_asked(demo_db) -> None:
    open_only = list_organisations(demo_db, user_id(demo_db, "alex.morgan"))
    assert {row.status for row in open_only} == {OrgStatus.OPEN}
    everything = _names(demo_db, "alex.morgan", include_closed=True)
    closed = _names(demo_db, "alex.morgan", status=OrgStatus.CLOSED)
    proposed = _names(demo_db, "alex.morgan", status=OrgStatus.PROPOSED)
    assert closed and proposed
    assert everything == {row.name for row in open_only} | closed | proposed


def test_filters_by_phase_cluster_grade_and_search(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    facets = organisation_facets(demo_db, alex)
    assert "Primary" in facets.phases and "Riverside cluster" in facets.clusters
    for row in list_organisations(demo_db, alex, OrganisationFilter(phase="Primary", cluster="Riverside cluster")):
        assert (row.phase, row.cluster) == ("Primary", "Riverside cluster")
    outstanding = list_organisations(demo_db, alex, OrganisationFilter(grade=1))
    assert outstanding and all(row.inspection_grade == 1 for row in outstanding)
    not_inspected = list_organisations(demo_db, alex, OrganisationFilter(grade=0))
    assert not_inspected and all(row.inspection_grade is None for row in not_inspected)
    assert _names(demo_db, "alex.morgan", search="941787") == {"Finchbrook Primary Academy"}


def _org_id(db, urn: str) -> int:
    with db.read() as session:
        return session.scalar(select(Organisation.id).where(Organisation.urn == urn))


def test_page_shows_budgets_with_spend_and_who_may_edit(demo_db) -> None:
    org = _org_id(demo_db, "965643")  # Bramblehurst: group actions shared
    alex = organisation_page(demo_db, user_id(demo_db, "alex.morgan"), org)
    assert alex.can_edit_details and alex.can_edit_budget and alex.staff_visible
    assert len(alex.budgets) >= 3 and any(b.amount_pence is not None for b in alex.budgets)
    assert any(b.authorised_pence > (b.amount_pence or 0) for b in alex.budgets), "the demo overspends here"
    jo = organisation_page(demo_db, user_id(demo_db, "jo.evans"), org)
    assert not jo.can_edit_details and not jo.can_edit_budget
    with pytest.raises(NotFound):
        organisation_page(demo_db, user_id(demo_db, "alex.morgan"), 99_999)


def test_staff_come_a_page_at_a_time_and_hide_when_not_shared(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    org = _org_id(demo_db, "965643")
    first = staff_page(demo_db, alex, org, 0, 50)
    second = staff_page(demo_db, alex, org, 50, 50)
    assert len(first) == 50 and second
    assert not {r.job_id for r in first} & {r.job_id for r in second}
    teachers = staff_page(demo_db, alex, org, search="teaching assistant")
    assert teachers and all(r.role == "Teaching assistant" for r in teachers)
    hidden = next(r for r in list_organisations(demo_db, user_id(demo_db, "sam.patel")) if r.staff_count is None)
    assert staff_page(demo_db, user_id(demo_db, "sam.patel"), hidden.id) == []


def test_setting_a_budget_checks_version_permission_and_audits(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    org = _org_id(demo_db, "965643")
    row = next(b for b in organisation_page(demo_db, alex, org).budgets if b.amount_pence is not None)
    saved = set_budget(demo_db, alex, org, row.period_id, 5_000_000, row.version)
    assert saved.version == row.version + 1
    with pytest.raises(StaleData):
        set_budget(demo_db, alex, org, row.period_id, 6_000_000, row.version)  # the version it saw is gone
    with pytest.raises(ValidationError, match="negative"):
        set_budget(demo_db, alex, org, row.period_id, -1, saved.version)
    with pytest.raises(PermissionDenied):
        set_budget(demo_db, user_id(demo_db, "jo.evans"), org, row.period_id, 1, saved.version)
    with demo_db.read() as session:
        budget = session.scalar(select(Budget).where(Budget.organisation_id == org, Budget.period_id == row.period_id))
        assert budget.amount_pence == 5_000_000
        audit = session.scalars(select(AuditEntry.before).where(AuditEntry.action == "budget_set")).all()
    assert len(audit) == 1 and audit[0]["amount_pence"] == row.amount_pence


def test_a_first_budget_is_created_for_a_period_without_one(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    org = _org_id(demo_db, "965643")
    with demo_db.transaction() as session:
        budget = session.scalar(select(Budget).where(Budget.organisation_id == org))
        period_id = budget.period_id
        session.delete(budget)
    saved = set_budget(demo_db, alex, org, period_id, 1_234_500, None)
    assert saved.amount_pence == 1_234_500
    with pytest.raises(StaleData):
        set_budget(demo_db, alex, org, period_id, 1, None)  # someone else created it meanwhile


def test_a_budget_up_to_100m_is_kept_on_every_engine(demo_db) -> None:
    """A large trust's central budget passes £21.47m, where a 32-bit column stopped on PostgreSQL."""
    alex = user_id(demo_db, "alex.morgan")
    org = _org_id(demo_db, "965643")
    row = next(b for b in organisation_page(demo_db, alex, org).budgets if b.amount_pence is not None)
    largest = 100_000_000_00
    saved = set_budget(demo_db, alex, org, row.period_id, largest, row.version)
    shown = next(b for b in organisation_page(demo_db, alex, org).budgets if b.period_id == row.period_id)
    assert shown.amount_pence == largest
    with pytest.raises(ValidationError, match="more than £100m"):
        set_budget(demo_db, alex, org, row.period_id, largest + 1, saved.version)


def test_saving_expertise_and_leader(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    org = _org_id(demo_db, "965643")
    page = organisation_page(demo_db, alex, org)
    saved = save_details(
        demo_db, alex, org, page.organisation.version, expertise="Oracy\n early reading ;oracy\n\n", leader=" Ann  Lee "
    )
    assert saved.changed
    after = organisation_page(demo_db, alex, org).organisation
    assert (after.expertise, after.leader) == ("Oracy; early reading", "Ann Lee")
    again = save_details(demo_db, alex, org, after.version, expertise="Oracy; early reading", leader="Ann Lee")
    assert not again.changed and again.version == after.version
    with pytest.raises(StaleData):
        save_details(demo_db, alex, org, page.organisation.version, expertise="x", leader=None)
    with pytest.raises(PermissionDenied):
        save_details(demo_db, user_id(demo_db, "sam.patel"), org, after.version, expertise="x", leader=None)
    with demo_db.read() as session:
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == org)).all() == [
            "organisation_details_changed"
        ]
    assert normalise_expertise("a;A; b ") == "a; b"
