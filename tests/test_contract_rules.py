"""The write contract's rules (docs/architecture.md), read from the code itself — no Qt, no database.

* only ``db/actions.py`` builds audit rows: every service stamps user and identity the same way
  (A2, A3), and a new service cannot forget to;
* widgets never publish on the data bus: the operation that ran a service publishes what its
  committed action changed (``desktop/kit/ops.py``), so nothing is announced that did not commit;
* every change kind a module's manifest watches is a kind some service declares, so a panel never
  waits for a change nobody makes (the manifests hold plain strings: importing the db side's
  constants there would load SQLAlchemy at window start).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: building an audit row: the model called, or a Core/ORM insert into its table
AUDIT_ROW = re.compile(r"(?<!class )\bAuditEntry\(|insert\(\s*AuditEntry\b")
#: files that may build audit rows: the contract itself; migrations write history as it was
AUDIT_ALLOWED = ("db/actions.py", "db/migrations/")


def _python_files(*folders: str) -> list[Path]:
    return sorted(
        path for folder in folders for path in (ROOT / folder).rglob("*.py") if "__pycache__" not in path.parts
    )


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_only_the_write_contract_builds_audit_rows() -> None:
    found = [
        f"{_relative(path)}:{number}: {line.strip()}"
        for path in _python_files("db", "desktop", "scripts", "bench")
        if not _relative(path).startswith(AUDIT_ALLOWED)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if AUDIT_ROW.search(line)
    ]
    assert found == [], "audit rows are written through db.actions (act.audit …):\n" + "\n".join(found)


def test_the_rule_finds_an_audit_row_built_by_hand() -> None:
    assert AUDIT_ROW.search("session.add(AuditEntry(user_id=1))")
    assert AUDIT_ROW.search("session.execute(insert(AuditEntry.__table__), rows)")
    assert not AUDIT_ROW.search("class AuditEntry(Base):")
    assert not AUDIT_ROW.search("select(AuditEntry.entity_id)")


def _publishes(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "publish"
        and isinstance(node.func.value, ast.Attribute | ast.Name)
        and (node.func.value.attr if isinstance(node.func.value, ast.Attribute) else node.func.value.id) == "bus"
    ]


def test_only_the_kit_publishes_on_the_data_bus() -> None:
    found = [
        f"{_relative(path)}:{line}"
        for path in _python_files("desktop")
        if not _relative(path).startswith("desktop/kit/")
        for line in _publishes(path)
    ]
    assert found == [], "the operation publishes what a service changed; widgets do not:\n" + "\n".join(found)


def test_the_rule_finds_a_widget_publishing(tmp_path: Path) -> None:
    widget = tmp_path / "widget.py"
    widget.write_text("def saved(self):\n    self.context.bus.publish(change)\n", encoding="utf-8")
    assert _publishes(widget) == [2]


def _declared_kinds() -> set[str]:
    """Every ``NAME: ChangeKind = "…"`` in db/."""
    kinds: set[str] = set()
    for path in _python_files("db"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.annotation, ast.Name)
                and node.annotation.id == "ChangeKind"
                and isinstance(node.value, ast.Constant)
            ):
                kinds.add(node.value.value)
    return kinds


def _changed_kinds() -> set[str]:
    """The names services pass to ``act.changed``: a declared kind nobody changes is watched in vain."""
    names: set[str] = set()
    for path in _python_files("db/services"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "changed"
                and node.args
                and isinstance(node.args[0], ast.Name)
            ):
                names.add(node.args[0].id)
    return names


def test_every_watched_kind_is_one_a_service_changes() -> None:
    from desktop.modules import MODULES  # plain manifests: no SQLAlchemy, no Qt widgets

    declared = _declared_kinds()
    assert {"activities", "organisations", "budgets", "jobs", "groups", "flood_fills", "saved_views"} <= declared
    import db.queries.activities as activities
    import db.queries.data_sharing as data_sharing
    import db.queries.flood_fill as flood_fill
    import db.queries.groups as groups
    import db.queries.organisations as organisations
    import db.queries.outbox as outbox
    import db.queries.saved_views as saved_views
    import db.queries.staff as staff
    import db.queries.training_bookings as training_bookings
    import db.queries.training_events as training_events
    import db.queries.trust_settings as trust_settings

    constants = {
        name: getattr(module, name)
        for module in (
            activities,
            data_sharing,
            flood_fill,
            groups,
            organisations,
            outbox,
            saved_views,
            staff,
            training_bookings,
            training_events,
            trust_settings,
        )
        for name in dir(module)
        if name.isupper() and isinstance(getattr(module, name), str) and getattr(module, name) in declared
    }
    changed = {constants[name] for name in _changed_kinds() if name in constants}
    for module in MODULES:
        unknown = set(module.watches) - declared
        assert not unknown, f"{module.name} watches {sorted(unknown)}, which no module declares"
        unchanged = set(module.watches) - changed
        assert not unchanged, f"{module.name} watches {sorted(unchanged)}, which no service changes"
