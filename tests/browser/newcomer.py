"""Start the app exactly as the README's run command does (bin/run), in a fresh state folder.

Used by test_newcomer.py. The app runs in its own process group (honcho: gunicorn, a Celery worker and
beat), on a free port, with its own Redis database, and for PostgreSQL its own new database, which
bin/run creates.
"""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[2]
# One line a demo user, as seed_demo prints them: role, username, password, email.
LOGIN_LINE = re.compile(r"^\s{2}(?P<role>\S.*?)\s{2,}(?P<username>\S+)\s+(?P<password>demo-\S+)\s+\S+@\S+$")
# What a newcomer's shell has; nothing of the test run's own settings (DJANGO_TESTING, DATABASE_URL...).
KEPT_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TERM", "TZ", "USER")


@dataclass
class App:
    url: str
    log: Path
    process: subprocess.Popen
    logins: list = field(default_factory=list)  # (role, username, password)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_url(base: str, name: str) -> str:
    """The URL of another database on the server of base."""
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def drop_database(url: str) -> None:
    parts = urlsplit(url)
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                psycopg.sql.Identifier(parts.path.lstrip("/"))
            )
        )


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def start(state: Path, *, broker: str, database_url: str | None, timeout: float = 240) -> App:
    """Run bin/run with a fresh STATE_DIR and wait until it serves; return its URL and demo logins."""
    port = free_port()
    env = {k: os.environ[k] for k in KEPT_ENV if k in os.environ}
    env.update(
        STATE_DIR=str(state),
        PORT=str(port),
        CELERY_BROKER_URL=broker,
        # Two apps may run side by side on two cores: fewer processes than the Procfile's defaults.
        WEB_CONCURRENCY="2",
        CELERY_CONCURRENCY="1",
        # Beat's periodic jobs fire while the crawl runs, so their tracebacks (if any) reach the log.
        OVERVIEW_SNAPSHOT_MINUTES="1",
        REMINDER_SWEEP_MINUTES="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    state.mkdir(parents=True, exist_ok=True)
    log = state.parent / f"{state.name}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(ROOT / "bin" / "run")], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    app = App(url=f"http://127.0.0.1:{port}", log=log, process=process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"bin/run exited with {process.returncode}:\n{app.log_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{app.url}/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(1)
    else:
        stop(app)
        raise RuntimeError(f"bin/run did not serve within {timeout}s:\n{app.log_text()[-4000:]}")
    app.logins = [
        (m["role"], m["username"], m["password"])
        for m in map(LOGIN_LINE.match, app.log_text().splitlines())
        if m
    ]
    return app


def wait_for_log(app: App, pattern: str, *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if re.search(pattern, app.log_text()):
            return True
        time.sleep(1)
    return False


def tracebacks(log: str) -> list[str]:
    """Each traceback in honcho's log, without its prefixes, with the line logged before it."""
    lines = [re.sub(r"^\d\d:\d\d:\d\d \S+\s+\| ", "", line) for line in log.splitlines()]
    found = []
    for i, line in enumerate(lines):
        if line.startswith("Traceback (most recent call last)"):
            end = next((j for j in range(i + 1, len(lines)) if lines[j][:1] not in (" ", "")), len(lines) - 1)
            found.append("\n".join(lines[max(i - 1, 0):end + 1]))
    return found


def stop(app: App) -> None:
    """Stop honcho and everything it started (the process group this module made)."""
    group = app.process.pid
    try:
        os.killpg(group, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        app.process.poll()
        try:
            os.killpg(group, 0)  # anyone left in the group?
        except ProcessLookupError:
            return
        time.sleep(0.5)
    os.killpg(group, signal.SIGKILL)
    app.process.wait(10)
