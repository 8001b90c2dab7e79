"""A post acts from its task page: the instruction's parts addressed to it, by paragraph; errors in the layout."""

import pytest
from django.urls import reverse

from outreach.models import PostTask

from .seed import task_of

pytestmark = pytest.mark.django_db
Kind = PostTask.Kind


def page(client, user, task) -> str:
    client.force_login(user)
    response = client.get(reverse("outreach:task_detail", args=[task.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_deliver_task_shows_the_non_paper_with_its_marking(client, issued, abu_dhabi_staff):
    html = page(client, abu_dhabi_staff, task_of(issued, "abu-dhabi", Kind.DELIVER_NON_PAPER))

    assert "to hand over" in html
    assert "SENSITIVE BUT UNCLASSIFIED/RELEASABLE TO BAHRAIN" in html
    assert "we are providing the following description of the MTCR Partner" in html
    assert "Action request" in html and "(paragraph 2)" in html
    assert "CONFIDENTIAL" in html  # the cable's classification


def test_the_talking_points_task_shows_the_posts_points_with_marking(client, issued, hong_kong_staff):
    macau = task_of(issued, "hong-kong", Kind.TALKING_POINTS, "Macau")
    html = page(client, hong_kong_staff, macau)

    assert "C/RELEASABLE MACAU" in html and "(paragraph 14)" in html
    assert "C/RELEASABLE HONG KONG" not in html  # the host's section belongs to the other task
    assert all(p["text"][:60] in html for p in macau.talking_points)


def test_staff_never_see_a_text_not_releasable_to_their_host(client, issued, make_embassy_user):
    canberra = make_embassy_user("canberra-staff", "canberra")
    special = task_of(issued, "canberra", Kind.SPECIAL)
    html = page(client, canberra, special)

    # The non-paper is marked releasable to a list that does not name Australia.
    assert "not releasable to Australia" in html
    assert "we are providing the following description of the MTCR Partner" not in html
    assert "Special instruction for Canberra" in html and "Australian MTCR Chair" in html


def test_desk_officers_see_every_text(client, issued, desk_officer):
    html = page(client, desk_officer, task_of(issued, "canberra", Kind.SPECIAL))

    assert "we are providing the following description of the MTCR Partner" in html


@pytest.mark.parametrize("status", [403, 404])
def test_error_pages_use_the_layout_and_say_what_to_do(client, issued, abu_dhabi_staff, status):
    client.force_login(abu_dhabi_staff)
    url = reverse("cables:detail", args=[issued.cable.pk]) if status == 403 else "/tasks/999999/"
    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == status
    assert 'class="brand"' in html and "Outreach tracker" in html
    assert reverse("outreach:inbox") in html  # where to go next


def test_history_speaks_words_not_python_values(client, issued, abu_dhabi_staff):
    from django.utils import timezone

    from outreach import services

    deliver = task_of(issued, "abu-dhabi", Kind.DELIVER_NON_PAPER)
    services.record_delivery(deliver, by=abu_dhabi_staff, delivered_on=timezone.localdate(), method="meeting",
                             officials=[{"name": "Amb. X", "title": "", "ministry": "MFA"}], response="non_committal")
    html = page(client, abu_dhabi_staff, deliver)
    history = html[html.index("<h2>History</h2>"):]

    assert "Delivery recorded" in history
    assert "<strong>Officials met</strong>: Amb. X (MFA)" in history
    assert "<strong>How</strong>: Meeting" in history and "<strong>Response</strong>: Non-committal" in history
    assert "[{" not in history and "&#x27;name&#x27;" not in history and "non_committal" not in history
    day = timezone.localdate()
    assert f"<strong>Date delivered</strong>: {day.day} {day:%b} {day.year}" in history
