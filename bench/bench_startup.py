"""Start-up time: `trustdesk --demo` from source and the frozen build, against a bare PySide6 window.

Each run is a new process (a "cold" start of the interpreter and Qt; the operating system's file
cache stays warm, as it does on a laptop after the first start of the day). We time three moments:

* **main window** — until the main window is on screen ("Main window shown" in TrustDesk's log:
  its frame, with menus, saved size and "Opening …"; the reference's empty QMainWindow);
* **ready** — until the database is open, the user signed in and the panels on screen are in the
  window ("Main window ready");
* **first rows** — until Partnership CPD shows its first page of requests ("first rows shown"),
  what a CPD lead actually waits for;
* **all panels** — until the panels behind Partnership CPD's tab are in the window too ("All
  panels in": start-up brings them in after the first rows). The smoke hook
  (TRUSTDESK_SMOKE_EXIT_AFTER_MS) then closes the window.

For the reference all four are the moment its window is shown.

The reference is a process that only imports PySide6 and shows an empty QMainWindow, measured in
the same run, interleaved with ours so machine load affects both alike; besides the ratio of the
medians, the median of each run's ratio to the reference run just before it is printed, with its
quartiles (steadier when the machine's speed drifts during the benchmark). The demo database is
built before timing. The frozen build is timed if one exists (scripts/smoke_frozen.sh builds it;
or pass --frozen PATH).

``--db FILE`` times a start on that SQLite file instead of the demo, signed in as ``--user``
(sam.patel, the demo's trust-wide CPD lead, by default), as ``trustdesk --db FILE --user NAME``
does: a file without passwords (a demo built with ``trustdesk demo --scale large``) signs them in
without a dialog. Time a copy (of the 1,000,000-activity demo, say): a start is a real start, which
sends the day's reminders once and may write to the file.

    python bench/bench_startup.py [--runs 9] [--frozen dist/TrustDesk/TrustDesk]
    python bench/bench_startup.py --source-only --db /tmp/large.sqlite [--user sam.patel]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

REFERENCE = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1360, 820)
window.show()
print(f"SHOWN {time.time():.6f}", flush=True)
QTimer.singleShot(0, window.close)
sys.exit(app.exec())
"""


#: how long the window stays up after "ready": time enough for the first rows (longer on a big file)
SMOKE_EXIT_MS = {"demo": 1500, "file": 10_000}


def _env(wait_ms: int = SMOKE_EXIT_MS["demo"]) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["TRUSTDESK_SMOKE_EXIT_AFTER_MS"] = str(wait_ms)
    env.pop("TRUSTDESK_DATABASE_URL", None)
    # As installed: compiled modules cached in __pycache__ (pip compiles them at install time, a frozen
    # build carries them). A machine with PYTHONDONTWRITEBYTECODE set would otherwise compile our
    # sources on every start and time the compiler (about 0.25 s of the figure).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


Timing = tuple[float, float, float, float]  # main window, ready, first rows, all panels in


def time_reference(command: list[str] | None = None) -> Timing:
    start = time.time()
    command = command or [sys.executable, "-c", REFERENCE]
    result = subprocess.run(command, capture_output=True, text=True, env=_env(), check=True)
    shown = next(float(line.split()[1]) for line in result.stdout.splitlines() if line.startswith("SHOWN "))
    return shown - start, shown - start, shown - start, shown - start


def _logged_at(log: Path, marker: str, *, required: bool = True) -> float:
    """The moment of the last line containing ``marker`` (asctime: local time, milliseconds after a comma).

    NaN for a marker not ``required`` that is not there (a frozen build made before it was logged).
    """
    lines = [text for text in log.read_text(encoding="utf-8").splitlines() if marker in text]
    if not lines and not required:
        return math.nan
    if not lines:
        raise SystemExit(f"no “{marker}” in the log; it says:\n{log.read_text(encoding='utf-8')[-2000:]}")
    line = lines[-1]
    stamp = datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
    return stamp.timestamp()


def time_trustdesk(command: list[str], data_dir: Path, database: Path | None = None, user: str = "sam.patel") -> Timing:
    """One start of ``command`` on the demo (built in ``data_dir`` on first use) or on ``database``."""
    log = data_dir / "logs" / "trustdesk.log"
    log.unlink(missing_ok=True)
    opening = ["--demo"] if database is None else ["--db", str(database)]
    wait = SMOKE_EXIT_MS["demo" if database is None else "file"]
    start = time.time()
    subprocess.run(
        [*command, *opening, "--user", user, "--data-dir", str(data_dir)],
        capture_output=True,
        env=_env(wait),
        check=True,
        cwd=ROOT,
    )
    return (
        _logged_at(log, "Main window shown") - start,
        _logged_at(log, "Main window ready") - start,
        _logged_at(log, "first rows shown") - start,
        _logged_at(log, "All panels in", required=False) - start,
    )


def find_frozen() -> Path | None:
    cache = Path(os.environ.get("TRUSTDESK_FROZEN_CACHE", "/tmp/trustdesk-frozen"))
    candidates = [*cache.glob("*/dist/TrustDesk/TrustDesk"), ROOT / "dist" / "TrustDesk" / "TrustDesk"]
    built = [path for path in candidates if path.is_file()]
    return max(built, key=lambda path: path.stat().st_mtime) if built else None


def build_frozen_reference() -> Path | None:
    """The bare QMainWindow frozen by PyInstaller the same way (one folder), the fair peer of our bundle.

    A frozen program starts differently from ``python -c`` (the bootloader, modules read from
    an archive), so the frozen TrustDesk is also compared with a frozen bare window. Built once
    per PySide6 and PyInstaller version into the cache folder; None if PyInstaller is missing.
    """
    try:
        import PyInstaller
        import PySide6
    except ImportError:
        return None
    cache = Path(os.environ.get("TRUSTDESK_FROZEN_CACHE", "/tmp/trustdesk-frozen"))
    folder = cache / f"bare-{PySide6.__version__}-{PyInstaller.__version__}"
    exe = folder / "dist" / "bare" / ("bare.exe" if os.name == "nt" else "bare")
    if exe.is_file():
        return exe
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bare.py").write_text(REFERENCE, encoding="utf-8")
    print(f"Building the frozen reference in {folder} (once)…", flush=True)
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--onedir", "--log-level", "WARN", "bare.py"]
    subprocess.run(command, cwd=folder, check=True, capture_output=True)
    return exe


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--frozen", type=Path, help="the frozen TrustDesk executable (default: the newest build)")
    parser.add_argument("--source-only", action="store_true", help="do not time a frozen build")
    parser.add_argument("--db", type=Path, help="start on this SQLite file instead of the demo")
    parser.add_argument("--user", default="sam.patel", help="sign in as this user (default: sam.patel)")
    args = parser.parse_args()
    if args.db is not None and not args.db.is_file():
        print(f"bench_startup: there is no database file {args.db}", file=sys.stderr)
        return 2
    frozen = None if args.source_only else args.frozen or find_frozen()

    subjects: dict[str, list[str]] = {"source": [sys.executable, "-m", "desktop.cli"]}
    references: dict[str, list[str]] = {"reference": [sys.executable, "-c", REFERENCE]}
    if frozen is not None:
        subjects["frozen"] = [str(frozen)]
        bare = build_frozen_reference()
        if bare is not None:
            references["frozen reference"] = [str(bare)]
    timings: dict[str, list[Timing]] = {name: [] for name in (*references, *subjects)}
    with tempfile.TemporaryDirectory(prefix="trustdesk-bench-") as temp:
        folders = {name: Path(temp) / name for name in subjects}
        for name, command in subjects.items():  # builds the demo and warms the file cache; not timed
            time_trustdesk(command, folders[name], args.db, args.user)
        for command in references.values():
            time_reference(command)
        for _ in range(args.runs):
            for name, command in references.items():
                timings[name].append(time_reference(command))
            for name, command in subjects.items():
                timings[name].append(time_trustdesk(command, folders[name], args.db, args.user))

    def median(name: str, which: int) -> float:
        return statistics.median(run[which] for run in timings[name])

    print(f"Start-up, median of {args.runs} runs (QT_QPA_PLATFORM={_env()['QT_QPA_PLATFORM']}):")
    print(f"  {'':38} {'main window':>12} {'ready':>12} {'first rows':>11} {'all panels':>11}")
    labels = {
        "reference": "bare PySide6 QMainWindow",
        "frozen reference": "bare QMainWindow, frozen",
        "source": "trustdesk --demo (source)" if args.db is None else "trustdesk --db FILE (source)",
        "frozen": "TrustDesk, frozen",
    }

    def ratio_line(name: str, reference: str) -> None:
        ratios = [median(name, i) / median(reference, i) for i in range(4)]
        label = f"  ratio to {labels[reference]}"
        print(f"  {label:38} {ratios[0]:>11.2f}x {ratios[1]:>11.2f}x {ratios[2]:>10.2f}x {ratios[3]:>10.2f}x")
        # Each run of ours follows a run of the reference: the ratio within a pair is steadier than a
        # ratio of medians when the machine's speed drifts during the benchmark.
        paired = sorted(ours[0] / ref[0] for ours, ref in zip(timings[name], timings[reference], strict=True))
        quartiles = statistics.quantiles(paired, n=4) if len(paired) > 1 else [paired[0]] * 3
        label = "  main window, paired runs"
        print(f"  {label:38} {quartiles[1]:>11.2f}x  (quartiles {quartiles[0]:.2f}–{quartiles[2]:.2f}×)")

    for name in (*references, *subjects):
        figures = " ".join(f"{median(name, which):>{width}.3f}s" for which, width in enumerate((11, 11, 10, 10)))
        print(f"  {labels[name]:38} {figures}")
        if name in subjects:
            ratio_line(name, "reference")
        if name == "frozen" and "frozen reference" in timings:
            ratio_line(name, "frozen reference")
    if args.db is not None:
        print(f"  (database: {args.db}, signed in as {args.user})")
    if frozen is not None:
        print(f"  (frozen: {frozen})")
    if frozen is None:
        print("  (no frozen build found: run scripts/smoke_frozen.sh first to time it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
