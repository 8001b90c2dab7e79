"""The overview's figure set in one read of the window (PostgreSQL): the faster path of figures.figures().

tests/outreach/test_figure_parity.py compares it with the reference (figures.py) on both databases.
"""

from __future__ import annotations

from datetime import date

from django.db import connections
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.lookups import LessThanOrEqual

from cables.models import Post

from .expressions import DELIVERY, DONE, OPEN, REGION_NAMES, REPORT, days_taken, done_on, late_days
from .figures import SLOWEST_FIGURES, trend_end, trend_start

# The figure set as SQL over the derived columns of overview_one_pass's inner query; the same
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
# The counts behind the on-time percentages, summed per month in Python (see overview_one_pass);
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


def _one_pass_rows(tasks, *, today: date) -> list[tuple]:
    """The window's grouping-set rows: (region, post, month), (region, post), (region) and ()."""
    start, end = trend_start(today), trend_end(today)
    inner = tasks.annotate(
        x_region=F("post__region"),
        x_kc=Case(When(DELIVERY, then=Value("d")), When(REPORT, then=Value("r")), default=Value("t")),
        x_overdue=Case(When(OPEN & Q(due__lt=today), then=Value(True)), default=Value(False)),
        x_late=late_days(today),
        x_on_time=Case(
            When(DONE & LessThanOrEqual(done_on(), F("due")), then=Value(True)), default=Value(False)
        ),
        x_taken=Case(When(DONE, then=days_taken()), default=None, output_field=IntegerField()),
        x_in_trend=Case(When(due__gte=start, due__lte=end, then=Value(True)), default=Value(False)),
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
    inner_sql, params = inner.query.get_compiler(using=inner.db).as_sql()
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
    with connections[inner.db].cursor() as cursor:  # the replica, for a dashboard
        cursor.execute(sql, params)
        return cursor.fetchall()


def overview_one_pass(tasks, *, today: date, limit: int) -> dict:
    """Totals, regions, per-post figures and the monthly trend in one read of the window (PostgreSQL).

    The three figure sets used to be three aggregates over the same ~45,000 tasks (30 days), each
    recomputing the done date and the days late per aggregate; here an inner query derives each
    task's values once and GROUPING SETS aggregates them by post, by region, overall and by month.
    """
    return assemble(_one_pass_rows(tasks, today=today), limit=limit)


def overview_one_pass_by_region(tasks, *, today: date, limit: int, regions) -> dict[str, dict]:
    """overview_one_pass for all regions ("") and for each of `regions`, from one read of the window.

    The (region) and (region, post, month) grouping sets hold what a window filtered to one region would
    aggregate: the same rows, so the same counts and medians (the snapshot refresh reads each period
    once, not once per region; tests/outreach/test_overview_snapshots.py compares them with the live page).
    """
    rows = _one_pass_rows(tasks, today=today)
    return {region: assemble(rows, limit=limit, region=region) for region in ("", *regions)}


def assemble(rows, *, limit: int, region: str = "") -> dict:
    """The overview's figure sets from the grouping-set rows; with `region`, that region's only."""
    if region:
        # A window filtered to the region has the same (region, post, month), (region, post) and (region)
        # rows, and a total () equal to its (region) row. Columns: GROUPING(post, region, month), post,
        # region, month, values.
        rows = [row for row in rows if row[1] == 0 and row[4] == region]
        rows += [(1, 1, 1, None, None, None, *row[6:]) for row in rows if row[0] == 1]
    totals = dict.fromkeys(_FIGURE_NAMES)
    totals.update(tasks=0, open=0, overdue=0, done=0, late=0)  # aggregate() over no rows gives 0 counts
    regions, per_post, by_month = [], [], {}
    for g_post, g_region, g_month, post_id, region, month, *values in rows:
        row = dict(zip(_FIGURE_NAMES, values))
        if not g_month:
            if month is not None:
                sums = by_month.setdefault(month, [0, 0, 0, 0, 0, 0, 0])
                for i, value in enumerate((row["tasks"], row["open"], row["late"], *values[len(_FIGURE_NAMES) :])):
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
            "open": open_,
            "delivered_on_time_pct": float(d_on_time) * 100.0 / float(d_n) if d_n else None,
            "reported_on_time_pct": float(r_on_time) * 100.0 / float(r_n) if r_n else None,
            "late": late,
        }
        for month, (tasks, open_, late, d_n, d_on_time, r_n, r_on_time) in by_month.items()
    ]
    posts_in = {}
    for row in per_post:
        posts_in[row["region"] or "—"] = posts_in.get(row["region"] or "—", 0) + 1
    for row in regions:
        row["posts"] = posts_in.get(row["region"], 0)
    # In the reference's order: by the region code, so posts without one ("—") come first.
    regions.sort(key=lambda r: "" if r["region"] == "—" else r["region"])
    months.sort(key=lambda r: r["month"])
    slowest = _top_slowest(per_post, limit=limit)
    return {"totals": totals, "regions": regions, "slowest": slowest, "trend": months}


def _top_slowest(per_post: list[dict], *, limit: int) -> list[dict]:
    """The slowest-posts rows from the per-post figures, in the order of figures.slowest_posts."""
    if limit <= 0:  # one demarche's page asks for none (demarches.demarche_figures)
        return []
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
