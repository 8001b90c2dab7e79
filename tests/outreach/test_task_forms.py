"""Forms a post officer gets right the first time: one clear report, no post forms on drafts, dates checked."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach import services
from outreach.models import PostTask
from outreach.services.bounds import post_today

from .seed import task_of

pytestmark = pytest.mark.django_db
K, S = PostTask.Kind, PostTask.Status


def act(client, task, action, data):
    return client.post(reverse("outreach:task_action", args=[task.pk, action]), {"version": task.version, **data})


def test_the_report_has_no_preselected_response_and_requires_one(client, issued, abu_dhabi_staff):
    report = task_of(issued, "abu-dhabi", K.REPORT_BACK)
    client.force_login(abu_dhabi_staff)

    form = client.get(report.get_absolute_url()).context["report_form"]
    response = act(client, report, "report", {"response_text": "They will study it."})

    assert form["response"].value() in ("", None)
    assert set(form.fields) == {"version", "response", "response_text", "reply_reference_id"}  # nothing twice
    html = response.content.decode()
    assert response.status_code == 400 and "Choose the host government" in html
    assert "They will study it." in html  # what was typed is kept
    report.refresh_from_db()
    assert report.status == S.OPEN


def test_the_report_starts_from_what_the_post_recorded_at_delivery(client, issued, abu_dhabi_staff):
    deliver = task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER)
    services.record_delivery(deliver, by=abu_dhabi_staff, delivered_on=post_today(deliver.post), method="meeting",
                             officials=[{"name": "Amb. Al Suwaidi", "title": "Director", "ministry": "MFA"}],
                             response="noted", response_text="The UAE will study the non-paper.")
    report = task_of(issued, "abu-dhabi", K.REPORT_BACK)
    client.force_login(abu_dhabi_staff)

    response = client.get(report.get_absolute_url())

    form, html = response.context["report_form"], response.content.decode()
    assert form.initial["response"] == "noted"
    assert form.initial["response_text"] == "The UAE will study the non-paper."
    assert "Amb. Al Suwaidi" in html and 'id="from-delivery"' in html
    assert "Could not deliver" not in html  # a report back is not delivered or not, it is reported


def test_after_saving_the_page_shows_the_saved_report(client, issued, abu_dhabi_staff):
    report = task_of(issued, "abu-dhabi", K.REPORT_BACK)
    client.force_login(abu_dhabi_staff)

    saved = act(client, report, "report", {"response": "welcomed", "response_text": "Welcomed the briefing."})
    page = client.get(report.get_absolute_url())

    assert saved.status_code == 302
    assert page.context["report_form"] is None
    assert "Welcomed the briefing." in page.content.decode()


def test_a_draft_shows_no_post_side_forms_to_anyone(client, demarche, desk_officer):
    client.force_login(desk_officer)
    for kind in (K.DELIVER_NON_PAPER, K.TALKING_POINTS, K.REPORT_BACK):
        task = demarche.tasks.filter(kind=kind).first()
        page = client.get(task.get_absolute_url())
        html = page.content.decode()
        assert page.context["delivery_form"] is None and page.context["report_form"] is None, kind
        assert "Record the points made" not in html and "Could not deliver" not in html, kind


@pytest.mark.parametrize("days,words", [(-30, "before the demarche was issued"), (3, "after today at Abu Dhabi")])
def test_a_delivery_date_out_of_range_is_refused_in_words_and_the_form_keeps_it(
    client, issued, abu_dhabi_staff, days, words
):
    deliver = task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER)
    day = timezone.localdate() + timedelta(days=days)
    client.force_login(abu_dhabi_staff)

    response = act(client, deliver, "deliver", {"delivered_on": day.isoformat(), "method": "meeting",
                                                "response_text": "Kept as typed"})

    html = response.content.decode()
    assert response.status_code == 400 and words in html
    assert f'value="{day.isoformat()}"' in html and "Kept as typed" in html
    assert response.context["delivery_form"].errors["delivered_on"]  # beside the field, not only at the top
    deliver.refresh_from_db()
    assert deliver.status == S.OPEN


def test_the_delivery_date_says_which_dates_it_takes(client, issued, abu_dhabi_staff):
    client.force_login(abu_dhabi_staff)
    html = client.get(task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER).get_absolute_url()).content.decode()

    assert "issue) and today at Abu Dhabi" in html


def test_the_delivery_form_asks_only_what_the_post_did(client, issued, abu_dhabi_staff):
    client.force_login(abu_dhabi_staff)
    form = client.get(task_of(issued, "abu-dhabi", K.TALKING_POINTS).get_absolute_url()).context["delivery_form"]

    # The level the cable asked for is the task's own, shown on the page; the post is not asked to type it.
    assert set(form.fields) == {"version", "delivered_on", "method", "officials", "response", "response_text"}
