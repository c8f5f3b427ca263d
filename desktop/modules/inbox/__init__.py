"""My inbox: what awaits the signed-in user's decision — as line manager, CPD team or partnership, and
data sharing requests for their school — with a count in the status bar."""

from desktop.kit.module import ModuleSpec

MODULE = ModuleSpec(
    name="inbox",
    title="My inbox",
    icon="check",
    panel="desktop.modules.inbox.panel:InboxPanel",
    watches=frozenset({"activities", "data_sharing"}),
    #: value: the group to show (db.queries.inbox.InboxGroup's value) or None
    routes={"inbox": "show_group"},
)
