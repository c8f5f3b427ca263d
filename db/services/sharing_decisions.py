"""Data sharing decided on the school's side: approve or decline the trust's request (D3, D4).

Only someone holding Data sharing at decide level at the school itself (not at
the trust) decides, and only at the level requested; once approved the school
cannot change it, and approving one request closes the others it answers.  The
trust's side (sending, reminding, contacts) is ``db.services.data_sharing``.
"""

from __future__ import annotations

from sqlalchemy import select

from db.actions import Action, begin
from db.engine import Database
from db.errors import PermissionDenied, ValidationError
from db.models import (
    AppUser,
    DataSharingAgreement,
    DataSharingRequest,
    Level,
    Module,
    Organisation,
    SharingLevel,
    SharingRequestState,
    utcnow,
)
from db.queries.data_sharing import DATA_SHARING, LEVEL_WORDS
from db.scope import deciding_grants


def _decidable(act: Action, request_id: int, doing: str) -> tuple[DataSharingRequest, Organisation]:
    """The outstanding request and its school, if the user holds the school's own permission (D3)."""
    request = act.fetch(DataSharingRequest, request_id, missing="That data sharing request no longer exists.")
    school = act.fetch(Organisation, request.organisation_id, missing="That school no longer exists.")
    held, _central = deciding_grants(act.session, act.user_id, Module.DATA_SHARING)
    if school.id not in held or not act.scope.can_act(Module.DATA_SHARING, school.id, Level.DECIDE):
        raise PermissionDenied(
            f"You may not {doing} data sharing for {school.name}: only someone holding the school's own Data "
            "sharing permission (its head teacher by default) decides it. Nothing was changed."
        )
    if request.state == SharingRequestState.APPROVED:
        raise ValidationError(
            f"This request was already approved: {school.name} cannot change an approved agreement. "
            "Nothing was changed."
        )
    if request.state == SharingRequestState.DECLINED:
        raise ValidationError("This request was already declined; the trust must send a new one. Nothing was changed.")
    if request.state != SharingRequestState.PENDING:
        raise ValidationError(
            f"This request was closed when {school.name} approved the same level through another request. "
            "Nothing was changed."
        )
    return request, school


def _tell_requester(act: Action, request: DataSharingRequest, kind: str, subject: str, body: str) -> None:
    email = act.session.scalar(select(AppUser.email).where(AppUser.id == request.sent_by_user_id))
    act.notify_rows(
        [
            {
                "recipient_user_id": request.sent_by_user_id,
                "recipient_email": email,
                "kind": kind,
                "subject": subject,
                "body": body,
            }
        ]
    )


def approve(db: Database, user_id: int, request_id: int, level: SharingLevel) -> SharingLevel:
    """Approve an outstanding request on the school's side at the level it asks for (D3); returns the new level."""
    with begin(db, user_id) as act:
        request, school = _decidable(act, request_id, "approve")
        asked = SharingLevel(request.level)
        if SharingLevel(level) != asked:
            raise ValidationError(
                f"This request asks for {LEVEL_WORDS[asked]}; approve that level or decline the request. "
                "Nothing was changed."
            )
        agreement = act.session.get(DataSharingAgreement, school.id)
        before = SharingLevel(agreement.level) if agreement else SharingLevel.NONE
        if asked <= before:
            raise ValidationError(
                f"{school.name} already shares {LEVEL_WORDS[before]}, so this request would not raise it; "
                "decline it instead. Nothing was changed."
            )
        now = utcnow()
        approver = act.session.scalar(select(AppUser.display_name).where(AppUser.id == user_id))
        if agreement is None:
            agreement = DataSharingAgreement(organisation_id=school.id, level=asked)
            act.session.add(agreement)
        agreement.level = asked
        agreement.approved_at = now
        agreement.approved_by_name = approver
        request.state = SharingRequestState.APPROVED
        request.decided_by_user_id = user_id
        request.decided_at = now
        # Requests to other people at this school that the approval answers are closed with it.
        for other in act.session.scalars(
            select(DataSharingRequest).where(
                DataSharingRequest.organisation_id == school.id,
                DataSharingRequest.state == SharingRequestState.PENDING,
                DataSharingRequest.id != request.id,
                DataSharingRequest.level <= int(asked),
            )
        ):
            other.state = SharingRequestState.WITHDRAWN
            other.decided_at = now
        raised = before > SharingLevel.NONE
        act.audit_rows(
            [
                {
                    "action": "data_sharing_raised" if raised else "data_sharing_approved",
                    "entity": "organisation",
                    "entity_id": school.id,
                    "before": {"sharing": LEVEL_WORDS[before]},
                    "after": {"request_id": request.id, "sharing": LEVEL_WORDS[asked]},
                }
            ]
        )
        _tell_requester(
            act,
            request,
            "data_sharing_approved",
            f"{school.name} approved sharing {LEVEL_WORDS[asked]} with the trust",
            f"{approver} approved the request you sent on {request.sent_at:%d %b %Y}.",
        )
        act.changed(DATA_SHARING, school.id)
        return asked


def decline(db: Database, user_id: int, request_id: int, reason: str) -> None:
    """Decline an outstanding request on the school's side, saying why (D3); the trust may ask again."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError("Give a reason for declining: the trust sees it. Nothing was changed.")
    if len(reason) > 1000:
        raise ValidationError("The reason is too long: at most 1,000 characters. Nothing was changed.")
    with begin(db, user_id) as act:
        request, school = _decidable(act, request_id, "decline")
        request.state = SharingRequestState.DECLINED
        request.decided_by_user_id = user_id
        request.decided_at = utcnow()
        request.decline_reason = reason
        act.audit(
            "data_sharing_declined",
            "organisation",
            school.id,
            after={"request_id": request.id, "sharing": LEVEL_WORDS[SharingLevel(request.level)]},
            reason=reason,
        )
        _tell_requester(
            act,
            request,
            "data_sharing_declined",
            f"{school.name} declined sharing {LEVEL_WORDS[SharingLevel(request.level)]} with the trust",
            f"Their reason: {reason}",
        )
        act.changed(DATA_SHARING, school.id)
