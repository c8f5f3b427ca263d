"""Errors a user can read. Every message is a full sentence fit for a dialog."""

from __future__ import annotations


class TrustDeskError(Exception):
    """Base for errors that carry a message meant for the person using the app."""

    @property
    def message(self) -> str:
        return str(self)


class DatabaseOpenError(TrustDeskError):
    """The database could not be opened; nothing was changed."""


class NotADatabase(DatabaseOpenError):
    pass


class CannotWrite(DatabaseOpenError):
    pass


class Unreachable(DatabaseOpenError):
    pass


class NewerSchema(DatabaseOpenError):
    pass


class DatabaseBusy(TrustDeskError):
    """SQLite is locked by another program for longer than the busy timeout."""


class PermissionDenied(TrustDeskError):
    pass


class ValidationError(TrustDeskError):
    pass


class NotFound(TrustDeskError):
    pass


class StaleData(TrustDeskError):
    """A row changed since it was shown; the decision was not applied."""
