"""P3 in flood fill: staff a school hides from the partnership are neither listed nor flood-filled."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from db.errors import PermissionDenied
from db.models import AppUser, DataSharingAgreement, Job, Module, Organisation, OrgKind, SharingLevel
from db.queries.flood_fill import flood_fill_options, quick_select
from db.queries.staff import StaffFilter, first_staff_page, matching_job_ids
from db.services.flood_fill import FloodFillSpec, create_flood_fill
from db.services.jobs import set_staff_visibility
from tests.helpers import user_id


def hide_staff_of(db, org_id: int) -> str:
    """Restrict the school's staff as the primary user would (Staff visibility…); returns its name."""
    with db.read() as session:
        org = session.get(Organisation, org_id)
        version, name = org.version, org.name
    set_staff_visibility(db, user_id(db, "alex.morgan"), org_id, True, version)
    return name


def sharing_school(db) -> int:
    """A school whose agreement lets the central team act on its staff (D6)."""
    with db.read() as session:
        return session.scalar(
            select(Organisation.id)
            .join(DataSharingAgreement, DataSharingAgreement.organisation_id == Organisation.id)
            .where(Organisation.kind == OrgKind.SCHOOL, DataSharingAgreement.level == int(SharingLevel.GROUP_ACTIONS))
            .order_by(Organisation.id)
            .limit(1)
        )


def jobs_at(db, org_id: int) -> list[int]:
    with db.read() as session:
        return list(session.scalars(select(Job.id).where(Job.organisation_id == org_id, Job.active.is_(True))))


def test_hidden_staff_are_not_listed_for_flood_fill(demo_db) -> None:
    school = sharing_school(demo_db)
    sam = user_id(demo_db, "sam.patel")
    filt = StaffFilter(module=Module.FLOOD_FILL.value, at_least=3)
    staff = jobs_at(demo_db, school)
    assert set(staff) <= set(matching_job_ids(demo_db, sam, filt))  # listed while the school shares them
    with demo_db.read() as session:
        name = session.get(Organisation, school).name
    assert [c for c in flood_fill_options(demo_db, sam).creators if c.label.endswith(f", {name}")]

    hide_staff_of(demo_db, school)

    assert not set(staff) & set(matching_job_ids(demo_db, sam, filt))
    first = first_staff_page(demo_db, sam, StaffFilter(search=name, module=Module.FLOOD_FILL.value, at_least=3))
    assert first.total == 0 and first.rows == []
    assert quick_select(demo_db, sam, "organisation", school) == []
    options = flood_fill_options(demo_db, sam)
    assert school not in {choice.id for choice in options.organisations}
    assert not [c.label for c in options.creators if c.label.endswith(f", {name}")]


def test_hidden_staff_cannot_be_flood_filled(demo_db) -> None:
    school = sharing_school(demo_db)
    staff = jobs_at(demo_db, school)[:3]
    sam = user_id(demo_db, "sam.patel")
    with demo_db.read() as session:
        creator = session.scalar(select(AppUser.job_id).where(AppUser.is_primary.is_(True)).limit(1))
    spec = FloodFillSpec("Phonics refresher", "Course", "Hub", date(2026, 1, 5), date(2026, 1, 5), creator)
    name = hide_staff_of(demo_db, school)  # after the lead chose them, before creating

    with pytest.raises(PermissionDenied, match=f"{name} hides its staff from the partnership"):
        create_flood_fill(demo_db, sam, spec, staff)
