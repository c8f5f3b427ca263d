"""Shared fixtures: offscreen Qt and a fresh database for every test, on every engine.

``db`` and ``demo_db`` are parametrized by engine: each test that uses them
(except GUI tests, which run on SQLite only unless marked ``engines(...)``)
runs on SQLite and again on a real PostgreSQL server that the session starts
and stops itself (``--engine sqlite|postgresql|all``; the default is ``all``
when PostgreSQL's binaries are installed, ``sqlite`` otherwise).

Migrating a new database takes a few hundred milliseconds, so each session
migrates one template (and builds one small demo) per engine and every test
gets its own copy: a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on
PostgreSQL (dropped again at teardown).
"""

from __future__ import annotations

import gc
import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "en_GB.UTF-8")

from db.engine import Database, DatabaseTarget
from db.migrate import open_database
from tests import pg_server

ENGINES = ("sqlite", "postgresql")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--engine",
        choices=(*ENGINES, "all"),
        default=None,
        help="database engine(s) for tests using db/demo_db (default: all if PostgreSQL is installed, else sqlite)",
    )
    parser.addoption(
        "--jitter",
        action="store_true",
        help="delay every background operation by a random 0-60 ms, so replies arrive in other orders; "
        "a test that passes only in one order is waiting for the wrong thing",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "engines(*names): run this test only on these database engines")
    for layer, what in LAYERS.items():
        config.addinivalue_line("markers", f"{layer}: {what} (set by tests/conftest.py from the fixtures a test uses)")


#: The three layers of tests (docs/architecture.md, Tests), each a marker: ``-m unit``, ``-m database``, ``-m gui``.
LAYERS = {
    "unit": "no database, no widgets",
    "database": "queries and services on each engine, no widgets",
    "gui": "widgets through pytest-qt, on SQLite only unless marked engines(...) naming PostgreSQL",
}
#: A test using any of these (directly or through another fixture, like ``window``) is a GUI test.
QT_FIXTURES = frozenset({"qtbot", "qapp", "qtmodeltester", "check_model"})


def _layer(fixturenames: list[str] | tuple[str, ...]) -> str:
    if QT_FIXTURES.intersection(fixturenames):
        return "gui"
    return "database" if "db_engine" in fixturenames else "unit"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(_layer(getattr(item, "fixturenames", ())))


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_main_thread() -> Iterator[None]:
    """As the program does (desktop/garbage.py): no cycle collection on worker threads.

    Between tests is the natural moment on the main thread; while a test spins
    the event loop, the application's own collector timer runs too.
    """
    from desktop.garbage import collect_if_due

    yield
    collect_if_due(_GC_THRESHOLD)


#: the repository's root; no test may leave anything here (an empty database named "None" once did)
REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
#: what test tools themselves create at the root, all in .gitignore
TOOL_LEFTOVERS = {".pytest_cache", ".ruff_cache", "__pycache__", ".coverage", ".hypothesis"}


@pytest.fixture(autouse=True)
def _nothing_left_in_the_repository_root() -> Iterator[None]:
    """Fail the test that leaves a new file or folder at the repository's root (say, a database opened at
    ``str(None)`` or a relative path while the tests ran from the root): it would end up committed."""
    before = set(os.listdir(REPOSITORY_ROOT))
    yield
    left = sorted(set(os.listdir(REPOSITORY_ROOT)) - before - TOOL_LEFTOVERS)
    left = [name for name in left if not name.startswith(".coverage")]
    if left:
        pytest.fail(f"this test left {', '.join(left)} in {REPOSITORY_ROOT}; write to tmp_path instead")


@pytest.fixture(autouse=True)
def _jitter_background_work(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """With ``--jitter``: shuffle the order in which background replies reach the UI thread.

    On a loaded CI machine a count can arrive long after its first page; this
    makes such orders common enough to catch a test that assumes otherwise.
    """
    if not request.config.getoption("--jitter"):
        return
    import random
    import time

    from desktop.kit import ops

    run = ops._Runnable.run

    def late_run(self: ops._Runnable) -> None:
        time.sleep(random.uniform(0, 0.06))
        run(self)

    monkeypatch.setattr(ops._Runnable, "run", late_run)


@pytest.fixture
def check_model(request: pytest.FixtureRequest) -> Iterator[Callable[[object], None]]:
    """Check a table model with pytest-qt's model tester, a new tester for each model.

    Use this, not ``qtmodeltester``, when a test checks more than one model: a tester given a
    second model stays connected to the first, and when a page of the first arrives late the two
    models' signals mix in one tester's bookkeeping (``--jitter`` makes that happen).
    """
    from pytestqt.modeltest import ModelTester

    testers: list[ModelTester] = []

    def check(model: object) -> None:
        tester = ModelTester(request.config)
        testers.append(tester)
        tester.check(model, force_py=True)

    yield check
    import shiboken6

    for tester in testers:
        if tester._model is not None and not shiboken6.isValid(tester._model):
            tester._model = None  # its window closed first (fixtures end in reverse): nothing to disconnect
        tester._cleanup()  # what pytest-qt's own fixture does at teardown


_GC_THRESHOLD: tuple[int, int, int] = gc.get_threshold()  # type: ignore[assignment]
gc.disable()


def selected_engines(config: pytest.Config) -> tuple[str, ...]:
    choice = config.getoption("--engine") or ("all" if pg_server.available() else "sqlite")
    return ENGINES if choice == "all" else (choice,)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_engine" not in metafunc.fixturenames:
        return
    engines = selected_engines(metafunc.config)
    marker = metafunc.definition.get_closest_marker("engines")
    if marker is not None:
        engines = tuple(name for name in engines if name in marker.args)  # none left: the test is skipped
    elif _layer(metafunc.fixturenames) == "gui":
        engines = tuple(name for name in engines if name == "sqlite")  # a widget looks the same on every engine
    metafunc.parametrize("db_engine", engines, scope="session")


@pytest.fixture(scope="session")
def db_engine() -> str:
    """Overridden by parametrization; here so the name always resolves."""
    return "sqlite"


# -- SQLite ---------------------------------------------------------------------------------


def _copy_sqlite(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    return target


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.sqlite"
    open_database(DatabaseTarget.parse(str(path))).dispose()
    return path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from db.demo import build_demo

    path = tmp_path_factory.mktemp("template") / "demo.sqlite"
    database = open_database(DatabaseTarget.parse(str(path)))
    build_demo(database, scale="small", seed=1)
    database.dispose()
    return path


# -- PostgreSQL -----------------------------------------------------------------------------


class PgCluster:
    """The session's server plus cheap per-test databases cloned from templates."""

    def __init__(self, server: pg_server.PgServer) -> None:
        self.server = server
        self._names = itertools.count(1)
        self._templates: dict[str, str] = {}

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.server.port} user=postgres dbname=postgres") as conn:
            conn.autocommit = True
            conn.execute(sql)

    def template(self, name: str, build: object = None) -> str:
        """Create, migrate (and optionally fill) a template database once per session."""
        if name not in self._templates:
            self.admin(f'CREATE DATABASE "{name}"')
            database = open_database(DatabaseTarget.parse(self.server.url(name)))
            if callable(build):
                build(database)
            database.dispose()
            self._templates[name] = name
        return name

    def clone(self, template: str) -> str:
        name = f"t_{os.getpid()}_{next(self._names)}"
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        return name

    def drop(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    if not pg_server.available():
        pytest.skip("PostgreSQL is not installed (/usr/lib/postgresql/15/bin)")
    server = pg_server.PgServer()
    server.start()
    try:
        yield PgCluster(server)
    finally:
        server.destroy()


def _build_small_demo(database: Database) -> None:
    from db.demo import build_demo

    build_demo(database, scale="small", seed=1)


# -- the fixtures tests use ---------------------------------------------------------------------


def _close(database: Database) -> None:
    """Let windows' background work finish before the engine goes (a query mid-dispose can crash the driver)."""
    import sys

    if "desktop.kit.ops" in sys.modules:
        from desktop.kit.ops import wait_for_all_operations

        wait_for_all_operations(30_000)
    database.dispose()


def _fresh(request: pytest.FixtureRequest, tmp_path: Path, engine: str, kind: str) -> Iterator[Database]:
    if engine == "sqlite":
        template = request.getfixturevalue("demo_template" if kind == "demo" else "empty_template")
        path = _copy_sqlite(template, tmp_path / f"{kind}.sqlite")
        database = open_database(DatabaseTarget.parse(str(path)))
        try:
            yield database
        finally:
            _close(database)
        return
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    template = (
        cluster.template("template_demo", _build_small_demo) if kind == "demo" else cluster.template("template_empty")
    )
    name = cluster.clone(template)
    database = open_database(DatabaseTarget.parse(cluster.server.url(name)))
    try:
        yield database
    finally:
        _close(database)
        cluster.drop(name)


@pytest.fixture
def db(request: pytest.FixtureRequest, tmp_path: Path, db_engine: str) -> Iterator[Database]:
    """A migrated, empty database of this test's own (SQLite file or PostgreSQL database)."""
    yield from _fresh(request, tmp_path, db_engine, "empty")


@pytest.fixture
def demo_db(request: pytest.FixtureRequest, tmp_path: Path, db_engine: str) -> Iterator[Database]:
    """The small demo trust (seed 1), a copy of this test's own, on each engine."""
    yield from _fresh(request, tmp_path, db_engine, "demo")
