"""Partnership group categories, groups and memberships (G1-G3).

Three categories at the trust: Key Stage Groups (by what each teacher or
assistant teaches, from the school's phase), Roles (teachers, assistants,
leaders) and Phases (every job at a school of that phase).  Memberships attach
to jobs, so someone working in two schools can be in KS2 for one and KS3 for
the other, as P1 describes.
"""

from __future__ import annotations

import random

from db.demo.context import ASSISTANT, LEADER, TEACHER, BuildContext, JobInfo
from db.models import Group, GroupCategory, GroupMembership, OrgKind

KEY_STAGES = ("EYFS", "KS1", "KS2", "KS3", "KS4", "KS5")
ROLE_GROUPS = ("Teachers", "Teaching assistants", "Leaders")
PHASES = ("Primary", "Secondary", "All-through", "Special", "Nursery")
CATEGORIES = (("Key Stage Groups", KEY_STAGES), ("Roles", ROLE_GROUPS), ("Phases", PHASES))

LEADER_ROLES = frozenset(
    {"Headteacher", "Executive headteacher", "Deputy headteacher", "Assistant headteacher", "Chief executive officer",
     "Director of education", "Director of school improvement", "SCITT director"}
)  # fmt: skip


def key_stages(phase: str, job: JobInfo, rng: random.Random) -> tuple[str, ...]:
    """Where a classroom job teaches, guessed from the school's phase.

    Leaders are not put in key stage groups; a SENCo covers the whole school.
    """
    if job.kind not in (TEACHER, ASSISTANT) or job.role in ("Head of year",):
        return ()
    primary = ("EYFS", "KS1", "KS2")
    secondary = ("KS3", "KS4", "KS5")
    if job.role == "SENCo":
        return {"Primary": primary, "Nursery": ("EYFS",), "Secondary": ("KS3", "KS4")}.get(phase, primary + secondary)
    if phase == "Nursery":
        return ("EYFS",)
    if phase == "Primary":
        return (rng.choices(primary, weights=(1, 2, 3))[0],)
    if phase == "Secondary":
        return ("KS3", "KS4", "KS5") if rng.random() < 0.4 else ("KS3", "KS4")
    if phase == "All-through":
        return (rng.choice(primary),) if rng.random() < 0.45 else ("KS3", "KS4")
    first = rng.randrange(1, 4)  # Special: one or two adjacent key stages, KS1 to KS4
    return KEY_STAGES[first : first + rng.randrange(1, 3)]


def role_group(job: JobInfo) -> str | None:
    if job.role in LEADER_ROLES:
        return "Leaders"
    if job.kind == TEACHER:
        return "Teachers"
    if job.kind == ASSISTANT:
        return "Teaching assistants"
    return None


def build_groups(ctx: BuildContext) -> int:
    """Create the three categories and their memberships; returns the number of memberships."""
    rng = ctx.rng
    category_id = ctx.take_ids(GroupCategory, len(CATEGORIES))
    group_id = ctx.take_ids(Group, sum(len(groups) for _, groups in CATEGORIES))
    ids: dict[str, int] = {}
    categories, groups = [], []
    for n, (category, members) in enumerate(CATEGORIES):
        categories.append((category_id + n, ctx.trust_id, category))
        for name in members:
            ids[name] = group_id
            groups.append((group_id, category_id + n, name))
            group_id += 1
    ctx.insert(GroupCategory, ("id", "organisation_id", "name"), categories)
    ctx.insert(Group, ("id", "category_id", "name"), groups)

    added_by = ctx.users["alex.morgan"].user_id
    rows: list[tuple[object, ...]] = []
    for job in ctx.jobs:
        org = ctx.org(job.org_id)
        if org.kind == OrgKind.TRUST:
            continue
        names: list[str] = []
        if org.kind == OrgKind.SCHOOL and org.phase:
            names.extend(key_stages(org.phase, job, rng))
            names.append(org.phase)
        role = role_group(job)
        if role is not None and (org.kind != OrgKind.CENTRAL or job.kind == LEADER):
            names.append(role)
        added = ctx.moment(rng.randrange(20, 400), rng.randrange(8 * 60, 17 * 60))
        rows.extend((ids[name], job.id, added, added_by) for name in dict.fromkeys(names))
    ctx.insert(GroupMembership, ("group_id", "job_id", "added_at", "added_by_user_id"), rows)
    return len(rows)
