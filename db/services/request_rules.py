"""Who may enter, change, withdraw, comment on and decide CPD requests (C1, C2, A1, D6).

The request services (entry, withdrawal, the line-manager and CPD-team layers,
comments) ask the same questions of one activity's organisation and job; the
answers live here so that each service words a refusal the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import DataSharingAgreement, Level, Module, Organisation, SharingLevel, UserGrant
from db.scope import _SHARES, Scope

CPD = Module.PARTNERSHIP_CPD


def central_entry_refusal(session: Session, scope: Scope, org_id: int, doing: str) -> str | None:
    """D6 for actions a comment-level user may take: entering a request on someone's behalf
    changes the school's data, so a grant held at the trust reaches a school only when it shares
    group actions; a grant held at the school itself is not limited by the agreement."""
    return central_entry_refusals(session, scope, [org_id], doing).get(org_id)


def central_entry_refusals(session: Session, scope: Scope, org_ids: Iterable[int], doing: str) -> dict[int, str]:
    """``central_entry_refusal`` for many organisations in two queries (an import names a hundred schools)."""
    wanted = sorted(set(org_ids))
    if not wanted:
        return {}
    held_here = set(
        session.scalars(
            select(UserGrant.organisation_id).where(
                UserGrant.user_id == scope.user_id,
                UserGrant.module == CPD,
                UserGrant.organisation_id.in_(wanted),
                UserGrant.cluster.is_(None),
                UserGrant.level >= int(Level.COMMENT),
            )
        )
    )
    found = {
        org_id: (name, trust_id, shared)
        for org_id, name, trust_id, shared in session.execute(
            select(Organisation.id, Organisation.name, Organisation.trust_id, DataSharingAgreement.level)
            .outerjoin(DataSharingAgreement, DataSharingAgreement.organisation_id == Organisation.id)
            .where(Organisation.id.in_(wanted))
        )
    }
    refusals: dict[int, str] = {}
    for org_id in wanted:
        if org_id in held_here:
            continue
        if org_id not in found:
            refusals[org_id] = f"You may not {doing} there: that organisation no longer exists."
            continue
        name, trust_id, shared = found[org_id]
        if trust_id is None:
            continue  # the trust itself: no agreement stands between it and its own users
        level = SharingLevel(shared if shared is not None else SharingLevel.NONE)
        if level < SharingLevel.GROUP_ACTIONS:
            refusals[org_id] = (
                f"{name} shares {_SHARES[level]} with the trust, so no central action touches it "
                f"and you may not {doing} there."
            )
    return refusals
