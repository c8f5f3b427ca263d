"""The trust's reminder settings (File › Trust settings › Reminders), kept as trust settings.

* how many days before a request starts its undecided deciders are reminded (each day from then
  until it starts);
* the days after a data sharing request was sent on which it is reminded, while it is pending
  ("7, 14, 28": a week after sending, then two weeks, then four; then no more automatic ones).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.errors import ValidationError
from db.models import TrustSetting

DAYS_BEFORE_KEY = "reminder_days_before_start"
SHARING_SCHEDULE_KEY = "data_sharing_reminder_days"
#: the day the reminders last ran at start-up: they run once a day per database, whoever starts first
LAST_RUN_KEY = "reminders_last_run"

DEFAULT_DAYS_BEFORE = 7
DEFAULT_SHARING_SCHEDULE: tuple[int, ...] = (7, 14, 28)
MAX_DAYS = 365
MAX_STEPS = 12


@dataclass(frozen=True, slots=True)
class ReminderSettings:
    days_before_start: int = DEFAULT_DAYS_BEFORE
    sharing_schedule: tuple[int, ...] = DEFAULT_SHARING_SCHEDULE

    @property
    def schedule_text(self) -> str:
        return ", ".join(str(day) for day in self.sharing_schedule)


def check_days_before(days: int) -> int:
    if not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
        raise ValidationError(f"Remind between 0 and {MAX_DAYS} days before a request starts.")
    return days


def parse_schedule(text: str) -> tuple[int, ...]:
    """ "7, 14, 28" → (7, 14, 28); empty means no automatic data sharing reminders. Refuses anything else."""
    parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    if len(parts) > MAX_STEPS:
        raise ValidationError(f"Give at most {MAX_STEPS} reminder days for data sharing requests.")
    days: list[int] = []
    for part in parts:
        if not part.isdigit() or not 1 <= int(part) <= MAX_DAYS:
            raise ValidationError(
                f"“{part}” is not a number of days from 1 to {MAX_DAYS}: give the days after sending, "
                "separated by commas, e.g. 7, 14, 28."
            )
        days.append(int(part))
    if days != sorted(set(days)):
        raise ValidationError("Give the data sharing reminder days in increasing order, each once, e.g. 7, 14, 28.")
    return tuple(days)


def reminder_settings(session: Session) -> ReminderSettings:
    """What is stored, or the defaults; a damaged value reads as its default rather than stopping reminders."""
    before = session.get(TrustSetting, DAYS_BEFORE_KEY)
    schedule = session.get(TrustSetting, SHARING_SCHEDULE_KEY)
    days = DEFAULT_DAYS_BEFORE
    if before is not None and before.value.strip().isdigit():
        days = min(int(before.value), MAX_DAYS)
    steps = DEFAULT_SHARING_SCHEDULE
    if schedule is not None:
        try:
            steps = parse_schedule(schedule.value)
        except ValidationError:
            steps = DEFAULT_SHARING_SCHEDULE
    return ReminderSettings(days, steps)
