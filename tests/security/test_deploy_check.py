"""Production settings pass Django's deployment checklist, and send the security headers."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AXES_", "SECURE_"))}
    env.update(
        DJANGO_DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="example.org",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_it_passes_the_deploy_check_at_warning_level():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_passes_the_deploy_check_with_a_read_replica_configured():
    default = os.environ.get("DATABASE_URL", "sqlite:////tmp/h_hard_replica.sqlite3")
    env = production_env(DATABASE_URL=default, DATABASE_REPLICA_URL=default, REPLICA_READS="all")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_refuses_to_start_without_a_secret_key_in_production():
    env = production_env()
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_the_deploy_check_does_fail_on_insecure_settings():
    """The check is not vacuous: turning off the secure cookie makes it fail."""
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(SESSION_COOKIE_SECURE="0")
    )
    assert result.returncode != 0
    assert "security.W012" in result.stdout + result.stderr


@pytest.mark.django_db
def test_every_page_sends_csp_frame_denial_and_nosniff(client, desk_officer):
    client.force_login(desk_officer)
    for url in ("/accounts/login/", "/cables/"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_templates_hold_no_inline_script_or_style():
    """The CSP forbids inline code, so none may be written (emails are not pages and keep their styles)."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.I)
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {match.group(0).strip()}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if "emails" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for match in inline.finditer(line)
    ]
    assert offenders == []


def test_it_refuses_an_unknown_attachment_storage():
    result = manage("check", env=production_env(ATTACHMENT_STORAGE="nfs"))
    assert result.returncode != 0
    assert "ATTACHMENT_STORAGE must be database or s3, not 'nfs'" in result.stderr


def test_s3_attachments_need_django_storages_or_configure_its_backend():
    """S3 is chosen by the setting; without the package the app says what to install instead of failing later."""
    import importlib.util

    env = production_env(ATTACHMENT_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="outreach-files")
    result = manage("shell", "-c", "from django.conf import settings; print(settings.STORAGES['attachments'])",
                    env=env)
    if importlib.util.find_spec("storages") and importlib.util.find_spec("boto3"):
        assert "storages.backends.s3.S3Storage" in result.stdout and "outreach-files" in result.stdout
        assert "'default_acl': 'private'" in result.stdout
    else:
        assert result.returncode != 0 and "pip install 'django-storages[s3]'" in result.stderr
