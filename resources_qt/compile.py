"""Compile the icons and style sheets into the importable ``resources_rc.py``, only when out of date.

The folder is the list: every ``icons/*.svg`` and ``*.qss`` beside this file goes in. The
``.qrc`` that rcc reads is written from the folder (and rewritten only when the folder changed),
so adding an icon is dropping its SVG in ``icons/``, with nothing to list by hand. Both the
``.qrc`` and the module are gitignored build products, never edited. Regenerating the module on
start-up (from a source checkout) means a developer who adds or edits an icon never runs a stale
copy, and comparing modification times keeps that check to a few ``stat`` calls when nothing changed.

This module uses only the standard library so that build scripts (CI, the PyInstaller spec) can
run ``python -m resources_qt.compile`` on a machine without a display or GL libraries.
"""

from __future__ import annotations

import argparse
import os
import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

SOURCE_DIR = Path(__file__).resolve().parent
QRC_NAME = "resources.qrc"
OUTPUT_NAME = "resources_rc.py"

# PySide6's own wrapper for rcc, run with the current interpreter. Used when no pyside6-rcc
# executable sits next to it: ``python -m PySide6.scripts.pyside_tool rcc`` does not work
# (its ``main`` dispatches on argv[0]), but calling the ``rcc`` entry point does.
_RCC_VIA_INTERPRETER = "import sys; from PySide6.scripts.pyside_tool import rcc; sys.exit(rcc())"


class ResourceCompileError(RuntimeError):
    """pyside6-rcc could not be found or failed; the message carries its output."""


def resource_names(folder: Path) -> list[str]:
    """What goes into the resources: every SVG in ``icons/`` and every style sheet, relative to ``folder``."""
    icons = sorted(f"icons/{path.name}" for path in (folder / "icons").glob("*.svg"))
    sheets = sorted(path.name for path in folder.glob("*.qss"))
    return [*icons, *sheets]


def qrc_text(folder: Path) -> str:
    lines = "\n".join(f"    <file>{name}</file>" for name in resource_names(folder))
    return (
        "<!DOCTYPE RCC>\n"
        "<!-- Written by resources_qt/compile.py from the folder; do not edit: add files to icons/ instead. -->\n"
        f'<RCC version="1.0">\n  <qresource prefix="/">\n{lines}\n  </qresource>\n</RCC>\n'
    )


def write_qrc(folder: Path) -> Path:
    """Write ``resources.qrc`` from the folder; left untouched (mtime and all) when nothing changed."""
    qrc = folder / QRC_NAME
    text = qrc_text(folder)
    try:
        if qrc.read_text(encoding="utf-8") == text:
            return qrc
    except FileNotFoundError:
        pass
    qrc.write_text(text, encoding="utf-8")
    return qrc


def listed_files(qrc: Path) -> list[Path]:
    """Return the files a .qrc lists, resolved against the .qrc's folder (as rcc does).

    These are the inputs whose changes must trigger a rebuild, besides the .qrc itself.
    """
    root = ET.parse(qrc).getroot()
    return [qrc.parent / (element.text or "").strip() for element in root.iter("file")]


def is_stale(qrc: Path, output: Path) -> bool:
    """True when ``output`` is missing or older than the .qrc or any file it lists.

    A listed file that no longer exists also counts as stale, so that rcc runs and reports
    the missing file instead of the app silently running with an old resource set.
    """
    if not output.exists():
        return True
    built = output.stat().st_mtime_ns
    try:
        sources = [qrc, *listed_files(qrc)]
    except ET.ParseError:
        return True  # let rcc report where the .qrc is broken
    for source in sources:
        try:
            if source.stat().st_mtime_ns > built:
                return True
        except FileNotFoundError:
            return True
    return False


def rcc_command() -> list[str]:
    """The command that runs pyside6-rcc for the PySide6 of the running interpreter.

    Preference order: the console script installed next to this interpreter (a venv's
    ``bin``/``Scripts``, or ``Scripts`` under a Windows base install); PySide6's wrapper run
    with this interpreter; finally ``pyside6-rcc`` on PATH. PATH comes last because it may
    belong to another Python whose PySide6 differs from the one that will import the result.
    """
    exe_name = "pyside6-rcc.exe" if os.name == "nt" else "pyside6-rcc"
    interpreter_dir = Path(sys.executable).parent
    for folder in (interpreter_dir, interpreter_dir / "Scripts"):
        candidate = folder / exe_name
        if candidate.is_file():
            return [str(candidate)]
    try:
        import PySide6.scripts.pyside_tool  # noqa: F401  (presence check only)
    except ImportError:
        pass
    else:
        return [sys.executable, "-c", _RCC_VIA_INTERPRETER]
    import shutil  # here: every source start checks staleness, few ever compile

    on_path = shutil.which("pyside6-rcc")
    if on_path:
        return [on_path]
    raise ResourceCompileError("pyside6-rcc not found: install PySide6-Essentials in this environment")


def compile_qrc(qrc: Path, output: Path) -> None:
    """Run rcc into a temporary file beside ``output`` and move it into place atomically.

    Writing elsewhere first means a failed or interrupted run never leaves a truncated module
    that would break the next start, and a concurrent start sees either the old or the new file.
    """
    import subprocess  # here, like shutil: start-up only checks whether compiling is needed
    import tempfile

    handle, temp_name = tempfile.mkstemp(prefix=f".{output.stem}.", suffix=".tmp", dir=output.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        result = subprocess.run(
            [*rcc_command(), str(qrc), "-o", str(temp)],
            cwd=qrc.parent,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or temp.stat().st_size == 0:
            details = result.stderr.strip() or result.stdout.strip()
            raise ResourceCompileError(f"pyside6-rcc failed on {qrc} (exit {result.returncode}):\n{details}")
        # mkstemp creates the file private to this user; the module is ordinary package code.
        os.chmod(temp, 0o644)
        os.replace(temp, output)
    finally:
        temp.unlink(missing_ok=True)


def ensure_compiled(force: bool = False, *, source_dir: Path | None = None) -> Path:
    """Regenerate ``resources_rc.py`` if an icon or style sheet was added, removed or changed; return its path.

    ``source_dir`` defaults to this package's folder; tests point it at a copy so that they
    never touch the real tree.
    """
    folder = Path(source_dir) if source_dir is not None else SOURCE_DIR
    qrc = write_qrc(folder)
    output = folder / OUTPUT_NAME
    if force or is_stale(qrc, output):
        compile_qrc(qrc, output)
    return output


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: ``python -m resources_qt.compile [--force]``."""
    parser = argparse.ArgumentParser(prog="python -m resources_qt.compile", description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="compile even when the output is up to date")
    args = parser.parse_args(argv)
    qrc = write_qrc(SOURCE_DIR)
    output = SOURCE_DIR / OUTPUT_NAME
    stale = args.force or is_stale(qrc, output)
    try:
        ensure_compiled(force=args.force)
    except (ResourceCompileError, OSError) as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{'compiled' if stale else 'up to date'}: {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
