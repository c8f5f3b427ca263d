"""The worked-out scopes kept between queries, and the fingerprint that says when one is stale.

Every query of a filter change asks ``db.scope.scope_for`` for the user's scope, and working
it out reads every grant, organisation and agreement.  So the result is kept per user and per
exact fingerprint of the rows it comes from (the user, their grants with their versions and
groups, the organisations, the agreements: one small query): a grant or agreement changed a
moment ago changes the fingerprint, so a stale scope is never served.  What a user may see is
``db.scope``'s business; this module only keeps and finds its answers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Connection, Integer, String, bindparam, func, literal, select
from sqlalchemy import cast as sql_cast

from db.models import AppUser, DataSharingAgreement, Organisation, UserGrant, UserGrantGroup

_T = TypeVar("_T")


def _joined(*columns: Any) -> ColumnElement[str]:
    """The columns of each row as text, rows joined: an exact fingerprint of a small table."""
    text: ColumnElement[str] | None = None
    for column in columns:
        part = func.coalesce(sql_cast(column, String), literal("", String))
        text = part if text is None else text + literal(",", String) + part
    assert text is not None
    return func.aggregate_strings(text, ";")


_USER = bindparam("user_id", type_=Integer)
#: one round trip that changes whenever anything ``scope_for`` works from changes: the user, their
#: grants (and the groups those are limited to), the organisations and the agreements
_FINGERPRINT = select(
    select(_joined(AppUser.active, AppUser.is_primary, AppUser.job_id))
    .where(AppUser.id == _USER)
    .scalar_subquery(),
    select(
        _joined(UserGrant.id, UserGrant.version, UserGrant.organisation_id, UserGrant.cluster, UserGrant.module,
                UserGrant.level)
    )
    .where(UserGrant.user_id == _USER)
    .scalar_subquery(),
    select(_joined(UserGrantGroup.grant_id, UserGrantGroup.group_id))
    .join(UserGrant, UserGrant.id == UserGrantGroup.grant_id)
    .where(UserGrant.user_id == _USER)
    .scalar_subquery(),
    select(
        _joined(Organisation.id, Organisation.kind, Organisation.trust_id, Organisation.staff_visibility_restricted,
                Organisation.cluster)
    ).scalar_subquery(),
    select(_joined(DataSharingAgreement.organisation_id, DataSharingAgreement.level)).scalar_subquery(),
)  # fmt: skip

#: worked-out scopes by the exact rows they came from; a few users per program
_CACHE: OrderedDict[tuple, Any] = OrderedDict()
_CACHE_SIZE = 32
_CACHE_LOCK = threading.Lock()


def kept_or_worked_out(connection: Connection, user_id: int, work_out: Callable[[Connection, int], _T]) -> _T | None:
    """What ``work_out(connection, user_id)`` gave for these exact rows, kept or worked out now and
    kept; None when there is no such user.  ``work_out`` must be pure in the rows the fingerprint
    covers (group memberships are not covered: they change often and are read every time)."""
    fingerprint = tuple(connection.execute(_FINGERPRINT, {"user_id": user_id}).one())
    if not fingerprint[0]:
        return None  # no such user
    key = (user_id, fingerprint)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
    if cached is None:
        cached = work_out(connection, user_id)
        with _CACHE_LOCK:
            _CACHE[key] = cached
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return cast(_T, cached)
