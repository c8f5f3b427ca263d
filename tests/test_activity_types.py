"""One list of activity types (C1) for the data, the demo and flood fill."""

from __future__ import annotations

from sqlalchemy import select

from db.activity_types import ACTIVITY_TYPES, INSET
from db.demo import catalogue
from db.models import CpdActivity
from db.queries.flood_fill import flood_fill_options
from tests.helpers import user_id


def test_the_demo_data_and_the_flood_fill_picker_use_the_same_types(demo_db) -> None:
    with demo_db.read() as session:
        stored = set(session.scalars(select(CpdActivity.activity_type).distinct()))
    assert INSET in stored and stored <= set(ACTIVITY_TYPES)
    assert {t.activity_type for t in catalogue.TEMPLATES} | {e.activity_type for e in catalogue.EVENTS} <= stored
    assert flood_fill_options(demo_db, user_id(demo_db, "sam.patel")).activity_types == ACTIVITY_TYPES
