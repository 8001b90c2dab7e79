"""Managers' figures are true: what "delivered" means, no negative medians, the trend, fresh overviews."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach import dashboards, services
from outreach.models import OverviewSnapshot, PostTask
from outreach.services.bounds import post_today

from .dashboard_world import POSTS, complete, make_demarche, make_posts
from .seed import task_of

pytestmark = pytest.mark.django_db
Kind, Status = PostTask.Kind, PostTask.Status


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def talking_only(desk_officer, today):
    """A demarche whose posts have talking points and a report back, no non-paper."""
    posts = make_posts()
    demarche = make_demarche("12STATE100", owner=desk_officer, posts=[posts[c] for c, _, _ in POSTS],
                             issued_on=today - timedelta(days=3))
    demarche.tasks.filter(kind__in=[Kind.DELIVER_NON_PAPER, Kind.SPECIAL]).delete()
    return demarche


def test_a_talking_points_only_demarche_has_a_delivered_figure(talking_only, manager, today):
    points = talking_only.tasks.filter(kind=Kind.TALKING_POINTS, post__code="t-paris").get()
    complete(points, today)

    summary = dashboards.demarche_summary(talking_only, manager, today=today)
    listed = dashboards.demarches_with_figures(manager, today=today).get(pk=talking_only.pk)

    # Five posts; five talking-points tasks (Hong Kong has Macau too, Canberra a special task): one done.
    assert summary["delivered_posts"] == 1 and summary["posts"] == 5
    assert summary["delivered_pct"] == pytest.approx(100 / 5)
    assert listed.delivered_pct == pytest.approx(100 / 5)
    row = next(r for r in dashboards.demarche_matrix(talking_only, manager, today=today) if r["post_code"] == "t-paris")
    assert row["deliver_state"] == "done"


def test_the_talking_points_are_not_a_delivery_where_there_is_a_non_paper(desk_officer, manager, today):
    posts = make_posts()
    demarche = make_demarche("12STATE101", owner=desk_officer, posts=[posts["t-paris"]],
                             issued_on=today - timedelta(days=3))
    complete(demarche.tasks.get(kind=Kind.TALKING_POINTS), today)

    summary = dashboards.demarche_summary(demarche, manager, today=today)

    assert summary["delivered_posts"] == 0 and summary["delivered_pct"] == 0.0


def test_not_delivered_never_counts_as_delivered(talking_only, manager, desk_officer, today):
    for task in talking_only.tasks.filter(kind=Kind.TALKING_POINTS):
        services.mark_not_delivered(task, by=desk_officer, reason="The ministry refused the meeting.")

    summary = dashboards.demarche_summary(talking_only, manager, today=today)
    page = dashboards.overview(manager, today=today, since=None)

    assert summary["delivered_posts"] == 0 and summary["delivered_pct"] == 0.0
    assert summary["done"] == 0
    assert page["totals"]["delivered_pct"] == 0.0
    states = {r["post_code"]: r["deliver_state"] for r in dashboards.demarche_matrix(talking_only, manager, today=today)}
    assert states.pop("t-canberra") == "none"  # its special task was taken away: nothing to deliver
    assert set(states.values()) == {"not_delivered"}


def test_no_median_is_negative_when_a_date_before_issue_is_stored(talking_only, manager, today):
    for task in talking_only.tasks.filter(kind=Kind.TALKING_POINTS):
        complete(task, today - timedelta(days=10))  # before the issue, 3 days ago

    summary = dashboards.demarche_summary(talking_only, manager, today=today)

    assert summary["median_days_to_deliver"] == 0


def test_the_trend_shows_open_tasks_due_in_the_coming_months(client, talking_only, manager, today):
    talking_only.tasks.update(due=today + timedelta(days=40))

    trend = dashboards.overview(manager, today=today, since=None)["trend"]
    client.force_login(manager)
    page = client.get(reverse("outreach:dashboard")).content.decode()

    month = (today + timedelta(days=40)).replace(day=1)
    assert [(r["month"], r["open"], r["tasks"]) for r in trend] == [(month, 11, 11)]
    assert "No tasks" not in page
    assert "Open tasks by month of due date" in page


def test_a_delivery_shows_on_the_overview_at_the_next_load(
    client, issued, abu_dhabi_staff, manager, django_capture_on_commit_callbacks, settings, today
):
    settings.OVERVIEW_SNAPSHOT_MINUTES = 5
    client.force_login(manager)
    url = reverse("outreach:dashboard")
    before = client.get(url).context["totals"]
    assert OverviewSnapshot.objects.exists()  # the manager's figures come from a snapshot

    with django_capture_on_commit_callbacks(execute=True):
        deliver = task_of(issued, "abu-dhabi", Kind.DELIVER_NON_PAPER)
        services.record_delivery(deliver, by=abu_dhabi_staff, delivered_on=post_today(deliver.post), method="meeting")
    after = client.get(url).context["totals"]

    assert after["done"] == before["done"] + 1
    assert after["delivered_pct"] > (before["delivered_pct"] or 0)
