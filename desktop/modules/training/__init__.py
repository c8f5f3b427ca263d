"""Training events (T1): the trust's and each school's training, published to every member, with its
sessions, places and who is told."""

from desktop.kit.module import ModuleSpec

MODULE = ModuleSpec(
    name="training",
    title="Training events",
    icon="training",
    panel="desktop.modules.training.panel:TrainingPanel",
    watches=frozenset({"training_events", "training_bookings", "organisations", "groups"}),
    routes={
        #: value: an event's id — the list shows it and its detail opens
        "training_event": "show_event",
        #: value: a db.queries.training_events.EventFilter (the dashboard's "with free places")
        "training_events": "show_events",
    },
)
