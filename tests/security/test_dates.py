"""Dates, as a class: every way in refuses a date outside its window, and every page, feed, chart and
export stays fast and small for any date that is nonetheless stored (issue 14, section 1).
"""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from outreach import services
from outreach.models import CalendarFeed, Demarche, PostTask
from outreach.services import bounds

from .test_url_walk import client_for

EXTREMES = [date.min, date(1, 1, 2), date(9999, 12, 30), date.max]
PAGE_BUDGET = 2 * 1024 * 1024  # bytes; the seed demarche's largest page is about 300 KB


def own_task(world, code="abu-dhabi", kind=PostTask.Kind.DELIVER_NON_PAPER) -> PostTask:
    return PostTask.objects.get(pk__in=world.tasks_by_post[code], kind=kind, audience="")


# ---------------------------------------------------------------- refused where they come in


@pytest.mark.django_db
@pytest.mark.parametrize("day", EXTREMES + [date.today() + timedelta(days=3)])
def test_the_service_refuses_a_delivery_date_outside_issue_to_today(world, day):
    task = own_task(world)
    with pytest.raises(ValidationError) as refused:
        services.record_delivery(task, by=world.users["ad"], version=task.version, delivered_on=day, method="note")
    assert "delivered_on" in refused.value.message_dict
    task.refresh_from_db()
    assert (task.status, task.version) == ("open", 1)


@pytest.mark.django_db
def test_the_service_accepts_today_at_the_post(world):
    task = own_task(world)
    services.record_delivery(task, by=world.users["ad"], version=task.version,
                             delivered_on=bounds.post_today(task.post), method="note")
    assert PostTask.objects.get(pk=task.pk).status == "done"


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_the_api_refuses_an_extreme_delivery_date_as_a_field_error(world, day):
    task = own_task(world)
    api = APIClient()
    api.force_authenticate(world.users["ad"])
    response = api.patch(f"/api/tasks/{task.pk}/", {"status": "done", "version": task.version, "delivered_on": day,
                                                    "method": "meeting"}, format="json")
    assert response.status_code == 400
    assert "delivered_on" in response.json()
    assert PostTask.objects.get(pk=task.pk).status == "open"


@pytest.mark.django_db
def test_the_task_form_refuses_it_in_words_and_keeps_what_was_typed(world):
    task = own_task(world)
    response = client_for(world, "ad").post(f"/tasks/{task.pk}/deliver/", {
        "version": task.version, "delivered_on": "9999-12-31", "method": "note",
        "officials": "Dr. Typed Name; Director; MFA",
    })
    assert response.status_code == 400
    page = response.content.decode()
    assert "after today at Abu Dhabi" in page
    assert "Dr. Typed Name; Director; MFA" in page and 'value="9999-12-31"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["deliver_by", "report_by"])
def test_due_dates_are_refused_beyond_two_years_and_before_the_cable(world, field):
    demarche, desk = world.demarche, world.users["desk"]
    for day in (date.max, date.today() + bounds.HORIZON + timedelta(days=1), date(2008, 12, 31)):
        with pytest.raises(ValidationError) as refused:
            services.update_demarche(demarche, by=desk, version=demarche.version, **{field: day})
        assert field in refused.value.message_dict
    task = own_task(world)
    with pytest.raises(ValidationError):
        services.update_task(task, by=desk, version=task.version, due=date.max)
    with pytest.raises(ValidationError):
        services.bulk_extend(demarche, post_ids=[task.post_id], by=desk, deliver_by=date(9999, 12, 30))
    assert PostTask.objects.filter(demarche=demarche, due__year__gt=2100).count() == 0


@pytest.mark.django_db
def test_create_demarche_refuses_a_far_due_date_with_a_message_not_a_traceback(seed_cable, desk_officer):
    with pytest.raises(CommandError, match="more than two years ahead"):
        call_command("create_demarche", "09STATE4690", "--due", "9999-12-30", stdout=StringIO())
    # A --due inside the horizon whose report-back date (counted from it) is not: told in its own terms.
    last = bounds.due_window(seed_cable)[1]
    with pytest.raises(CommandError, match=f"give --due by {(last - services.report_offset()).isoformat()}"):
        call_command("create_demarche", "09STATE4690", "--due", last.isoformat(), stdout=StringIO())
    call_command("create_demarche", "09STATE4690", "--due", (last - services.report_offset()).isoformat(),
                 stdout=StringIO())
    assert Demarche.objects.get().report_by == last


@pytest.mark.parametrize("argv,words", [
    (["create_demarche", "09STATE4690", "--due", "99999-12-30"], "is not a date such as 2026-12-31"),
    (["create_demarche", "09STATE4690", "--due", "tomorrow"], "is not a date such as 2026-12-31"),
    (["send_reminders", "--dry-run", "--now", "9999-12-31T23:00:00Z"], "is outside 2000-01-01 to"),
    (["send_reminders", "--dry-run", "--now", "0001-01-01T00:00:00Z"], "is outside 2000-01-01 to"),
    (["send_reminders", "--dry-run", "--now", "next tuesday"], "is not an ISO 8601 date-time"),
])
def test_a_date_option_unreadable_or_out_of_range_is_a_usage_message_not_a_traceback(capsys, argv, words):
    """From the shell, as an operator types it: --now 9999-12-31 once overflowed in the sweep, and a
    CommandError raised while argparse read an option escaped manage.py as a traceback."""
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", *argv]).execute()
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


# ---------------------------------------------------------------- safe when stored anyway


@pytest.mark.django_db
@pytest.mark.parametrize("day", EXTREMES, ids=str)
def test_every_page_feed_and_export_survives_any_stored_date(world, day):
    """Dates written past the services (an old row, a restore, SQL): pages stay up, small and fast."""
    tasks = PostTask.objects.filter(demarche=world.demarche)
    done = own_task(world)
    tasks.filter(pk=done.pk).update(status="done", delivered_on=day, method="note")
    tasks.filter(pk=own_task(world, "hong-kong").pk).update(due=day)
    feeds = []
    for role, kind, post in (("desk", "officer", None), ("hk", "post", "hong-kong")):
        feed, token = services_feed(world.users[role], kind, post)
        feeds.append(f"/calendar/feed/{token}.ics")
    world.demarche.__class__.objects.filter(pk=world.demarche.pk).update(deliver_by=day, report_by=day)
    ref = world.demarche.reference_id
    urls = {
        "desk": [f"/dashboards/demarches/{ref}/", "/dashboards/", "/dashboards/demarches/", f"/demarches/{ref}/",
                 "/dashboards/posts/abu-dhabi/", "/dashboards/posts/hong-kong/", f"/tasks/{done.pk}/",
                 f"/dashboards/demarches/{ref}/?_export=csv", f"/dashboards/demarches/{ref}/?_export=xlsx",
                 "/dashboards/demarches/?_export=csv&state=", f"/api/demarches/{ref}/", "/api/demarches/",
                 "/api/posts/hong-kong/tasks/"],
        "manager": [f"/dashboards/demarches/{ref}/", "/dashboards/"],
        "ad": [f"/dashboards/demarches/{ref}/", "/inbox/", f"/tasks/{done.pk}/"],
        "hk": ["/inbox/", "/dashboards/posts/hong-kong/"],
    }
    for role, paths in urls.items():
        client = client_for(world, role)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (role, path, response.status_code)
            body = response.getvalue()  # exports stream
            assert len(body) < PAGE_BUDGET, (role, path, len(body))
    for link in feeds:
        response = client_for(world, "anonymous").get(link)
        assert response.status_code == 200, link
        text = response.content.decode()
        assert f"DTSTART;VALUE=DATE:{day.year:04d}{day.month:02d}{day.day:02d}" in text


def services_feed(user, kind, post_code):
    from cables.models import Post
    from outreach.feeds.services import create_feed

    return create_feed(user=user, kind=kind, post=Post.objects.get(code=post_code) if post_code else None)


def test_the_timeline_is_bounded_by_the_data_not_the_calendar():
    from outreach.dashboards.charts import cumulative

    rows = [{"done_on": date.min, "n": 1}, {"done_on": date(2026, 1, 5), "n": 2}, {"done_on": date.max, "n": 3}]
    points = cumulative(rows, ["n"], "done_on", start=date(2026, 1, 1), end=date(2026, 2, 1))
    assert [label for label, _ in points] == ["01 Jan 1", "01 Jan 2026", "05 Jan 2026", "01 Feb 2026", "31 Dec 9999"]
    assert points[-1] == ("31 Dec 9999", [6])
    daily = cumulative(rows[1:2], ["n"], "done_on", start=date(2026, 1, 1), end=date(2026, 2, 1))
    assert len(daily) == 32  # a short span still shows every day


def test_a_calendar_event_on_the_last_day_there_is_ends_by_a_duration():
    from datetime import datetime
    from datetime import timezone as dt_timezone

    from outreach.feeds import ical

    text = ical.calendar_text("x", [{"uid": "u", "day": date.max, "summary": "s"}],
                              now=datetime(2026, 1, 1, tzinfo=dt_timezone.utc))
    assert "DTSTART;VALUE=DATE:99991231" in text and "DURATION:P1D" in text and "DTEND" not in text


@pytest.mark.django_db
def test_a_calendar_link_without_a_kind_is_a_bad_request(world):
    client = client_for(world, "desk")
    for data in ({}, {"kind": "everything"}):
        response = client.post("/calendar/new/", data)
        assert response.status_code == 400
        assert "Choose which deadlines" in response.content.decode()
    assert not CalendarFeed.objects.exists()
