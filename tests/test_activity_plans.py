"""Every Partnership CPD first page is read in its sort's index order, on every SQLite we can load.

SQLite chooses a plan from the statistics in ``sqlite_stat1``, and the choice
changed between versions: with SQLite 3.45 and later the main view ("period +
pending, newest first") was read through the organisation list and sorted,
100 times slower than on 3.40.  Here the real statements the query module
sends (caught on their way to the driver) are explained by Python's SQLite and
by apsw's bundled newer one, under three sets of statistics: none (a database
nobody analysed), the small demo's own, and the million-activity demo's.  A
first page must not be sorted (``USE TEMP B-TREE FOR ORDER BY``), whatever the sort the list offers:
organisation from its kept name's index, period one period at a time, all periods merged or in turn.

The small demo's queues are small enough that the query module would read
them by their filter and sort them (cheaper below ``FEW`` rows), so ``FEW`` is
set to 0 here to see the plans the large trust's queues get; the small-queue
read has its own test.  A migration that adds an index to ``cpd_activities``
must refresh the statistics (as 0012 does): next to figures for every other
index, SQLite takes an index with none for a very selective one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from db.engine import Database
from db.models import AppUser, CpdActivity, Module, PartnershipState
from db.queries import activities as q
from db.scope import scope_for
from tests import plan_probe as probe

#: ``sqlite_stat1`` of ``cpd_activities`` in the large demo (1,000,000 activities, 150 schools, five
#: periods) at migration 0012 (and the indexes of 0013 and 0014), as ``ANALYZE`` wrote it: the statistics the real data
#: gives the planner
LARGE_STAT1 = {
    "ix_cpd_activities_cpd_team_state_id": "1000000 333334 1",
    "ix_cpd_activities_decision_batch_id": "1000000 1000000",
    "ix_cpd_activities_flood_fill_batch_id": "1000000 142858",
    "ix_cpd_activities_job_start": "1000000 34 1",
    "ix_cpd_activities_line_manager_state_id": "1000000 333334 1",
    "ix_cpd_activities_org_period_start": "1000000 6712 1365 7",
    "ix_cpd_activities_partnership_state_id": "1000000 250000 1",
    "ix_cpd_activities_period_cost_id": "1000000 200000 118 1 1 1",
    "ix_cpd_activities_period_course_fee_id": "1000000 200000 1142 1 1 1",
    "ix_cpd_activities_period_cover_cost_id": "1000000 200000 22223 1 1 1",
    "ix_cpd_activities_period_cover_days_id": "1000000 200000 40000 1 1 1",
    "ix_cpd_activities_period_cpd_team_id": "1000000 200000 66667 1 1 1",
    "ix_cpd_activities_period_created_id": "1000000 200000 2 1 1 1 1",
    "ix_cpd_activities_period_end_id": "1000000 200000 413 1 1 1 1",
    "ix_cpd_activities_period_individual_id": "1000000 200000 1516 1 1 1",
    "ix_cpd_activities_period_line_manager_id": "1000000 200000 66667 1 1 1",
    "ix_cpd_activities_period_organisation_id": "1000000 200000 1365 1 1 1",  # at migration 0013
    "ix_cpd_activities_period_org_decide": "1000000 200000 1365 7 4 2 2 2 2 1 1 1 1 1",  # at migration 0022
    "ix_cpd_activities_period_other_id": "1000000 200000 2817 1 1 1",
    "ix_cpd_activities_period_partnership_id": "1000000 200000 50000 1 1",
    "ix_cpd_activities_period_start": "1000000 200000 869 1",  # at migration 0021
    "ix_cpd_activities_period_state_org_start": "1000000 200000 50000 362 4",
    "ix_cpd_activities_period_state_start_id": "1000000 200000 50000 218 1",
    "ix_cpd_activities_period_title_id": "1000000 200000 4831 1 1 1",
    "ix_cpd_activities_period_travel_id": "1000000 200000 2326 1 1 1",
    "ix_cpd_activities_period_type_id": "1000000 200000 33334 1 1 1",
    "ix_cpd_activities_training_event_id": "1000000 125000",
}


def _user(db: Database, name: str) -> int:
    with db.read() as session:
        return session.scalars(select(AppUser.id).where(AppUser.username == name)).one()


def _set_statistics(path: Path, which: str) -> None:
    conn = sqlite3.connect(path)
    try:
        if which == "none":
            conn.execute("DROP TABLE IF EXISTS sqlite_stat1")
        elif which == "large demo":
            conn.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'cpd_activities'")
            conn.executemany(
                "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('cpd_activities', ?, ?)", LARGE_STAT1.items()
            )
        conn.commit()
    finally:
        conn.close()


def _sqlites(db: Database, statistics: str) -> Iterator[probe.Sqlite]:
    """Python's SQLite, then apsw's newer one (the ``test`` extra installs apsw), on ``db``'s file with
    ``statistics``; each closed when the next is asked for (or the test ends)."""
    path = db.target.sqlite_path
    assert path is not None
    db.dispose()
    _set_statistics(path, statistics)
    for open_sqlite in (probe.stdlib_sqlite, probe.apsw_sqlite):
        sqlite = open_sqlite(path)
        assert sqlite is not None, "apsw is missing: pip install -e '.[test]'"
        try:
            yield sqlite
        finally:
            sqlite.close()


@pytest.fixture
def sam(demo_db: Database) -> int:
    return _user(demo_db, "sam.patel")


@pytest.fixture
def statements(demo_db: Database, sam: int, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[probe.Statement]]:
    """Preset, sort and direction → the statements of that first page, as the large trust gets them."""
    monkeypatch.setattr(q, "FEW", 0)  # never "few": the shape a large queue gets
    with demo_db.read() as session:
        orgs = sorted(scope_for(session, sam).orgs(Module.PARTNERSHIP_CPD))
    assert len(orgs) > 1, "the lead must reach many schools: that list is what misled the planner"
    presets = probe.presets_of(demo_db, orgs)
    caught: dict[str, list[probe.Statement]] = {}
    for name, filt in presets.broad().items():
        for sort in probe.INDEXED_SORTS:
            for descending in (True, False):
                label = f"{name}, by {sort} {'descending' if descending else 'ascending'}"
                caught[label] = probe.page_reads(demo_db, sam, replace(filt, sort=sort, descending=descending))
    for name, filt in presets.narrow().items():
        caught[name] = probe.page_reads(demo_db, sam, filt)
        caught[f"{name}, by cost"] = probe.page_reads(demo_db, sam, replace(filt, sort="cost"))
    return caught


def _reads_of(details: list[str]) -> list[str]:
    """The lines of a plan that read ``cpd_activities`` (one per period where all periods are merged)."""
    return [line for line in details if "cpd_activities" in line]


@pytest.mark.engines("sqlite")
@pytest.mark.parametrize("statistics", ["none", "its own", "large demo"])
def test_no_first_page_is_sorted_on_any_sqlite(
    demo_db: Database, statements: dict[str, list[probe.Statement]], statistics: str
) -> None:
    for sqlite in _sqlites(demo_db, statistics):
        for label, reads in statements.items():
            details = [line for statement in reads for line in probe.plan(sqlite, statement)]
            where = f"{label} on SQLite {sqlite.version} ({statistics} statistics): {details}"
            if label.startswith("all requests of one person"):
                assert any("cpd_activities USING INDEX ix_cpd_activities_job_start" in d for d in details), where
            elif label.startswith("period + one school"):
                assert any("SEARCH cpd_activities USING INDEX ix_cpd_activities_org_" in d for d in details), where
            else:
                assert not probe.sorts(details), where
                if ", by organisation" in label:  # the name kept on the activity, in its own index
                    assert all("ix_cpd_activities_period_organisation_id" in d for d in _reads_of(details)), where


@pytest.mark.engines("sqlite")
def test_a_small_queue_is_read_by_its_filter_and_sorted(demo_db: Database, sam: int) -> None:
    """An empty or small queue would make an index-order read check the whole period."""
    with demo_db.read() as session:
        period = probe.presets_of(demo_db, sorted(scope_for(session, sam).orgs(Module.PARTNERSHIP_CPD))).period_id
    filt = q.ActivityFilter(period_id=period, partnership_state=PartnershipState.WITHDRAWN, sort="cost")
    (statement,) = probe.page_reads(demo_db, sam, filt)
    path = demo_db.target.sqlite_path
    assert path is not None
    sqlite = probe.stdlib_sqlite(path)
    try:
        details = probe.plan(sqlite, statement)
    finally:
        sqlite.close()
    assert any("ix_cpd_activities_period_state" in line for line in details), details
    assert probe.sorts(details), details


def test_all_requests_of_a_person_are_one_read_driven_by_their_jobs(demo_db: Database, sam: int) -> None:
    """PostgreSQL misjudged ``job_id IN (SELECT … WHERE person_id = …)`` and hash-joined each whole period."""
    with demo_db.read() as session:
        orgs = sorted(scope_for(session, sam).orgs(Module.PARTNERSHIP_CPD))
    person = probe.presets_of(demo_db, orgs).person_id
    with demo_db.transaction() as session:
        session.connection().exec_driver_sql("ANALYZE")
    reads = probe.page_reads(demo_db, sam, q.ActivityFilter(person_id=person))
    assert len(reads) == 1, "one query, not one per period"
    ((sql, params),) = reads
    explain = "EXPLAIN QUERY PLAN " if demo_db.target.is_sqlite else "EXPLAIN "
    with demo_db.read() as session:
        rows = session.connection().exec_driver_sql(explain + sql, params).all()
    plan = "\n".join(str(row[-1]) for row in rows)
    assert "ix_cpd_activities_job_start" in plan, plan
    assert "Seq Scan on cpd_activities" not in plan and "SCAN cpd_activities" not in plan, plan
    assert "Hash Join" not in plan, plan


@pytest.mark.engines("sqlite")
@pytest.mark.parametrize("statistics", ["none", "its own"])
def test_a_search_is_counted_from_the_titles_and_their_totals_on_any_sqlite(
    demo_db: Database, sam: int, statistics: str
) -> None:
    """The count, total and queue tabs of a search test each distinct title and provider once and read the
    totals of those that match by their index: never the activities (4.7 s at five million)."""
    with demo_db.read() as session:
        period = probe.presets_of(demo_db, sorted(scope_for(session, sam).orgs(Module.PARTNERSHIP_CPD))).period_id
    caught: list[probe.Statement] = []

    def catch(conn, cursor, statement, parameters, context, many) -> None:
        caught.append((statement, parameters))

    event.listen(demo_db.engine, "before_cursor_execute", catch)
    try:
        for filt in (q.ActivityFilter(period_id=period, search="coaching"), q.ActivityFilter(search="Learnwell")):
            q.summarise(demo_db, sam, filt)
            q.queue_counts(demo_db, sam, filt)
    finally:
        event.remove(demo_db.engine, "before_cursor_execute", catch)
    counts = [statement for statement in caught if "sum(" in statement[0]]
    assert len(counts) == 4, caught
    for sqlite in _sqlites(demo_db, statistics):
        for statement in counts:
            details = probe.plan(sqlite, statement)
            where = f"SQLite {sqlite.version} ({statistics} statistics): {details}"
            assert not any("cpd_activities" in line for line in details), where
            assert any("USING INDEX ix_activity_text_totals_text_id" in line for line in details), where


@pytest.mark.engines("sqlite")
@pytest.mark.parametrize("statistics", ["none", "its own", "large demo"])
def test_the_rows_refused_below_are_sought_in_each_layers_index_on_any_sqlite(
    demo_db: Database, sam: int, statistics: str
) -> None:
    """The sign-off dialog's "refused below" of "tick all" on a queue reads each layer's refused rows from
    that layer's (period, state, id) index: never the queue's every row (1 s for the pending queue at five
    million activities)."""
    from db.queries.ticked_matching import matching_refused_now

    with demo_db.read() as session:
        period = probe.presets_of(demo_db, sorted(scope_for(session, sam).orgs(Module.PARTNERSHIP_CPD))).period_id
    caught: list[probe.Statement] = []

    def catch(conn, cursor, statement, parameters, context, many) -> None:
        if "FROM cpd_activities" in statement and "group_concat" in statement:
            caught.append((statement, parameters))

    event.listen(demo_db.engine, "before_cursor_execute", catch)
    try:
        for state in (None, PartnershipState.PENDING):
            matching_refused_now(demo_db, sam, q.ActivityFilter(period_id=period, partnership_state=state))
    finally:
        event.remove(demo_db.engine, "before_cursor_execute", catch)
    assert len(caught) == 4, caught  # two filters, a read per layer
    layers = ("ix_cpd_activities_period_line_manager_id", "ix_cpd_activities_period_cpd_team_id") * 2
    for sqlite in _sqlites(demo_db, statistics):
        for statement, index in zip(caught, layers, strict=True):
            details = _reads_of(probe.plan(sqlite, statement))
            assert len(details) == 1 and f"USING INDEX {index} " in details[0], (sqlite.version, statistics, details)


@pytest.mark.engines("sqlite")
@pytest.mark.parametrize("statistics", ["its own", "large demo"])
def test_pending_and_started_by_end_or_request_date_checks_the_start_in_the_index(
    demo_db: Database, statements: dict[str, list[probe.Statement]], statistics: str
) -> None:
    """In those orders the rows not started yet come first: a walk past them that read each one's start
    date from the table took 0.8 s at five million activities.  The index carries the start date."""
    indexes = {"end": "ix_cpd_activities_period_end_id", "created": "ix_cpd_activities_period_created_id"}
    for sqlite in _sqlites(demo_db, statistics):
        for sort, index in indexes.items():
            columns = [str(row[2]) for row in sqlite.run(f"PRAGMA index_info({index})", ())]
            assert columns[:2] == ["period_id", "ends_on" if sort == "end" else "created_at"]
            assert "starts_on" in columns and "partnership_state" in columns, columns
            reads = statements[f"pending and started, by {sort} descending"]
            details = _reads_of([line for statement in reads for line in probe.plan(sqlite, statement)])
            assert any(f"USING INDEX {index} " in line for line in details), (sqlite.version, details)


@pytest.mark.engines("sqlite")
@pytest.mark.parametrize("statistics", ["none", "its own"])
def test_what_the_cpd_was_worth_adds_hours_up_per_person_from_their_index_on_any_sqlite(
    demo_db: Database, sam: int, statistics: str
) -> None:
    """The dashboard's people are ranked as the (period, person) index of the evaluated activities is read,
    a person at a time (migration 0023): no temporary b-tree to group 42,000 evaluations at five million
    activities, and the listed people's organisations are looked up per person."""
    from db.queries.evaluation_figures import evaluation_figures

    with demo_db.read() as session:
        evaluated = select(CpdActivity.period_id).where(CpdActivity.evaluation_hours.is_not(None))
        period = session.execute(
            evaluated.group_by(CpdActivity.period_id).order_by(func.count().desc()).limit(1)
        ).scalar_one()
    caught: list[probe.Statement] = []

    def catch(conn, cursor, statement, parameters, context, many) -> None:
        if "evaluation_person_id" in statement:
            caught.append((statement, parameters))

    event.listen(demo_db.engine, "before_cursor_execute", catch)
    try:
        figures = evaluation_figures(demo_db, sam, period, people_limit=3)
    finally:
        event.remove(demo_db.engine, "before_cursor_execute", catch)
    assert figures.people > 3 and len(caught) == 3, caught  # the ranking, everyone counted, where they worked
    ranking, counted, where = caught
    for sqlite in _sqlites(demo_db, statistics):
        for statement in (ranking, counted):
            details = probe.plan(sqlite, statement)
            assert any("COVERING INDEX ix_cpd_activities_period_evaluation_people" in line for line in details), (
                sqlite.version,
                details,
            )
            assert not any("GROUP BY" in line for line in details), (sqlite.version, details)
        details = probe.plan(sqlite, where)
        assert any("(period_id=? AND evaluation_person_id=?" in line for line in details), (sqlite.version, details)
