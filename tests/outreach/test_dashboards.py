"""Dashboard figures, pages, filters, exports and access, on a world whose every number is known."""

import csv
import io
import re
from datetime import timedelta

import django_tables2
import openpyxl
import pytest
from django.template import RequestContext, Template
from django.urls import reverse
from django.utils import timezone

from cables.models import Post, Region
from outreach import dashboards
from outreach.dashboards import params, tables
from outreach.dashboards.mapdata import overview_map_posts
from outreach.models import Demarche, PostTask

from .dashboard_world import build_world, make_demarche

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def world(desk_officer, today):
    return build_world(desk_officer, today=today)


@pytest.fixture
def abu_dhabi_staff(world, make_embassy_user):
    return make_embassy_user("ad-staff", "t-abu-dhabi")


def _seed(world):
    return world.demarches[0]


# ---------------------------------------------------------------- figures


def test_it_computes_the_seed_demarches_figures(world, manager, today):
    summary = dashboards.demarche_summary(_seed(world), manager, today=today)

    assert (summary["posts"], summary["delivered_posts"], summary["reported_posts"]) == (5, 3, 2)
    assert summary["tasks"] == 17
    assert round(summary["delivered_pct"], 2) == 66.67
    assert round(summary["reported_pct"], 2) == 33.33
    assert summary["overdue"] == 10
    assert summary["late"] == 11
    assert summary["median_days_late"] == 13
    assert summary["delivered_on_time_pct"] == 50
    assert round(summary["reported_on_time_pct"], 2) == 33.33
    assert summary["median_days_to_deliver"] == 4
    assert summary["median_days_to_report"] == 11


def test_it_lists_demarches_with_completion_figures(world, manager, today):
    rows = {d.reference_id: d for d in dashboards.demarches_with_figures(manager, today=today)}

    seed, fresh = rows["09STATE4690"], rows["10STATE284"]
    assert (seed.posts_count, round(seed.delivered_pct), round(seed.reported_pct), seed.overdue_count) == (
        5,
        67,
        33,
        10,
    )
    assert (fresh.posts_count, fresh.delivered_pct, fresh.reported_pct, fresh.overdue_count) == (5, 0, 0, 0)


def test_it_builds_the_matrix_one_row_per_post_and_audience(world, manager, today):
    rows = dashboards.demarche_matrix(_seed(world), manager, today=today)

    assert [(r["post_name"], r["audience"]) for r in rows] == [
        ("T Abu Dhabi", ""),
        ("T Canberra", ""),
        ("T Hong Kong", ""),
        ("T Hong Kong", "Macau"),
        ("T Nairobi", ""),
        ("T Paris", ""),
    ]
    by_post = {(r["post_name"], r["audience"]): r for r in rows}
    abu = by_post["T Abu Dhabi", ""]
    assert (abu["deliver_state"], abu["talking_state"], abu["report_state"]) == ("done", "done", "done")
    assert abu["response"] == "welcomed" and abu["acknowledged_at"] is not None and not abu["overdue"]
    canberra = by_post["T Canberra", ""]
    assert (canberra["deliver_state"], canberra["talking_state"], canberra["report_state"]) == (
        "done",
        "none",
        "done",
    )
    macau = by_post["T Hong Kong", "Macau"]
    assert macau["deliver_state"] == "overdue" and macau["overdue"]
    assert by_post["T Nairobi", ""]["acknowledged_at"] is None


def test_it_breaks_the_overview_down_by_region(world, manager, today):
    data = dashboards.overview(manager, today=today, since=today - timedelta(days=90))
    regions = {r["region"]: r for r in data["regions"]}

    assert set(regions) == {"AF", "EAP", "EUR", "NEA"}
    assert regions["NEA"]["delivered_pct"] == 50  # Abu Dhabi: seed delivered, the new one not yet
    assert regions["AF"]["overdue"] == 3
    assert data["totals"]["active_demarches"] == 2
    assert data["totals"]["overdue"] == 10
    assert data["unacknowledged"]["posts"] == 5  # the new demarche: nobody yet; Nairobi on both
    assert data["unacknowledged"]["rows"][0]["post_code"] == "t-nairobi"
    # Paris took longest to deliver (9 days); Hong Kong's median is 2.
    assert data["slowest"][0]["post_code"] == "t-paris"


@pytest.mark.parametrize("region", ["AF", "EUR", "NEA"])
def test_one_regions_overview_is_the_whole_overviews_rows_of_its_posts(world, manager, today, region):
    since = today - timedelta(days=90)
    codes = set(Post.objects.filter(region=region).values_list("code", flat=True))
    whole_map = overview_map_posts(manager, today=today, since=since)
    region_map = overview_map_posts(manager, today=today, since=since, region=region)
    assert region_map == [post for post in whole_map if post.code in codes] != []
    overdue = dashboards.overdue_tasks(manager, today=today, region=region)
    everywhere = dashboards.overdue_tasks(manager, today=today)
    assert [t.pk for t in overdue] == [t.pk for t in everywhere if t.post.code in codes]
    assert overdue or region == "NEA"  # Abu Dhabi delivered the seed demarche
    rows = dashboards.unacknowledged(manager, region=region)["rows"]
    assert [r["post_code"] for r in rows] == [
        r["post_code"] for r in dashboards.unacknowledged(manager, limit=100)["rows"] if r["post_code"] in codes
    ]


def test_a_region_without_posts_shows_an_empty_overview(client, world, manager, make_embassy_user, today):
    empty = Region.IO
    Post.objects.filter(region=empty).update(region=Region.EUR)
    since = today - timedelta(days=30)
    assert overview_map_posts(manager, today=today, since=since, region=empty) == []
    for user in (manager, make_embassy_user("region-staff", "t-hong-kong")):
        client.force_login(user)
        response = client.get(reverse("outreach:dash_overview"), {"region": empty})
        assert response.status_code == 200 and b"Overdue" in response.content


def test_it_counts_the_trend_by_month_of_due_date(world, manager, today):
    rows = dashboards.trend(dashboards.live_tasks(manager), today=today)

    # The seed's 17 tasks are due by today; the fresh demarche's 17 fall due in the coming days, still open.
    assert sum(r["tasks"] for r in rows) == 34
    assert sum(r["open"] for r in rows) == PostTask.objects.filter(status="open").count() > 17
    assert all(r["month"].day == 1 for r in rows)


def test_it_leaves_draft_and_cancelled_tasks_out(world, manager, desk_officer, today):
    draft = make_demarche(
        "10STATE9124",
        owner=desk_officer,
        posts=list(world.posts.values()),
        issued_on=today - timedelta(days=30),
        state=Demarche.State.DRAFT,
    )
    PostTask.objects.filter(demarche=_seed(world), post__code="t-nairobi").update(
        status=PostTask.Status.CANCELLED
    )

    summary = dashboards.demarche_summary(_seed(world), manager, today=today)
    overview = dashboards.overview(manager, today=today, since=None)

    assert summary["tasks"] == 14 and summary["overdue"] == 7
    assert overview["totals"]["tasks"] == 14 + 17  # the new demarche's 17; the draft's none
    assert draft.tasks.count() == 17


def test_embassy_staff_figures_cover_only_their_posts(world, abu_dhabi_staff, today):
    summary = dashboards.demarche_summary(_seed(world), abu_dhabi_staff, today=today)
    rows = dashboards.demarche_matrix(_seed(world), abu_dhabi_staff, today=today)

    assert (summary["posts"], summary["tasks"], summary["delivered_pct"]) == (1, 3, 100)
    assert [r["post_name"] for r in rows] == ["T Abu Dhabi"]


# ---------------------------------------------------------------- pages


def test_the_demarche_page_says_n_of_n_reported_and_highlights_overdue(client, world, manager):
    client.force_login(manager)
    response = client.get(reverse("outreach:dash_demarche", args=["09STATE4690"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "2 of 5 posts reported" in html
    assert "3 of 5 posts delivered" in html
    assert len(re.findall(r'<tr class="[^"]*\boverdue\b', html)) == 4  # Hong Kong twice, Nairobi, Paris
    assert "<title" in html and "deliveries and reports over time" in html
    assert "Welcomed" in html


@pytest.mark.parametrize(
    "name,args",
    [
        ("outreach:dashboard", []),
        ("outreach:dash_overview", []),
        ("outreach:dash_demarches", []),
        ("outreach:dash_demarche", ["09STATE4690"]),
        ("outreach:dash_post", ["t-paris"]),
        ("outreach:calendar_links", []),
    ],
)
def test_every_dashboard_opens_for_each_reading_role(client, world, manager, desk_officer, name, args):
    for user in (manager, desk_officer):
        client.force_login(user)
        assert client.get(reverse(name, args=args)).status_code == 200


def test_it_asks_anyone_logged_out_to_log_in(client, world):
    response = client.get(reverse("outreach:dash_demarches"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_dashboards_refuse_writes_even_from_desk_officers(client, world, desk_officer):
    client.force_login(desk_officer)

    assert client.post(reverse("outreach:dash_demarches")).status_code == 405
    assert client.post(reverse("outreach:dash_demarche", args=["09STATE4690"])).status_code == 405


def test_embassy_staff_see_their_post_and_not_anothers(client, world, abu_dhabi_staff):
    client.force_login(abu_dhabi_staff)

    assert client.get(reverse("outreach:dash_post", args=["t-abu-dhabi"])).status_code == 200
    assert client.get(reverse("outreach:dash_post", args=["t-paris"])).status_code == 404
    matrix = client.get(reverse("outreach:dash_demarche", args=["09STATE4690"])).content.decode()
    assert "T Abu Dhabi" in matrix and "T Paris" not in matrix


def test_embassy_staff_do_not_see_draft_demarches(client, world, abu_dhabi_staff, desk_officer, today):
    make_demarche(
        "10STATE9124",
        owner=desk_officer,
        posts=[world.posts["t-abu-dhabi"]],
        issued_on=today,
        state=Demarche.State.DRAFT,
    )
    client.force_login(abu_dhabi_staff)

    assert client.get(reverse("outreach:dash_demarche", args=["10STATE9124"])).status_code == 404
    assert "10STATE9124" not in client.get(reverse("outreach:dash_demarches")).content.decode()


def test_users_without_a_role_are_refused(client, world, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))

    assert client.get(reverse("outreach:dash_overview")).status_code == 403


# ---------------------------------------------------------------- sorting, filters, exports


def _refs(response):
    return [row.record.reference_id for row in response.context["table"].page.object_list]


def test_it_sorts_demarches_by_a_computed_column(client, desk_officer, today):
    build_world(desk_officer, today=today, extra_demarches=3)
    client.force_login(desk_officer)

    def overdue(params):
        table = client.get(reverse("outreach:dash_demarches"), params).context["table"]
        return [(row.record.overdue_count, row.record.reference_id) for row in table.page.object_list]

    ascending, descending = overdue({"sort": "overdue_count"}), overdue({"sort": "-overdue_count"})

    # The extras have 16 overdue each (one task of 17 done), the seed 10, the new one none.
    assert [n for n, _ in descending] == [16, 16, 16, 10, 0]
    assert [n for n, _ in ascending] == [0, 10, 16, 16, 16]
    assert ascending[1][1] == "09STATE4690"


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"state": "issued"}, {"09STATE4690", "10STATE284", "11STATE1000"}),
        ({"tag": "mtcre"}, {"09STATE4690"}),
        ({"q": "human rights"}, {"10STATE284"}),
        ({"q": "09 STATE 4690"}, {"09STATE4690"}),
        ({"region": "WHA"}, {"10STATE284"}),
        ({"due_after": "TODAY+1"}, {"10STATE284"}),
        ({"due_before": "TODAY-20"}, {"11STATE1000"}),
    ],
)
def test_it_filters_demarches(client, desk_officer, today, params, expected):
    build_world(desk_officer, today=today, extra_demarches=1, extra_posts=1)
    client.force_login(desk_officer)
    for key, value in params.items():
        if value.startswith("TODAY"):
            params[key] = (today + timedelta(days=int(value[5:]))).isoformat()

    assert set(_refs(client.get(reverse("outreach:dash_demarches"), params))) == expected


def test_it_filters_by_owner(client, world, desk_officer, django_user_model, today):
    from django.contrib.auth.models import Group

    from accounts.roles import DESK_OFFICERS

    other = django_user_model.objects.create_user("other-desk")
    other.groups.add(Group.objects.get(name=DESK_OFFICERS))
    make_demarche("10STATE4108", owner=other, posts=[world.posts["t-paris"]], issued_on=today)
    client.force_login(desk_officer)

    assert _refs(client.get(reverse("outreach:dash_demarches"), {"owner": other.pk})) == ["10STATE4108"]


def test_it_exports_the_demarche_list_as_csv(client, world, manager):
    client.force_login(manager)
    response = client.get(reverse("outreach:dash_demarches"), {"_export": "csv", "state": "issued"})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0][:6] == ["Reference", "Subject", "Posts", "Delivered (%)", "Reported (%)", "Overdue"]
    seed = next(r for r in rows if r[0] == "09STATE4690")
    assert seed[2:6] == ["5", "66.7", "33.3", "10"]


def test_it_exports_the_matrix_as_xlsx(client, world, manager):
    client.force_login(manager)
    response = client.get(reverse("outreach:dash_demarche", args=["09STATE4690"]), {"_export": "xlsx"})

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Post" and len(rows) == 7
    assert rows[1][0] == "T Abu Dhabi" and rows[1][7].startswith("Welcomed")


def test_it_exports_each_overview_table(client, world, manager):
    client.force_login(manager)
    for name in ("regions", "slowest", "overdue", "unacknowledged"):
        response = client.get(reverse("outreach:dash_overview"), {"_export": "csv", "_table": name})
        assert response.status_code == 200, name
        assert f"overview-{name}.csv" in response["Content-Disposition"]
    overdue = client.get(reverse("outreach:dash_overview"), {"_export": "csv", "_table": "overdue"})
    assert overdue.getvalue().decode().count("09STATE4690") == 10


def _every_table(world, manager, today) -> list:
    """One of each dashboard table, filled from the world the manager reads."""
    seed = _seed(world)
    data = dashboards.overview(manager, today=today, since=None)
    return [
        tables.DemarcheTable(dashboards.demarches_with_figures(manager, today=today), today=today),
        tables.MatrixTable(dashboards.demarche_matrix(seed, manager, today=today), today=today),
        tables.PostTaskTable(dashboards.post_tasks(world.posts["t-hong-kong"], manager), today=today),
        tables.OverdueTable(dashboards.overdue_tasks(manager, today=today), today=today),
        tables.RegionTable(data["regions"], today=today),
        tables.SlowPostsTable(data["slowest"], today=today),
        tables.UnacknowledgedTable(data["unacknowledged"]["rows"], today=today),
    ]


def test_the_fast_export_path_gives_django_tables2s_own_cells(world, manager, today):
    built = _every_table(world, manager, today)

    for table in built:
        fast = list(table.as_values())
        assert fast == list(django_tables2.Table.as_values(table)), type(table).__name__
        assert len(fast) > 1, type(table).__name__


def _tags_only(html: str) -> str:
    """HTML without the whitespace a template leaves between and inside tags."""
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*(<|>)\s*", r"\1", html)


@pytest.mark.parametrize("query", [{}, {"sort": "-reported_pct", "per_page": "1", "page": "2", "q": "a&b"}])
def test_the_fast_table_gives_django_tables2s_own_html(rf, world, manager, today, query):
    request = rf.get("/dashboards/", query)
    request.user = manager
    built = _every_table(world, manager, today)
    template = Template("{% load django_tables2 %}{% render_table table %}")

    for table in built:
        params.configure(request, table, per_page=int(query.get("per_page", 50)))
        fast = table.fast_html(request)
        assert _tags_only(fast) == _tags_only(template.render(RequestContext(request, {"table": table})))
        assert "<tbody><tr" in _tags_only(fast), type(table).__name__

    demarches = built[0].fast_html(request)
    assert ('aria-sort="descending"' in demarches) == bool(query)
    assert ('rel="prev"' in demarches) == bool(query)


def test_it_refuses_an_unknown_export_format(client, world, manager):
    client.force_login(manager)

    assert client.get(reverse("outreach:dash_demarches"), {"_export": "exe"}).status_code == 400
    assert client.get(reverse("outreach:dash_demarches"), {"_export": "ods"}).status_code == 400


def test_embassy_staff_export_only_their_posts_tasks(client, world, abu_dhabi_staff):
    client.force_login(abu_dhabi_staff)
    response = client.get(reverse("outreach:dash_overview"), {"_export": "csv", "_table": "overdue"})

    text = response.getvalue().decode()
    assert "T Paris" not in text and "T Nairobi" not in text


def test_the_post_page_filters_its_tasks(client, world, manager):
    client.force_login(manager)
    url = reverse("outreach:dash_post", args=["t-paris"])

    overdue = client.get(url, {"show": "overdue"}).context["table"]
    done = client.get(url, {"show": "done"}).context["table"]

    assert overdue.paginator.count == 2 and done.paginator.count == 1
    assert client.get(url).context["table"].paginator.count == 5  # open by default: 2 seed + 3 new


# ---------------------------------------------------------------- a fixed number of queries


PAGES = [
    ("outreach:dash_overview", [], {}),
    ("outreach:dash_demarches", [], {}),
    ("outreach:dash_demarches", [], {"sort": "-delivered_pct", "region": "EAP", "tag": "MTCRE"}),
    ("outreach:dash_demarche", ["09STATE4690"], {}),
    ("outreach:dash_post", ["t-hong-kong"], {"show": ""}),
    ("outreach:dash_demarches", [], {"_export": "csv"}),
]


@pytest.mark.parametrize("name,args,params", PAGES)
@pytest.mark.parametrize("size", [0, 1])
def test_each_page_runs_a_fixed_number_of_queries(
    client, desk_officer, today, django_assert_max_num_queries, name, args, params, size
):
    build_world(desk_officer, today=today, extra_demarches=[2, 25][size], extra_posts=[0, 30][size])
    client.force_login(desk_officer)
    # Measured counts plus two for the header's context processors, which belong to other pages. The
    # overview's includes computing and storing its snapshot, which is not there yet (five more), and the
    # live count of pending questions (one more).
    limit = {"outreach:dash_overview": 29, "outreach:dash_demarche": 14, "outreach:dash_post": 12}.get(
        name, 11
    )

    with django_assert_max_num_queries(limit):
        response = client.get(reverse(name, args=args), params)

    assert response.status_code == 200


@pytest.mark.parametrize("size", [0, 1])
def test_embassy_pages_run_a_fixed_number_of_queries(
    client, desk_officer, make_embassy_user, today, django_assert_max_num_queries, size
):
    build_world(desk_officer, today=today, extra_demarches=[2, 25][size])
    staff = make_embassy_user("hk-staff", "t-hong-kong")
    client.force_login(staff)

    for name, args in [
        ("outreach:dash_overview", []),
        ("outreach:dash_demarches", []),
        ("outreach:dash_demarche", ["09STATE4690"]),
        ("outreach:dash_post", ["t-hong-kong"]),
    ]:
        with django_assert_max_num_queries(23):
            assert client.get(reverse(name, args=args)).status_code == 200
