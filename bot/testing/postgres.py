"""A throwaway PostgreSQL cluster for the tests and the load bench.

initdb into a temporary folder, pg_ctl on a free loopback port, the folder removed when stopped.

PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user (which the
Debian package creates) through `runuser`.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

__all__ = ["PostgresCluster", "PostgresUnavailable", "find_binaries"]

START_TIMEOUT = 60  # seconds pg_ctl waits for the server to accept connections
RUN_AS = "postgres"  # the user the cluster runs as when we are root
# Durability off: a throwaway cluster trades crash safety for speed (about 5x fewer fsyncs).
FAST_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries here, or no user to run them as."""


def find_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else the newest Debian install."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(versions[0]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresCluster:
    """One cluster; `start()`, then `url(name)` or `await create_database()`, then `stop()`."""

    def __init__(self) -> None:
        self.password = secrets.token_hex(8)
        self.port = 0
        self._root: Path | None = None
        self._bin: Path | None = None
        self._prefix: list[str] = []
        self._names = itertools.count(1)

    def start(self) -> None:
        """Create and start the cluster.

        Raises:
            PostgresUnavailable: initdb is not installed, or as root there is no `postgres` user.
            subprocess.CalledProcessError: initdb or pg_ctl failed (their output is attached).

        """
        self._bin = find_binaries()
        if self._bin is None:
            raise PostgresUnavailable(
                "PostgreSQL binaries not found (initdb, pg_ctl): install the postgresql package"
            )
        self._root = Path(tempfile.mkdtemp(prefix="newsdigest-pg-"))
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam(RUN_AS)
            except KeyError as exc:
                raise PostgresUnavailable(
                    f"running as root and there is no {RUN_AS!r} user to run PostgreSQL as"
                ) from exc
            os.chown(self._root, user.pw_uid, user.pw_gid)
            self._prefix = ["runuser", "-u", RUN_AS, "--"]
        pwfile = self._root / "pw"
        pwfile.write_text(self.password, encoding="utf-8")
        if self._prefix:
            os.chown(pwfile, pwd.getpwnam(RUN_AS).pw_uid, -1)
        self.port = _free_port()
        data = self._root / "data"
        self._run(
            "initdb", "-D", str(data), "-U", "postgres", f"--pwfile={pwfile}", "-E", "UTF8",
            "--auth-host=scram-sha-256", "--auth-local=trust", "--no-sync",
        )  # fmt: skip
        options = (
            f"-p {self.port} -k {self._root} -c listen_addresses=127.0.0.1 -c max_connections=200 "
            + FAST_OPTIONS
        )
        self._run(
            "pg_ctl", "-D", str(data), "-o", options, "-l", str(self._root / "log"),
            "-w", "-t", str(START_TIMEOUT), "start",
        )  # fmt: skip

    def _run(self, tool: str, *args: str) -> None:
        assert self._bin is not None
        subprocess.run(
            [*self._prefix, str(self._bin / tool), *args],
            check=True,
            capture_output=True,
            text=True,
        )

    def url(self, database: str = "postgres", *, password: str | None = None) -> str:
        """The URL of one of the cluster's databases (a wrong `password` for the error tests)."""
        secret = self.password if password is None else password
        return f"postgresql://postgres:{secret}@127.0.0.1:{self.port}/{database}"

    async def create_database(self) -> str:
        """A new empty database; its URL."""
        import asyncpg

        name = f"test_{os.getpid()}_{next(self._names)}"
        conn = await asyncpg.connect(self.url())
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return self.url(name)

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        if self._root is None:
            return
        try:
            if (self._root / "data" / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self._root / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None
