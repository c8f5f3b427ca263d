"""How long-running services report progress and notice a cancel, without Qt.

The desktop passes an object with these two methods; the CLI and tests pass
``NullProgress``.  Services only check for a cancel before they commit, so a
cancelled action changes nothing.
"""

from __future__ import annotations

from typing import Protocol

from db.errors import TrustDeskError


class Cancelled(TrustDeskError):
    """The user cancelled; the transaction was rolled back."""

    def __init__(self, message: str = "Cancelled; nothing was changed.") -> None:
        super().__init__(message)


class Progress(Protocol):
    def report(self, done: int, total: int, text: str = "") -> None: ...

    def check_cancelled(self) -> None:
        """Raise ``Cancelled`` if the user asked to stop."""
        ...


class NullProgress:
    def report(self, done: int, total: int, text: str = "") -> None:
        pass

    def check_cancelled(self) -> None:
        pass
