"""Flood fill gives each person the activity once (F4): a school job and its partnership job are one person."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import Job, Module
from db.queries.flood_fill import repeated_people, selection_by_organisation
from db.scope import scope_for
from tests.gui_helpers import close_window, open_window
from tests.helpers import user_id
from tests.test_flood_fill_wizard import describe, open_wizard


def pairs(db, username: str = "sam.patel", limit: int = 3) -> list[tuple[int, int]]:
    """(school job, its partnership job) of people the user may flood-fill in both places (P2)."""
    uid = user_id(db, username)
    with db.read() as session:
        orgs = sorted(scope_for(session, uid).orgs(Module.FLOOD_FILL, at_least=3))
        school = select(Job.id, Job.organisation_id).where(Job.active.is_(True)).subquery()
        rows = session.execute(
            select(Job.brought_up_from_job_id, Job.id)
            .join(school, school.c.id == Job.brought_up_from_job_id)
            .where(Job.active.is_(True), Job.organisation_id.in_(orgs), school.c.organisation_id.in_(orgs))
            .order_by(Job.id)
            .limit(limit)
        ).all()
    assert len(rows) == limit, "the demo brings some school jobs up into the partnership"
    return [(school_job, partnership_job) for school_job, partnership_job in rows]


def test_repeats_are_counted_and_the_school_job_is_kept(demo_db) -> None:
    found = pairs(demo_db)
    with demo_db.read() as session:
        single = select(Job.person_id).group_by(Job.person_id).having(func.count() == 1)
        others = list(session.scalars(select(Job.id).where(Job.person_id.in_(single)).order_by(Job.id).limit(3)))
    chosen = [job for pair in found for job in pair] + others
    repeats = repeated_people(demo_db, chosen)
    assert repeats.people == len(found)
    assert sorted(repeats.drop) == sorted(partnership for _school, partnership in found)
    assert repeats.partnership_jobs_dropped == len(found)
    assert "keeps" in repeats.examples[0]
    assert repeated_people(demo_db, others + [school for school, _p in found]).people == 0


@pytest.fixture
def window(qtbot, demo_db, tmp_path):
    window = open_window(qtbot, demo_db, tmp_path, "sam.patel")
    window.resize(1366, 768)
    yield window
    close_window(window)


def test_review_offers_one_job_per_person_and_the_panel_gets_the_final_list(qtbot, window, demo_db) -> None:
    _panel, wizard = open_wizard(qtbot, window)
    found = pairs(demo_db)
    chosen = {job for pair in found for job in pair}
    wizard.jobs_page.selection.update(chosen)
    wizard.jobs_page.selection_changed.emit(len(chosen))
    wizard.next()
    describe(wizard)
    wizard.next()
    review = wizard.review_page
    qtbot.waitUntil(lambda: review.repeat_box.isVisible() and review.model.rowCount() > 0, timeout=10_000)
    assert f"{len(found)} people appear more than once" in review.repeat_label.text()
    assert review.keep_one.isChecked() and "keep the school job" in review.keep_one.text()
    schools = sorted(school for school, _p in found)
    assert wizard.final_job_ids() == schools
    qtbot.waitUntil(lambda: sum(s.jobs for s in review.model.rows) == len(found), timeout=10_000)
    assert f"{len(found)} activities" in review.summary.text()

    requested: list[list[int]] = []
    wizard.create_requested.disconnect()
    wizard.create_requested.connect(lambda _spec, ids, _by: requested.append(ids))
    wizard.create_button.click()
    assert requested == [schools]

    review.keep_all.setChecked(True)  # the lead wants every job after all
    qtbot.waitUntil(lambda: sum(s.jobs for s in review.model.rows) == len(chosen), timeout=10_000)
    assert sum(s.jobs for s in selection_by_organisation(demo_db, wizard.final_job_ids())) == len(chosen)
    wizard.create_button.click()
    assert requested[-1] == sorted(chosen)
