"""Calendar feeds: RFC 5545 text, secret links that work without a login, revocation, and scope."""

import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.feeds import ical
from outreach.models import CalendarFeed

from .dashboard_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(desk_officer):
    return build_world(desk_officer, today=timezone.localdate())


def _make_link(client, user, **data):
    client.force_login(user)
    response = client.post(reverse("outreach:calendar_create"), data)
    assert response.status_code == 200
    link = response.context["new_link"]
    client.logout()
    return link.replace("http://testserver", "")


def test_it_writes_valid_icalendar_lines():
    text = ical.calendar_text(
        "Deadlines",
        [
            {
                "uid": "task-1@x",
                "day": datetime(2026, 1, 5).date(),
                "summary": "Deliver; now, please",
                "description": "Line one\nline two " + "é" * 60,
            }
        ],
        now=datetime(2026, 1, 1, 12, tzinfo=dt_timezone.utc),
    )

    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "DTSTART;VALUE=DATE:20260105" in lines and "DTEND;VALUE=DATE:20260106" in lines
    assert "SUMMARY:Deliver\\; now\\, please" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "DESCRIPTION:Line one\\nline two " + "é" * 60 in unfolded


def test_embassy_staff_subscribe_to_their_post_without_logging_in_again(client, world, make_embassy_user):
    staff = make_embassy_user("hk-staff", "t-hong-kong")
    link = _make_link(client, staff, kind="post", post="t-hong-kong")

    response = client.get(link)  # logged out, as a calendar client is

    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode().replace("\r\n ", "")
    # Hong Kong's open tasks: 4 of the seed (host points and report, Macau's three... minus done) + 6 new.
    assert body.count("BEGIN:VEVENT") == 5 + 6
    assert "(Macau)" in body and "T Paris" not in body
    assert CalendarFeed.objects.get().last_used_at is not None


def test_a_revoked_link_stops_working(client, world, make_embassy_user):
    staff = make_embassy_user("hk-staff", "t-hong-kong")
    link = _make_link(client, staff, kind="post", post="t-hong-kong")
    feed = CalendarFeed.objects.get()
    client.force_login(staff)

    assert client.post(reverse("outreach:calendar_revoke", args=[feed.pk])).status_code == 302
    client.logout()
    assert client.get(link).status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is not None


def test_an_unknown_token_is_not_found(client, world):
    assert client.get(reverse("outreach:calendar_feed", args=["not-a-real-token"])).status_code == 404


def test_only_a_hash_of_the_token_is_stored(client, world, desk_officer):
    link = _make_link(client, desk_officer, kind="officer")
    token = re.search(r"/feed/([^/]+)\.ics$", link).group(1)

    assert not CalendarFeed.objects.filter(token_hash__contains=token).exists()
    assert len(token) >= 40


def test_desk_officers_get_their_demarches_deadlines(client, world, desk_officer):
    body = client.get(_make_link(client, desk_officer, kind="officer")).content.decode()

    assert body.count("BEGIN:VEVENT") == 4  # deliver-by and report-by of two issued demarches
    assert "Report by: 09STATE4690" in body


def test_staff_cannot_subscribe_to_another_posts_deadlines(client, world, make_embassy_user):
    client.force_login(make_embassy_user("hk-staff", "t-hong-kong"))

    response = client.post(reverse("outreach:calendar_create"), {"kind": "post", "post": "t-paris"})

    assert response.status_code == 403 and not CalendarFeed.objects.exists()


def test_managers_cannot_make_links(client, world, manager):
    client.force_login(manager)

    assert (
        client.post(reverse("outreach:calendar_create"), {"kind": "post", "post": "t-paris"}).status_code
        == 403
    )
    assert "read-only" in client.get(reverse("outreach:calendar_links")).content.decode()


def test_nobody_revokes_someone_elses_link(client, world, make_embassy_user, desk_officer):
    link = _make_link(client, make_embassy_user("hk-staff", "t-hong-kong"), kind="post", post="t-hong-kong")
    client.force_login(desk_officer)

    assert (
        client.post(reverse("outreach:calendar_revoke", args=[CalendarFeed.objects.get().pk])).status_code
        == 404
    )
    client.logout()
    assert client.get(link).status_code == 200


def test_a_link_empties_when_its_owner_leaves_the_post(client, world, make_embassy_user):
    staff = make_embassy_user("hk-staff", "t-hong-kong")
    link = _make_link(client, staff, kind="post", post="t-hong-kong")
    world.posts["t-hong-kong"].staff.remove(staff)

    assert client.get(link).content.decode().count("BEGIN:VEVENT") == 0


def test_a_link_dies_with_a_deactivated_user(client, world, make_embassy_user):
    staff = make_embassy_user("hk-staff", "t-hong-kong")
    link = _make_link(client, staff, kind="post", post="t-hong-kong")
    staff.is_active = False
    staff.save()

    assert client.get(link).status_code == 404


def test_feed_queries_do_not_grow_with_tasks(
    client, desk_officer, make_embassy_user, django_assert_max_num_queries
):
    build_world(desk_officer, today=timezone.localdate() - timedelta(days=1), extra_demarches=20)
    link = _make_link(client, desk_officer, kind="post", post="t-paris")

    with django_assert_max_num_queries(5):
        assert client.get(link).status_code == 200
