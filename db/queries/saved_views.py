"""Shared saved views of Partnership CPD, listed for everyone in the trust."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from db.changes import ChangeKind
from db.engine import Database
from db.models import AppUser, SavedView
from db.scope import scope_for

#: what a change to shared saved views is called on the data bus (db.actions)
SAVED_VIEWS: ChangeKind = "saved_views"


@dataclass(frozen=True, slots=True)
class SharedView:
    id: int
    name: str
    filter: dict[str, Any]
    created_by: str
    may_delete: bool  # the creator, or a primary user


def shared_views(db: Database, user_id: int) -> list[SharedView]:
    with db.read() as session:
        scope = scope_for(session, user_id)
        rows = session.execute(
            select(SavedView.id, SavedView.name, SavedView.filter, SavedView.created_by_user_id, AppUser.display_name)
            .join(AppUser, AppUser.id == SavedView.created_by_user_id)
            .order_by(SavedView.name)
        ).all()
        return [
            SharedView(view_id, name, dict(data or {}), creator, creator_id == user_id or scope.is_primary)
            for view_id, name, data, creator_id, creator in rows
        ]
