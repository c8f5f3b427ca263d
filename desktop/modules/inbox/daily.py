"""Today's reminders at start-up: once a day per database, in the background, whoever starts first.

``db.services.reminders.daily_reminders`` claims the day inside its transaction, so a second window
(here or on another laptop) that starts the same day sends nothing; a failure is logged and said in
the status bar, never a dialog at start-up — ``trustdesk notify remind`` can catch up.
"""

from __future__ import annotations

import logging

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

    context.ops.action(lambda _progress: daily_reminders(db, user_id), done, failed, title="Sending today's reminders…")
