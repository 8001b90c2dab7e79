"""Dashboard pages and their CSV/XLSX exports. Read-only: they read from the replica when there is one."""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.roles import can_read_all, is_embassy_staff, role_required
from cables.models import Post
from config.db_router import read_from_replica

from .. import dashboards
from ..threads.queries import pending_count
from . import charts, exports, mapdata, params, worldmap
from .filters import DemarcheFilter, OverviewFilter, PostTaskFilter
from .tables import (
    DemarcheTable,
    MatrixTable,
    OverdueTable,
    PostTaskTable,
    RegionTable,
    SlowPostsTable,
    UnacknowledgedTable,
)

any_role = role_required(can_read_all, is_embassy_staff)


def _configure(request, *tables, per_page: int = 50):
    """Sort and paginate each table from the query string; exports get every row."""
    exporting = bool(params.export_format(request))
    for table in tables:
        params.configure(request, table, per_page=per_page, paginate=not exporting)


def _export(request, tables: dict, filename: str):
    """Answer ?_export=csv|xlsx (&_table=name when a page has several tables), else None."""
    fmt = params.export_format(request)
    if not fmt:
        return None
    if fmt not in exports.FORMATS:
        raise BadRequest(f"Unknown export format; use one of: {', '.join(exports.FORMATS)}.")
    name = request.GET.get("_table") or next(iter(tables))
    if name not in tables:
        raise BadRequest(f"Unknown table; use one of: {', '.join(tables)}.")
    stem = filename if len(tables) == 1 else f"{filename}-{name}"
    return exports.export_response(tables[name], fmt, stem)


@read_from_replica
def export_all_demarches(request):
    """The /demarches/ page's export: every demarche the user may see, with the list's figures."""
    today = timezone.localdate()
    demarches = dashboards.demarches_with_figures(request.user, today=today).order_by("-created_at", "-pk")
    table = DemarcheTable(demarches, today=today)
    _configure(request, table)
    return _export(request, {"demarches": table}, "demarches")


def _region_chart(rows, title):
    return charts.bar_chart(
        title,
        [(r["region"], [r["delivered_pct"], r["reported_pct"]]) for r in rows],
        ["Delivered", "Reported"],
    )


@read_from_replica
@require_safe
@any_role
def dash_demarches(request):
    today = timezone.localdate()
    demarches = dashboards.demarches_with_figures(request.user, today=today).order_by("-deliver_by", "-pk")
    data = request.GET.copy()
    for key, value in DemarcheFilter.DEFAULTS.items():
        data.setdefault(key, value)
    filterset = DemarcheFilter(data, queryset=demarches)
    table = DemarcheTable(filterset.qs, today=today)
    _configure(request, table)
    return _export(request, {"demarches": table}, "demarches") or render(
        request, "outreach/dashboards/demarches.html", {"filter": filterset, "table": table}
    )


@read_from_replica
@require_safe
@any_role
def dash_demarche(request, reference_id: str):
    today = timezone.localdate()
    demarche = get_object_or_404(
        dashboards.visible_demarches(request.user).select_related("owner", "cable"), reference_id=reference_id
    )
    matrix = dashboards.demarche_matrix(demarche, request.user, today=today)
    table = MatrixTable(matrix, today=today)
    _configure(request, table, per_page=500)
    response = _export(request, {"posts": table}, f"{demarche.reference_id}-posts")
    if response:
        return response
    figure_set, regions = dashboards.demarche_figures(demarche, request.user, today=today)
    timeline = charts.cumulative(
        dashboards.timeline(demarche, request.user),
        ["delivered", "reported"],
        "done_on",
        start=demarche.issued_at.date() if demarche.issued_at else None,
        end=min(today, demarche.report_by),
    )
    return render(
        request,
        "outreach/dashboards/demarche.html",
        {
            "demarche": demarche,
            "table": table,
            "regions": regions,
            "summary": dashboards.demarche_summary(
                demarche, request.user, today=today, matrix=matrix, figure_set=figure_set
            ),
            "world_map": worldmap.render(mapdata.demarche_map_posts(matrix), subject=demarche.reference_id),
            "region_chart": _region_chart(regions, f"{demarche.reference_id}: completion by region"),
            "timeline_chart": charts.line_chart(
                f"{demarche.reference_id}: deliveries and reports over time",
                timeline,
                ["Delivery tasks done", "Reports received"],
            ),
        },
    )


@read_from_replica
@require_safe
@any_role
def dash_post(request, code: str):
    today = timezone.localdate()
    post = get_object_or_404(Post.objects.visible_to(request.user), code=code)
    filterset = PostTaskFilter(
        request.GET or {"show": "open"}, queryset=dashboards.post_tasks(post, request.user)
    )
    table = PostTaskTable(filterset.qs, today=today)
    _configure(request, table)
    return _export(request, {"tasks": table}, f"{post.code}-tasks") or render(
        request,
        "outreach/dashboards/post.html",
        {
            "post": post,
            "filter": filterset,
            "table": table,
            "summary": dashboards.post_summary(post, request.user, today=today),
        },
    )


@read_from_replica
@require_safe
@any_role
def dash_overview(request):
    today = timezone.localdate()
    form = OverviewFilter(request.GET)
    days, region = form.days(), form.region_code()
    since, _ = dashboards.overview_window(today, days)
    data = dashboards.overview(request.user, today=today, since=since, region=region)
    tables = {
        "regions": RegionTable(data["regions"], today=today, prefix="r-"),
        "slowest": SlowPostsTable(data["slowest"], today=today, prefix="s-"),
        "overdue": OverdueTable(
            dashboards.overdue_tasks(request.user, today=today, region=region), today=today, prefix="o-"
        ),
        "unacknowledged": UnacknowledgedTable(data["unacknowledged"]["rows"], today=today, prefix="u-"),
    }
    _configure(request, *tables.values(), per_page=20)
    past = [row for row in data["trend"] if row["month"] <= today]
    trend = [
        (row["month"].strftime("%b %Y"), [row["delivered_on_time_pct"], row["reported_on_time_pct"]])
        for row in past
    ]
    open_by_month = [(row["month"].strftime("%b %Y"), [row["open"]]) for row in data["trend"] if row["open"]]
    return _export(request, tables, "overview") or render(
        request,
        "outreach/dashboards/overview.html",
        {
            "form": form,
            "data": data,
            "totals": data["totals"],
            "tables": tables,
            "since": since,
            "snapshot_minutes": settings.OVERVIEW_SNAPSHOT_MINUTES,
            # Live, like the overdue list: a question waits for a person, not for the next snapshot.
            "questions_pending": pending_count(request.user),
            "region_chart": _region_chart(data["regions"], "Completion by region"),
            "world_map": worldmap.render(
                mapdata.overview_map_posts(request.user, today=today, since=since, region=region)
            ),
            "trend_chart": charts.line_chart(
                "On-time delivery and reporting by month of due date",
                trend,
                ["Delivered on time", "Reported on time"],
                unit="%",
                max_value=100,
            ),
            "open_chart": charts.bar_chart(
                "Open tasks by month of due date", open_by_month, ["Open tasks"], unit="", max_value=None
            ),
        },
    )
