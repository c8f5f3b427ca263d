"""The scope is kept between queries, yet a grant or an agreement changed a moment ago counts at once.

Each test first asks for the scope (so a kept copy exists), then changes what it is worked out
from behind its back (a plain UPDATE or DELETE, versions untouched, as another program or a bulk
import might), and checks that the very next query sees the change.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update

from db.models import DataSharingAgreement, Level, Module, PartnershipState, SharingLevel, UserGrant
from db.queries.activities import ActivityFilter, first_rows
from db.scope import scope_for
from db.services.signoff import SkipReason, sign_off
from tests.helpers import org_with_sharing, pending_elsewhere, user_id


def _scope(db, username: str = "sam.patel"):
    with db.read() as session:
        return scope_for(session, user_id(db, username))


def test_the_scope_is_worked_out_once_for_the_same_rows(demo_db) -> None:
    first, again = _scope(demo_db), _scope(demo_db)
    assert first.levels is again.levels  # kept, not worked out again
    assert first == again


def test_a_grant_lowered_behind_the_scope_counts_at_once(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    assert _scope(demo_db).best_level(Module.PARTNERSHIP_CPD) == Level.DECIDE
    assert first_rows(demo_db, sam, ActivityFilter()).can_decide
    with demo_db.transaction() as session:
        session.execute(
            update(UserGrant)
            .where(UserGrant.user_id == sam, UserGrant.module == Module.PARTNERSHIP_CPD)
            .values(level=int(Level.VIEW))
        )
    assert _scope(demo_db).best_level(Module.PARTNERSHIP_CPD) == Level.VIEW
    assert not first_rows(demo_db, sam, ActivityFilter()).can_decide  # no checkboxes any more


def test_a_revoked_grant_takes_its_organisations_away_at_once(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    assert _scope(demo_db).orgs(Module.PARTNERSHIP_CPD)
    with demo_db.transaction() as session:
        session.execute(delete(UserGrant).where(UserGrant.user_id == sam, UserGrant.module == Module.PARTNERSHIP_CPD))
    assert not _scope(demo_db).orgs(Module.PARTNERSHIP_CPD)
    assert first_rows(demo_db, sam, ActivityFilter()).rows == []


def test_a_school_that_starts_sharing_group_actions_is_decided_by_the_next_sign_off(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    school = org_with_sharing(demo_db, SharingLevel.MIS)
    rows = pending_elsewhere(demo_db, "sam.patel", {school}, limit=3)
    assert rows
    scope = _scope(demo_db)
    assert scope.can_see(Module.PARTNERSHIP_CPD, school) and not scope.can_act(Module.PARTNERSHIP_CPD, school)
    refused = sign_off(demo_db, sam, rows, PartnershipState.AUTHORISED)
    assert refused.applied == () and {row.reason for row in refused.skipped} == {SkipReason.NOT_SHARED}
    with demo_db.transaction() as session:
        session.execute(
            update(DataSharingAgreement)
            .where(DataSharingAgreement.organisation_id == school)
            .values(level=int(SharingLevel.GROUP_ACTIONS))
        )
    assert _scope(demo_db).can_act(Module.PARTNERSHIP_CPD, school)
    assert set(sign_off(demo_db, sam, rows, PartnershipState.AUTHORISED).applied) == set(rows)


def test_a_deactivated_user_has_no_scope_on_the_next_query(demo_db) -> None:
    from db.models import AppUser

    sam = user_id(demo_db, "sam.patel")
    assert _scope(demo_db).orgs(Module.PARTNERSHIP_CPD)
    with demo_db.transaction() as session:
        session.execute(update(AppUser).where(AppUser.id == sam).values(active=False))
        assert session.scalar(select(AppUser.active).where(AppUser.id == sam)) is False
    assert _scope(demo_db).levels == {}


def test_where_the_kept_scope_says_a_user_decides_is_what_the_grants_say(demo_db) -> None:
    from db.scope import deciding_grants, deciding_in

    for username in ("sam.patel", "alex.morgan", "chris.lee", "jo.evans", "pat.kim"):
        with demo_db.read() as session:
            who = user_id(demo_db, username)
            scope = scope_for(session, who)
            for module in (Module.PARTNERSHIP_CPD, Module.DATA_SHARING, Module.FLOOD_FILL):
                held, central = deciding_grants(session, who, module)
                assert deciding_in(session, scope, module) == (frozenset(held), frozenset(central))
