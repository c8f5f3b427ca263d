"""Shared fixtures: offscreen Qt and a fresh database for every test.

Migrating a new database takes a few hundred milliseconds, so each session
migrates one template file (and builds one small demo) and every test gets its
own copy of it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "en_GB.UTF-8")

from db.engine import Database, DatabaseTarget
from db.migrate import open_database


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


@pytest.fixture
def db(tmp_path: Path, empty_template: Path) -> Iterator[Database]:
    """A migrated, empty database of this test's own."""
    database = open_database(DatabaseTarget.parse(str(_copy_sqlite(empty_template, tmp_path / "test.sqlite"))))
    yield database
    database.dispose()


@pytest.fixture
def demo_db(tmp_path: Path, demo_template: Path) -> Iterator[Database]:
    """The small demo trust (seed 1), a copy of this test's own."""
    database = open_database(DatabaseTarget.parse(str(_copy_sqlite(demo_template, tmp_path / "demo.sqlite"))))
    yield database
    database.dispose()
