"""The reminder policy as pure functions, with the clock given."""

from datetime import date, datetime, timezone

import pytest

from outreach.models import Demarche, PostTask
from outreach.reminders import Calendar, Policy, reminders_due

UTC = timezone.utc
DUE = date(2026, 12, 17)  # a Thursday
POLICY = Policy(days_before=2, overdue_every=3, escalate_after=7, max_reminders=6)


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=UTC)


def cal(tz="UTC", weekend=(6, 7), hours=(8, 18)) -> Calendar:
    return Calendar.for_post(timezone_name=tz, weekend=weekend, hours=hours)


def kinds(now, *, calendar=None, policy=POLICY, due=DUE, **kw) -> list[tuple[str, str]]:
    found = reminders_due(due=due, now=now, calendar=calendar or cal(), policy=policy, **kw)
    return [(r.kind, r.window) for r in found]


def test_it_reminds_within_days_before_keyed_by_the_due_date():
    assert kinds(at("2026-12-14T09:00")) == []  # three days before
    assert kinds(at("2026-12-15T09:00")) == [("before", "2026-12-17")]
    assert kinds(at("2026-12-16T17:59")) == [("before", "2026-12-17")]


def test_it_sends_the_due_reminder_on_the_due_day():
    assert kinds(at("2026-12-17T08:00")) == [("due", "2026-12-17")]


def test_it_sends_nothing_outside_working_hours():
    assert kinds(at("2026-12-17T07:59")) == []
    assert kinds(at("2026-12-17T18:00")) == []


def test_due_today_means_today_where_the_post_is():
    # 22:00 UTC on the 16th is 09:00 on the 17th in Canberra, and 17:00 on the 16th in Washington.
    moment = at("2026-12-16T22:00")
    assert kinds(moment, calendar=cal("Australia/Sydney")) == [("due", "2026-12-17")]
    assert kinds(moment, calendar=cal("America/New_York")) == [("before", "2026-12-17")]
    assert kinds(moment) == []  # 22:00 in London: after hours


def test_it_keeps_a_friday_saturday_weekend_in_riyadh():
    riyadh = cal("Asia/Riyadh", weekend=(5, 6))
    friday, saturday, sunday = at("2026-12-18T07:00"), at("2026-12-19T07:00"), at("2026-12-20T07:00")  # 10:00 local
    assert kinds(friday, calendar=riyadh) == []
    assert kinds(saturday, calendar=riyadh) == []
    assert kinds(sunday, calendar=riyadh) == [("overdue", "2026-12-18")]
    # The same Saturday is a weekend day in London too, but Sunday is not a working day there either.
    assert kinds(sunday) == []


def test_it_repeats_overdue_reminders_every_n_days_with_one_window_per_period():
    assert kinds(at("2026-12-18T09:00")) == [("overdue", "2026-12-18")]
    assert kinds(at("2026-12-21T09:00")) == [("overdue", "2026-12-21")]  # day 4 (Monday) opens period 2
    assert kinds(at("2026-12-22T09:00")) == [("overdue", "2026-12-21")]  # same window: sent once


def test_it_escalates_after_m_days_overdue_once_per_due_date():
    assert ("escalation", "2026-12-17") not in kinds(at("2026-12-23T09:00"))  # 6 days
    assert kinds(at("2026-12-24T09:00")) == [("overdue", "2026-12-24"), ("escalation", "2026-12-17")]
    assert ("escalation", "2026-12-17") in kinds(at("2026-12-30T09:00"))


def test_it_stops_nagging_at_the_cap_but_still_escalates():
    assert kinds(at("2026-12-24T09:00"), nags_sent=6) == [("escalation", "2026-12-17")]
    assert kinds(at("2026-12-16T09:00"), nags_sent=6) == []
    assert kinds(at("2026-12-16T09:00"), nags_sent=5) == [("before", "2026-12-17")]


@pytest.mark.parametrize("status", [PostTask.Status.DONE, PostTask.Status.NOT_DELIVERED, PostTask.Status.CANCELLED])
def test_finished_tasks_get_nothing(status):
    assert kinds(at("2026-12-24T09:00"), task_status=status) == []


@pytest.mark.parametrize("state", [Demarche.State.DRAFT, Demarche.State.CLOSED])
def test_draft_and_closed_demarches_get_nothing(state):
    assert kinds(at("2026-12-24T09:00"), demarche_state=state) == []


def test_a_demarche_overrides_the_defaults(settings):
    settings.REMINDER_DAYS_BEFORE = 2
    settings.REMINDER_OVERDUE_EVERY_DAYS = 3
    policy = Policy.from_overrides(remind_days_before=5, overdue_every_days=1, escalate_after_days=2, max_reminders=None)
    assert policy == Policy(days_before=5, overdue_every=1, escalate_after=2, max_reminders=settings.REMINDER_MAX_PER_TASK)
    assert kinds(at("2026-12-14T09:00"), policy=policy) == [("before", "2026-12-17")]
    assert kinds(at("2026-12-19T09:00"), policy=policy, calendar=cal(weekend=())) == [
        ("overdue", "2026-12-19"), ("escalation", "2026-12-17"),
    ]


def test_zero_turns_a_kind_off():
    policy = Policy(days_before=0, overdue_every=0, escalate_after=0, max_reminders=6)
    assert kinds(at("2026-12-16T09:00"), policy=policy) == []
    assert kinds(at("2026-12-17T09:00"), policy=policy) == [("due", "2026-12-17")]
    assert kinds(at("2026-12-28T09:00"), policy=policy) == []


def test_defaults_come_from_settings(settings):
    settings.REMINDER_DAYS_BEFORE = 4
    settings.REMINDER_MAX_PER_TASK = 1
    assert Policy.from_overrides() == Policy(
        days_before=4, overdue_every=settings.REMINDER_OVERDUE_EVERY_DAYS,
        escalate_after=settings.REMINDER_ESCALATE_AFTER_DAYS, max_reminders=1,
    )


def test_an_unknown_time_zone_falls_back_to_utc():
    assert cal("Mars/Olympus").tz.key == "UTC"


@pytest.mark.parametrize("kind", ["before", "due", "overdue", "escalation"])
def test_it_never_prints_a_negative_figure(kind):
    from datetime import timedelta

    from outreach.reminders import describe

    for offset in range(-400, 401):
        text = describe(kind, due=DUE, today=DUE + timedelta(days=offset))
        assert "-" not in text
        assert ("overdue by" in text.lower()) == (offset > 0)
