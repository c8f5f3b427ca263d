"""Starting a new trust database: the trust, its roles and a first user who can do everything."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from db.errors import ValidationError
from db.models import AcademicPeriod, AuditEntry, Level, Module, Organisation
from db.queries.trust import is_empty
from db.queries.users import list_users
from db.scope import scope_for
from db.services.trust_setup import create_new_trust

PASSWORD = "plum orchard lantern"


def test_new_trust_has_a_primary_user_who_decides_everywhere(db) -> None:
    result = create_new_trust(db, " Riverside Learning Trust ", "16543", "Jane  Smith", "Jane.Smith", PASSWORD)
    users = list_users(db)
    assert [(u.username, u.display_name, u.is_primary) for u in users] == [("jane.smith", "Jane Smith", True)]
    assert users[0].roles == "Partnership primary user at Riverside Learning Trust"
    with db.read() as session:
        trust = session.get(Organisation, result.trust_id)
        assert trust is not None and trust.name == "Riverside Learning Trust" and trust.trust_uid == "16543"
        scope = scope_for(session, result.user_id)
        assert scope.is_primary
        assert all(scope.level(module, result.trust_id) == Level.DECIDE for module in Module)
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        periods = session.execute(select(AcademicPeriod.starts_on, AcademicPeriod.ends_on)).all()
    assert actions == ["trust_created", "user_created"]
    assert len(periods) == 1 and periods[0].starts_on <= date.today() <= periods[0].ends_on


@pytest.mark.parametrize(
    ("name", "uid", "person", "username", "message"),
    [
        ("", "16543", "Jane Smith", "jane.smith", "trust's name"),
        ("Riverside", "", "Jane Smith", "jane.smith", "trust UID"),
        ("Riverside", "16543", " ", "jane.smith", "your name"),
        ("Riverside", "16543", "Jane Smith", "Jane Smith!", "username"),
    ],
)
def test_bad_details_are_refused_and_nothing_is_written(db, name, uid, person, username, message) -> None:
    with pytest.raises(ValidationError) as caught:
        create_new_trust(db, name, uid, person, username, PASSWORD)
    assert message.split()[-1].lower() in caught.value.message.lower()
    assert is_empty(db)
    assert list_users(db) == []


def test_a_second_trust_is_refused_without_adding_a_user(db) -> None:
    create_new_trust(db, "Riverside Learning Trust", "16543", "Jane Smith", "jane.smith", PASSWORD)
    with pytest.raises(ValidationError, match="already has a trust"):
        create_new_trust(db, "Another Trust", "999", "Sam Other", "sam.other", PASSWORD)
    assert [u.username for u in list_users(db)] == ["jane.smith"]
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Organisation)) == 1


def test_the_first_user_has_a_password_kept_only_as_a_hash(db) -> None:
    from db.models import AppUser
    from db.passwords import verify_password

    result = create_new_trust(db, "Riverside Learning Trust", "16543", "Jane Smith", "jane.smith", PASSWORD)
    with db.read() as session:
        stored = session.get(AppUser, result.user_id).password_hash
        audit_text = str(session.scalars(select(AuditEntry.after)).all())
    assert stored is not None and PASSWORD not in stored and verify_password(PASSWORD, stored)
    assert PASSWORD not in audit_text and stored not in audit_text


def test_a_weak_first_password_is_refused_with_the_reason_and_nothing_is_written(db) -> None:
    with pytest.raises(ValidationError, match="contains the username"):
        create_new_trust(db, "Riverside Learning Trust", "16543", "Jane Smith", "jane.smith", "jane.smith2026")
    assert is_empty(db)
