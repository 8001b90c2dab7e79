"""Overview snapshots: the same figures as the live overview, served until stale, never to embassy staff."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from outreach import dashboards, tasks
from outreach.dashboards import snapshots
from outreach.dashboards.expressions import REGION_NAMES
from outreach.models import OverviewSnapshot, PostTask

from .dashboard_world import build_world, complete, make_demarche

pytestmark = pytest.mark.django_db
Kind = PostTask.Kind


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def world(desk_officer, today):
    world = build_world(desk_officer, today=today, extra_demarches=3)
    # Something only the 12-month window sees: a demarche from 200 days ago, half done, some late.
    old = make_demarche(
        "12STATE777",
        owner=desk_officer,
        posts=list(world.posts.values()),
        issued_on=today - timedelta(days=200),
    )
    for i, task in enumerate(old.tasks.exclude(kind=Kind.TALKING_POINTS).order_by("pk")):
        if i % 2 == 0:
            complete(task, task.due + timedelta(days=i - 3))
    return world


def _live(today, days, region=""):
    return dashboards.window_figures(
        dashboards.all_live_tasks(), today=today, since=today - timedelta(days=days), region=region
    )


@pytest.mark.parametrize("days", [30, 90, 365])
@pytest.mark.parametrize("region", ["", "EAP", "EUR"])
def test_a_snapshot_holds_exactly_the_live_figures(world, today, days, region):
    live = _live(today, days, region)

    row = snapshots.compute(today=today, since=today - timedelta(days=days), region=region)

    stored = snapshots.decode(OverviewSnapshot.objects.get(pk=row.pk).data)
    assert stored == live
    assert repr(stored) == repr(live)  # floats to the last bit, months still dates
    assert live["totals"]["tasks"] > 0


def test_the_windows_differ_so_the_comparison_means_something(world, today):
    tasks = [_live(today, days)["totals"]["tasks"] for days in (30, 90, 365)]

    assert tasks[0] < tasks[2] and tasks[1] < tasks[2]


def test_readers_of_every_post_get_the_snapshot_until_it_is_stale(world, manager, today):
    now = timezone.now()
    since = today - timedelta(days=90)
    before = dashboards.overview(manager, today=today, since=since, now=now)
    task = PostTask.objects.filter(kind=Kind.REPORT_BACK, status="open", due__gte=since).first()
    complete(task, today)

    cached = dashboards.overview(manager, today=today, since=since, now=now + snapshots.max_age())
    fresh = dashboards.overview(
        manager, today=today, since=since, now=now + snapshots.max_age() + timedelta(seconds=1)
    )

    assert before["as_of"] == now and cached["as_of"] == now
    assert cached["totals"]["done"] == before["totals"]["done"]
    assert fresh["as_of"] > now and fresh["totals"]["done"] == before["totals"]["done"] + 1
    assert OverviewSnapshot.objects.count() == 1


def test_the_live_lists_and_counts_are_not_taken_from_the_snapshot(world, manager, today):
    since = today - timedelta(days=30)
    now = timezone.now()
    dashboards.overview(manager, today=today, since=since, now=now)
    world.demarches[0].posts.update(acknowledged_at=timezone.now())

    data = dashboards.overview(manager, today=today, since=since, now=now)

    assert data["as_of"] == now and data["unacknowledged"]["posts"] == 5  # the fresh demarche's only


def test_embassy_staff_always_get_their_own_posts_figures_live(world, make_embassy_user, manager, today):
    staff = make_embassy_user("paris-staff", "t-paris")
    since = today - timedelta(days=365)
    everyone = dashboards.overview(manager, today=today, since=since)

    theirs = dashboards.overview(staff, today=today, since=since)

    scoped = dashboards.window_figures(dashboards.live_tasks(staff), today=today, since=since)
    assert theirs["as_of"] is None
    assert {k: theirs[k] for k in ("regions", "slowest", "trend")} == {
        k: scoped[k] for k in ("regions", "slowest", "trend")
    }
    assert theirs["totals"] == {**scoped["totals"], "active_demarches": theirs["totals"]["active_demarches"]}
    assert theirs["totals"]["tasks"] < everyone["totals"]["tasks"]
    assert {row["region"] for row in theirs["regions"]} == {"EUR"}


def test_desk_officers_get_the_snapshot_too(world, desk_officer, today):
    data = dashboards.overview(desk_officer, today=today, since=today - timedelta(days=365))

    assert data["as_of"] is not None and data["totals"] == {
        **_live(today, 365)["totals"],
        "active_demarches": data["totals"]["active_demarches"],
    }


def test_other_windows_and_limits_are_live(world, manager, today):
    assert dashboards.overview(manager, today=today, since=today - timedelta(days=45))["as_of"] is None
    assert dashboards.overview(manager, today=today, since=None)["as_of"] is None
    assert (
        dashboards.overview(manager, today=today, since=today - timedelta(days=30), limit=3)["as_of"] is None
    )
    assert not OverviewSnapshot.objects.exists()


def test_a_new_day_gets_new_snapshots(world, manager, today):
    now = timezone.now()
    dashboards.overview(manager, today=today, since=today - timedelta(days=30), now=now)
    tomorrow = today + timedelta(days=1)

    data = dashboards.overview(manager, today=tomorrow, since=tomorrow - timedelta(days=30), now=now)

    assert data["totals"] == {
        **_live(tomorrow, 30)["totals"],
        "active_demarches": data["totals"]["active_demarches"],
    }
    assert OverviewSnapshot.objects.filter(today=tomorrow).count() == 1


def test_the_refresh_recomputes_every_window_and_region_and_drops_past_days(world, today):
    OverviewSnapshot.objects.create(
        today=today - timedelta(days=1), since=today, computed_at=timezone.now(), data="{}"
    )

    count = snapshots.refresh()

    regions = len(REGION_NAMES) + 1
    assert count == len(settings.OVERVIEW_SNAPSHOT_DAYS) * regions == 3 * 8
    assert OverviewSnapshot.objects.count() == count
    assert not OverviewSnapshot.objects.filter(today__lt=today).exists()
    # On PostgreSQL a period's regions come from one read of it: each must still equal its own live window.
    for row in OverviewSnapshot.objects.all():
        stored, live = snapshots.decode(row.data), _live(today, (today - row.since).days, row.region)
        assert stored == live, (row.since, row.region)
        assert repr(stored) == repr(live), (row.since, row.region)
    assert any(snapshots.decode(row.data)["totals"]["tasks"] for row in OverviewSnapshot.objects.exclude(region=""))


def test_beat_runs_the_refresh_through_the_celery_task(world):
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-overview-snapshots"]

    result = tasks.refresh_overview_snapshots()

    assert entry["task"] == "outreach.tasks.refresh_overview_snapshots"
    assert entry["schedule"] == timedelta(minutes=settings.OVERVIEW_SNAPSHOT_MINUTES)
    assert result == "24 snapshots" and OverviewSnapshot.objects.count() == 24


def test_zero_minutes_turns_snapshots_off(world, manager, today, settings):
    settings.OVERVIEW_SNAPSHOT_MINUTES = 0

    data = dashboards.overview(manager, today=today, since=today - timedelta(days=365))

    assert data["as_of"] is None and snapshots.refresh() == 0
    assert not OverviewSnapshot.objects.exists()


def test_the_page_says_when_its_figures_were_computed(client, world, manager, make_embassy_user):
    client.force_login(manager)
    page = client.get(reverse("outreach:dash_overview"), {"period": "90"}).content.decode()
    client.force_login(make_embassy_user("hk-staff", "t-hong-kong"))
    staff_page = client.get(reverse("outreach:dash_overview"), {"period": "90"}).content.decode()

    assert 'id="as-of"' in page and "recomputed every 5 minutes" in page
    assert 'id="as-of"' not in staff_page


def test_snapshots_keep_dates_and_refuse_what_json_cannot_hold():
    data = {"trend": [{"month": date(2026, 11, 1), "pct": 100 / 3, "none": None}]}

    assert snapshots.decode(snapshots.encode(data)) == data
    with pytest.raises(TypeError, match="cannot hold"):
        snapshots.encode({"when": timezone.now()})


def test_a_bulk_edit_drops_each_regions_snapshots_once_after_commit(
    world, desk_officer, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from outreach.services.posts import bulk_extend

    demarche = next(d for d in world.demarches if d.state == d.State.ISSUED and d.tasks.filter(status="open").exists())
    snapshots.refresh()
    open_tasks = demarche.tasks.filter(status="open")
    posts = set(open_tasks.values_list("post_id", flat=True))
    regions = set(open_tasks.values_list("post__region", flat=True))
    assert open_tasks.count() > len(regions) > 1 and OverviewSnapshot.objects.exists()
    later = timezone.localdate() + timedelta(days=60)
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        moved = bulk_extend(demarche, post_ids=list(posts), by=desk_officer, deliver_by=later, report_by=later)
    deletes = [q["sql"] for q in queries.captured_queries
               if q["sql"].startswith("DELETE") and "overviewsnapshot" in q["sql"]]
    assert moved == open_tasks.count() and len(deletes) == len(regions)  # one per region, not one per task
    assert not OverviewSnapshot.objects.filter(region__in=["", *regions]).exists()
    assert OverviewSnapshot.objects.exclude(region__in=["", *regions]).exists()
