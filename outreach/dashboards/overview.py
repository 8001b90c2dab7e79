"""The overview page: the figure set over a window of due dates, and the live lists beside it."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connections, transaction
from django.db.models import Count, F, Max, Min, Value

from accounts.roles import can_read_all
from cables.models import Post

from ..models import Demarche, DemarchePost, PostTask
from .demarches import visible_demarches
from .expressions import DaysBetween, Status, live_tasks
from .figures import figure_sets
from .onepass import overview_one_pass, overview_one_pass_by_region


def overview_window(today: date, days: int | None) -> tuple[date | None, date]:
    return (today - timedelta(days=days) if days else None), today + timedelta(days=366)


def window_tasks(tasks, *, since: date | None, region: str = ""):
    if since:
        tasks = tasks.filter(due__gte=since)
    return in_region(tasks, region) if region else tasks


def in_region(rows, region: str):
    """The rows (tasks or taskings) of one region's posts, named by their ids (a few dozen, read per list).

    Filtered by `post__region`, every row of the window was joined to its post: at 20 million tasks the
    planner, misjudging how many tasks of issued demarches a window holds, looked each one up by index
    (42,498 lookups, half of one region's map). With the ids the rows are filtered where they are read.
    A region without posts keeps the join: the one-pass queries cannot write an empty IN ().
    """
    ids = list(Post.objects.filter(region=region).values_list("pk", flat=True))
    return rows.filter(post_id__in=ids) if ids else rows.filter(post__region=region)


# Medians sort their inputs: give the overview's aggregates room to sort in memory, not on disk.
REPORT_WORK_MEM = "64MB"


def overview(user, *, today: date, since: date | None, region: str = "", limit: int = 10, now=None) -> dict:
    """Everything on the overview page, in a fixed number of queries.

    Readers of every post get the long windows from a snapshot (snapshots.py: the same figures, as
    of `as_of`); everyone else, and every other window, gets them live (`as_of` None).
    """
    from . import snapshots  # it computes its figures with window_figures below

    if can_read_all(user) and snapshots.serves(since=since, today=today, limit=limit):
        data = snapshots.window_figures(today=today, since=since, region=region, now=now)
    else:
        data = window_figures(live_tasks(user), today=today, since=since, region=region, limit=limit)
        data["as_of"] = None
    data["totals"]["active_demarches"] = visible_demarches(user).filter(state=Demarche.State.ISSUED).count()
    data["unacknowledged"] = unacknowledged(user, region=region, limit=limit)
    return data


def window_figures(tasks, *, today: date, since: date | None, region: str = "", limit: int = 10) -> dict:
    """The figure set over the tasks due since `since`: totals, by region, the slowest posts, the trend."""
    tasks = window_tasks(tasks, since=since, region=region)
    # The database the router reads from (the replica for a dashboard): the transaction, the setting and
    # the one-pass SQL all run there. A transaction on the primary would pull the reads back to it.
    alias = tasks.db
    with transaction.atomic(using=alias):
        if connections[alias].vendor != "postgresql":
            return figure_sets(tasks, today=today, limit=limit)
        with connections[alias].cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
        return overview_one_pass(tasks.using(alias), today=today, limit=limit)


def window_figures_by_region(tasks, *, today: date, since: date | None, regions, limit: int = 10) -> dict:
    """window_figures for all regions ("") and for each of `regions`: {region: figures}.

    On PostgreSQL one read of the window serves them all (onepass.overview_one_pass_by_region), on the
    database the router reads from, as in window_figures.
    """
    alias = tasks.db
    if connections[alias].vendor != "postgresql":
        return {
            region: window_figures(tasks, today=today, since=since, region=region, limit=limit)
            for region in ("", *regions)
        }
    with transaction.atomic(using=alias):
        with connections[alias].cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
        return overview_one_pass_by_region(
            window_tasks(tasks, since=since).using(alias), today=today, limit=limit, regions=regions
        )


def unacknowledged(user, *, region: str = "", limit: int = 10) -> dict:
    """Posts that have not acknowledged receipt of issued demarches: the count and the worst posts."""

    dposts = DemarchePost.objects.visible_to(user).filter(
        demarche__state=Demarche.State.ISSUED, acknowledged_at__isnull=True, removed=False
    )
    if region:
        dposts = in_region(dposts, region)
    rows = list(
        dposts.values("post_id")
        .annotate(
            post_name=Max("post__name"),
            post_code=Max("post__code"),
            region=Max("post__region"),
            demarches=Count("pk"),
            oldest_issued=Min("demarche__issued_at"),
        )
        # The post's name breaks ties: without it their order followed the query plan.
        .order_by("-demarches", "oldest_issued", "post_name")[:limit]
    )
    total = dposts.aggregate(demarche_posts=Count("pk"), posts=Count("post", distinct=True))
    return {"rows": rows, **total}


def overdue_tasks(user, *, today: date, region: str = ""):
    """Open tasks of issued demarches past their due date, most overdue first."""
    # Open and issued already exclude cancelled tasks and drafts; without the redundant
    # exclusions the planner walks (demarche, status, due) for the issued demarches.
    tasks = PostTask.objects.visible_to(user).filter(
        status=Status.OPEN, due__lt=today, demarche__state=Demarche.State.ISSUED
    )
    if region:
        tasks = in_region(tasks, region)
    # Ordered by an expression, not by `due` itself: walking the due index from the oldest task would
    # wade through years of closed demarches' leftovers before reaching an issued one.
    return (
        tasks.select_related("demarche", "post")
        .only(
            "kind",
            "audience",
            "status",
            "due",
            "post__name",
            "post__code",
            "post__region",
            "demarche__reference_id",
            "demarche__subject",
            "demarche__state",
        )
        .annotate(days_overdue=DaysBetween(Value(today), F("due")))
        .order_by("-days_overdue", "post__name", "pk")
    )
