"""Comments on a CPD request (C2, A1, A2): the conversation of the people who review it.

Anyone who may see the activity at comment level or above may add to its
thread ("view and comment" users have no decision controls, and this is what
they have instead).  A comment is internal: the individual is not notified.
It is audited like every change, and a comment once written is never edited
or deleted, so the thread is a record too.
"""

from __future__ import annotations

from sqlalchemy import select

from db.actions import begin
from db.engine import Database
from db.errors import NotFound, PermissionDenied, ValidationError
from db.models import ActivityComment, CpdActivity, Level, utcnow
from db.queries.activity_comments import COMMENTS
from db.services.request_rules import CPD

MAX_COMMENT = 4000


def add_comment(db: Database, user_id: int, activity_id: int, text: str) -> int:
    """Add one comment to the activity's thread; returns its id."""
    text = text.strip()
    if not text:
        raise ValidationError("Write a comment first: an empty comment was not added.")
    if len(text) > MAX_COMMENT:
        raise ValidationError(f"A comment is at most {MAX_COMMENT:,} characters: shorten it or split it in two.")
    with begin(db, user_id) as act:
        session = act.session
        found = session.execute(
            select(CpdActivity.organisation_id, CpdActivity.job_id).where(CpdActivity.id == activity_id)
        ).first()
        if found is None or not act.scope.reaches_job(CPD, found[0], found[1], Level.VIEW):
            raise NotFound("That activity no longer exists, or you may not see it.")
        if not act.scope.reaches_job(CPD, found[0], found[1], Level.COMMENT):
            raise PermissionDenied("You may view this activity but not comment on it: that needs CPD at comment level.")
        comment = ActivityComment(activity_id=activity_id, user_id=user_id, at=utcnow(), text=text)
        session.add(comment)
        session.flush()
        # filed under the activity, so its history shows the comment beside its decisions
        act.audit("activity_commented", "cpd_activity", activity_id, after={"comment": text, "comment_id": comment.id})
        act.changed(COMMENTS, activity_id)
        return comment.id
