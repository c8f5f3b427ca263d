"""Column mappings saved by name, per kind of import (``import_mappings.kind``: "staff", "requests"),
so the next file of the same layout needs no mapping by hand."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy import select

from db.actions import begin
from db.engine import Database
from db.errors import NotFound, ValidationError
from db.import_files.fields import FieldSet
from db.models import ImportMapping, utcnow
from db.scope import Scope

MAX_MAPPING_NAME = 120


def mapping_names(db: Database, kind: str) -> list[str]:
    with db.read() as session:
        return list(
            session.scalars(select(ImportMapping.name).where(ImportMapping.kind == kind).order_by(ImportMapping.name))
        )


def saved_mapping(db: Database, kind: str, name: str, *, what: str) -> dict[str, str]:
    """The mapping saved as ``name``; ``what`` names the kind in the refusal ("staff")."""
    with db.read() as session:
        found = session.scalar(
            select(ImportMapping.mapping).where(ImportMapping.kind == kind, ImportMapping.name == name.strip())
        )
    if found is None:
        raise NotFound(f"There is no saved {what} mapping called “{name}”.")
    return {str(key): str(value) for key, value in dict(found).items()}


def save_mapping(
    db: Database,
    user_id: int,
    kind: str,
    fields: FieldSet,
    name: str,
    mapping: Mapping[str, str],
    require: Callable[[Scope], None],
    *,
    action: str,
) -> int:
    """Keep a column mapping by name for the next file of the same layout (replacing one of that name).

    ``require`` refuses a user who may not run this import; the save is audited as ``action``.
    """
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Give the mapping a name.")
    if len(name) > MAX_MAPPING_NAME:
        raise ValidationError(f"A mapping's name has at most {MAX_MAPPING_NAME} characters.")
    clean = fields.checked_columns(mapping)
    if not clean:
        raise ValidationError("The mapping maps no column; there is nothing to save.")
    with begin(db, user_id) as act:
        require(act.scope)
        found = act.session.scalar(select(ImportMapping).where(ImportMapping.kind == kind, ImportMapping.name == name))
        before = None if found is None else dict(found.mapping)
        if found is None:
            found = ImportMapping(kind=kind, name=name, mapping=clean, created_by_user_id=user_id, created_at=utcnow())
            act.session.add(found)
        else:
            found.mapping = clean
        act.session.flush()
        act.audit(
            action,
            "import_mapping",
            found.id,
            before=None if before is None else {"mapping": before},
            after={"name": name, "mapping": clean},
        )
        return found.id
