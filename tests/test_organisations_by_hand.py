"""Organisations the trust adds and keeps by hand (O1): through the services, on both engines."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.audit_text import sentence
from db.errors import PermissionDenied, StaleData, ValidationError
from db.models import DataSharingAgreement, Level, Module, Organisation, OrgKind, OrgStatus, SharingLevel, UserGrant
from db.queries.audit import AuditFilter, audit_page
from db.queries.flood_fill import flood_fill_options
from db.queries.organisation_records import organisation_choices, organisation_record
from db.queries.organisations import OrganisationFilter, list_organisations
from db.queries.people import staff_form_choices
from db.services.organisation_records import (
    OrganisationFields,
    add_organisation,
    close_organisation,
    edit_organisation,
    rename_cluster,
)
from db.services.record_fields import FieldError
from db.services.trust_setup import create_new_trust
from tests.helpers import user_id

CENTRAL = OrganisationFields("Oakfield Maths Hub", kind=OrgKind.CENTRAL, cluster="North", leader="Ada Byrne")


def share_group_actions(db, organisation_id: int) -> None:
    with db.transaction() as session:
        session.add(DataSharingAgreement(organisation_id=organisation_id, level=SharingLevel.GROUP_ACTIONS))


def said(db, action: str) -> list[str]:
    alex = user_id(db, "alex.morgan")
    return [sentence(row) for row in audit_page(db, alex, AuditFilter(action=action))]


def test_add_a_central_team_a_scitt_and_a_school_not_yet_in_gias(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    hub = add_organisation(demo_db, alex, CENTRAL)
    scitt = add_organisation(demo_db, alex, OrganisationFields("  Oakfield   SCITT North ", kind=OrgKind.SCITT))
    school = add_organisation(
        demo_db,
        alex,
        OrganisationFields(
            "Brook Lane Free School", phase="Primary", cluster="north", status=OrgStatus.PROPOSED, urn="199999"
        ),
    )
    rows = {row.id: row for row in list_organisations(demo_db, alex, OrganisationFilter(include_closed=True))}
    assert rows[hub].kind == OrgKind.CENTRAL and rows[hub].leader == "Ada Byrne"
    assert rows[scitt].name == "Oakfield SCITT North"
    assert (rows[school].urn, rows[school].status, rows[school].phase) == ("199999", OrgStatus.PROPOSED, "Primary")
    # "north" joins the cluster spelled "North" rather than starting a second one
    assert rows[school].cluster == rows[hub].cluster == "North"
    assert any("added Oakfield Maths Hub by hand" in s for s in said(demo_db, "organisation_added"))
    # a central team is the trust itself and needs no agreement; a SCITT or school shares first (D6)
    assert hub in {c.id for c in staff_form_choices(demo_db, alex).organisations}
    assert scitt not in {c.id for c in staff_form_choices(demo_db, alex).organisations}
    share_group_actions(demo_db, scitt)
    assert scitt in {c.id for c in staff_form_choices(demo_db, alex).organisations}


def test_names_and_urns_are_unique_and_checked(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    add_organisation(demo_db, alex, CENTRAL)
    with pytest.raises(FieldError, match="already an organisation called"):
        add_organisation(demo_db, alex, OrganisationFields("oakfield maths hub"))
    taken = next(r.urn for r in list_organisations(demo_db, alex) if r.urn)
    with pytest.raises(FieldError, match=f"URN {taken} is already"):
        add_organisation(demo_db, alex, OrganisationFields("New school", urn=taken))
    with pytest.raises(FieldError, match="6 digits") as refused:
        add_organisation(demo_db, alex, OrganisationFields("New school", urn="12AB"))
    assert refused.value.field == "urn"
    with pytest.raises(FieldError, match="Give the name"):
        add_organisation(demo_db, alex, OrganisationFields("   "))
    with pytest.raises(FieldError, match="a school, a SCITT or a central team"):
        add_organisation(demo_db, alex, OrganisationFields("Another trust", kind=OrgKind.TRUST))


def test_only_who_decides_about_organisations_at_the_trust_may(demo_db) -> None:
    sam, chris = user_id(demo_db, "sam.patel"), user_id(demo_db, "chris.lee")
    for who in (sam, chris):
        with pytest.raises(PermissionDenied, match="only someone who decides about the trust's organisations"):
            add_organisation(demo_db, who, CENTRAL)
        assert not organisation_choices(demo_db, who).may_manage
    alex = user_id(demo_db, "alex.morgan")
    assert organisation_choices(demo_db, alex).may_manage
    hub = add_organisation(demo_db, alex, CENTRAL)
    version = organisation_record(demo_db, alex, hub).version
    with pytest.raises(PermissionDenied):
        close_organisation(demo_db, sam, hub, version)
    with pytest.raises(PermissionDenied):
        rename_cluster(demo_db, sam, "North", "Northern")


def test_edit_is_version_checked_and_says_what_changed(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    hub = add_organisation(demo_db, alex, CENTRAL)
    shown = organisation_record(demo_db, alex, hub)
    edited = OrganisationFields("Oakfield Maths Hub", phase=None, cluster="South", leader="Ben Adair")
    version = edit_organisation(demo_db, alex, hub, shown.version, edited)
    assert version > shown.version
    with pytest.raises(StaleData, match="reopen it"):
        edit_organisation(demo_db, alex, hub, shown.version, edited)
    assert edit_organisation(demo_db, alex, hub, version, edited) == version  # nothing changed, nothing written
    [entry] = said(demo_db, "organisation_edited")
    assert "changed the cluster and leader of Oakfield Maths Hub" in entry


def test_a_closed_organisation_stays_in_history_but_not_in_pickers(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    hub = add_organisation(demo_db, alex, CENTRAL)
    share_group_actions(demo_db, hub)
    assert hub in {c.id for c in flood_fill_options(demo_db, alex).organisations}
    version = close_organisation(demo_db, alex, hub, organisation_record(demo_db, alex, hub).version)
    with pytest.raises(ValidationError, match="already closed"):
        close_organisation(demo_db, alex, hub, version)
    assert hub not in {r.id for r in list_organisations(demo_db, alex)}
    assert hub in {r.id for r in list_organisations(demo_db, alex, OrganisationFilter(status=OrgStatus.CLOSED))}
    assert hub not in {c.id for c in staff_form_choices(demo_db, alex).organisations}
    assert hub not in {c.id for c in flood_fill_options(demo_db, alex).organisations}
    assert any("closed Oakfield Maths Hub" in s for s in said(demo_db, "organisation_closed"))
    with demo_db.read() as session:
        trust = session.scalar(select(Organisation.id).where(Organisation.kind == OrgKind.TRUST))
    with pytest.raises(ValidationError, match="trust itself"):
        close_organisation(demo_db, alex, trust, organisation_record(demo_db, alex, trust).version)


def test_renaming_a_cluster_renames_it_on_its_schools_and_grants(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    clusters = organisation_choices(demo_db, alex).clusters
    assert clusters, "the demo trust has clusters"
    old = clusters[0]
    with demo_db.transaction() as session:
        trust = session.scalar(select(Organisation.id).where(Organisation.kind == OrgKind.TRUST))
        session.add(
            UserGrant(user_id=alex, organisation_id=trust, cluster=old.name, module=Module.STAFF, level=Level.VIEW)
        )
    assert rename_cluster(demo_db, alex, old.name, "  Riverside  ") == old.organisations
    with demo_db.read() as session:
        assert session.scalar(select(UserGrant.cluster).where(UserGrant.cluster == "Riverside")) == "Riverside"
        assert not session.scalar(select(Organisation.id).where(Organisation.cluster == old.name).limit(1))
    [entry] = said(demo_db, "cluster_renamed")
    assert f"renamed the cluster {old.name} to Riverside ({old.organisations} organisations)" in entry
    if len(clusters) > 1:  # joining another cluster would widen the grant that names this one
        with pytest.raises(FieldError, match="widen those grants"):
            rename_cluster(demo_db, alex, "Riverside", clusters[1].name.upper())
    with pytest.raises(ValidationError, match="No organisation is in a cluster"):
        rename_cluster(demo_db, alex, old.name, "Elsewhere")


def test_a_new_trust_adds_its_central_team_and_a_school_by_hand(db) -> None:
    new = create_new_trust(db, "Brookside Schools Trust", "TR01234", "Pat Kim", "pat.kim")
    assert organisation_choices(db, new.user_id).may_manage
    team = add_organisation(db, new.user_id, OrganisationFields("Brookside central team", kind=OrgKind.CENTRAL))
    school = add_organisation(db, new.user_id, OrganisationFields("Brookside Primary", phase="Primary", cluster="East"))
    assert {r.id for r in list_organisations(db, new.user_id)} == {new.trust_id, team, school}
    assert [c.name for c in organisation_choices(db, new.user_id).clusters] == ["East"]


def test_the_trusts_own_central_team_needs_no_agreement(db) -> None:
    """D6 is about schools sharing their MIS data; the central team is the trust itself."""
    from db.models import Level, Module
    from db.scope import scope_for

    new = create_new_trust(db, "Brookside Schools Trust", "TR01234", "Pat Kim", "pat.kim")
    team = add_organisation(db, new.user_id, OrganisationFields("Brookside central team", kind=OrgKind.CENTRAL))
    school = add_organisation(db, new.user_id, OrganisationFields("Brookside Primary", phase="Primary"))
    with db.read() as session:
        scope = scope_for(session, new.user_id)
    assert scope.level(Module.STAFF, team) == Level.DECIDE
    assert scope.level(Module.STAFF, school) == Level.NONE  # until the school shares its data
