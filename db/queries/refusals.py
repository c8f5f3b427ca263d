"""Which ticked activities were already turned down below the partnership (C2, C4).

A line manager can deny a request and the CPD team can decline it before the
partnership sees it.  Authorising such a request is allowed (the partnership
has the last word) but is rarely meant: the sign-off dialog says how many of
the ticked rows were refused below and lets the lead leave them out in one
click.  Read in chunks so "tick all 200,000" stays one quick pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import CpdActivity, CpdTeamState, LineManagerState, Module
from db.queries.plan_shape import rare
from db.queries.tick_versions import joined, pieces
from db.scope import scope_for

CHUNK = 5000


@dataclass(frozen=True)
class RefusedBelow:
    denied: frozenset[int]  # denied by the line manager
    declined: frozenset[int]  # declined by the CPD team (a row can be both)

    @cached_property
    def ids(self) -> frozenset[int]:
        """Both, worked out once: the sign-off dialog asks on each update, and after "tick all" the
        union of tens of thousands of ids took milliseconds of the window's thread every time."""
        return self.denied | self.declined


def refused_below(db: Database, user_id: int, ids: Sequence[int]) -> RefusedBelow:
    ids = sorted(ids)
    with db.read() as session:
        visible = sorted(scope_for(session, user_id).orgs(Module.PARTNERSHIP_CPD))
        return refused_of(
            session,
            [
                (CpdActivity.id.in_(ids[start : start + CHUNK]), CpdActivity.organisation_id.in_(visible))
                for start in range(0, len(ids), CHUNK)
            ],
        )


def refused_of(session: Session, parts: Iterable[Sequence[ColumnElement[bool]]]) -> RefusedBelow:
    """The rows each of ``parts`` (a WHERE) selects that a layer below turned down.

    The ids come as a string per layer that the database joins, not a row per activity: 10,000
    refused rows of a "tick all" are two rows to read.
    """
    denied: set[int] = set()
    declined: set[int] = set()
    connection = session.connection()
    is_denied = CpdActivity.line_manager_state == LineManagerState.DENIED
    is_declined = CpdActivity.cpd_team_state == CpdTeamState.DECLINED
    for where in parts:
        # One read per layer, each said to be rare: SQLite then seeks that layer's refused rows in its
        # (period, state, id) index.  Asked together ("denied or declined"), or without the hint, it read
        # a queue's every row from the (period, partnership state) index and the table: 1 s for the
        # pending queue at five million activities, against a tenth of that.
        for found, refused in ((denied, is_denied), (declined, is_declined)):
            ids = connection.scalar(select(joined(session, CpdActivity.id)).where(*where, rare(refused)))
            for piece in pieces(ids or ""):
                found.update(map(int, piece.split(",")))
    return RefusedBelow(frozenset(denied), frozenset(declined))
