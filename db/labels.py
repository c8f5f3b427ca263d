"""How the domain's states read to a person: shared by the window and the workbooks."""

from __future__ import annotations

from db.models import CompletionState, CpdTeamState, LineManagerState, PartnershipState

STATE_LABELS: dict[object, str] = {
    PartnershipState.PENDING: "Pending",
    PartnershipState.AUTHORISED: "Authorised",
    PartnershipState.REJECTED: "Rejected",
    PartnershipState.NEEDS_REAUTHORISATION: "Needs re-authorisation",
    LineManagerState.PENDING: "Pending",
    LineManagerState.AGREED: "Agreed",
    LineManagerState.DENIED: "Denied",
    CpdTeamState.PENDING: "Pending",
    CpdTeamState.APPROVED: "Approved",
    CpdTeamState.DECLINED: "Declined",
    CompletionState.NOT_COMPLETED: "Not completed",
    CompletionState.ATTENDED: "Attended",
    CompletionState.COMPLETED: "Completed",
}


def state_label(value: object) -> str:
    return STATE_LABELS.get(value, str(value))
