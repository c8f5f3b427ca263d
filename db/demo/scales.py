"""How big the demo trust is: ``small`` for trying the app and tests, ``large``
as the benchmark reference dataset, ``huge`` (five times ``large``) to show that
what the user waits on does not grow with the table.

Every count the builders use comes from here, so the two scales differ only in
numbers, never in code paths (the large build exercises exactly what the tests
check on the small one).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from db.errors import ValidationError


@dataclass(frozen=True)
class Scale:
    """Counts for one demo size.  ``jobs`` and ``activities`` are met exactly."""

    name: str
    schools: int
    jobs: int
    activities: int
    periods_before: int
    central_staff: int
    scitt_staff: int
    partnership_jobs: int
    shared_job_share: float
    executive_heads: int
    events: int
    flood_fills: int
    flood_fill_schools: int
    proposed: int
    closed: int
    mis_only: int
    institution_only: int
    no_agreement: int
    restricted: int
    over_budget: int

    @property
    def organisations(self) -> int:
        """The trust, its central team, the SCITT and the schools."""
        return self.schools + 3


SMALL = Scale(
    name="small",
    schools=12,
    jobs=1000,
    activities=4500,
    periods_before=1,
    central_staff=24,
    scitt_staff=14,
    partnership_jobs=6,
    shared_job_share=0.06,
    executive_heads=1,
    events=6,
    flood_fills=2,
    flood_fill_schools=3,
    proposed=1,
    closed=1,
    mis_only=1,
    institution_only=1,
    no_agreement=1,
    restricted=1,
    over_budget=2,
)

LARGE = Scale(
    name="large",
    schools=147,
    jobs=30_000,
    activities=1_000_000,
    periods_before=3,
    central_staff=120,
    scitt_staff=40,
    partnership_jobs=40,
    shared_job_share=0.04,
    executive_heads=6,
    events=8,
    flood_fills=6,
    flood_fill_schools=12,
    proposed=2,
    closed=3,
    mis_only=4,
    institution_only=4,
    no_agreement=3,
    restricted=3,
    over_budget=8,
)

#: the large trust five times over in staff and activities (same schools, events, agreements)
HUGE = replace(
    LARGE,
    name="huge",
    jobs=150_000,
    activities=5_000_000,
    central_staff=600,
    scitt_staff=200,
    partnership_jobs=200,
)

SCALES: dict[str, Scale] = {scale.name: scale for scale in (SMALL, LARGE, HUGE)}


def scale_named(name: str) -> Scale:
    try:
        return SCALES[name]
    except KeyError:
        choices = " or ".join(SCALES)
        raise ValidationError(f"There is no demo of size “{name}”; choose {choices}.") from None
