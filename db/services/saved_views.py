"""Shared saved views (Partnership CPD): created and deleted here, with an audit row each.

Anyone who may see Partnership CPD anywhere may save a view for the whole trust
and use everyone's; only the person who saved a view, or a primary user, may
delete it.  A view holds a filter, never data, so using one shows only what
the user's own scope (D6) allows.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from db.actions import begin
from db.engine import Database
from db.errors import PermissionDenied, ValidationError
from db.models import Module, SavedView
from db.queries.saved_views import SAVED_VIEWS

MAX_NAME = 120
MAX_FILTER_CHARS = 4000


def _name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise ValidationError("Give the view a name.")
    if len(name) > MAX_NAME:
        raise ValidationError(f"A view name can be at most {MAX_NAME} characters; shorten it.")
    if any(ord(ch) < 32 for ch in name):
        raise ValidationError("A view name cannot hold control characters.")
    return name


def create_shared_view(db: Database, user_id: int, name: str, filter_data: dict[str, Any]) -> int:
    """Save ``filter_data`` (as written by ``filter_to_data``) under ``name`` for everyone."""
    name = _name(name)
    if not isinstance(filter_data, dict) or len(json.dumps(filter_data)) > MAX_FILTER_CHARS:
        raise ValidationError("That filter cannot be saved as a view.")
    with begin(db, user_id) as act:
        if not act.scope.orgs(Module.PARTNERSHIP_CPD):
            raise PermissionDenied("You cannot see Partnership CPD, so you cannot share a view of it.")
        if act.session.scalar(select(SavedView.id).where(SavedView.name == name)) is not None:
            raise ValidationError(f"A shared view called “{name}” already exists; choose another name.")
        view = SavedView(name=name, filter=filter_data, created_by_user_id=user_id)
        act.session.add(view)
        act.session.flush()
        act.audit("saved_view_created", "saved_view", view.id, after={"name": name, "filter": filter_data})
        act.changed(SAVED_VIEWS, view.id)
        return view.id


def delete_shared_view(db: Database, user_id: int, view_id: int) -> None:
    with begin(db, user_id) as act:
        view = act.fetch(SavedView, view_id, missing="That shared view no longer exists; the list has been refreshed.")
        if view.created_by_user_id != user_id and not act.scope.is_primary:
            raise PermissionDenied(f"Only the person who saved “{view.name}”, or a primary user, may delete it.")
        before = {"name": view.name, "filter": view.filter}
        act.session.delete(view)
        act.audit("saved_view_deleted", "saved_view", view_id, before=before)
        act.changed(SAVED_VIEWS, view_id)
