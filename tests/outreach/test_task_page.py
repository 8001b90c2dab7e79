"""A post acts from its task page: the instruction's parts addressed to it, by paragraph; errors in the layout."""

import pytest
from django.urls import reverse

from outreach.models import PostTask
from outreach.services.bounds import post_today

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
    handover = html[html.index('id="handover"'):]
    assert handover.startswith('id="handover">The non-paper to hand over <span class="muted">(paragraph 3)')


def test_the_task_page_prints_no_template_source(client, issued, abu_dhabi_staff):
    for kind in (Kind.DELIVER_NON_PAPER, Kind.TALKING_POINTS, Kind.REPORT_BACK):
        html = page(client, abu_dhabi_staff, task_of(issued, "abu-dhabi", kind))
        assert "{#" not in html and "#}" not in html and "{%" not in html, kind


def test_each_due_date_says_where_it_comes_from(client, issued, abu_dhabi_staff, desk_officer, make_embassy_user):
    html = page(client, abu_dhabi_staff, task_of(issued, "abu-dhabi", Kind.DELIVER_NON_PAPER))
    # The seed cable names no date: the desk officer's dates, said so.
    assert html.count("(set by the desk officer; the cable names no date)") == 2

    from cables.services import ingest_cable
    from outreach.services import create_demarche, issue_demarche
    from tests.conftest import read_cable

    cable = ingest_cable(read_cable("09STATE131801.txt"), filename="09STATE131801.txt").cable
    dated = issue_demarche(create_demarche(cable, by=desk_officer), by=desk_officer)
    html = page(client, make_embassy_user("riyadh-staff", "riyadh"), task_of(dated, "riyadh", Kind.TALKING_POINTS))
    facts = html[html.index('id="h-instruction"'):html.index("Action request")]
    assert "(from paragraph 16 of the cable: “Posts are requested to report back" in facts
    assert "(the report date the cable gives)" in facts
    assert "General talking points for all Embassies (paragraph 5)" in html
    assert "Saudi Arabia talking points (paragraph 8)" in html
    assert "Background for Riyadh, not for delivery (paragraph 7)" in html


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


def test_a_conflict_shows_the_task_as_it_is_now_with_the_form_to_retry(client, issued, abu_dhabi_staff):
    deliver = task_of(issued, "abu-dhabi", Kind.DELIVER_NON_PAPER)
    client.force_login(abu_dhabi_staff)
    url = reverse("outreach:task_action", args=[deliver.pk, "deliver"])
    day = issued.issued_at.date().isoformat()

    response = client.post(url, {"version": deliver.version - 1, "delivered_on": day, "method": "meeting"})

    html = response.content.decode()
    assert response.status_code == 409 and 'class="brand"' in html
    assert "Someone else changed this task; here is its current state." in html
    assert f'name="version" value="{deliver.version}"' in html  # saving again applies to the current task


def test_too_large_a_body_is_a_page_in_the_layout_that_says_what_to_do(client, issued, abu_dhabi_staff, settings):
    client.force_login(abu_dhabi_staff)
    task = task_of(issued, "abu-dhabi", Kind.DELIVER_NON_PAPER)
    files = client.post(reverse("outreach:task_attach", args=[task.pk]), b"x", content_type="multipart/form-data; b=x",
                        CONTENT_LENGTH=str(settings.ATTACHMENT_MAX_PER_POST + 2 * 1024 * 1024))
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    message = client.post(reverse("outreach:task_action", args=[task.pk, "deliver"]), {"response_text": "x" * 2000})

    for response, words in ((files, "attach fewer files at a time"), (message, "shorten the text")):
        html = response.content.decode()
        assert response.status_code == 413 and 'class="brand"' in html
        assert words in html and 'href="/">Back to the start page' in html
        assert "to be a cable" not in html and reverse("outreach:cable_ingest") not in html


def test_a_server_error_is_a_page_in_the_layout_that_says_what_to_do(client, issued, abu_dhabi_staff, monkeypatch):
    from outreach import services

    monkeypatch.setattr(services, "task_for", lambda *a, **k: 1 / 0)
    client.force_login(abu_dhabi_staff)
    client.raise_request_exception = False

    response = client.get(reverse("outreach:task_detail", args=[task_of(issued, "abu-dhabi", Kind.REPORT_BACK).pk]))

    html = response.content.decode()
    assert response.status_code == 500 and 'class="brand"' in html
    assert "go back, check the page, and try again" in html and "Traceback" not in html


def test_history_speaks_words_not_python_values(client, issued, abu_dhabi_staff):

    from outreach import services

    deliver = task_of(issued, "abu-dhabi", Kind.DELIVER_NON_PAPER)
    services.record_delivery(deliver, by=abu_dhabi_staff, delivered_on=post_today(deliver.post), method="meeting",
                             officials=[{"name": "Amb. X", "title": "", "ministry": "MFA"}], response="non_committal")
    html = page(client, abu_dhabi_staff, deliver)
    history = html[html.index("<h2>History</h2>"):]

    assert "Delivery recorded" in history
    assert "<strong>Officials met</strong>: Amb. X (MFA)" in history
    assert "<strong>How</strong>: Meeting" in history and "<strong>Response</strong>: Non-committal" in history
    assert "[{" not in history and "&#x27;name&#x27;" not in history and "non_committal" not in history
    day = post_today(deliver.post)
    assert f"<strong>Date delivered</strong>: {day.day} {day:%b} {day.year}" in history
