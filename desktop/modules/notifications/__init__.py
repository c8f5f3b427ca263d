"""Notifications (N1): the e-mail outbox and its history — to whom, what, when queued, when sent,
failures with their reason, Send again — and the background sender every running TrustDesk has."""

from desktop.kit.module import ModuleSpec

MODULE = ModuleSpec(
    name="notifications",
    title="Notifications",
    icon="mail",
    panel="desktop.modules.notifications.panel:NotificationsPanel",
    watches=frozenset({"outbox", "trust_settings", "activities", "data_sharing"}),
)
