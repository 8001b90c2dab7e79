"""Overview snapshots: the overview's figures for readers of every post, computed in the background.

Over 30 days, 90 days and 12 months the overview aggregates ~45,000, ~110,000 and ~420,000 tasks at full
scale (0.13, 0.35 and 1.7 s, 2-4 us a task). Celery beat recomputes every period the page offers, for all
regions and for each region, every OVERVIEW_SNAPSHOT_MINUTES with the function the live page uses
(overview.window_figures); the page reads one row and says when it was computed. A snapshot older than
two periods (beat stopped) or missing (a new day) is computed on the spot and stored, so nobody is shown
older figures than that. Embassy staff see only their posts' figures, which are cheap: always live.

Every write through the services (history.record_event) drops the snapshots it may have changed once it
commits (`forget`), so a delivery shows on the overview at the next page load, which recomputes the one
window it shows (see docs/dashboards.md for the cost).
"""

import json
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cables.models import Region
from config.db_router import primary_reads

from ..models import OverviewSnapshot
from .expressions import all_live_tasks
from .overview import window_figures as live_window_figures
from .overview import window_figures_by_region

LIMIT = 10  # slowest posts kept: the page's default


def periods() -> tuple[int, ...]:
    """The windows (days) served from snapshots; none when OVERVIEW_SNAPSHOT_MINUTES is 0."""
    return tuple(settings.OVERVIEW_SNAPSHOT_DAYS) if settings.OVERVIEW_SNAPSHOT_MINUTES else ()


def serves(*, since: date | None, today: date, limit: int) -> bool:
    return since is not None and limit == LIMIT and (today - since).days in periods()


def max_age() -> timedelta:
    return timedelta(minutes=2 * settings.OVERVIEW_SNAPSHOT_MINUTES)


def window_figures(*, today: date, since: date, region: str = "", now: datetime | None = None) -> dict:
    """overview.window_figures for every post, from the snapshot; `as_of` says when it was computed."""
    now = now or timezone.now()
    row = OverviewSnapshot.objects.filter(today=today, since=since, region=region).first()
    if row is None or row.computed_at < now - max_age():
        row = compute(today=today, since=since, region=region, now=now)
    data = decode(row.data)
    data["as_of"] = row.computed_at
    return data


def forget(*, region: str | None = None) -> int:
    """Drop the snapshots that a change at a post of `region` (None: anywhere) may have made wrong."""
    rows = OverviewSnapshot.objects.all()
    if region is not None:
        rows = rows.filter(region__in=["", region])
    return rows.delete()[0]


def compute(*, today: date, since: date, region: str = "", now: datetime | None = None) -> OverviewSnapshot:
    computed_at = now or timezone.now()  # before the query: the figures are at least this recent
    # From the primary even on a dashboard that reads the replica: the row stored here outlives the
    # replica's lag, so figures a few writes behind would be shown until the next write drops them.
    with primary_reads():
        data = live_window_figures(all_live_tasks(), today=today, since=since, region=region, limit=LIMIT)
    return _store(today=today, since=since, region=region, data=data, computed_at=computed_at)


def _store(*, today: date, since: date, region: str, data: dict, computed_at: datetime) -> OverviewSnapshot:
    values = {"computed_at": computed_at, "data": encode(data)}
    try:
        with transaction.atomic():
            row, _ = OverviewSnapshot.objects.update_or_create(
                today=today, since=since, region=region, defaults=values
            )
    except IntegrityError:  # another process stored the same window first; ours is as good to show
        row = OverviewSnapshot(today=today, since=since, region=region, **values)
    return row


def refresh(*, now: datetime | None = None) -> int:
    """Recompute every served window for today, for all regions and each; drop past days'. Returns a count."""
    today = timezone.localdate(now or timezone.now())
    OverviewSnapshot.objects.filter(today__lt=today).delete()
    count = 0
    for days in periods():
        # One read of the period for all regions and each (a region's figures are rows of the whole's
        # grouping sets): 3 reads of the window, not 24.
        since, computed_at = today - timedelta(days=days), now or timezone.now()
        with primary_reads():  # stored: see compute()
            by_region = window_figures_by_region(
                all_live_tasks(), today=today, since=since, regions=Region.values, limit=LIMIT
            )
        for region, data in by_region.items():
            _store(today=today, since=since, region=region, data=data, computed_at=computed_at)
            count += 1
    return count


def encode(data: dict) -> str:
    return json.dumps(data, default=_tag)


def decode(text: str) -> dict:
    return json.loads(text, object_hook=_untag)


def _tag(value):
    # The trend's months are dates; JSON would give them back as strings.
    if isinstance(value, date) and not isinstance(value, datetime):
        return {"$date": value.isoformat()}
    raise TypeError(f"An overview snapshot cannot hold {type(value).__name__}")


def _untag(obj: dict):
    return date.fromisoformat(obj["$date"]) if obj.keys() == {"$date"} else obj
