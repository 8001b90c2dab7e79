"""Reminders that know the host country's calendar: no reminder on a public holiday, and a due date the post
does not work is reminded on the working day before. The clock is given; the holidays come from the pinned package."""

from datetime import date, datetime, timezone

import pytest

from outreach.reminders import Calendar, Policy, assess
from outreach.reminders.policy import SKIP_HOLIDAY, country_holidays, due_note

POLICY = Policy(days_before=2, overdue_every=3, escalate_after=7, max_reminders=6)


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=timezone.utc)


def post(tz: str, country: str, weekend=(6, 7)) -> Calendar:
    return Calendar.for_post(timezone_name=tz, weekend=weekend, hours=(8, 18), country_code=country)


RIYADH = post("Asia/Riyadh", "SA", weekend=(5, 6))
VILNIUS = post("Europe/Vilnius", "LT")
BEIJING = post("Asia/Shanghai", "CN")
HONG_KONG = post("Asia/Hong_Kong", "HK")
USNATO = post("Europe/Brussels", "")  # a mission, in no country


def found(calendar, now, due):
    result = assess(due=due, now=now, calendar=calendar, policy=POLICY)
    return [(r.kind, r.window) for r in result.due], [(r.kind, why) for r, why in result.skipped]


def test_eid_in_riyadh_moves_the_due_reminder_to_the_working_day_before_and_sends_nothing_during_it():
    due = date(2026, 5, 27)  # Eid al-Adha; the day before is the Day of Arafah
    assert RIYADH.holiday(due) == "Eid al-Adha Holiday" and RIYADH.holiday(date(2026, 5, 26)) == "Day of Arafah"
    assert found(RIYADH, at("2026-05-25T07:00"), due) == ([("due", "2026-05-27")], [])  # Monday, 10:00 in Riyadh
    assert found(RIYADH, at("2026-05-26T07:00"), due) == ([], [("before", SKIP_HOLIDAY)])
    assert found(RIYADH, at("2026-05-27T07:00"), due) == ([], [("due", SKIP_HOLIDAY)])
    assert found(RIYADH, at("2026-05-31T07:00"), due)[0] == []  # a Sunday, but Eid's observed day off
    assert found(RIYADH, at("2026-06-01T07:00"), due) == ([("overdue", "2026-05-31")], [])
    assert due_note(due, calendar=RIYADH, country="Saudi Arabia") == (
        "due Monday (Wednesday is a holiday in Saudi Arabia: Eid al-Adha Holiday)")


def test_a_due_date_on_riyadhs_weekend_is_reminded_on_thursday():
    friday = date(2026, 12, 18)
    assert found(RIYADH, at("2026-12-17T07:00"), friday) == ([("due", "2026-12-18")], [])
    assert due_note(friday, calendar=RIYADH, country="Saudi Arabia") == (
        "due Thursday (Friday is a weekend day in Saudi Arabia)")


def test_christmas_in_vilnius():
    christmas = date(2026, 12, 25)  # Friday; Christmas Eve is a public holiday in Lithuania too
    assert found(VILNIUS, at("2026-12-23T08:00"), christmas) == ([("due", "2026-12-25")], [])
    assert found(VILNIUS, at("2026-12-24T08:00"), christmas) == ([], [("before", SKIP_HOLIDAY)])
    assert found(VILNIUS, at("2026-12-28T08:00"), christmas) == ([("overdue", "2026-12-26")], [])


def test_lunar_new_year_in_beijing_and_hong_kong():
    new_year = date(2026, 2, 17)
    # Beijing is off from the eve (the 16th); the weekend before it too: the Friday gets the reminder.
    assert found(BEIJING, at("2026-02-13T02:00"), new_year) == ([("due", "2026-02-17")], [])
    assert found(BEIJING, at("2026-02-16T02:00"), new_year) == ([], [("before", SKIP_HOLIDAY)])
    # Hong Kong works on the eve.
    assert found(HONG_KONG, at("2026-02-16T02:00"), new_year) == ([("due", "2026-02-17")], [])
    assert found(HONG_KONG, at("2026-02-18T02:00"), date(2026, 2, 20)) == ([], [("before", SKIP_HOLIDAY)])
    assert found(HONG_KONG, at("2026-02-20T02:00"), date(2026, 2, 20)) == ([("due", "2026-02-20")], [])


def test_a_post_without_holiday_data_keeps_its_working_week_alone():
    assert country_holidays("") is None and country_holidays("XX") is None
    christmas = date(2026, 12, 25)
    assert found(USNATO, at("2026-12-25T09:00"), christmas) == ([("due", "2026-12-25")], [])
    assert found(USNATO, at("2026-12-26T09:00"), christmas) == ([], [("overdue", "outside working hours")])  # Saturday
    assert due_note(christmas, calendar=USNATO, country="NATO") == ""


@pytest.mark.django_db
def test_the_task_page_says_when_a_holiday_moves_the_reminder(client, desk_officer):
    from cables.models import Post
    from tests.outreach.factories import make_demarche, make_task

    task = make_task(make_demarche(desk_officer), Post.objects.get(code="riyadh"), due=date(2026, 5, 27))
    client.force_login(desk_officer)
    html = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "Reminded as due Monday (Wednesday is a holiday in Saudi Arabia: Eid al-Adha Holiday)." in html


@pytest.mark.django_db
def test_the_sweep_counts_a_holiday_as_the_reason_nothing_went_out(desk_officer, make_embassy_user):
    from django.core import mail

    from cables.models import Post
    from outreach.reminders.sweep import sweep
    from tests.outreach.factories import make_demarche, make_task

    make_embassy_user("vil1", "vilnius")
    make_task(make_demarche(desk_officer), Post.objects.get(code="vilnius"), due=date(2026, 12, 25))
    assert sweep(now=at("2026-12-24T08:00"), inline=True).skipped == {("holiday", "before"): 1}
    assert mail.outbox == []
    assert sweep(now=at("2026-12-23T08:00"), inline=True).counts["due"] == 1 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_sweep_finds_a_due_date_after_the_spring_festival_a_week_ahead(desk_officer, make_embassy_user):
    from django.core import mail

    from cables.models import Post
    from outreach.reminders.sweep import sweep
    from tests.outreach.factories import make_demarche, make_task

    make_embassy_user("bj1", "beijing")
    after = date(2026, 2, 23)  # a substituted day off; Beijing is off from the 14th (a weekend) to the 23rd
    assert BEIJING.last_working_day(after) == date(2026, 2, 13)
    make_task(make_demarche(desk_officer), Post.objects.get(code="beijing"), due=after)
    assert sweep(now=at("2026-02-13T02:00"), inline=True).counts["due"] == 1
    assert mail.outbox[0].subject == "[Outreach] Due in 10 days: 26STATE100 Beijing, Deliver the non-paper"
