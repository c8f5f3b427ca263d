"""The audit log in sentences (A2): "Sam Patel authorised *NPQ for Leading Teaching* for Isaac Brooks (Hollyhurst)".

One table, action → template, for every action the services write (tests check that each
``action=`` in db/services has an entry). Field names become words, money is in pounds, and
times are shown in the trust's local time (Europe/London, summer time included): the database
stores UTC. Plain Python, no Qt, so the viewer, an export or the command line can all use it.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from db.queries.audit import AuditRow

LOCAL_ZONE_NAME = "Europe/London"

#: action → sentence. Placeholders: who, activity (a title, shown in italics), person, at (" (School)"),
#: organisation, group, category, name, plus any key of the entry's after/before values.
TEMPLATES: dict[str, str] = {
    "partnership_authorised": "{who} authorised {activity} for {person}{at}",
    "partnership_rejected": "{who} rejected {activity} for {person}{at}",
    "partnership_reverted": "{who} undid the partnership decision on {activity} for {person}{at}",
    "completion_recorded": "{who} recorded {activity} for {person}{at} as completed on {completed_on}",
    "attendance_recorded": "{who} recorded that {person}{at} {completion_state} {activity}",
    "evaluation_recorded": "{who} evaluated {activity} for {person}{at}: {hours} hours, rated {rating} of 5",
    "evaluation_corrected": "{who} re-evaluated {activity} for {person}{at}: {hours} hours, rated {rating} of 5",
    "activity_edited": "{who} corrected the {changed} of {activity} for {person}{at}",
    "flood_fill_created": "{who} flood-filled {activity} to {activity_count} activities",
    "budget_set": "{who} set the CPD budget of {organisation} for {period} to {amount_pence}",
    "organisation_details_changed": "{who} changed the {changed} of {organisation}",
    "staff_visibility_restricted": "{who} hid the staff of {organisation} from the partnership",
    "staff_visibility_opened": "{who} showed the staff of {organisation} to the partnership",
    "job_brought_up": "{who} brought {person}’s job up into the partnership{at}",
    "group_category_created": "{who} created the group category {category}",
    "group_category_renamed": "{who} renamed the group category {old_name} to {category}",
    "group_category_deleted": "{who} deleted the group category {category} with its {groups} groups",
    "group_created": "{who} created the group {group}",
    "group_renamed": "{who} renamed the group {old_name} to {group}",
    "group_deleted": "{who} deleted the group {group} ({memberships} members)",
    "group_member_added": "{who} added {person}{at} to the group {group}",
    "group_member_removed": "{who} removed {person}{at} from the group {group}",
    "group_members_added": "{who} added {count} people to the group {group}",
    "group_members_removed": "{who} removed {count} people from the group {group}",
    "saved_view_created": "{who} shared the view {name} with everyone in the trust",
    "saved_view_deleted": "{who} deleted the shared view {name}",
    "gias_added": "{who} added {organisation} from a GIAS extract",
    "gias_updated": "{who} updated the {changed} of {organisation} from a GIAS extract",
    "gias_unchanged": "{who} found {organisation} unchanged in a GIAS extract",
    "gias_skipped": "{who} skipped {organisation} in a GIAS extract",
    "trust_created": "{who} created the trust {name}",
    "staff_person_added": "{who} added {name} from a staff file",
    "staff_person_updated": "{who} updated the {changed} of {name} from a staff file",
    "staff_job_added": "{who} added {person}’s job as {role}{at} from a staff file",
    "staff_job_updated": "{who} updated the {changed} of {person}’s job{at} from a staff file",
    "staff_job_ended": "{who} ended {person}’s job{at}: not in the whole staff list",
    "import_mapping_saved": "{who} saved the staff column mapping {name}",
    "request_mapping_saved": "{who} saved the request column mapping {name}",
    "user_created": "{who} created the user {display_name} ({username})",
    "user_changed": "{who} changed the {changed} of the user {user}",
    "user_deactivated": "{who} deactivated the user {user}",
    "user_reactivated": "{who} reactivated the user {user}",
    "user_made_primary": "{who} made {user} a primary user",
    "user_primary_removed": "{who} made {user} no longer a primary user",
    "user_login_linked": "{who} linked the database login {db_login} to {user}",
    "mail_settings_set": "{who} changed the trust’s e-mail settings",
    "notifications_sent_again": "{who} put {messages} e-mails back in the outbox to be sent again",
    "reminders_opt_out_set": "{who} turned reminder e-mails {reminders} for {person}",
    "email_bounced": "{who} sent an e-mail to {address} that bounced ({reason}); the address is flagged",
    "email_bounce_cleared": "{who} cleared the bounce flag on {address}",
    "grant_given": "{who} gave {user} {permission} over {where}",
    "grant_changed": "{who} changed {user}’s {permission} over {where}",
    "grant_revoked": "{who} took away {user}’s {permission} over {where}",
    "password_set": "{who} set the password of {user}",
    "start_month_changed": (
        "{who} moved the start of the academic year from {old_start_month} to {start_month}, "
        "moving {activities_moved} activities to another period"
    ),
    "budget_period_added": "{who} added the academic period {period} so that budgets can be set for it",
    "cover_limit_default_set": "{who} set the trust’s default cover-day limit to {days} days",
    "cover_limit_role_set": "{who} set the cover-day limit for {role} to {days} days",
    "cover_limit_role_removed": "{who} removed the cover-day limit for {role}",
    "trust_renamed": "{who} renamed the trust from {old_name} to {name}",
    "trust_logo_set": "{who} set the trust’s logo ({format}, {width} × {height} pixels)",
    "trust_logo_removed": "{who} removed the trust’s logo",
    "organisation_added": "{who} added {organisation} by hand",
    "organisation_edited": "{who} changed the {changed} of {organisation}",
    "organisation_closed": "{who} closed {organisation}",
    "cluster_renamed": "{who} renamed the cluster {renamed_from} to {cluster} ({organisations} organisations)",
    "person_added": "{who} added {person}{at} as {role}",
    "job_added": "{who} gave {person} a job{at} as {role}",
    "person_changed": "{who} changed the {changed} of {person}",
    "job_changed": "{who} changed the {changed} of {person}’s job{at}",
    "job_ended": "{who} ended {person}’s job{at} from {ended_on}",
    "job_reactivated": "{who} reactivated {person}’s job{at}",
    "people_linked": "{who} linked the records of {merged} and {kept} as one person (jobs moved: {jobs_moved})",
    "data_sharing_requested": "{who} asked {organisation} to share {sharing} with the trust, sent to {recipient}",
    "data_sharing_raise_requested": "{who} asked {organisation} to raise its data sharing to {sharing}, "
    "sent to {recipient}",
    "data_sharing_reminded": "{who} reminded {recipient} at {organisation} of the request to share {sharing}",
    "data_sharing_approved": "{who} approved sharing {sharing} of {organisation} with the trust",
    "data_sharing_raised": "{who} raised the data sharing of {organisation} to {sharing}",
    "data_sharing_declined": "{who} declined sharing {sharing} of {organisation} with the trust",
    "reminder_settings_set": "{who} set reminders to go {days_before_start} days before a request starts and "
    "data sharing reminders {data_sharing_days} days after sending",
    "reminders_sent": "{who} ran the reminders of {day}: sent {reminders} reminders ({people} people reminded of "
    "{requests} requests to decide, {data_sharing} data sharing requests reminded)",
    "data_sharing_contact_added": "{who} added {name} ({role}) as a data sharing contact at {organisation}",
    "request_entered": "{who} entered the CPD request {activity} for {person}{at}",
    "request_edited": "{who} changed the {changed} of the request {activity} for {person}{at}",
    "training_event_created": "{who} created the training event {activity}",
    "training_event_edited": "{who} changed the {changed} of the training event {activity}",
    "training_event_published": "{who} published the training event {activity} to every member organisation, "
    "telling {told} people",
    "training_event_targets_set": "{who} chose who is told of the training event {activity}",
    "training_event_unpublished": "{who} made the training event {activity} a draft again",
    "training_event_cancelled": "{who} cancelled the training event {activity} ({bookings_cancelled} bookings "
    "cancelled, {activities_withdrawn} requests withdrawn)",
    "request_withdrawn": "{who} withdrew the request {activity} for {person}{at}",
    "line_manager_agreed": "{who} agreed, as line manager, to {activity} for {person}{at}",
    "line_manager_denied": "{who} denied, as line manager, {activity} for {person}{at}",
    "line_manager_agreed_for": (
        "{who} recorded on behalf of {line_manager} that the line manager agreed to {activity} for {person}{at}"
    ),
    "line_manager_denied_for": (
        "{who} recorded on behalf of {line_manager} that the line manager denied {activity} for {person}{at}"
    ),
    "cpd_team_approved": "{who} approved {activity} for {person}{at} for the CPD team",
    "cpd_team_declined": "{who} declined {activity} for {person}{at} for the CPD team",
    "activity_commented": "{who} commented on {activity} for {person}{at}",
    "training_opted_in": "{who} opted {organisation} into the training event {activity}",
    "training_opted_out": "{who} opted {organisation} out of the training event {activity}",
    "training_booked": "{who} booked {person}{at} onto {activity}",
    "training_waiting": "{who} put {person}{at} on the waiting list for {activity}",
    "training_booking_promoted": "{who} gave {person}{at} a place on {activity} from the waiting list",
    "training_booking_cancelled": "{who} cancelled the booking of {person}{at} on {activity}",
    "training_booking_moved_to_waiting": "{who} moved {person}{at} back to the waiting list for {activity}",
    "training_places_changed": "{who} set the places on {activity} to {places}",
    "training_place_activity": "{who} made the CPD activity {activity} for {person}{at} for their place on the event",
    "register_marked": "{who} took the register of {activity}: {person}{at} attended: {attended}",
}

#: actions whose "reason" is written by the program and repeats the sentence (budget: "School 2026/27")
OWN_REASON_ACTIONS = frozenset(
    {
        "budget_set",
        "gias_added",
        "gias_updated",
        "gias_unchanged",
        "gias_skipped",
        "staff_person_added",
        "staff_person_updated",
        "staff_job_added",
        "staff_job_updated",
    }
)

#: field → words, for the list of changes and for "{changed}"
FIELD_WORDS: dict[str, str] = {
    "partnership_state": "partnership authorisation",
    "line_manager_state": "line-manager agreement",
    "cpd_team_state": "CPD-team approval",
    "completion_state": "completion",
    "completed_on": "completion date",
    "starts_on": "start date",
    "ends_on": "end date",
    "course_fee_pence": "course fee",
    "cover_cost_pence": "cover cost",
    "travel_cost_pence": "travel cost",
    "other_cost_pence": "other costs",
    "cover_days": "cover days",
    "amount_pence": "budget",
    "partnership_reason": "reason given",
    "partnership_decided_at": "decided at",
    "leader_name": "leader",
    "expertise": "expertise",
    "staff_visibility_restricted": "staff hidden from the partnership",
    "pay_scale": "pay scale",
    "unique_id": "unique ID",
    "urn": "URN",
    "trust_uid": "trust ID",
    "display_name": "name",
    "activity_count": "activities",
    "pre_authorised": "authorised at once",
    "by_organisation": "by organisation",
    "start_month": "start of the academic year",
    "activities_moved": "activities moved",
    "periods_created": "periods created",
    "first_name": "first name",
    "last_name": "last name",
    "email": "e-mail",
    "work_email": "work e-mail",
    "trn": "TRN",
    "staff_code": "staff code",
    "line_manager": "line manager",
    "started_on": "start date",
    "ended_on": "leaving date",
    "jobs_moved": "jobs moved",
    "active": "in post",
    "is_line_manager": "line manager of others",
    "line_manager_reason": "line manager's reason",
    "cpd_team_reason": "CPD team's reason",
    "intended_outcome": "intended outcome",
    "impact_measure": "how impact will be measured",
    "sharing_plan": "how it will be shared",
    "activity_type": "type",
    "sessions": "further sessions",
}
#: bookkeeping the reader does not need (ids and version counters)
HIDDEN_FIELDS = frozenset(
    {
        "version",
        "decision_batch_id",
        "partnership_user_id",
        "charged_organisation_id",
        "period_id",
        "job_id",
        # a grant's machine values: its "permission" says them in words
        "module",
        "level",
        # a cluster's old name: the sentence says it, and the change shows it as the cluster's "before"
        "renamed_from",
    }
)
VALUE_WORDS: dict[str, str] = {"needs_reauthorisation": "needs re-authorisation", "True": "yes", "False": "no"}


@dataclass(frozen=True, slots=True)
class Change:
    field: str  # in words
    before: str
    after: str


def local_zone() -> ZoneInfo | None:
    """The trust's time zone; None when this computer has no time-zone data (then UTC is shown, and said)."""
    try:
        return ZoneInfo(LOCAL_ZONE_NAME)
    except ZoneInfoNotFoundError:
        return None


def local_time(at: datetime) -> str:
    """``at`` (naive UTC, as stored) as a UK wall-clock time: "30 Mar 2026 10:15" (BST in summer)."""
    zone = local_zone()
    aware = at.replace(tzinfo=UTC) if at.tzinfo is None else at
    if zone is None:
        return f"{aware:%d %b %Y %H:%M} UTC"
    return f"{aware.astimezone(zone):%d %b %Y %H:%M}"


def field_words(name: str) -> str:
    return FIELD_WORDS.get(name, name.replace("_", " "))


def value_words(name: str, value: object) -> str:
    if value is None or value == "":
        return "—"
    if name.endswith("_pence") and isinstance(value, int | float):
        return f"£{value / 100:,.2f}"
    if isinstance(value, dict):
        return ", ".join(f"{key}: {value_words('', item)}" for key, item in value.items())
    text = str(value)
    if name.endswith(("_on", "_at")):
        try:
            return f"{datetime.fromisoformat(text):%d %b %Y}"
        except ValueError:
            return text
    return VALUE_WORDS.get(text, text.replace("_", " ") if name.endswith("_state") else text)


def _values(compact: str) -> dict[str, object]:
    if not compact:
        return {}
    try:
        parsed = json.loads(compact)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def changes(row: AuditRow) -> list[Change]:
    """What changed, field by field, in words; bookkeeping left out."""
    before, after = _values(row.before), _values(row.after)
    result = []
    for name in [*after, *(key for key in before if key not in after)]:
        if name in HIDDEN_FIELDS or name.endswith("_id"):
            continue
        old, new = before.get(name), after.get(name)
        if old == new and name in before:
            continue
        result.append(Change(field_words(name), value_words(name, old), value_words(name, new)))
    return result


def show_login(row: AuditRow) -> bool:
    """The database login is worth showing only when it is not the signed-in user's own name."""
    return bool(row.db_identity) and row.db_identity.casefold() != row.username.casefold()


def sentence(row: AuditRow, *, rich: bool = False) -> str:
    """The entry as one sentence; ``rich``: HTML with the activity's title in italics."""
    before, after = _values(row.before), _values(row.after)

    def plain(value: object) -> str:
        return html.escape(str(value)) if rich else str(value)

    fields: dict[str, str] = {}
    for source in (before, after):
        for key, value in source.items():
            fields[key] = plain(value_words(key, value))
    # the fields the user changed; a correction's new partnership state is its consequence, said after
    shown = [c for c in after if c not in HIDDEN_FIELDS and not c.endswith("_id")]
    if row.action == "activity_edited":
        shown = [c for c in shown if c != "partnership_state"]
    changed = [field_words(c) for c in shown if c in before] or [field_words(c) for c in shown]
    title = row.title or str(after.get("title") or before.get("title") or after.get("name") or "")
    organisation = row.organisation or str(after.get("organisation") or after.get("name") or "")
    fields.update(
        who=plain(row.user or "TrustDesk"),
        activity=(f"<i>{html.escape(title)}</i>" if rich else f"“{title}”") if title else "an activity",
        person=plain(row.person or "someone"),
        at=plain(f" ({row.organisation})") if row.person and row.organisation else "",
        organisation=plain(organisation or "an organisation"),
        # the name the entry gave (a rename's new name), else today's name, else the name it had
        group=plain(after.get("name") or row.title or before.get("name") or "a group"),
        category=plain(after.get("name") or row.title or before.get("name") or "a category"),
        old_name=plain(before.get("name") or "?"),
        old_start_month=plain(before.get("start_month") or "?"),
        period=plain(after.get("period") or ""),
        changed=plain(_and(changed) or "details"),
    )
    template = TEMPLATES.get(row.action)
    if template is None:  # an action newer than this table: still readable, never a crash
        text = f"{fields['who']} — {plain(row.action.replace('_', ' '))} ({plain(row.entity.replace('_', ' '))})"
    else:
        text = template.format_map(_Missing(fields))
    if row.action == "activity_edited" and after.get("partnership_state") != before.get("partnership_state"):
        state = after.get("partnership_state")
        text += (
            ", so it needs re-authorisation"
            if state == "needs_reauthorisation"
            else f", which set it to {plain(value_words('partnership_state', state))}"
        )
    if row.reason and row.action not in OWN_REASON_ACTIONS:
        text += f": reason {plain(row.reason)}" if row.action.startswith("partnership_") else f": {plain(row.reason)}"
    return text


def _and(words: list[str]) -> str:
    unique = list(dict.fromkeys(words))
    return unique[0] if len(unique) == 1 else ", ".join(unique[:-1]) + " and " + unique[-1] if unique else ""


class _Missing(dict):
    """``format_map`` with "?" for a value the entry does not carry (an older row, a program's entry)."""

    def __init__(self, values: Mapping[str, str]) -> None:
        super().__init__(values)

    def __missing__(self, key: str) -> str:
        return "?"
