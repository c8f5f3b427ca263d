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


#: What a connection problem means for a change that was being saved when it happened.
WRITE_OUTCOME = (
    "If you were saving a change, it was saved completely or not at all — never in part; "
    "refresh when the database is back to see which."
)


def is_transient(error: TrustDeskError) -> bool:
    """A locked or unreachable database: worth trying again later (a read automatically, a change by the user)."""
    return isinstance(error, DatabaseBusy | Unreachable)


def explain(exc: BaseException, *, writing: bool = False) -> TrustDeskError:
    """Turn a database driver's exception into a sentence a CPD lead can act on.

    Lives here so that the desktop never needs to import SQLAlchemy to tell a
    locked file from a lost connection.  ``writing`` says the failure hit a
    change: a lost connection during COMMIT leaves its outcome unknown to us
    (the database itself keeps it all-or-nothing), so we say so rather than
    promise that nothing changed.
    """
    if isinstance(exc, TrustDeskError):
        return exc
    from sqlalchemy import exc as sa_exc

    text = str(getattr(exc, "orig", exc)).lower()
    if "audit log cannot be changed" in text:
        return PermissionDenied("The audit log cannot be changed: entries are only ever added.")
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError):
        if "locked" in text or "busy" in text:
            return DatabaseBusy(
                "The database is busy: another program is holding it. Nothing was changed; try again in a moment."
            )
        if (
            getattr(exc, "connection_invalidated", False)
            or isinstance(exc, sa_exc.InterfaceError)
            or any(
                word in text
                for word in ("connection", "server closed", "could not connect", "terminating", "shutting down")
            )
        ):
            if writing:
                return Unreachable(
                    f"The connection to the database was lost. {WRITE_OUTCOME} "
                    "TrustDesk reconnects by itself when the database is back."
                )
            return Unreachable(
                "The connection to the database was lost. TrustDesk will reconnect when the database is back; "
                "try again in a moment."
            )
        return TrustDeskError(f"The database reported a problem: {getattr(exc, 'orig', exc)}")
    if isinstance(exc, sa_exc.IntegrityError):
        return ValidationError(f"The change conflicts with data already saved: {getattr(exc, 'orig', exc)}")
    if isinstance(exc, sa_exc.SQLAlchemyError):
        return TrustDeskError(f"The database reported a problem: {exc}")
    return TrustDeskError(f"Something went wrong: {exc}")
