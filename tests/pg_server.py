"""A throw-away PostgreSQL server for the tests: initdb in a temporary folder, pg_ctl start/stop.

Why our own and not pytest-postgresql's ``postgresql_proc``: the suite must run
as root in CI, where initdb and postgres refuse to run; here both run as the
``postgres`` OS user (through ``su``) in a folder that user owns, and tests
that stop and restart the server mid-session (connection trouble) need the
same control over it.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN = Path(os.environ.get("TRUSTDESK_PG_BIN", "/usr/lib/postgresql/15/bin"))


def available() -> bool:
    """PostgreSQL binaries are installed (and, as root, there is a ``postgres`` user to run them)."""
    if not (PG_BIN / "pg_ctl").exists() or not (PG_BIN / "initdb").exists():
        return False
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return False
    return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PgServer:
    """One PostgreSQL cluster in a temporary folder, trust authentication on 127.0.0.1."""

    def __init__(self, folder: Path | None = None) -> None:
        """A new cluster in a temporary folder; or in ``folder``, kept there and reused by the next
        run (the benchmarks keep their million-activity database between runs this way)."""
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        self.dir = folder if folder is not None else Path(tempfile.mkdtemp(prefix="trustdesk-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self._as_root = os.geteuid() == 0
        if self._as_root:
            import pwd

            entry = pwd.getpwnam("postgres")
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        if not (self.data / "PG_VERSION").exists():
            initdb = [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust"]
            self._run([*initdb, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])

    def _run(self, argv: list[str]) -> None:
        command = argv
        if self._as_root:
            command = ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(argv)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.dir)

    def start(self, settings: str = "") -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 " + settings
        )
        log = str(self.dir / "log")
        self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", log, "-w", "-o", options, "start"])

    def stop(self, mode: str = "fast") -> None:
        self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])

    def url(self, database: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
