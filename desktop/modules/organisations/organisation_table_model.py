"""The Organisations index table (O1)."""

from __future__ import annotations

from db.models import OrgStatus, SharingLevel
from db.queries.organisations import OrganisationRow
from desktop.kit.formatting import day
from desktop.kit.row_table_model import Column, RowTableModel

SHARING_LABELS = {
    SharingLevel.NONE: "No agreement",
    SharingLevel.INSTITUTION: "Institution data",
    SharingLevel.MIS: "+ MIS data",
    SharingLevel.GROUP_ACTIONS: "+ Group actions",
}
GRADE_LABELS = {1: "Outstanding", 2: "Good", 3: "Requires improvement", 4: "Inadequate"}


class OrganisationTableModel(RowTableModel[OrganisationRow]):
    COLUMNS = (
        Column("Name", lambda r: r.name),
        Column("URN", lambda r: r.urn or ""),
        Column("Phase", lambda r: r.phase or r.kind.value.title()),
        Column("Cluster", lambda r: r.cluster or ""),
        Column("Status", lambda r: r.status.value.title() if r.status != OrgStatus.OPEN else "Open"),
        Column(
            "Inspection grade",
            lambda r: GRADE_LABELS.get(r.inspection_grade, "") if r.inspection_grade else "",
            sort_key=lambda r: r.inspection_grade,
        ),
        Column("Inspected", lambda r: day(r.inspection_date), sort_key=lambda r: r.inspection_date),
        Column("Leader", lambda r: r.leader or ""),
        Column(
            "Staff",
            lambda r: "hidden" if r.staff_count is None else f"{r.staff_count:,}",
            sort_key=lambda r: r.staff_count,
            align_right=True,
            tooltip=lambda r: (
                "Not shared with the trust (data sharing agreement or visibility)" if r.staff_count is None else None
            ),
        ),
        Column("Data sharing", lambda r: SHARING_LABELS[r.sharing_level], sort_key=lambda r: int(r.sharing_level)),
        Column("Expertise", lambda r: r.expertise, tooltip=lambda r: r.expertise or None),
    )
