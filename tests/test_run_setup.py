"""What a newcomer meets before the first page: the database bin/run creates, the log, the favicon."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
POSTGRES = os.environ.get("NEWCOMER_POSTGRES_URL") or os.environ.get(
    "TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/outreach"
)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},
        capture_output=True, text=True, timeout=120,
    )


def on_server(name: str) -> str:
    parts = urlsplit(POSTGRES)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def database_exists(name: str) -> bool:
    with psycopg.connect(on_server("postgres").replace("postgres://", "postgresql://", 1)) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def test_ensure_database_creates_a_missing_postgresql_database_once():
    name = f"outreach_ensure_{os.getpid()}"
    url = on_server(name)
    try:
        assert not database_exists(name)
        first = manage("ensure_database", DATABASE_URL=url, DJANGO_DEBUG="1")
        assert first.returncode == 0, first.stderr
        assert first.stdout.strip() == f"created the PostgreSQL database {name}"
        assert database_exists(name)
        again = manage("ensure_database", DATABASE_URL=url, DJANGO_DEBUG="1")
        assert (again.returncode, again.stdout) == (0, "")
    finally:
        with psycopg.connect(on_server("postgres").replace("postgres://", "postgresql://", 1),
                             autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_ensure_database_leaves_sqlite_alone(tmp_path):
    result = manage("ensure_database", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", DJANGO_DEBUG="1")
    assert (result.returncode, result.stdout) == (0, "")
    assert not (tmp_path / "db.sqlite3").exists()


def test_the_server_log_prints_each_error_and_traceback_once():
    """Django's own console handler (on under DEBUG) and the root's printed every 500 and 403 twice."""
    code = (
        "import logging\n"
        "try:\n    1 / 0\n"
        "except ZeroDivisionError:\n"
        "    logging.getLogger('django.request').error('Internal Server Error: /boom/', exc_info=True)\n"
        "logging.getLogger('django.request').warning('Forbidden (Permission denied): /nope/')\n"
    )
    result = manage("shell", "-c", code, DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Internal Server Error: /boom/") == 1, result.stderr
    assert result.stderr.count("Traceback") == 1
    assert result.stderr.count("Forbidden (Permission denied): /nope/") == 1


def test_the_favicon_is_served_at_the_root_without_a_login(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content.startswith(b"\x00\x00\x01\x00")  # an ICO header
