"""Dashboard figures. Every number comes from annotate() or aggregate(): one query per block, whatever the rows.

Definitions (also in docs/dashboards.md):
- delivery tasks are "deliver the non-paper" and special instructions; report tasks are "report back";
  cancelled tasks (a post taken off a demarche) count nowhere;
- a task is done on `delivered_on` when the post gave that date, else on the date it was completed;
- late: done after its due date, or still open past it; days late count to the done date or to today;
- on time %: done on or before the due date, out of all the (live) tasks of that kind;
- days to deliver / to report: from the demarche's issue date to the done date (median).
"""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from importlib import import_module

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf, TruncDate, TruncMonth
from django.db.models.lookups import GreaterThan, LessThanOrEqual

from cables.models import Post, Region

from .models import Demarche, DemarchePost, PostTask

Kind = PostTask.Kind
Status = PostTask.Status
DELIVERY_KINDS = (Kind.DELIVER_NON_PAPER, Kind.SPECIAL)
DELIVERY = Q(kind__in=DELIVERY_KINDS)
TALKING = Q(kind=Kind.TALKING_POINTS)
REPORT = Q(kind=Kind.REPORT_BACK)
DONE = Q(status=Status.DONE)
OPEN = Q(status=Status.OPEN)
REGION_NAMES = dict(Region.choices)


# ---------------------------------------------------------------- SQL helpers


class DaysBetween(Func):
    """Whole days from the second date to the first (end - start)."""

    arity = 2
    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):
        # PostgreSQL: date - date is already an integer number of days.
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


class _SqliteMedian:
    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return statistics.median(self.values) if self.values else None


class Median(Aggregate):
    """The median (PostgreSQL percentile_cont; a registered aggregate on SQLite)."""

    name = "Median"
    function = "percentile_cont"
    output_field = FloatField()
    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"

    def as_sqlite(self, compiler, connection, **extra):
        # Aggregate.as_sql passes its own `template` when it adds FILTER, so the SQLite spelling goes on a
        # copy rather than in **extra (which would pass `template` twice).
        clone = self.copy()
        clone.template = "dash_median(%(expressions)s)"
        return super(Median, clone).as_sql(compiler, connection, **extra)


def register_sqlite_functions(sender, connection, **kwargs):
    """Give every new SQLite connection the median aggregate (connected in OutreachConfig.ready)."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("dash_median", 1, _SqliteMedian)


def _count(condition: Q) -> Count:
    return Count("pk", filter=condition)


def _pct(part: Q, whole: Q):
    """Percentage of the rows matching `whole` that also match `part`; null when there are none."""
    return Cast(_count(part & whole), FloatField()) * 100.0 / NullIf(Cast(_count(whole), FloatField()), 0.0)


def live_tasks(user):
    """The tasks a user may see that still count: issued or closed demarches, not cancelled."""
    return _live(PostTask.objects.visible_to(user))


def all_live_tasks():
    """Every task that counts, whoever asks: only for figures served to users who may read every post."""
    return _live(PostTask.objects.all())


def _live(tasks):
    return (
        tasks.exclude(status=Status.CANCELLED)
        # NOT IN (the few drafts), a hashed subplan: no join with demarche for every task.
        .exclude(demarche__in=Demarche.objects.filter(state=Demarche.State.DRAFT).values("pk"))
        .order_by()
    )


def done_on():
    """The day a task was done: the delivery date the post gave, else the completion date."""
    return Coalesce("delivered_on", TruncDate("completed_at"))


def late_days(today: date):
    """Days past due: to the done date, or to today for an open task; negative or zero when on time."""
    return Case(
        When(status=Status.DONE, then=DaysBetween(done_on(), F("due"))),
        When(status=Status.OPEN, then=DaysBetween(Value(today), F("due"))),
        default=None,
        output_field=IntegerField(),
    )


def days_taken():
    """Days from the demarche's issue date to the done date."""
    if connection.vendor == "postgresql":
        # Denormalised and kept by a trigger (migration 0004_perf_issued_on): no demarche join.
        return DaysBetween(done_on(), F("issued_on"))
    return DaysBetween(done_on(), TruncDate("demarche__issued_at"))


def figures(today: date) -> dict:
    """The figure set managers report, as aggregates over tasks."""
    late = GreaterThan(late_days(today), 0)
    on_time = DONE & LessThanOrEqual(done_on(), F("due"))
    return {
        "tasks": Count("pk"),
        "open": _count(OPEN),
        "overdue": _count(OPEN & Q(due__lt=today)),
        "done": _count(DONE),
        "late": _count(Q(late)),
        "median_days_late": Median(late_days(today), filter=Q(late)),
        "delivered_pct": _pct(DONE, DELIVERY),
        "reported_pct": _pct(DONE, REPORT),
        "delivered_on_time_pct": _pct(on_time, DELIVERY),
        "reported_on_time_pct": _pct(on_time, REPORT),
        "median_days_to_deliver": Median(days_taken(), filter=DONE & DELIVERY),
        "median_days_to_report": Median(days_taken(), filter=DONE & REPORT),
    }


# ---------------------------------------------------------------- demarches list


def visible_demarches(user):
    """Demarches the user may see on dashboards: all for desk officers and managers, own posts' for staff."""
    from accounts.roles import can_read_all

    demarches = Demarche.objects.all()
    if can_read_all(user):
        return demarches
    return demarches.filter(Exists(PostTask.objects.visible_to(user).filter(demarche=OuterRef("pk"))))


def _per_demarche(tasks, value):
    """A correlated subquery giving one aggregate of the demarche's tasks."""
    return Subquery(
        tasks.filter(demarche=OuterRef("pk")).values("demarche").annotate(v=value).values("v")[:1]
    )


def demarches_with_figures(user, *, today: date):
    """Demarches annotated with posts, % delivered, % reported, overdue count (scoped to the user's posts)."""
    from accounts.roles import can_read_all

    tasks = live_tasks(user)
    overdue_count = Coalesce(
        _per_demarche(
            tasks.filter(status=Status.OPEN, due__lt=today, demarche__state=Demarche.State.ISSUED),
            Count("pk"),
        ),
        0,
    )
    if connection.vendor == "postgresql" and can_read_all(user):
        # Everything but the (date-dependent) overdue count from DemarcheStats, kept by triggers:
        # sorting five years by % delivered reads 7,000 rows instead of 2,000,000 tasks.
        return (
            visible_demarches(user)
            .select_related("owner")
            .annotate(
                posts_count=Coalesce(F("stats__posts"), 0),
                delivered_pct=_stats_pct("delivery"),
                reported_pct=_stats_pct("report"),
                overdue_count=overdue_count,
            )
        )
    posts = DemarchePost.objects.filter(demarche=OuterRef("pk"), removed=False)
    if not can_read_all(user):  # embassy staff: their posts only
        posts = posts.filter(post__staff=user)
    return (
        visible_demarches(user)
        .select_related("owner")
        .annotate(
            posts_count=Coalesce(
                Subquery(posts.order_by().values("demarche").annotate(n=Count("pk")).values("n")[:1]), 0
            ),
            delivered_pct=_per_demarche(tasks.filter(DELIVERY), _pct(DONE, Q())),
            reported_pct=_per_demarche(tasks.filter(REPORT), _pct(DONE, Q())),
            overdue_count=overdue_count,
        )
    )


def _stats_pct(step: str):
    """% done of a step from DemarcheStats, the same arithmetic as _pct; null for drafts (no live tasks)."""
    return Case(
        When(state=Demarche.State.DRAFT, then=Value(None)),
        default=Cast(F(f"stats__{step}_done"), FloatField())
        * 100.0
        / NullIf(Cast(F(f"stats__{step}_total"), FloatField()), 0.0),
        output_field=FloatField(),
    )


# ---------------------------------------------------------------- one demarche


def _step(prefix: str, kinds: Q) -> dict:
    return {
        f"{prefix}_total": _count(kinds),
        f"{prefix}_done": _count(kinds & DONE),
        f"{prefix}_not": _count(kinds & Q(status=Status.NOT_DELIVERED)),
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
            post_code=Max("post__code"),
            region=Max("post__region"),
            acknowledged_at=Max("demarche_post__acknowledged_at"),
            response=Max("response", filter=REPORT),
            response_text=Max("response_text", filter=REPORT),
            reply_reference_id=Max("reply_reference_id", filter=REPORT),
            **_step("deliver", DELIVERY),
            **_step("talking", TALKING),
            **_step("report", REPORT),
        )
        .order_by("post_name", "audience")
    )
    rows = list(rows)
    for row in rows:
        for prefix in ("deliver", "talking", "report"):
            row[f"{prefix}_state"] = step_state(row, prefix, today)
        row["overdue"] = "overdue" in (row["deliver_state"], row["talking_state"], row["report_state"])
    return rows


def demarche_summary(demarche: Demarche, user, *, today: date) -> dict:
    """Totals for one demarche: posts, n of N delivered and reported, plus the figure set."""
    tasks = live_tasks(user).filter(demarche=demarche)
    per_post = (
        tasks.values("post_id")
        .annotate(
            d_total=_count(DELIVERY),
            d_done=_count(DELIVERY & DONE),
            r_total=_count(REPORT),
            r_done=_count(REPORT & DONE),
        )
        .order_by()
    )
    # A post has delivered (reported) when every delivery (report) task of it is done.
    completion = per_post.annotate(
        delivered=Case(
            When(d_total__gt=0, d_done=F("d_total"), then=1), default=0, output_field=IntegerField()
        ),
        reported=Case(
            When(r_total__gt=0, r_done=F("r_total"), then=1), default=0, output_field=IntegerField()
        ),
    ).aggregate(posts=Count("post_id"), delivered_posts=Sum("delivered"), reported_posts=Sum("reported"))
    summary = tasks.aggregate(**figures(today))
    summary.update({key: value or 0 for key, value in completion.items()})
    return summary


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


def timeline(demarche: Demarche, user) -> list[dict]:
    """Deliveries and reports per day for one demarche."""
    tasks = live_tasks(user).filter(demarche=demarche, status=Status.DONE)
    return list(
        tasks.annotate(done_on=done_on())
        .values("done_on")
        .annotate(delivered=_count(DELIVERY), reported=_count(REPORT))
        .order_by("done_on")
    )


# ---------------------------------------------------------------- one post


def post_summary(post: Post, user, *, today: date) -> dict:
    """The figure set over all of one post's tasks."""
    return live_tasks(user).filter(post=post).aggregate(**figures(today))


def post_tasks(post: Post, user):
    """One post's tasks across demarches, for its table."""
    return (
        live_tasks(user)
        .filter(post=post)
        .select_related("demarche")
        .only(
            "kind",
            "audience",
            "status",
            "due",
            "delivered_on",
            "completed_at",
            "response",
            "demarche__reference_id",
            "demarche__subject",
            "demarche__state",
            "post_id",
        )
    )


# ---------------------------------------------------------------- overview


def overview_window(today: date, days: int | None) -> tuple[date | None, date]:
    return (today - timedelta(days=days) if days else None), today + timedelta(days=366)


def window_tasks(tasks, *, since: date | None, region: str = ""):
    if since:
        tasks = tasks.filter(due__gte=since)
    if region:
        tasks = tasks.filter(post__region=region)
    return tasks


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
# Medians sort their inputs: give the overview's aggregates room to sort in memory, not on disk.
REPORT_WORK_MEM = "64MB"


def overview(user, *, today: date, since: date | None, region: str = "", limit: int = 10, now=None) -> dict:
    """Everything on the overview page, in a fixed number of queries.

    Readers of every post get the long windows from a snapshot (outreach.snapshots: the same figures, as
    of `as_of`); everyone else, and every other window, gets them live (`as_of` None).
    """
    from accounts.roles import can_read_all

    from . import snapshots

    if can_read_all(user) and snapshots.serves(since=since, today=today, limit=limit):
        data = snapshots.window_figures(today=today, since=since, region=region, now=now)
    else:
        data = window_figures(live_tasks(user), today=today, since=since, region=region, limit=limit)
        data["as_of"] = None
    data["totals"]["active_demarches"] = visible_demarches(user).filter(state=Demarche.State.ISSUED).count()
    data["unacknowledged"] = unacknowledged(user, region=region, limit=limit)
    return data


@transaction.atomic
def window_figures(tasks, *, today: date, since: date | None, region: str = "", limit: int = 10) -> dict:
    """The figure set over the tasks due since `since`: totals, by region, the slowest posts, the trend."""
    tasks = window_tasks(tasks, since=since, region=region)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
        totals, regions, slowest, months = _overview_one_pass(tasks, today=today, limit=limit)
    else:
        totals = tasks.aggregate(**figures(today))
        regions = by_region(tasks, today=today)
        slowest = _slowest_posts(tasks, today=today, limit=limit)
        months = trend(tasks, today=today)
    return {"totals": totals, "regions": regions, "slowest": slowest, "trend": months}


def _slowest_posts(tasks, *, today: date, limit: int) -> list[dict]:
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


# The figure set as SQL over the derived columns of _overview_one_pass's inner query; the same
# arithmetic as figures() (count * 100.0 / NULLIF(count, 0) in double precision, percentile_cont).
_ONE_PASS_FIGURES = """
    COUNT(*) AS tasks,
    COUNT(*) FILTER (WHERE x.st = 'open') AS open,
    COUNT(*) FILTER (WHERE x.overdue) AS overdue,
    COUNT(*) FILTER (WHERE x.st = 'done') AS done,
    COUNT(*) FILTER (WHERE x.late > 0) AS late,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY x.late) FILTER (WHERE x.late > 0) AS median_days_late,
    (COUNT(*) FILTER (WHERE x.kc = 'd' AND x.st = 'done'))::double precision * 100.0
        / NULLIF((COUNT(*) FILTER (WHERE x.kc = 'd'))::double precision, 0.0) AS delivered_pct,
    (COUNT(*) FILTER (WHERE x.kc = 'r' AND x.st = 'done'))::double precision * 100.0
        / NULLIF((COUNT(*) FILTER (WHERE x.kc = 'r'))::double precision, 0.0) AS reported_pct,
    (COUNT(*) FILTER (WHERE x.kc = 'd' AND x.on_time))::double precision * 100.0
        / NULLIF((COUNT(*) FILTER (WHERE x.kc = 'd'))::double precision, 0.0) AS delivered_on_time_pct,
    (COUNT(*) FILTER (WHERE x.kc = 'r' AND x.on_time))::double precision * 100.0
        / NULLIF((COUNT(*) FILTER (WHERE x.kc = 'r'))::double precision, 0.0) AS reported_on_time_pct,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY x.taken) FILTER (WHERE x.kc = 'd' AND x.st = 'done')
        AS median_days_to_deliver,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY x.taken) FILTER (WHERE x.kc = 'r' AND x.st = 'done')
        AS median_days_to_report
"""
# The counts behind the on-time percentages, summed per month in Python (see _overview_one_pass);
# PostgreSQL shares these with the identical aggregates above, so they cost nothing extra.
_ONE_PASS_COUNTS = """
    COUNT(*) FILTER (WHERE x.kc = 'd') AS d_n, COUNT(*) FILTER (WHERE x.kc = 'd' AND x.on_time) AS d_on_time,
    COUNT(*) FILTER (WHERE x.kc = 'r') AS r_n, COUNT(*) FILTER (WHERE x.kc = 'r' AND x.on_time) AS r_on_time
"""
_FIGURE_NAMES = (
    "tasks",
    "open",
    "overdue",
    "done",
    "late",
    "median_days_late",
    "delivered_pct",
    "reported_pct",
    "delivered_on_time_pct",
    "reported_on_time_pct",
    "median_days_to_deliver",
    "median_days_to_report",
)


def _overview_one_pass(tasks, *, today: date, limit: int):
    """Totals, regions, per-post figures and the monthly trend in one read of the window (PostgreSQL).

    The three figure sets used to be three aggregates over the same ~45,000 tasks (30 days), each
    recomputing the done date and the days late per aggregate; here an inner query derives each
    task's values once and GROUPING SETS aggregates them by post, by region, overall and by month.
    """
    start = trend_start(today)
    inner = tasks.annotate(
        x_region=F("post__region"),
        x_kc=Case(When(DELIVERY, then=Value("d")), When(REPORT, then=Value("r")), default=Value("t")),
        x_overdue=Case(When(OPEN & Q(due__lt=today), then=Value(True)), default=Value(False)),
        x_late=late_days(today),
        x_on_time=Case(
            When(DONE & LessThanOrEqual(done_on(), F("due")), then=Value(True)), default=Value(False)
        ),
        x_taken=Case(When(DONE, then=days_taken()), default=None, output_field=IntegerField()),
        x_in_trend=Case(When(due__gte=start, due__lte=today, then=Value(True)), default=Value(False)),
    ).values_list(
        "post_id",
        "x_region",
        "status",
        "x_kc",
        "x_overdue",
        "x_late",
        "x_on_time",
        "x_taken",
        "due",
        "x_in_trend",
    )
    inner_sql, params = inner.query.sql_with_params()
    sql = f"""
        SELECT GROUPING(x.post_id), GROUPING(x.region), GROUPING(x.month), x.post_id, x.region, x.month,
               {_ONE_PASS_FIGURES}, {_ONE_PASS_COUNTS}
        FROM (
            -- date_trunc of a timestamp, not of the timestamptz a bare date becomes: no time-zone work per row.
            SELECT y.*, CASE WHEN y.in_trend THEN date_trunc('month', y.due::timestamp)::date END AS month
            FROM ({inner_sql}) AS y(post_id, region, st, kc, overdue, late, on_time, taken, due, in_trend)
        ) AS x
        -- One sort and one rollup chain: (region, post, month) -> (region, post) -> (region) -> ().
        -- The month rows are summed from the first level in Python: a separate (month) set cost a
        -- second sort of the window and a fourth pass of every aggregate (~15 ms of ~100 at 30 days).
        GROUP BY GROUPING SETS ((x.region, x.post_id, x.month), (x.region, x.post_id), (x.region), ())
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    totals = dict.fromkeys(_FIGURE_NAMES)
    totals.update(tasks=0, open=0, overdue=0, done=0, late=0)  # aggregate() over no rows gives 0 counts
    regions, per_post, by_month = [], [], {}
    for g_post, g_region, g_month, post_id, region, month, *values in rows:
        row = dict(zip(_FIGURE_NAMES, values))
        if not g_month:
            if month is not None:
                sums = by_month.setdefault(month, [0, 0, 0, 0, 0, 0])
                for i, value in enumerate((row["tasks"], row["late"], *values[len(_FIGURE_NAMES) :])):
                    sums[i] += value
        elif not g_post:
            per_post.append({"post_id": post_id, "region": region, **row})
        elif not g_region:
            regions.append({"region": region or "—", "region_name": REGION_NAMES.get(region, "Other"), **row})
        else:
            totals = row
    # The same double-precision arithmetic as the SQL: count * 100.0 / NULLIF(count, 0).
    months = [
        {
            "month": month,
            "tasks": tasks,
            "delivered_on_time_pct": float(d_on_time) * 100.0 / float(d_n) if d_n else None,
            "reported_on_time_pct": float(r_on_time) * 100.0 / float(r_n) if r_n else None,
            "late": late,
        }
        for month, (tasks, late, d_n, d_on_time, r_n, r_on_time) in by_month.items()
    ]
    posts_in = {}
    for row in per_post:
        posts_in[row["region"] or "—"] = posts_in.get(row["region"] or "—", 0) + 1
    for row in regions:
        row["posts"] = posts_in.get(row["region"], 0)
    regions.sort(key=lambda r: r["region"])
    months.sort(key=lambda r: r["month"])
    return totals, regions, _top_slowest(per_post, limit=limit), months


def _top_slowest(per_post: list[dict], *, limit: int) -> list[dict]:
    """The slowest-posts rows from the per-post figures, in the order of _slowest_posts."""
    candidates = [r for r in per_post if r["median_days_to_deliver"] is not None]
    posts = {
        p["pk"]: p
        for p in Post.objects.filter(pk__in=[r["post_id"] for r in candidates]).values("pk", "name", "code")
    }
    candidates.sort(key=lambda r: posts[r["post_id"]]["name"])
    candidates.sort(key=lambda r: (r["median_days_to_deliver"], r["overdue"]), reverse=True)  # stable
    return [
        {
            "post_id": r["post_id"],
            "post_name": posts[r["post_id"]]["name"],
            "post_code": posts[r["post_id"]]["code"],
            "region": r["region"],
            **{k: r[k] for k in SLOWEST_FIGURES},
        }
        for r in candidates[:limit]
    ]


def trend(tasks, *, today: date, months: int = 12) -> list[dict]:
    """Per month of due date: tasks due, % delivered and reported on time."""
    start = trend_start(today, months)
    dated = tasks.filter(due__gte=start, due__lte=today)
    return list(
        dated.annotate(month=TruncMonth("due"))
        .values("month")
        .annotate(
            tasks=Count("pk"),
            delivered_on_time_pct=_pct(DONE & LessThanOrEqual(done_on(), F("due")), DELIVERY),
            reported_on_time_pct=_pct(DONE & LessThanOrEqual(done_on(), F("due")), REPORT),
            late=_count(Q(GreaterThan(late_days(today), 0))),
        )
        .order_by("month")
    )


def unacknowledged(user, *, region: str = "", limit: int = 10) -> dict:
    """Posts that have not acknowledged receipt of issued demarches: the count and the worst posts."""
    from accounts.roles import can_read_all

    dposts = DemarchePost.objects.filter(
        demarche__state=Demarche.State.ISSUED, acknowledged_at__isnull=True, removed=False
    )
    if not can_read_all(user):
        dposts = dposts.filter(post__staff=user)
    if region:
        dposts = dposts.filter(post__region=region)
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
        tasks = tasks.filter(post__region=region)
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


# ---------------------------------------------------------------- DemarcheStats upkeep

# The migration that made the triggers holds the one definition of the recount (and of the rebuild).
_STATS_SQL = import_module("outreach.migrations.0005_perf_dashboard_stats")
STATS_FIELDS = ("posts", "delivery_total", "delivery_done", "report_total", "report_done")


def recomputed_stats() -> dict[int, tuple[int, ...]]:
    """DemarcheStats' values computed afresh from the tasks and posts: {demarche_id: (posts, ...)}."""
    with connection.cursor() as cursor:
        cursor.execute(_STATS_SQL.STATS_SELECT)
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def stored_stats() -> dict[int, tuple[int, ...]]:
    """DemarcheStats' values as the triggers kept them: {demarche_id: (posts, ...)}."""
    from .models import DemarcheStats

    return {row[0]: tuple(row[1:]) for row in DemarcheStats.objects.values_list("demarche_id", *STATS_FIELDS)}


@transaction.atomic
def rebuild_stats() -> int:
    """Recompute DemarcheStats from the tasks (PostgreSQL); return how many rows were wrong or missing."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        # Writers wait meanwhile: a delta committed between the read and the write would be lost.
        cursor.execute("LOCK TABLE outreach_posttask, outreach_demarchepost IN SHARE MODE")
        fresh, stored = recomputed_stats(), stored_stats()
        wrong = sum(1 for pk, values in fresh.items() if stored.get(pk) != values)
        if wrong:
            cursor.execute(_STATS_SQL.REBUILD_SQL)
    return wrong
