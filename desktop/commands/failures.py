"""One sentence for any failure of a command, never a traceback.

Known refusals (``TrustDeskError``) already carry their sentence.  Anything
else — a database that went away, a disk that filled, a bug — is logged with
its traceback at debug level (``-v`` shows it) and turned into one sentence, so the command
still ends as ``trustdesk: …`` on stderr with exit status 2.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from db.errors import TrustDeskError

log = logging.getLogger(__name__)


class CommandFailed(TrustDeskError):
    """An unexpected failure, reported in one sentence (the details are in the log)."""


@contextmanager
def in_one_sentence(doing: str, nothing_changed: str) -> Iterator[None]:
    """Run a command's work; an unexpected exception becomes ``CommandFailed``.

    ``doing`` names the work ("import decisions from “x.xlsx”"), ``nothing_changed``
    says what the user may rely on ("nothing was imported").
    """
    try:
        yield
    except (TrustDeskError, KeyboardInterrupt):
        raise
    except MemoryError:
        raise CommandFailed(f"Could not {doing}: the computer ran out of memory; {nothing_changed}.") from None
    except Exception as exc:
        log.debug("Could not %s", doing, exc_info=True)  # the traceback only with -v
        raise CommandFailed(f"Could not {doing} ({type(exc).__name__}); {nothing_changed}.") from None
