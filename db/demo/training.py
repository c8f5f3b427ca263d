"""Learning modules and the trust's training events with their opt-ins (T1, C1).

Events are spread over the periods, most run by the trust and one by the
SCITT; all but the last are published, and published events have a mix of
member organisations opted in.  The activities of the staff who attend are
made later, with the other activities.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from db.demo import catalogue
from db.demo.context import BuildContext, EventInfo, school_days
from db.models import (
    EventPayer,
    LearningModule,
    OrgKind,
    OrgStatus,
    TrainingEvent,
    TrainingEventOptIn,
    TrainingEventSession,
)

VENUES = ("Trust training centre, Room 1", "Hillside Academy hall", "")  # "": online


def build_learning_modules(ctx: BuildContext) -> None:
    first = ctx.take_ids(LearningModule, len(catalogue.LEARNING_MODULES))
    rows = [(first + n, title, provider) for n, (title, provider) in enumerate(catalogue.LEARNING_MODULES)]
    ctx.insert(LearningModule, ("id", "title", "provider"), rows)
    ctx.modules = {title: module_id for module_id, title, _ in rows}


def build_training_events(ctx: BuildContext) -> None:
    rng = ctx.rng
    count = min(ctx.scale.events, len(catalogue.EVENTS))
    first = ctx.take_ids(TrainingEvent, count)
    scitt = ctx.members(OrgKind.SCITT)[0]
    members = [org for org in ctx.members() if org.kind != OrgKind.CENTRAL and org.status != OrgStatus.CLOSED]
    events, opt_ins, sessions = [], [], []
    for n in range(count):
        template = catalogue.EVENTS[n]
        # Spread over the periods, the last (unpublished) one in the newest.
        period = ctx.periods[-1] if n == count - 1 else ctx.periods[n % len(ctx.periods)]
        days = school_days(period)
        starts = date.fromordinal(days[rng.randrange(len(days))])
        published = n != count - 1
        organiser = scitt.id if n == 3 else ctx.trust_id
        budget = template.places * template.cost_pence + 100 * rng.randrange(800, 4000)
        payer = EventPayer.CENTRAL if template.cost_pence == 0 or organiser == ctx.trust_id else EventPayer.SCHOOL
        events.append(
            (first + n, organiser, template.title, starts, starts + timedelta(days=template.span_days - 1),
             template.places, template.cost_pence, budget, template.impact, published, template.impact,
             "Trust learning team" if organiser == ctx.trust_id else "Trust SCITT", template.activity_type,
             payer.value, ctx.moment((ctx.today - starts).days + 60, 540),
             ctx.moment((ctx.today - starts).days + 40, 540) if published else None)
        )  # fmt: skip
        venue = VENUES[n % len(VENUES)]
        for day in range(template.span_days):
            sessions.append(
                (first + n, starts + timedelta(days=day), time(9, 0), time(15, 30), venue,
                 "" if venue else f"https://meet.example.org/trust-event-{first + n}")
            )  # fmt: skip
        opted: list[int] = []
        if published:
            opted = [org.id for org in members if org.id != organiser and rng.random() < 0.55]
            for org_id in opted:
                days_before = rng.randrange(7, 60)
                opted_at = min(starts - timedelta(days=days_before), ctx.today - timedelta(days=1))
                opt_ins.append((first + n, org_id, ctx.moment((ctx.today - opted_at).days, rng.randrange(480, 1020))))
        ctx.events.append(EventInfo(first + n, organiser, n, starts, period, published, tuple(opted)))
    ctx.insert(
        TrainingEvent,
        ("id", "organisation_id", "title", "starts_on", "ends_on", "places", "cost_pence", "budget_pence", "impact",
         "published", "description", "provider", "activity_type", "payer", "created_at", "published_at"),
        events,
    )  # fmt: skip
    ctx.insert(
        TrainingEventSession, ("event_id", "on_date", "starts_at", "ends_at", "location", "online_link"), sessions
    )
    ctx.insert(TrainingEventOptIn, ("event_id", "organisation_id", "opted_in_at"), opt_ins)
