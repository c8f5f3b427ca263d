"""The TrustDesk schema (DESIGN §4). Import models from here."""

from db.models.access import AppUser, Role, RolePermission, UserGrant, UserGrantGroup
from db.models.activities import (
    ActivityComment,
    ActivityEvaluation,
    ActivitySession,
    CpdActivity,
    DecisionBatch,
    FloodFillBatch,
    LearningModule,
)
from db.models.audit import AuditEntry, Notification
from db.models.base import Base, utcnow
from db.models.budgets import Budget
from db.models.enums import (
    REPORT_MODULES,
    CompletionState,
    CpdTeamState,
    Level,
    LineManagerState,
    Module,
    OrgKind,
    OrgStatus,
    PartnershipState,
    SharingLevel,
    SharingRecipientRole,
    SharingRequestState,
)
from db.models.groups import Group, GroupCategory, GroupMembership
from db.models.organisations import Organisation
from db.models.people import Job, Person
from db.models.periods import AcademicPeriod, CoverLimit, TrustSetting
from db.models.reminders import ReminderSent
from db.models.saved_views import ImportMapping, SavedView
from db.models.sharing import DataSharingAgreement, DataSharingContact, DataSharingRequest
from db.models.text_totals import ActivityText, ActivityTextTotal
from db.models.totals import ActivityTotal
from db.models.training import (
    BookingState,
    EventPayer,
    TrainingEvent,
    TrainingEventAttendance,
    TrainingEventBooking,
    TrainingEventNotifyTarget,
    TrainingEventOptIn,
    TrainingEventSession,
)

__all__ = [
    "REPORT_MODULES",
    "AcademicPeriod",
    "ActivityComment",
    "ActivityEvaluation",
    "ActivitySession",
    "ActivityText",
    "ActivityTextTotal",
    "ActivityTotal",
    "AppUser",
    "AuditEntry",
    "Base",
    "BookingState",
    "Budget",
    "CompletionState",
    "CoverLimit",
    "CpdActivity",
    "CpdTeamState",
    "DataSharingAgreement",
    "DataSharingContact",
    "DataSharingRequest",
    "DecisionBatch",
    "EventPayer",
    "FloodFillBatch",
    "Group",
    "GroupCategory",
    "GroupMembership",
    "ImportMapping",
    "Job",
    "LearningModule",
    "Level",
    "LineManagerState",
    "Module",
    "Notification",
    "OrgKind",
    "OrgStatus",
    "Organisation",
    "PartnershipState",
    "Person",
    "ReminderSent",
    "Role",
    "RolePermission",
    "SavedView",
    "SharingLevel",
    "SharingRecipientRole",
    "SharingRequestState",
    "TrainingEvent",
    "TrainingEventAttendance",
    "TrainingEventBooking",
    "TrainingEventNotifyTarget",
    "TrainingEventOptIn",
    "TrainingEventSession",
    "TrustSetting",
    "UserGrant",
    "UserGrantGroup",
    "utcnow",
]
