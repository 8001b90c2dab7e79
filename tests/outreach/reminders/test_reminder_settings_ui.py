"""The reminder settings pages: a demarche's policy (desk officers) and a post's daily digest (its staff)."""

from datetime import datetime, timedelta, timezone

import pytest
from django.core import mail
from django.urls import reverse

from outreach.models import Demarche, PostReminderPreference, PostTask, TaskEvent
from outreach.reminders.sweep import sweep
from tests.outreach.factories import DUE, DUE_DAY_9AM, make_post, make_task

pytestmark = pytest.mark.django_db

THREE_DAYS_BEFORE_9AM = datetime(2026, 12, 14, 9, 0, tzinfo=timezone.utc)  # a Monday, 3 days before DUE


@pytest.fixture(autouse=True)
def default_policy(settings):
    settings.REMINDER_DAYS_BEFORE = 2
    settings.REMINDER_OVERDUE_EVERY_DAYS = 3
    settings.REMINDER_ESCALATE_AFTER_DAYS = 7
    settings.REMINDER_MAX_PER_TASK = 6
    settings.REMINDER_WORKING_HOURS = (8, 18)


@pytest.fixture
def madrid_staff(make_embassy_user):
    make_post("madrid", timezone="Europe/Madrid", name="Madrid")
    return make_embassy_user("mad1", "rem-madrid")


@pytest.fixture
def users(desk_officer, manager, london_staff, madrid_staff):
    return {"anonymous": None, "desk": desk_officer, "manager": manager,
            "own_staff": london_staff[0], "other_staff": madrid_staff}


def client_as(client, user):
    if user is not None:
        client.force_login(user)
    return client


def policy_url(demarche) -> str:
    return reverse("outreach:demarche_reminders", args=[demarche.reference_id])


def digest_url(post) -> str:
    return reverse("outreach:post_reminders", args=[post.code])


def policy_of(demarche) -> tuple:
    demarche.refresh_from_db()
    return (demarche.remind_days_before, demarche.overdue_every_days, demarche.escalate_after_days,
            demarche.max_reminders)


# --- a demarche's reminder policy -----------------------------------------------------------------


@pytest.mark.parametrize("role,expected", [
    ("desk", 302), ("manager", 403), ("own_staff", 403), ("other_staff", 403), ("anonymous", 302),
])
def test_only_desk_officers_change_a_demarches_policy(client, users, task, demarche, role, expected):
    data = {"version": demarche.version, "remind_days_before": "5", "overdue_every_days": "",
            "escalate_after_days": "10", "max_reminders": ""}
    response = client_as(client, users[role]).post(policy_url(demarche), data)
    assert response.status_code == expected
    if role == "desk":
        assert response["Location"] == demarche.get_absolute_url()
        assert policy_of(demarche) == (5, None, 10, None)
    else:
        assert policy_of(demarche) == (None, None, None, None)
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]


def test_it_records_the_change_in_the_history(client, desk_officer, demarche):
    client.force_login(desk_officer)
    client.post(policy_url(demarche), {"version": demarche.version, "remind_days_before": "5",
                                       "max_reminders": "0"})
    event = TaskEvent.objects.get(demarche=demarche, action="reminder_policy")
    assert event.actor == desk_officer
    assert event.changes == {"remind_days_before": [None, 5], "max_reminders": [None, 0]}
    # Blank puts a setting back to the default, and that is history too.
    client.post(policy_url(demarche), {"version": demarche.version + 1, "remind_days_before": "5"})
    latest = TaskEvent.objects.filter(action="reminder_policy").last()
    assert latest.changes == {"max_reminders": [0, None]}
    assert policy_of(demarche) == (5, None, None, None)


def test_it_refuses_a_closed_demarche(client, desk_officer, demarche):
    Demarche.objects.filter(pk=demarche.pk).update(state=Demarche.State.CLOSED)
    client.force_login(desk_officer)
    response = client.post(policy_url(demarche), {"version": demarche.version, "remind_days_before": "5"})
    assert response.status_code == 400
    assert "closed" in response.content.decode()
    assert policy_of(demarche) == (None, None, None, None)
    assert not TaskEvent.objects.filter(action="reminder_policy").exists()
    assert b"Save reminder settings" not in response.content


def test_form_errors_keep_what_was_typed(client, desk_officer, demarche):
    client.force_login(desk_officer)
    response = client.post(policy_url(demarche), {"version": demarche.version, "remind_days_before": "999",
                                                  "overdue_every_days": "4", "escalate_after_days": "-1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="999"' in page and 'value="4"' in page and 'value="-1"' in page
    assert "less than or equal to 30" in page and "greater than or equal to 0" in page
    assert policy_of(demarche) == (None, None, None, None)


def test_a_stale_form_is_a_conflict_not_a_lost_update(client, desk_officer, demarche):
    client.force_login(desk_officer)
    stale = demarche.version
    client.post(policy_url(demarche), {"version": stale, "remind_days_before": "5"})
    response = client.post(policy_url(demarche), {"version": stale, "remind_days_before": "9"})
    assert response.status_code == 409
    assert 'value="9"' in response.content.decode()
    assert policy_of(demarche) == (5, None, None, None)


def test_the_page_shows_the_effective_policy_with_defaults(client, desk_officer, manager, demarche):
    Demarche.objects.filter(pk=demarche.pk).update(remind_days_before=5)
    client.force_login(manager)
    page = client.get(demarche.get_absolute_url()).content.decode()
    assert "Remind this many days before due" in page and "set for this demarche" in page and "default 2" in page
    assert page.count('<span class="badge open">default</span>') == 3
    assert policy_url(demarche) not in page  # managers read, they get no form
    client.force_login(desk_officer)
    page = client.get(demarche.get_absolute_url()).content.decode()
    assert policy_url(demarche) in page and 'placeholder="3"' in page


def test_the_sweep_honours_a_policy_set_on_the_page(client, desk_officer, task, demarche):
    assert sum(sweep(now=THREE_DAYS_BEFORE_9AM, dry_run=True).counts.values()) == 0
    client.force_login(desk_officer)
    client.post(policy_url(demarche), {"version": demarche.version, "remind_days_before": "5"})
    result = sweep(now=THREE_DAYS_BEFORE_9AM, dry_run=True)
    assert result.counts["before"] == 1 and sum(result.counts.values()) == 1


def test_a_zero_cap_set_on_the_page_stops_reminders_to_the_post(client, desk_officer, task, demarche):
    client.force_login(desk_officer)
    client.post(policy_url(demarche), {"version": demarche.version, "max_reminders": "0"})
    assert sum(sweep(now=DUE_DAY_9AM, dry_run=True).counts.values()) == 0


# --- a post's daily digest ------------------------------------------------------------------------


@pytest.mark.parametrize("role,expected", [
    ("own_staff", 302), ("desk", 302), ("manager", 403), ("other_staff", 404), ("anonymous", 302),
])
def test_only_the_posts_staff_or_desk_officers_choose_its_digest(client, users, london, role, expected):
    response = client_as(client, users[role]).post(digest_url(london), {"daily_digest": "1"})
    assert response.status_code == expected
    preference = PostReminderPreference.objects.filter(post=london).first()
    if role in ("own_staff", "desk"):
        assert preference.daily_digest and preference.updated_by == users[role]
    else:
        assert preference is None
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]


def test_an_unknown_choice_changes_nothing(client, london_staff, london):
    client.force_login(london_staff[0])
    response = client.post(digest_url(london), {"daily_digest": "weekly"}, follow=True)
    assert "Choose one daily digest or one email per task" in response.content.decode()
    assert not PostReminderPreference.objects.filter(post=london).exists()


def test_the_inbox_shows_each_posts_choice_and_toggles_it(client, london_staff, london):
    client.force_login(london_staff[0])
    page = client.get(reverse("outreach:inbox")).content.decode()
    assert "Reminders for London" in page and "one email per task" in page and digest_url(london) in page
    response = client.post(digest_url(london), {"daily_digest": "1"}, follow=True)
    assert "<strong>one daily digest</strong>" in response.content.decode()
    client.post(digest_url(london), {"daily_digest": "0"})
    assert PostReminderPreference.objects.get(post=london).daily_digest is False


def test_the_digest_chosen_in_the_inbox_is_what_the_sweep_sends(client, london_staff, london, task, demarche):
    make_task(demarche, london, due=DUE, kind=PostTask.Kind.REPORT_BACK)
    client.force_login(london_staff[0])
    client.post(digest_url(london), {"daily_digest": "1"})
    result = sweep(now=DUE_DAY_9AM, inline=True)
    assert result.counts["digest"] == 1 and result.counts["due"] == 2
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {"ldn1@example.org", "ldn2@example.org"}
    assert mail.outbox[0].body.count("26STATE100") == 2


def test_without_the_digest_each_task_gets_its_own_email(london, task, demarche):
    make_task(demarche, london, due=DUE, kind=PostTask.Kind.REPORT_BACK)
    sweep(now=DUE_DAY_9AM, inline=True)
    assert len(mail.outbox) == 2


# --- the task page shows its reminders ------------------------------------------------------------


def test_the_task_page_lists_its_reminders(client, london_staff, task):
    client.force_login(london_staff[0])
    assert "No reminders sent yet." in client.get(task.get_absolute_url()).content.decode()
    sweep(now=DUE_DAY_9AM, inline=True)
    sweep(now=DUE_DAY_9AM + timedelta(days=1), inline=True)
    page = client.get(task.get_absolute_url()).content.decode()
    assert "Due today" in page and "Overdue" in page and "2026-12-17" in page and "2026-12-18" in page
