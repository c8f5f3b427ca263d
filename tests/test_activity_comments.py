"""Comments on a request (C2, A1, A2): anyone at comment level may add to the thread; nobody is notified."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.audit_text import sentence
from db.errors import NotFound, PermissionDenied, ValidationError
from db.models import ActivityComment, AuditEntry, Notification, SharingLevel
from db.queries.activity_comments import comment_thread
from db.queries.audit import AuditFilter, audit_page
from db.services.comments import add_comment
from db.services.requests import enter_request
from tests.helpers import user_id
from tests.request_helpers import details, job_at, school_sharing, user_job


def request_at(db, organisation_id: int) -> int:
    return enter_request(db, user_id(db, "alex.morgan"), job_at(db, organisation_id), details()).activity_id


def test_a_view_and_comment_user_comments_and_the_thread_shows_who_and_when(demo_db) -> None:
    jo, sam = user_id(demo_db, "jo.evans"), user_id(demo_db, "sam.patel")
    activity = request_at(demo_db, school_sharing(demo_db, SharingLevel.GROUP_ACTIONS))
    with demo_db.read() as session:
        notes_before = session.scalar(select(func.count()).select_from(Notification))

    add_comment(demo_db, jo, activity, "  Same course ran last term: ask for the feedback.  ")
    add_comment(demo_db, sam, activity, "Agreed, will check.")

    thread = comment_thread(demo_db, sam, activity)
    assert [(c.who, c.text) for c in thread.comments] == [
        ("Jo Evans", "Same course ran last term: ask for the feedback."),
        ("Sam Patel", "Agreed, will check."),
    ]
    assert thread.comments[0].at <= thread.comments[1].at and thread.can_comment
    with demo_db.read() as session:
        assert session.scalar(select(func.count()).select_from(Notification)) == notes_before  # internal
    page = audit_page(demo_db, user_id(demo_db, "alex.morgan"), AuditFilter(action="activity_commented"), 0)
    assert sentence(page[0]).startswith("Sam Patel commented on “Phonics leadership course” for ")


def test_view_only_users_read_the_thread_but_may_not_comment(demo_db) -> None:
    pat = user_id(demo_db, "pat.kim")
    activity = request_at(demo_db, school_sharing(demo_db, SharingLevel.GROUP_ACTIONS))
    assert not comment_thread(demo_db, pat, activity).can_comment
    with pytest.raises(PermissionDenied, match="comment level"):
        add_comment(demo_db, pat, activity, "Looks expensive")
    with demo_db.read() as session:
        assert session.scalar(select(func.count()).select_from(ActivityComment)) == 0


def test_an_empty_comment_or_one_out_of_reach_is_refused(demo_db) -> None:
    chris = user_id(demo_db, "chris.lee")
    elsewhere = next(org for org in (4, 5, 6, 8, 9, 10) if org != user_job(demo_db, "chris.lee")[1])
    activity = request_at(demo_db, elsewhere)
    with demo_db.read() as session:
        audit_before = session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(ValidationError, match="Write a comment first"):
        add_comment(demo_db, user_id(demo_db, "sam.patel"), activity, "   ")
    with pytest.raises(NotFound):
        add_comment(demo_db, chris, activity, "Not my school")
    with demo_db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == audit_before
