"""What the demarche pages read: the list with its figures, one demarche's matrix, summary and timeline."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.db import connections
from django.db.models import (
    Count,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from accounts.roles import can_read_all
from config.db_router import read_alias

from ..models import Demarche, DemarchePost, DemarcheStats, PostTask
from .expressions import (
    DELIVERY,
    DONE,
    OPEN,
    REPORT,
    TALKING,
    OverdueTasks,
    Status,
    count_where,
    done_on,
    live_tasks,
    percent,
)
from .figures import by_region, figures
from .onepass import overview_one_pass


def visible_demarches(user):
    """Demarches the user may see on dashboards (Demarche.objects.visible_to)."""
    return Demarche.objects.visible_to(user)


def _per_demarche(tasks, value):
    """A correlated subquery giving one aggregate of the demarche's tasks."""
    return Subquery(
        tasks.filter(demarche=OuterRef("pk")).values("demarche").annotate(v=value).values("v")[:1]
    )


def demarches_with_figures(user, *, today: date):
    """Demarches annotated with posts, % delivered, % reported, overdue count (scoped to the user's posts).

    Readers of every post get the counts that DemarcheStats keeps on PostgreSQL (sorting five years by %
    delivered reads 7,000 rows instead of 2,000,000 tasks); everyone else, and SQLite, counts the tasks.
    tests/outreach/test_figure_parity.py holds the two equal.
    """
    if connections[read_alias(Demarche)].vendor == "postgresql" and can_read_all(user):
        # The same for every reader of every post: built (~1.7 ms of ORM work) once a day, cloned per request.
        return _stored_figures_of_the_day(today).all()
    return demarches_with_counted_figures(user, today=today)


@lru_cache(maxsize=2)
def _stored_figures_of_the_day(today: date):
    """Never evaluated itself: callers get a clone (.all()), so no result is ever cached here."""
    return demarches_with_stored_figures(None, today=today)


def sorted_through_stored_keys(demarches):
    """The list, sorted by a stored percentage (DemarcheStats' indexed sort keys), read from that index.

    The figures come through a left join, which PostgreSQL cannot drive from the joined table's index:
    sorting by them joined and sorted every demarche ever made (76 ms at 20 million tasks). Every
    demarche has its stats row (the insert trigger makes it), so the inner join keeps the same rows and
    lets the 50 of a page come from the index. Counted figures (embassy staff, SQLite) are left as given.
    """
    if not isinstance(demarches, QuerySet) or DemarcheStats._meta.db_table not in demarches.query.alias_map:
        return demarches
    return demarches.filter(stats__isnull=False)


def _overdue_count(tasks, today: date):
    """Open tasks past due of an issued demarche: live, since it depends on today."""
    overdue = tasks.filter(
        status=Status.OPEN, due__lt=today, demarche__state=Demarche.State.ISSUED
    )
    return Coalesce(_per_demarche(overdue, Count("pk")), 0)


def demarches_with_counted_figures(user, *, today: date):
    """The list's figures counted from the tasks the user may see: the reference definition."""
    tasks = live_tasks(user)
    posts = DemarchePost.objects.visible_to(user).filter(demarche=OuterRef("pk"), removed=False)
    return (
        visible_demarches(user)
        .select_related("owner")
        .annotate(
            posts_count=Coalesce(
                Subquery(posts.order_by().values("demarche").annotate(n=Count("pk")).values("n")[:1]), 0
            ),
            delivered_pct=_per_demarche(tasks.filter(DELIVERY), percent(DONE, Q())),
            reported_pct=_per_demarche(tasks.filter(REPORT), percent(DONE, Q())),
            overdue_count=_overdue_count(tasks, today),
        )
    )


def demarches_with_stored_figures(user, *, today: date):
    """The list's figures from DemarcheStats (PostgreSQL triggers), but the overdue count; every post's.

    Only for readers of every post (`user` is not used to scope anything: None is fine).
    """
    return (
        Demarche.objects.all()
        .select_related("owner")
        .annotate(
            posts_count=Coalesce(F("stats__posts"), 0),
            delivered_pct=F("stats__delivery_pct"),
            reported_pct=F("stats__report_pct"),
            overdue_count=OverdueTasks(today),
        )
    )


# ---------------------------------------------------------------- one demarche


def step_aggregates(prefix: str, kinds: Q) -> dict:
    """The counts and dates step_state reads for one step, over whatever rows the query groups."""
    return {
        f"{prefix}_total": count_where(kinds),
        f"{prefix}_done": count_where(kinds & DONE),
        f"{prefix}_not": count_where(kinds & Q(status=Status.NOT_DELIVERED)),
        f"{prefix}_due": Min("due", filter=kinds & OPEN),
        f"{prefix}_on": Max(done_on(), filter=kinds & DONE),
    }


def step_state(row: dict, prefix: str, today: date) -> str:
    """Summarise one step of one matrix row: none, done, not_delivered, overdue or open."""
    total = row[f"{prefix}_total"]
    if not total:
        return "none"
    if row[f"{prefix}_done"] == total:
        return "done"
    if row[f"{prefix}_not"]:
        return "not_delivered"
    if row[f"{prefix}_due"] and row[f"{prefix}_due"] < today:
        return "overdue"
    return "open"


def demarche_matrix(demarche: Demarche, user, *, today: date) -> list[dict]:
    """One row per post and audience: each step's state and dates, the response, the acknowledgement."""
    rows = (
        live_tasks(user)
        .filter(demarche=demarche)
        .values("post_id", "audience")
        .annotate(
            post_name=Max("post__name"),
            post_sort=Max("post__sort_name"),
            post_code=Max("post__code"),
            region=Max("post__region"),
            acknowledged_at=Max("demarche_post__acknowledged_at"),
            response=Max("response", filter=REPORT),
            response_text=Max("response_text", filter=REPORT),
            reply_reference_id=Max("reply_reference_id", filter=REPORT),
            **step_aggregates("deliver", DELIVERY),
            **step_aggregates("talking", TALKING),
            **step_aggregates("report", REPORT),
        )
        .order_by("post_sort", "audience")
    )
    rows = list(rows)
    from ..threads.queries import thread_summaries

    threads = thread_summaries(demarche, user) if demarche.state != Demarche.State.DRAFT else {}
    for row in rows:
        for prefix in ("deliver", "talking", "report"):
            row[f"{prefix}_state"] = step_state(row, prefix, today)
        row["overdue"] = "overdue" in (row["deliver_state"], row["talking_state"], row["report_state"])
        thread = threads.get(row["post_id"], {})  # the post's thread with the desk (outreach/threads/)
        row["thread_id"], row["question_pending"] = thread.get("pk"), bool(thread.get("pending"))
        row["last_message"], row["last_message_at"] = thread.get("last_body") or "", thread.get("last_at")
        row["last_message_from_desk"] = thread.get("last_from_desk")
    return rows


def demarche_figures(demarche: Demarche, user, *, today: date) -> tuple[dict, list[dict]]:
    """One demarche's figure set and its figures by region, as figures.py defines them.

    On PostgreSQL both come from one read of its tasks (onepass, GROUPING SETS): on the biggest demarche
    the two aggregates cost 26.9 ms of CPU, mostly ORM work, and the one read 10.2 ms, measured side by
    side. tests/outreach/test_expressions.py compares them for every demarche of a world.
    """
    tasks = live_tasks(user).filter(demarche=demarche)
    if connections[read_alias(PostTask)].vendor == "postgresql":
        data = overview_one_pass(tasks, today=today, limit=0)
        return data["totals"], data["regions"]
    return tasks.aggregate(**figures(today)), by_region(tasks, today=today)


def demarche_summary(
    demarche: Demarche, user, *, today: date, matrix: list[dict] | None = None, figure_set: dict | None = None
) -> dict:
    """Totals for one demarche: posts, n of N delivered and reported, plus the figure set.

    A post has delivered (reported) when every delivery (report) task of it is done, whatever the audience:
    counted from demarche_matrix's rows. `matrix` and `figure_set` (demarche_figures) are what the caller
    has already read for the same user and day.
    """
    rows = demarche_matrix(demarche, user, today=today) if matrix is None else matrix
    per_post: dict[int, list[int]] = {}
    for row in rows:
        counts = per_post.setdefault(row["post_id"], [0, 0, 0, 0])
        for i, key in enumerate(("deliver_total", "deliver_done", "report_total", "report_done")):
            counts[i] += row[key]
    if figure_set is None:
        figure_set, _ = demarche_figures(demarche, user, today=today)
    summary = dict(figure_set)
    summary["posts"] = len(per_post)
    summary["delivered_posts"] = sum(1 for total, done, _, _ in per_post.values() if total and done == total)
    summary["reported_posts"] = sum(1 for _, _, total, done in per_post.values() if total and done == total)
    return summary


def timeline(demarche: Demarche, user) -> list[dict]:
    """Deliveries and reports per day for one demarche."""
    tasks = live_tasks(user).filter(demarche=demarche, status=Status.DONE)
    return list(
        tasks.annotate(done_on=done_on())
        .values("done_on")
        .annotate(delivered=count_where(DELIVERY), reported=count_where(REPORT))
        .order_by("done_on")
    )
