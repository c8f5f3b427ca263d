#!/usr/bin/env bash
# Smoke test of the frozen program (PyInstaller one-folder build), runnable on Linux CI:
#   1. build the bundle from build_installer.spec — once per source state, cached in
#      ${TRUSTDESK_FROZEN_CACHE:-/tmp/trustdesk-frozen}/HASH (a hash of everything that goes in it);
#   2. check the bundle carries none of the Qt modules we exclude (WebEngine, Quick, Qml, Pdf…);
#   3. start the built executable offscreen as a new user would on the demo (which it builds and
#      migrates itself, so Alembic's files and the SQLite driver are exercised in frozen form),
#      signed in as sam.patel, with TRUSTDESK_SMOKE_EXIT_AFTER_MS making it close its main window;
#   4. require exit status 0, the "Main window ready" line in its log, and no traceback.
# Usage: scripts/smoke_frozen.sh [--rebuild]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}

key=$( { cat build_installer.spec pyproject.toml;
         { git ls-files -co --exclude-standard -- '*.py' '*.svg' '*.qss' '*.mako' 'docs' 2>/dev/null \
             || find . -path ./.venv -prune -o -type f \( -name '*.py' -o -name '*.svg' -o -name '*.qss' \
                  -o -name '*.mako' -o -path './docs/*' \) -print | sed 's|^\./||'; } | grep -v '^tests/' | sort \
           | while read -r f; do if [ -f "$f" ]; then echo "$f"; cat "$f"; fi; done;
         "$PYTHON" -c 'import PySide6, PyInstaller; print(PySide6.__version__, PyInstaller.__version__)'; } \
       | sha256sum | cut -c1-16 )
cache=${TRUSTDESK_FROZEN_CACHE:-/tmp/trustdesk-frozen}/$key
exe=$cache/dist/TrustDesk/TrustDesk
if [ "${1:-}" = "--rebuild" ] || [ ! -x "$exe" ]; then
  echo "smoke: building the bundle into $cache …" >&2
  start=$(date +%s)
  rm -rf "$cache"
  mkdir -p "$cache"
  if ! "$PYTHON" -m PyInstaller --noconfirm --log-level WARN --distpath "$cache/dist" --workpath "$cache/build" \
      build_installer.spec >"$cache/build.log" 2>&1; then
    tail -40 "$cache/build.log" >&2
    rm -rf "$cache/dist"
    echo "smoke: FAILED: PyInstaller could not build the bundle" >&2
    exit 1
  fi
  echo "smoke: built in $(( $(date +%s) - start )) s" >&2
else
  echo "smoke: using the cached bundle $cache" >&2
fi

unwanted=$(find "$cache/dist/TrustDesk" \( -iname '*WebEngine*' -o -iname '*Qt6Quick*' -o -iname '*Qt6Qml*' \
  -o -iname '*Qt6Pdf*' -o -iname '*Qt6Multimedia*' -o -iname '*Qt63D*' -o -iname '*VirtualKeyboard*' \) | head -5)
if [ -n "$unwanted" ]; then
  echo "smoke: FAILED: the bundle carries excluded Qt modules:" >&2
  echo "$unwanted" >&2
  exit 1
fi
echo "smoke: bundle size $(du -sh "$cache/dist/TrustDesk" | cut -f1)" >&2

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
set +e
QT_QPA_PLATFORM=offscreen TRUSTDESK_SMOKE_EXIT_AFTER_MS=300 timeout 180 \
  "$exe" --demo --user sam.patel --data-dir "$home" >"$home/stdout.txt" 2>"$home/stderr.txt"
status=$?
set -e
log="$home/logs/trustdesk.log"
fail() {
  echo "smoke: FAILED: $1" >&2
  for f in "$home/stderr.txt" "$log"; do [ -f "$f" ] && { echo "--- $f" >&2; tail -30 "$f" >&2; }; done
  exit 1
}
[ "$status" -eq 0 ] || fail "the frozen program exited with status $status"
[ -f "$log" ] || fail "no log file in $home/logs"
grep -q "Main window ready: sam.patel" "$log" || fail "the main window never got its panels"
if grep -q "Traceback" "$log" "$home/stderr.txt"; then fail "a traceback was printed"; fi
if grep -qi "cannot load library\|could not load the qt platform plugin" "$home/stderr.txt"; then
  fail "Qt could not load a library or plug-in it needs"
fi
echo "smoke: OK: the frozen TrustDesk built the demo, showed its main window and exited 0" >&2
