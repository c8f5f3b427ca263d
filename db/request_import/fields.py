"""The columns a file of CPD requests may have, and the header spellings such files use.

Headers are recognised case-, space- and punctuation-insensitively (``db.import_files.fields``);
a mapping saved in the window (kind "requests") names the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from db.import_files.fields import Field, FieldSet, MappingError, listed, require_columns

FIELDS: tuple[Field, ...] = (
    Field(
        "staff_code",
        "Staff code",
        (
            "Staff Code",
            "Payroll Number",
            "Payroll No",
            "Payroll ID",
            "Employee Number",
            "Employee No",
            "Employee ID",
            "Staff Number",
            "Staff ID",
            "Staff Ref",
        ),
    ),
    Field(
        "email",
        "Work e-mail",
        ("Work Email", "Work Email Address", "Email", "Email Address", "Staff Email", "School Email"),
    ),
    Field("urn", "School URN", ("URN", "School URN", "Establishment URN")),
    Field(
        "school_name",
        "School name",
        ("School Name", "School", "Establishment Name", "Establishment", "Academy", "Organisation"),
    ),
    Field(
        "title",
        "Title",
        ("Title", "Course", "Course Title", "Activity", "Activity Title", "Course Name", "Training", "Event"),
    ),
    Field("activity_type", "Type", ("Type", "Category", "Activity Type", "CPD Type", "Course Type")),
    Field("provider", "Provider", ("Provider", "Course Provider", "Training Provider", "Delivered By")),
    Field("starts_on", "Start date", ("Start Date", "Date", "Course Date", "Date From", "From", "Start")),
    Field("ends_on", "End date", ("End Date", "Date To", "To", "Finish Date", "End")),
    Field("course_fee_pence", "Course fee", ("Course Fee", "Fee", "Cost", "Course Cost", "Fees")),
    Field("cover_cost_pence", "Cover / supply", ("Cover", "Supply", "Cover Cost", "Supply Cost", "Cover/Supply")),
    Field("travel_cost_pence", "Travel", ("Travel", "Travel Cost", "Travel Costs", "Mileage")),
    Field("other_cost_pence", "Other costs", ("Other Costs", "Other Cost", "Other", "Other Expenses")),
    Field("cover_days", "Cover days", ("Cover Days", "Supply Days", "Days of Cover", "Days Cover")),
    Field(
        "intended_outcome",
        "Intended outcome",
        ("Intended Outcome", "Intended Outcomes", "Objectives", "Objective", "Outcome", "Aims"),
    ),
    Field(
        "impact_measure",
        "How impact will be measured",
        ("Impact Measure", "Impact", "How Impact Will Be Measured", "Measure of Impact", "Success Criteria"),
    ),
    Field(
        "sharing_plan",
        "How it will be shared",
        ("Sharing", "Dissemination", "Sharing Plan", "How It Will Be Shared", "Dissemination Plan"),
    ),
    Field(
        "line_manager_state",
        "Line manager status",
        (
            "Line Manager Status",
            "LM Approval",
            "LM Status",
            "Line Manager Approval",
            "Line Manager Agreement",
            "Line Manager Decision",
        ),
    ),
    Field(
        "cpd_team_state",
        "CPD team status",
        ("CPD Team Status", "Approval", "CPD Approval", "CPD Status", "CPD Team Approval", "CPD Team Decision"),
    ),
)
REQUEST_FIELDS = FieldSet(FIELDS)
LABELS: Mapping[str, str] = REQUEST_FIELDS.labels
recognise = REQUEST_FIELDS.recognise
SCHOOL_FIELDS = ("urn", "school_name")
KEY_FIELDS = ("staff_code", "email")
REQUIRED = frozenset({"title", "starts_on"})


def check_mapping(mapping: Mapping[str, str], headers: Sequence[str], name: str) -> dict[str, str]:
    """The mapping if this file can be imported with it, else one sentence saying why not.

    Required: the title, the start date, the school (URN or name) and the individual's staff code or
    work e-mail, to find their job.
    """
    checked = REQUEST_FIELDS.checked_columns(mapping)
    require_columns(checked, headers, name)
    missing = [LABELS[key] for key in ("title", "starts_on") if key not in checked]
    if not any(key in checked for key in SCHOOL_FIELDS):
        missing.append("the school (URN or school name)")
    if not any(key in checked for key in KEY_FIELDS):
        missing.append("the individual's staff code or work e-mail")
    if missing:
        raise MappingError(
            f"{name} lacks {'the columns for ' if len(missing) > 1 else 'a column for '}{listed(missing)}"
            "; map them or check it is a list of CPD requests."
        )
    return checked
