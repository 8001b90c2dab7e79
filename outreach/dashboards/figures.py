"""The figure set managers report: one definition, as aggregates over tasks.

Definitions (also in docs/dashboards.md):
- delivery tasks are "deliver the non-paper" and special instructions, and "make the talking points" where
  the post (for that audience) has no non-paper to deliver; report tasks are "report back"; cancelled tasks
  (a post taken off a demarche, a closed demarche's open tasks) count nowhere; "not delivered" is not done;
- a task is done on `delivered_on` when the post gave that date, else on the date it was completed;
- late: done after its due date, or still open past it; days late count to the done date or to today;
- on time %: done on or before the due date, out of all the (live) tasks of that kind;
- days to deliver / to report: from the demarche's issue date to the done date (median; 0 if before it);
- the trend: per month of due date, from 11 months back to 12 months ahead, the tasks, the open ones, and
  the on-time percentages.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, F, Max, Q
from django.db.models.functions import TruncMonth
from django.db.models.lookups import GreaterThan, LessThanOrEqual

from .expressions import (
    DELIVERY,
    DONE,
    OPEN,
    REGION_NAMES,
    REPORT,
    Median,
    count_where,
    days_taken,
    done_on,
    late_days,
    percent,
)


def figures(today: date) -> dict:
    """The figure set managers report, as aggregates over tasks."""
    late = GreaterThan(late_days(today), 0)
    on_time = DONE & LessThanOrEqual(done_on(), F("due"))
    return {
        "tasks": Count("pk"),
        "open": count_where(OPEN),
        "overdue": count_where(OPEN & Q(due__lt=today)),
        "done": count_where(DONE),
        "late": count_where(Q(late)),
        "median_days_late": Median(late_days(today), filter=Q(late)),
        "delivered_pct": percent(DONE, DELIVERY),
        "reported_pct": percent(DONE, REPORT),
        "delivered_on_time_pct": percent(on_time, DELIVERY),
        "reported_on_time_pct": percent(on_time, REPORT),
        "median_days_to_deliver": Median(days_taken(), filter=DONE & DELIVERY),
        "median_days_to_report": Median(days_taken(), filter=DONE & REPORT),
    }


def by_region(tasks, *, today: date) -> list[dict]:
    """The figure set per region (State bureau)."""
    rows = list(
        tasks.values("post__region")
        .annotate(posts=Count("post", distinct=True), **figures(today))
        .order_by("post__region")
    )
    for row in rows:
        row["region"] = row.pop("post__region") or "—"
        row["region_name"] = REGION_NAMES.get(row["region"], "Other")
    return rows


# What the slowest-posts table shows; fewer medians make the per-post pass cheaper.
SLOWEST_FIGURES = {
    "tasks",
    "overdue",
    "late",
    "delivered_on_time_pct",
    "reported_on_time_pct",
    "median_days_to_deliver",
    "median_days_to_report",
}


def slowest_posts(tasks, *, today: date, limit: int) -> list[dict]:
    """The posts slowest to deliver (median days), then the most overdue."""
    speed = {k: v for k, v in figures(today).items() if k in SLOWEST_FIGURES}
    return list(
        tasks.values("post_id")
        .annotate(
            post_name=Max("post__name"), post_code=Max("post__code"), region=Max("post__region"), **speed
        )
        .filter(median_days_to_deliver__isnull=False)
        .order_by(F("median_days_to_deliver").desc(), F("overdue").desc(), "post_name")[:limit]
    )


def trend_start(today: date, months: int = 12) -> date:
    return (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)


def trend_end(today: date, months: int = 12) -> date:
    """The last day the trend covers: open tasks due in the coming months show too."""
    ahead = today.replace(day=1)
    for _ in range(months + 1):
        ahead = (ahead + timedelta(days=31)).replace(day=1)
    return ahead - timedelta(days=1)


def trend(tasks, *, today: date, months: int = 12) -> list[dict]:
    """Per month of due date: tasks due, open tasks, % delivered and reported on time."""
    dated = tasks.filter(due__gte=trend_start(today, months), due__lte=trend_end(today, months))
    return list(
        dated.annotate(month=TruncMonth("due"))
        .values("month")
        .annotate(
            tasks=Count("pk"),
            open=count_where(OPEN),
            delivered_on_time_pct=percent(DONE & LessThanOrEqual(done_on(), F("due")), DELIVERY),
            reported_on_time_pct=percent(DONE & LessThanOrEqual(done_on(), F("due")), REPORT),
            late=count_where(Q(GreaterThan(late_days(today), 0))),
        )
        .order_by("month")
    )


def figure_sets(tasks, *, today: date, limit: int = 10) -> dict:
    """The overview's figure sets over some tasks: totals, by region, the slowest posts, the trend.

    The reference: onepass.overview_one_pass computes the same on PostgreSQL in one read of the tasks.
    """
    return {
        "totals": tasks.aggregate(**figures(today)),
        "regions": by_region(tasks, today=today),
        "slowest": slowest_posts(tasks, today=today, limit=limit),
        "trend": trend(tasks, today=today),
    }
