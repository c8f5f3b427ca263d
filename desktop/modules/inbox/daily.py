"""Today's reminders at start-up: once a day per database, in the background, whoever starts first.

``db.services.reminders.daily_reminders`` claims the day inside its one transaction, so a second
window (here or on another laptop) that starts the same day sends nothing. It is a start-up chore,
not a change the user asked for, so it runs on the operations helper's background lane rather than
as an action: closing the window at once never asks to wait for it (the helper's shutdown still
lets it finish before the database closes), and a locked or unreachable database is tried again
like a read — safe, because a run that failed changed nothing and a repeated one finds what it
already did. What it changed (data sharing reminder counts) is ``recorded``, so the helper
publishes it on the data bus as it does an action's. A failure is logged and said in the status
bar, never a dialog at start-up; ``trustdesk notify remind`` can catch up.
"""

from __future__ import annotations

import logging

from db.changes import recorded
from db.errors import TrustDeskError
from db.services.reminders import RemindersRun, daily_reminders
from desktop.kit.context import AppContext

log = logging.getLogger(__name__)


def start_daily_reminders(context: AppContext) -> None:
    db, user_id, navigator = context.db, context.user.id, context.navigator

    def done(run: RemindersRun | None) -> None:
        if run is not None and run.reminders:
            log.info("%s", run.sentence)
            navigator.tell(run.sentence)

    def failed(error: TrustDeskError) -> None:
        log.warning("Today's reminders were not sent: %s", error.message)
        navigator.tell(f"Today's reminders were not sent: {error.message}")

    context.ops.query(lambda: recorded(lambda: daily_reminders(db, user_id)), done, failed)
