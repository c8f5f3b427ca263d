"""The layer rules (docs/architecture.md), read from the code's own imports — no Qt, no database.

* ``db/`` never imports PySide6: the database layer runs in the command line and on a
  server without a display;
* ``desktop/`` never imports SQLAlchemy: widgets get frozen rows and call services;
* a module's folder (``desktop/modules/<name>/``) never imports another module's folder:
  modules meet only through the kit, the navigator and the data bus.

Imports inside functions count too: a lazy import breaks a rule as surely as one at the top.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "desktop" / "modules"


def _python_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.py") if "__pycache__" not in path.parts)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(path: Path) -> Iterator[tuple[int, str]]:
    """Every module name ``path`` imports (line, dotted name), relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                name = _module_name(path)
                package = name if path.name == "__init__.py" else name.rpartition(".")[0]
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            yield node.lineno, name
            for alias in node.names:  # `from desktop.modules import groups` names a module too
                yield node.lineno, f"{name}.{alias.name}"


def _violations(folder: Path, forbidden: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in _python_files(folder)
        for line, name in imported_names(path)
        if name == forbidden or name.startswith(forbidden + ".")
    ]


def test_the_database_layer_never_imports_qt() -> None:
    assert _violations(ROOT / "db", "PySide6") == []


def test_the_desktop_never_imports_sqlalchemy() -> None:
    assert _violations(ROOT / "desktop", "sqlalchemy") == []


def test_start_up_is_one_way_launch_then_app() -> None:
    """``desktop.launch`` hands over to ``desktop.app``; ``app`` never reaches back (what both need has its own
    module, desktop/settings_file.py), so neither half's imports depend on the other's order."""
    names = [name for _line, name in imported_names(ROOT / "desktop" / "app.py")]
    assert "desktop.app" in {name for _line, name in imported_names(ROOT / "desktop" / "launch.py")}
    assert [name for name in names if name == "desktop.launch" or name.startswith("desktop.launch.")] == []


def _module_folders() -> list[Path]:
    if not MODULES.is_dir():
        return []
    return sorted(path for path in MODULES.iterdir() if path.is_dir() and (path / "__init__.py").exists())


@pytest.mark.parametrize("folder", _module_folders(), ids=lambda path: path.name)
def test_a_module_never_imports_another_module(folder: Path) -> None:
    others = [other.name for other in _module_folders() if other != folder]
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in _python_files(folder)
        for line, name in imported_names(path)
        for other in others
        if name == f"desktop.modules.{other}" or name.startswith(f"desktop.modules.{other}.")
    ]
    assert found == []


def test_the_rules_are_checked_on_real_imports(tmp_path: Path) -> None:
    """The checker sees lazy, aliased and relative imports (else the tests above could pass on anything)."""
    sample = ROOT / "db" / "actions.py"
    names = {name for _line, name in imported_names(sample)}
    assert "sqlalchemy.orm" in names and "db.changes.DataChange" in names
    probe = tmp_path / "probe.py"
    probe.write_text("def later():\n    import PySide6.QtCore as qc\n    from PySide6 import QtWidgets\n")
    assert {name for _line, name in imported_names(probe)} >= {"PySide6.QtCore", "PySide6", "PySide6.QtWidgets"}
