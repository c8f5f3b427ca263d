"""Who may enter, change, withdraw, comment on and decide CPD requests (C1, C2, A1, D6).

The request services (entry, withdrawal, the line-manager and CPD-team layers,
comments) ask the same questions of one activity's organisation and job; the
answers live here so that each service words a refusal the same way.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import DataSharingAgreement, Level, Module, Organisation, SharingLevel, UserGrant
from db.scope import _SHARES, Scope

CPD = Module.PARTNERSHIP_CPD


def central_entry_refusal(session: Session, scope: Scope, org_id: int, doing: str) -> str | None:
    """D6 for actions a comment-level user may take: entering a request on someone's behalf
    changes the school's data, so a grant held at the trust reaches a school only when it shares
    group actions; a grant held at the school itself is not limited by the agreement."""
    held_here = session.scalar(
        select(UserGrant.id)
        .where(
            UserGrant.user_id == scope.user_id,
            UserGrant.module == CPD,
            UserGrant.organisation_id == org_id,
            UserGrant.cluster.is_(None),
            UserGrant.level >= int(Level.COMMENT),
        )
        .limit(1)
    )
    if held_here is not None:
        return None
    found = session.execute(
        select(Organisation.name, Organisation.trust_id, DataSharingAgreement.level)
        .outerjoin(DataSharingAgreement, DataSharingAgreement.organisation_id == Organisation.id)
        .where(Organisation.id == org_id)
    ).first()
    if found is None:
        return f"You may not {doing} there: that organisation no longer exists."
    name, trust_id, shared = found
    if trust_id is None:
        return None  # the trust itself: no agreement stands between it and its own users
    level = SharingLevel(shared if shared is not None else SharingLevel.NONE)
    if level < SharingLevel.GROUP_ACTIONS:
        return (
            f"{name} shares {_SHARES[level]} with the trust, so no central action touches it "
            f"and you may not {doing} there."
        )
    return None
