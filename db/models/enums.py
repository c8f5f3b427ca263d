"""Domain vocabularies (DESIGN §4), stored by value."""

from __future__ import annotations

import enum


class OrgKind(enum.StrEnum):
    TRUST = "trust"
    SCHOOL = "school"
    SCITT = "scitt"
    CENTRAL = "central"


class OrgStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    PROPOSED = "proposed"


class LineManagerState(enum.StrEnum):
    PENDING = "pending"
    AGREED = "agreed"
    DENIED = "denied"


class CpdTeamState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class PartnershipState(enum.StrEnum):
    PENDING = "pending"
    AUTHORISED = "authorised"
    REJECTED = "rejected"
    NEEDS_REAUTHORISATION = "needs_reauthorisation"
    WITHDRAWN = "withdrawn"  # by whoever entered it, or a decider, before any decision (C1)


class CompletionState(enum.StrEnum):
    NOT_COMPLETED = "not_completed"
    ATTENDED = "attended"
    DID_NOT_ATTEND = "did_not_attend"
    COMPLETED = "completed"


class Module(enum.StrEnum):
    """Each partnership module has its own permission (A1): the one list grants are made from.

    The last three are report permissions, which only a primary user may grant
    (``REPORT_MODULES``).  A new module adds its value here and its label in
    ``db.labels.MODULE_LABELS``.
    """

    DASHBOARD = "dashboard"
    ORGANISATIONS = "organisations"
    STAFF = "staff"
    GROUPS = "groups"
    PARTNERSHIP_CPD = "partnership_cpd"
    FLOOD_FILL = "flood_fill"
    BUDGETS = "budgets"
    TRAINING = "training"
    CALENDAR = "calendar"
    DATA_SHARING = "data_sharing"
    USERS = "users"
    AUDIT = "audit"
    REPORTS = "reports"  # exports: budget workbooks, the current view, PDFs
    PERMISSIONS_REPORT = "permissions_report"


#: report permissions (A1): separate grants that only a primary user may give
REPORT_MODULES = frozenset({Module.AUDIT, Module.REPORTS, Module.PERMISSIONS_REPORT})


class Level(enum.IntEnum):
    """Permission levels, ordered: a higher level includes the lower ones."""

    NONE = 0
    VIEW = 1
    COMMENT = 2
    DECIDE = 3


class SharingLevel(enum.IntEnum):
    """Data sharing access levels (D5); they only ever go up (D4)."""

    NONE = 0
    INSTITUTION = 1
    MIS = 2
    GROUP_ACTIONS = 3


class SharingRequestState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    #: closed without a decision: the school approved the same or a higher level through another recipient
    WITHDRAWN = "withdrawn"
    DECLINED = "declined"


class SharingRecipientRole(enum.StrEnum):
    EXECUTIVE_HEAD = "executive_head"
    HEAD = "head"
    DEPUTY_HEAD = "deputy_head"
    DATA_MANAGER = "data_manager"
