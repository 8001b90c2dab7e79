"""Smaller holes: calendar secrets never reach a log line, and a lockout is survivable (issue 14, section 5)."""

import io
import logging

import pytest
from django.conf import settings

from config.logredact import GunicornLogger, RedactSecrets, redact
from tests.security.conftest import attempt

TOKEN = "kX9_secretTOKENvalue-0123456789abcdef"
RIGHT = "pw-for-tests-only"  # tests/conftest.py gives every user this password


# Request lines as a client may send them: gunicorn logs them as sent and routes them decoded, so each
# of these serves the feed (the percent-encoded ones once logged the token in clear).
SENT_FORMS = [
    f"GET /calendar/feed/{TOKEN}.ics HTTP/1.1", f"Not Found: /calendar/feed/{TOKEN}.ics",
    f"https://tracker.example.org/calendar/feed/{TOKEN}.ics?x=1",
    f"GET /calendar%2Ffeed%2F{TOKEN}.ics HTTP/1.1", f"GET /calendar%2ffeed/{TOKEN}.ics HTTP/1.1",
    f"GET /%63alendar/feed/{TOKEN}.ics HTTP/1.1", f"GET /calendar/fee%64/{TOKEN}.ics HTTP/1.1",
    f"GET /calendar/feed/%{ord(TOKEN[0]):02X}{TOKEN[1:]}.ics HTTP/1.1",
    f'"GET /calendar/feed/{TOKEN}.ics HTTP/1.1" 200 "https://x.example/calendar%2Ffeed%2F{TOKEN}.ics"',
]


@pytest.mark.parametrize("line", SENT_FORMS)
def test_redact_hides_the_token_of_a_calendar_link_in_any_form(line):
    assert TOKEN[1:] not in redact(line) and "/calendar/feed/[redacted]" in redact(line)


def test_redact_leaves_lines_without_a_token_as_they_are():
    for line in ("GET /dashboards/?q=50%25 HTTP/1.1", "GET /calendar/ HTTP/1.1", "GET /calendar%2F HTTP/1.1"):
        assert redact(line) == line


@pytest.mark.django_db
def test_a_percent_encoded_feed_path_is_served_and_its_access_line_redacted(client, desk_officer):
    """The bypass is real: Django routes the decoded path, so the encoded form must be redacted too."""
    from gunicorn.config import Config

    from outreach.feeds.services import create_feed

    _, token = create_feed(user=desk_officer, kind="officer")
    assert client.get(f"/calendar%2Ffeed%2F{token}.ics").status_code == 200
    log = GunicornLogger(Config())
    access = _capture(log.access_log)
    log.access_log.info('"%(r)s" %(s)s', {"r": f"GET /calendar%2Ffeed%2F{token}.ics HTTP/1.1", "s": "200"})
    assert token not in access.getvalue() and "[redacted]" in access.getvalue()


def _capture(logger: logging.Logger) -> io.StringIO:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    logger.addHandler(handler)
    return out


def test_gunicorns_access_and_error_logs_never_hold_the_token():
    from gunicorn.config import Config

    log = GunicornLogger(Config())
    access, errors = _capture(log.access_log), _capture(log.error_log)
    log.access_log.info('%(h)s "%(r)s" %(s)s', {"h": "10.0.0.1", "r": f"GET /calendar/feed/{TOKEN}.ics HTTP/1.1",
                                               "s": "200"})
    log.error("Error handling request %s", f"/calendar/feed/{TOKEN}.ics")
    assert TOKEN not in access.getvalue() and "/calendar/feed/[redacted]" in access.getvalue()
    assert TOKEN not in errors.getvalue() and "[redacted]" in errors.getvalue()


def test_the_procfile_runs_gunicorn_with_the_redacting_logger():
    procfile = (settings.BASE_DIR / "Procfile").read_text()
    web = next(line for line in procfile.splitlines() if line.startswith("web:"))
    assert "--logger-class config.logredact.GunicornLogger" in web


@pytest.mark.django_db
def test_djangos_own_log_lines_about_a_feed_never_hold_the_token(client):
    """An unknown token is a 404, which django.request logs with the path."""
    console = next(h for h in logging.getLogger().handlers if any(isinstance(f, RedactSecrets) for f in h.filters))
    out = io.StringIO()
    old = console.setStream(out)
    try:
        assert client.get(f"/calendar/feed/{TOKEN}.ics").status_code == 404
    finally:
        console.setStream(old)
    assert "/calendar/feed/[redacted]" in out.getvalue() and TOKEN not in out.getvalue()


# ---------------------------------------------------------------- the lockout


@pytest.mark.django_db
def test_the_lockout_page_says_for_how_long_and_whom_to_ask(client, desk_officer, throttled, settings):
    settings.LOCKOUT_CONTACT = "the Operations Center (ops@example.org)"
    for _ in range(5):
        attempt(client, "desk", "wrong-guess")
    response = attempt(client, "desk", RIGHT)
    assert response.status_code == 429
    page = response.content.decode()
    assert "the Operations Center (ops@example.org)" in page and "15 minutes" in page
    assert "Unlock login" in page


@pytest.mark.django_db
def test_an_administrator_unlocks_a_locked_out_user_from_the_admin(client, desk_officer, django_user_model,
                                                                   throttled):
    from django.test import Client

    for _ in range(5):
        attempt(client, "desk", "wrong-guess")
    assert attempt(client, "desk", RIGHT).status_code == 429
    admin = Client()
    admin.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw"))
    response = admin.post("/admin/auth/user/", {"action": "unlock_login", "_selected_action": [desk_officer.pk]},
                          follow=True)
    assert response.status_code == 200 and "Unlocked desk" in response.content.decode()
    assert attempt(client, "desk", RIGHT).status_code == 302  # signed in at once, no fifteen-minute wait
