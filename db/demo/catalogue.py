"""What the demo trust's staff ask to go on: course templates, events and modules.

Each template says who it suits, what it costs and how long it runs, so that
generated activities look like real requests (a TA does not get an NPQ for
headship; a network meeting is free but needs half a day's cover).  Money is
in pence, like the schema.
"""

from __future__ import annotations

from dataclasses import dataclass

# The demo's types are the product's (db.activity_types); the rest of the demo reads them from here.
from db.activity_types import ACTIVITY_TYPES, COACHING, CONFERENCE, COURSE, INSET, NETWORK, ONLINE  # noqa: F401


@dataclass(frozen=True)
class Template:
    """One kind of CPD activity.

    ``audience`` holds the kinds of job it suits, one letter each (leader,
    teacher, assistant, support: see ``context.LEADER`` and friends);
    ``span_days`` is how many calendar days it runs (1 = a single day);
    ``cover_days`` are the cover choices a teacher might need; ``module`` names
    the learning module an online course is delivered through.
    """

    title: str
    activity_type: str
    provider: str
    fee_min: int
    fee_max: int
    span_days: int
    cover_days: tuple[float, ...]
    audience: str
    module: str | None = None


# title | type | provider | fee in pounds (min-max) | calendar days | cover-day choices | audience | module
_TEMPLATE_TABLE = """
Phonics leadership: raising standards in early reading | Course | Brightpath Training | 195-295 | 1 | 1 | LT
Maths mastery in Key Stage 2: teaching for depth | Course | Riverside Maths Hub | 0-0 | 1 | 1 | LT
Adaptive teaching for pupils with SEND | Course | Meridian Education | 145-225 | 1 | 1,0.5 | LTA
Designated safeguarding lead refresher | Course | County Safeguarding Partnership | 95-145 | 1 | 1 | LT
Behaviour management: calm classrooms | Course | Meridian Education | 125-195 | 1 | 1 | LTA
Moderating writing at the end of Key Stage 2 | Course | Kestrel CPD Partnership | 85-125 | 1 | 0.5,1 | LT
GCSE English literature: examiner insights | Course | Northbridge Exam Services | 210-260 | 1 | 1 | T
A level chemistry practical endorsement | Course | Northbridge Exam Services | 185-235 | 1 | 1 | T
Curriculum leadership for subject leads | Course | Kestrel CPD Partnership | 245-345 | 2 | 2,1 | LT
Emotion coaching for support staff | Course | Brightpath Training | 65-95 | 1 | 0,1 | AS
Precision teaching interventions | Course | Meridian Education | 75-115 | 1 | 1,0 | TA
First aid at work (three days) | Course | Lifeline First Aid Training | 195-245 | 3 | 3,0 | TAS
Paediatric first aid | Course | Lifeline First Aid Training | 85-110 | 2 | 2,0 | TA
School business leadership programme | Course | Institute of School Finance | 650-895 | 90 | 0 | S
Data protection for school staff | Course | Learnwell Online | 25-45 | 1 | 0 | STA
NPQ for Senior Leadership | Course | Oakfield Teaching School Hub | 0-0 | 180 | 2,3 | L
NPQ for Leading Teaching | Course | Oakfield Teaching School Hub | 0-0 | 120 | 1,2 | T
Middle leadership development programme | Course | Kestrel CPD Partnership | 450-650 | 60 | 2,3 | LT
National SENCo conference | Conference | Inclusion Forum | 295-395 | 2 | 2 | LT
Primary headteachers' conference | Conference | Heads' Network South | 350-450 | 2 | 0 | L
Secondary science conference | Conference | Northbridge Exam Services | 195-275 | 1 | 1 | T
Early years annual conference | Conference | Early Years Alliance South | 155-215 | 1 | 1 | LTA
Teaching assistants' conference: effective deployment | Conference | Brightpath Training | 95-135 | 1 | 0 | A
INSET: assessment for learning | INSET | In-school | 0-0 | 1 | 0 | LTA
INSET: curriculum sequencing | INSET | In-school | 0-0 | 1 | 0 | LT
INSET: safeguarding annual update | INSET | In-school | 0-0 | 1 | 0 | LTAS
INSET: reading for pleasure | INSET | In-school | 0-0 | 1 | 0 | LTA
Safeguarding and child protection update | Online module | Learnwell Online | 15-25 | 14 | 0 | LTAS | *
Prevent duty awareness | Online module | Learnwell Online | 0-0 | 7 | 0 | LTAS | *
Autism awareness for classroom staff | Online module | Learnwell Online | 25-35 | 21 | 0 | TA | *
Cyber security essentials | Online module | Learnwell Online | 0-0 | 7 | 0 | LTAS | *
Supporting pupils' mental health | Online module | Learnwell Online | 35-45 | 28 | 0 | LTA | *
Instructional coaching cycle | Coaching | Trust coaching team | 0-0 | 42 | 0.5,0 | T
Leadership coaching sessions | Coaching | Heads' Network South | 450-750 | 120 | 0 | L
Early career teacher mentor training | Coaching | Oakfield Teaching School Hub | 0-0 | 60 | 1,0.5 | T
English subject leaders' network | Network meeting | Oakfield Learning Trust | 0-0 | 1 | 0.5 | LT
Maths subject leaders' network | Network meeting | Riverside Maths Hub | 0-0 | 1 | 0.5 | LT
SENCo network meeting | Network meeting | Oakfield Learning Trust | 0-0 | 1 | 0.5 | LTA
School business managers' network | Network meeting | Oakfield Learning Trust | 0-0 | 1 | 0 | S
Data managers' network | Network meeting | Oakfield Learning Trust | 0-0 | 1 | 0 | S
"""


def _parse_templates(table: str) -> tuple[Template, ...]:
    """Read the table above; a ``*`` in the last column means "delivered as a learning module"."""
    templates = []
    for line in table.strip().splitlines():
        title, kind, provider, fees, span, cover, audience, *module = (cell.strip() for cell in line.split("|"))
        if kind not in ACTIVITY_TYPES:
            raise ValueError(f"template {title!r} has the type {kind!r}, which is not in db.activity_types")
        low, high = (int(pounds) * 100 for pounds in fees.split("-"))
        templates.append(
            Template(
                title=title,
                activity_type=kind,
                provider=provider,
                fee_min=low,
                fee_max=high,
                span_days=int(span),
                cover_days=tuple(float(days) for days in cover.split(",")),
                audience=audience,
                module=title if module == ["*"] else None,
            )
        )
    return tuple(templates)


TEMPLATES: tuple[Template, ...] = _parse_templates(_TEMPLATE_TABLE)

LEARNING_MODULES: tuple[tuple[str, str], ...] = tuple(
    dict.fromkeys((t.module, t.provider) for t in TEMPLATES if t.module is not None)
)


@dataclass(frozen=True)
class EventTemplate:
    """A trust training event that member schools opt into (T1)."""

    title: str
    activity_type: str
    span_days: int
    places: int
    cost_pence: int
    impact: str


EVENTS: tuple[EventTemplate, ...] = (
    EventTemplate(
        "Trust conference: teaching that sticks", CONFERENCE, 1, 400, 0, "A shared language for retrieval practice."
    ),
    EventTemplate(
        "Oracy across the curriculum", COURSE, 1, 60, 4500, "Pupils explain their thinking in full sentences."
    ),
    EventTemplate("Trust SEND conference", CONFERENCE, 1, 150, 2500, "Earlier identification of additional needs."),
    EventTemplate(
        "New to leadership: first steps", COURSE, 2, 30, 9500, "Middle leaders hold effective line meetings."
    ),
    EventTemplate("Early reading masterclass", COURSE, 1, 45, 6000, "Consistent phonics from Reception to Year 2."),
    EventTemplate("Moderation day: writing", INSET, 1, 80, 0, "Reliable teacher assessment in writing."),
    EventTemplate("Teaching assistants' development day", INSET, 1, 120, 0, "Assistants lead precision teaching."),
    EventTemplate("Trust governance briefing", NETWORK, 1, 60, 0, "Governors understand the scheme of delegation."),
)

REJECTION_REASONS: tuple[str, ...] = (
    "The CPD budget for this period is already committed.",
    "A similar course is offered free through the trust programme.",
    "Cover cannot be arranged on these dates.",
    "Please attend the trust's own event on this topic instead.",
    "Not linked to a current performance objective.",
    "The course fee is well above comparable providers; please find an alternative.",
    "Already completed this training within the last year.",
)

AUTHORISATION_NOTES: tuple[str, ...] = (
    "Agreed at the CPD panel.",
    "Supports the school improvement plan.",
    "Authorised; please share key points at the next staff meeting.",
)

EVALUATIONS: tuple[str, ...] = (
    "Very useful; I have changed how I start lessons with a short retrieval quiz.",
    "Good content but too much of it for one day. Slides shared with the department.",
    "Practical strategies I could use the next morning. Would recommend for colleagues.",
    "The session on questioning was excellent; the rest repeated our INSET.",
    "Helped me plan our intervention timetable. Impact to review at the end of term.",
    "Networking with other schools was the most valuable part.",
    "Not as relevant to primary as the description suggested.",
    "Clear and well paced; the case studies matched our context.",
)

COVER_RATE_TEACHER_PENCE = 19500
COVER_RATE_ASSISTANT_PENCE = 9500
