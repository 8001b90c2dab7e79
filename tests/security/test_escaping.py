"""Script payloads in a cable come out escaped on every page, in every export and in every email."""

import html
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.conftest import read_cable

from .urlwalk import leaves, urls_for

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
RAW = ("<script>alert(1)", "<img src=x onerror")  # what must never reach a browser as markup
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;")


def payload_cable() -> str:
    """The seed cable as an HTML page whose subject, action request and points carry the payloads.

    The parser strips tags from HTML cables and decodes entities, so the payloads are written as
    entities: the parsed fields then hold them as real markup, the worst case for the pages.
    """
    payload = html.escape(f"{SCRIPT} {IMG} ", quote=False)
    text = read_cable("09STATE4690.txt")
    text = text.replace("SUBJECT: MISSILE", f"SUBJECT: {payload}MISSILE", 1)
    text = text.replace("2. (C) ACTION REQUEST: In keeping", f"2. (C) ACTION REQUEST: {payload}In keeping", 1)
    text = text.replace("--The United States believes the UAE", f"--{payload}The United States believes the UAE", 1)
    return f"<html><body><pre>\n{text}\n</pre></body></html>"


@pytest.fixture
def payload_world(db, desk_officer, manager, make_embassy_user):
    from cables.services import ingest_cable
    from outreach.services import create_demarche, issue_demarche

    cable = ingest_cable(payload_cable(), filename="09STATE4690.txt", by=desk_officer).cable
    assert SCRIPT in cable.subject
    demarche = issue_demarche(create_demarche(cable, by=desk_officer), by=desk_officer)
    points = [t.talking_points for t in demarche.tasks.filter(post__code="abu-dhabi")]
    assert SCRIPT in str(points), "the payload did not reach Abu Dhabi's talking points"
    return {"cable": cable, "demarche": demarche, "desk": desk_officer, "manager": manager,
            "ad": make_embassy_user("ad_staff", "abu-dhabi")}


def walk_values(world) -> dict:
    tasks = list(world["demarche"].tasks.filter(post__code="abu-dhabi").values_list("pk", flat=True))
    return {
        "ids": [*tasks[:3], world["cable"].pk, world["demarche"].pk],
        "strings": [world["demarche"].reference_id, "abu-dhabi"],
        "codes": ["abu-dhabi"],
        "actions": ["deliver", "report"],
    }


def responses(client, world):
    """Yield (url, response) for every GET page of the project, and each dashboard export format."""
    for leaf in leaves():
        if "logout" in (leaf.name or "") or (leaf.name or "").startswith("admin:"):
            continue
        for url, _ in urls_for(leaf, walk_values(world)):
            response = client.get(url)
            yield url, response
            if response.status_code == 200 and "_export=" in response.content.decode("utf-8", "replace"):
                for fmt in ("csv", "json", "xlsx"):
                    yield f"{url}?_export={fmt}", client.get(url, {"_export": fmt})


def text_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace")


@pytest.mark.parametrize("role", ["desk", "manager", "ad"])
def test_every_page_shows_the_payload_escaped_and_never_raw(payload_world, role):
    client = Client(raise_request_exception=False)
    client.force_login(payload_world[role])
    failures, escaped_on, exports = [], [], []
    for url, response in responses(client, payload_world):
        if response.status_code != 200:
            continue
        kind = response.get("Content-Type", "")
        text = text_of(response)
        if "html" in kind:
            failures += [f"{url} holds raw {raw!r}" for raw in RAW if raw in text]
            if any(e in text for e in ESCAPED):
                escaped_on.append(url)
        else:
            exports.append(url)
            # Data files carry the text as data; they must never be taken for a page.
            if "html" in kind or response.get("X-Content-Type-Options") != "nosniff":
                failures.append(f"{url} is served as {kind!r} without nosniff")
    assert failures == []
    assert escaped_on, "no page showed the payload at all: the check proved nothing"
    if role == "desk":
        assert "/cables/" in escaped_on and f"/cables/{payload_world['cable'].pk}/" in escaped_on


def test_the_cable_pages_escape_the_payload(payload_world, client):
    client.force_login(payload_world["desk"])
    for url in ("/cables/", f"/cables/{payload_world['cable'].pk}/", "/cables/?q=alert"):
        page = client.get(url).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert SCRIPT not in page and "<img src=x" not in page


def test_form_input_with_a_payload_is_shown_escaped(payload_world, client):
    client.force_login(payload_world["desk"])
    page = client.get("/cables/", {"q": IMG}).content.decode()
    assert "<img src=x" not in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page


def test_reminder_emails_escape_the_payload_in_html(payload_world, settings):
    from outreach.reminders.sweep import sweep

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Emails quote a cable's text only up to this level: let them quote the payload, so escaping is tested.
    settings.EMAIL_MAX_CLASSIFICATION = "TOP SECRET"
    demarche = payload_world["demarche"]
    overdue = timezone.make_aware(
        timezone.datetime.combine(demarche.deliver_by + timedelta(days=3), timezone.datetime.min.time())
    ) + timedelta(hours=10)
    sweep(now=overdue, inline=True)
    about_payload = [m for m in mail.outbox if "alert(1)" in m.body or "alert(1)" in m.subject]
    assert about_payload, "the reminder sweep sent no email quoting the payload"
    html_parts = [
        content for message in about_payload
        for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"
    ]
    assert html_parts, "no HTML email to check"
    for content in html_parts:
        assert not any(raw in content for raw in RAW)
        assert re.search(r"&lt;script&gt;|&lt;img", content)
    assert all("\n" not in message.subject for message in about_payload)
