"""Which jobs an organisation of a given phase and size has, and who manages whom.

Each entry is ``(role, kind, managers)``: ``managers`` lists, in order of
preference, the roles in the same organisation that line-manage this one (the
first that exists is used).  Managers always come earlier in the list than
their reports, so ids increase down the management chain.
"""

from __future__ import annotations

import random

from db.demo.context import ASSISTANT, LEADER, SUPPORT, TEACHER

RoleSpec = tuple[str, str, tuple[str, ...]]

HEAD = ("Headteacher", "Executive headteacher")
SENIOR = ("Deputy headteacher", *HEAD)
MIDDLE = ("Assistant headteacher", *SENIOR)

# Share of a school's classroom staff who are teachers (the rest are assistants).
TEACHER_SHARE = {"Primary": 0.55, "Secondary": 0.75, "All-through": 0.68, "Special": 0.35, "Nursery": 0.35}


def school_roles(
    phase: str, headcount: int, rng: random.Random, head: str, needs_assistant_head: bool
) -> list[RoleSpec]:
    """A school's establishment: leadership, middle leaders, classroom and support staff."""
    secondary = phase in ("Secondary", "All-through")
    roles: list[RoleSpec] = [(head, LEADER, ())]
    deputies = 0 if headcount < 25 else (1 if headcount < 90 else 2)
    assistants = min(4, headcount // 35)
    if needs_assistant_head:
        assistants = max(assistants, 1)
    roles += [("Deputy headteacher", LEADER, HEAD)] * deputies
    roles += [("Business manager", SUPPORT, HEAD)]
    roles += [("Assistant headteacher", LEADER, SENIOR)] * assistants
    roles += [("SENCo", TEACHER, SENIOR)]
    if headcount >= 40:
        roles.append(("Data manager", SUPPORT, ("Business manager", *HEAD)))
    if headcount >= 60:
        roles.append(("Site manager", SUPPORT, ("Business manager", *HEAD)))
    roles += [("Administrator", SUPPORT, ("Business manager", *HEAD))] * max(1, headcount // 30)
    leads = headcount // 12 if secondary else (0 if phase == "Nursery" else max(2, headcount // 15))
    roles += [("Subject lead", TEACHER, MIDDLE)] * leads
    if secondary:
        roles += [("Head of year", TEACHER, MIDDLE)] * max(1, headcount // 40)
        roles += [("Cover supervisor", ASSISTANT, MIDDLE)] * max(1, headcount // 60)
    remaining = max(0, headcount - len(roles))
    teachers = round(remaining * TEACHER_SHARE[phase] * rng.uniform(0.92, 1.08))
    teachers = min(teachers, remaining)
    roles += [("Class teacher", TEACHER, ("Subject lead", *MIDDLE))] * teachers
    assistant_role = "Early years practitioner" if phase == "Nursery" else "Teaching assistant"
    roles += [(assistant_role, ASSISTANT, ("SENCo", *MIDDLE))] * (remaining - teachers)
    return roles[: max(headcount, 1)]


CENTRAL_CORE: tuple[RoleSpec, ...] = (
    ("Chief executive officer", LEADER, ()),
    ("Director of education", LEADER, ("Chief executive officer",)),
    ("Director of school improvement", LEADER, ("Chief executive officer",)),
    ("Chief financial officer", SUPPORT, ("Chief executive officer",)),
    ("HR manager", SUPPORT, ("Chief financial officer",)),
    ("Data and systems manager", SUPPORT, ("Chief financial officer",)),
    ("CPD lead", LEADER, ("Director of education",)),
    ("CPD administrator", SUPPORT, ("CPD lead",)),
    ("Finance officer", SUPPORT, ("Chief financial officer",)),
)
CENTRAL_FILL: tuple[RoleSpec, ...] = (
    ("School improvement adviser", LEADER, ("Director of school improvement",)),
    ("HR officer", SUPPORT, ("HR manager",)),
    ("Finance assistant", SUPPORT, ("Chief financial officer",)),
    ("IT technician", SUPPORT, ("Data and systems manager",)),
    ("Trust administrator", SUPPORT, ("Chief executive officer",)),
)


def central_roles(headcount: int) -> list[RoleSpec]:
    """The trust's central team: executives and the CPD team first, then advisers and support."""
    roles = list(CENTRAL_CORE)
    roles += [CENTRAL_FILL[n % len(CENTRAL_FILL)] for n in range(max(0, headcount - len(roles)))]
    return roles


def scitt_roles(headcount: int) -> list[RoleSpec]:
    """A SCITT: its director, programme leaders, course tutors (often teachers in the schools) and admin."""
    leaders = max(1, headcount // 7)
    roles: list[RoleSpec] = [("SCITT director", LEADER, ())]
    roles += [("Programme leader", TEACHER, ("SCITT director",))] * leaders
    roles += [("SCITT administrator", SUPPORT, ("SCITT director",))]
    roles += [("Course tutor", TEACHER, ("Programme leader", "SCITT director"))] * max(0, headcount - len(roles))
    return roles
