"""Calendar (CA1): training event sessions and dated CPD activities by month, week or agenda, who is
out for a day or a week, and .ics exports."""

from desktop.kit.module import MenuAction, ModuleSpec

MODULE = ModuleSpec(
    name="calendar",
    title="Calendar",
    icon="calendar",
    panel="desktop.modules.calendar.panel:CalendarPanel",
    # activities (db.queries.activities.ACTIVITIES), and the training module's events and bookings
    watches=frozenset({"activities", "training_events", "training_bookings", "organisations", "data_sharing"}),
    actions=(
        MenuAction(
            "export_calendar",
            "Export ca&lendar view…",
            "export_current",
            icon="export",
            tooltip="Save what the calendar shows as an .ics file for a diary program",
        ),
    ),
    #: value: the day to show (a date), or None for today's month
    routes={"calendar": "show_day"},
)
