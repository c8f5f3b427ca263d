"""An activity's comment thread (who, when, text), oldest first, for whoever may see the activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from db.changes import ChangeKind
from db.engine import Database
from db.errors import NotFound
from db.models import ActivityComment, AppUser, CpdActivity, Level, Module
from db.scope import scope_for

#: published when a comment is added (the activity's id); the detail view watches it
COMMENTS: ChangeKind = "activity_comments"


@dataclass(frozen=True, slots=True)
class CommentRow:
    id: int
    at: datetime
    who: str
    text: str


@dataclass(frozen=True, slots=True)
class CommentThread:
    activity_id: int
    comments: tuple[CommentRow, ...]
    can_comment: bool


def comment_thread(db: Database, user_id: int, activity_id: int) -> CommentThread:
    with db.read() as session:
        scope = scope_for(session, user_id)
        found = session.execute(
            select(CpdActivity.organisation_id, CpdActivity.job_id).where(CpdActivity.id == activity_id)
        ).first()
        if found is None or not scope.reaches_job(Module.PARTNERSHIP_CPD, found[0], found[1]):
            raise NotFound("That activity no longer exists, or you may not see it.")
        rows = session.execute(
            select(ActivityComment.id, ActivityComment.at, AppUser.display_name, ActivityComment.text)
            .join(AppUser, AppUser.id == ActivityComment.user_id)
            .where(ActivityComment.activity_id == activity_id)
            .order_by(ActivityComment.at, ActivityComment.id)
        ).all()
        return CommentThread(
            activity_id,
            tuple(CommentRow(*row) for row in rows),
            scope.reaches_job(Module.PARTNERSHIP_CPD, found[0], found[1], Level.COMMENT),
        )
