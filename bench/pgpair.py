"""A throw-away PostgreSQL primary and its streaming replica, on loopback, in a directory of their own.

Made with Debian's server binaries (/usr/lib/postgresql/<newest>/bin): `initdb` for the primary,
`pg_basebackup -R` for the replica, each started with `pg_ctl` on a free port. initdb refuses to run as
root, so as root every server command runs as the `postgres` user (runuser) and the directory is given
to it. Used by the real-replica test (tests/outreach/test_real_replica.py) and the rehearsal
(bench/cluster.py). Nothing here touches the machine's own cluster.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

# Both servers log every query's count in pg_stat_statements: the proof of which server read what.
SETTINGS = """
listen_addresses = '127.0.0.1'
unix_socket_directories = '{root}'
max_connections = 100
wal_level = replica
max_wal_senders = 5
hot_standby = on
hot_standby_feedback = on
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = top
fsync = {fsync}
full_page_writes = {fsync}
synchronous_commit = {fsync}
shared_buffers = 32MB
log_min_messages = warning
"""
HBA = """
local all all trust
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
"""


def pg_bin() -> Path | None:
    """The newest installed server's binaries, or None when no PostgreSQL server is installed."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return versions[-1].parent if versions else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PgPair:
    """A primary and a streaming replica in a new temporary directory; `start()`, then `url(...)`..."""

    def __init__(self, *, fsync: bool = False):
        # A new directory in /tmp, which the postgres user can reach (a pytest tmp_path, 0700 root's, is not).
        self.root, self.bin, self.fsync = Path(tempfile.mkdtemp(prefix="outreach-pgpair-")), pg_bin(), fsync
        if self.bin is None:
            raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql")
        self.primary_dir, self.replica_dir = self.root / "primary", self.root / "replica"
        self.primary_port, self.replica_port = free_port(), free_port()
        self.as_root = os.geteuid() == 0

    def url(self, server: str, database: str = "outreach") -> str:
        port = self.primary_port if server == "primary" else self.replica_port
        return f"postgres://postgres@127.0.0.1:{port}/{database}"

    def run(self, *cmd: str, timeout: float = 120) -> str:
        """Run a server binary, as the postgres user when we are root (initdb refuses root)."""
        exe = self.bin / cmd[0]
        argv = [str(exe) if exe.exists() else cmd[0], *cmd[1:]]
        if self.as_root:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd="/")
        if done.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        return done.stdout

    def psql(self, server: str, sql: str, database: str = "outreach") -> str:
        port = self.primary_port if server == "primary" else self.replica_port
        return self.run(
            "psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", database,
            "-v", "ON_ERROR_STOP=1", "-qAtc", sql,
        ).strip()

    def start(self, database: str = "outreach") -> None:
        if self.as_root:
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self.run("initdb", "-D", str(self.primary_dir), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                 "--no-sync", timeout=180)
        self._configure(self.primary_dir, self.primary_port)
        self._pg_ctl(self.primary_dir, "start")
        self.psql("primary", f'CREATE DATABASE "{database}"', database="postgres")
        self.psql("primary", "CREATE EXTENSION pg_stat_statements", database=database)
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
                 "-D", str(self.replica_dir), "-R", "-X", "stream", "--no-sync", "-c", "fast", timeout=180)
        self._configure(self.replica_dir, self.replica_port)
        self.start_replica()

    def _configure(self, data: Path, port: int) -> None:
        # postgresql.auto.conf is read last: the replica's copy of the primary's port is overridden here.
        text = SETTINGS.format(root=self.root, fsync="on" if self.fsync else "off") + f"port = {port}\n"
        self.run("sh", "-c", f"cat >> '{data}/postgresql.auto.conf' <<'EOF'\n{text}EOF\n"
                 f"printf '%s' '{HBA}' > '{data}/pg_hba.conf'")

    def _pg_ctl(self, data: Path, action: str, *extra: str) -> None:
        self.run("pg_ctl", "-D", str(data), "-l", str(data / "server.log"), "-w", "-t", "60", action, *extra)

    def start_replica(self) -> None:
        self._pg_ctl(self.replica_dir, "start")
        deadline = time.monotonic() + 60
        while self.psql("replica", "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'",
                        database="postgres") != "1":
            if time.monotonic() > deadline:
                raise RuntimeError("the replica did not start streaming within 60 s")
            time.sleep(0.2)

    def stop_replica(self) -> None:
        self._pg_ctl(self.replica_dir, "stop", "-m", "fast")

    def wait_replayed(self, timeout: float = 30) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        target = self.psql("primary", "SELECT pg_current_wal_lsn()", database="postgres")
        deadline = time.monotonic() + timeout
        while self.psql("replica", f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn",
                        database="postgres") != "t":
            if time.monotonic() > deadline:
                raise RuntimeError(f"the replica did not replay up to {target} within {timeout} s")
            time.sleep(0.1)

    def statements(self, server: str, pattern: str, database: str = "outreach") -> int:
        """Calls so far of the statements on `server` whose text matches `pattern` (SQL LIKE)."""
        return int(self.psql(server, "SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements s "
                             f"JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '{database}' "
                             f"AND s.query LIKE '{pattern}'", database=database))

    def stop(self) -> None:
        """Stop both servers (whatever state they are in) and remove their directory."""
        for data in (self.replica_dir, self.primary_dir):
            if (data / "postmaster.pid").exists():
                try:
                    self._pg_ctl(data, "stop", "-m", "immediate")
                except (RuntimeError, subprocess.TimeoutExpired):
                    pass
        shutil.rmtree(self.root, ignore_errors=True)
