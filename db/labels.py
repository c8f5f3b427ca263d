"""How the domain's states read to a person: shared by the window and the workbooks."""

from __future__ import annotations

from db.models import CompletionState, CpdTeamState, Level, LineManagerState, Module, PartnershipState

STATE_LABELS: dict[object, str] = {
    PartnershipState.PENDING: "Pending",
    PartnershipState.AUTHORISED: "Authorised",
    PartnershipState.REJECTED: "Rejected",
    PartnershipState.NEEDS_REAUTHORISATION: "Needs re-authorisation",
    PartnershipState.WITHDRAWN: "Withdrawn",
    LineManagerState.PENDING: "Pending",
    LineManagerState.AGREED: "Agreed",
    LineManagerState.DENIED: "Denied",
    CpdTeamState.PENDING: "Pending",
    CpdTeamState.APPROVED: "Approved",
    CpdTeamState.DECLINED: "Declined",
    CompletionState.NOT_COMPLETED: "Not completed",
    CompletionState.ATTENDED: "Attended",
    CompletionState.DID_NOT_ATTEND: "Did not attend",
    CompletionState.COMPLETED: "Completed",
}


def state_label(value: object) -> str:
    return STATE_LABELS.get(value, str(value))


#: every module a grant can name, as the Users & roles panel and the permissions report show it (A1)
MODULE_LABELS: dict[Module, str] = {
    Module.PARTNERSHIP_CPD: "CPD",
    Module.STAFF: "Staff",
    Module.GROUPS: "Groups",
    Module.FLOOD_FILL: "Flood fill",
    Module.BUDGETS: "Budgets",
    Module.ORGANISATIONS: "Organisations",
    Module.DATA_SHARING: "Data sharing",
    Module.TRAINING: "Training events",
    Module.CALENDAR: "Calendar",
    Module.DASHBOARD: "Dashboard",
    Module.USERS: "Users & roles",
    Module.REPORTS: "Exports",
    Module.AUDIT: "Audit log",
    Module.PERMISSIONS_REPORT: "Permissions report",
}

LEVEL_LABELS: dict[Level, str] = {
    Level.NONE: "No access",
    Level.VIEW: "View",
    Level.COMMENT: "View and comment",
    Level.DECIDE: "View, comment and decide",
}


def cluster_words(cluster: str) -> str:
    """“the Moorland cluster” for a cluster named “Moorland” or “Moorland cluster”."""
    return f"the {cluster}" if cluster.casefold().endswith("cluster") else f"the {cluster} cluster"
