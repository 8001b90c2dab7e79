"""The world map of posts: the seed demarche worked into every state, against its matrix, on both pages."""

import re
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from cables.models import Post
from outreach import dashboards, services
from outreach.dashboards import mapdata, worldmap, worldoutline
from outreach.models import PostTask
from outreach.services import bounds
from tests.conftest import read_cable

pytestmark = pytest.mark.django_db
K = PostTask.Kind
DELIVERY_KINDS = (K.DELIVER_NON_PAPER, K.TALKING_POINTS, K.SPECIAL)
# What the `worked` fixture does to each post, and the state the map must give it.
EXPECTED = {
    "abu-dhabi": "acknowledged",
    "riyadh": "delivered",
    "kuwait": "reported",
    "cairo": "not_delivered",
    "hong-kong": "acknowledged",  # Hong Kong delivered, Macau not yet: the least advanced audience
    "new-delhi": "overdue",
    "shanghai": "delivered",  # a consulate added after issue, in China beside Beijing
    "usnato": "not_acknowledged",  # a mission to NATO: no country
}


def _deliver(task, staff):
    # Today at the post: a delivery is dated from the issue to today in the post's time zone.
    services.record_delivery(task, by=staff, delivered_on=bounds.post_today(task.post), method="meeting")


@pytest.fixture
def worked(issued, desk_officer, make_embassy_user):
    """The seed demarche with one post in each state, through the services the pages call."""
    staff = make_embassy_user("staff", "abu-dhabi", "riyadh", "kuwait", "cairo", "hong-kong", "shanghai")
    for code in ("shanghai", "usnato"):
        services.add_post(issued, Post.objects.get(code=code), by=desk_officer)
    for code in ("abu-dhabi", "riyadh", "kuwait", "hong-kong", "shanghai"):
        services.acknowledge(issued.posts.get(post__code=code), by=staff)
    for code in ("riyadh", "kuwait", "shanghai"):
        for task in issued.tasks.filter(post__code=code, kind__in=DELIVERY_KINDS):
            _deliver(task, staff)
    for task in issued.tasks.filter(post__code="hong-kong", kind__in=DELIVERY_KINDS, audience=""):
        _deliver(task, staff)
    services.submit_report(
        issued.tasks.get(post__code="kuwait", kind=K.REPORT_BACK), by=staff, response="welcomed"
    )
    services.mark_not_delivered(
        issued.tasks.get(post__code="cairo", kind=K.DELIVER_NON_PAPER), by=staff, reason="Ministry closed"
    )
    new_delhi = Post.objects.get(code="new-delhi")
    services.bulk_extend(
        issued, post_ids=[new_delhi.pk], by=desk_officer, deliver_by=timezone.localdate() - timedelta(days=1)
    )
    return issued


def _map_section(html: str) -> str:
    start = html.index('<section class="card worldmap-card"')
    return html[start : html.index("</section>", start)]


def _countries(svg: str) -> dict[str, tuple[str, str, str]]:
    """data-country -> (state class, href, tooltip) of each coloured country."""
    found = re.findall(
        r'<a href="([^"]+)" tabindex="-1" data-country="(\w+)" class="wm-(\w+)"><title>([^<]*)</title>', svg
    )
    return {code: (state, href, title) for href, code, state, title in found}


# ---------------------------------------------------------------- states


def test_it_gives_each_post_the_state_its_matrix_rows_show(worked, manager):
    today = timezone.localdate()
    matrix = dashboards.demarche_matrix(worked, manager, today=today)
    states = {p.code: p.state for p in mapdata.demarche_map_posts(matrix)}

    assert {code: states[code] for code in EXPECTED} == EXPECTED
    assert {s for code, s in states.items() if code not in EXPECTED} == {"not_acknowledged"}
    assert len(states) == 32  # the cable's 30 action posts and the two added
    # The matrix says the same things the map summarises.
    rows = {(r["post_code"], r["audience"]): r for r in matrix}
    assert rows[("new-delhi", "")]["overdue"] and rows[("new-delhi", "")]["deliver_state"] == "overdue"
    assert rows[("cairo", "")]["deliver_state"] == "not_delivered"
    assert rows[("kuwait", "")]["report_state"] == "done" and rows[("kuwait", "")]["deliver_state"] == "done"
    assert rows[("riyadh", "")]["deliver_state"] == "done" and rows[("riyadh", "")]["report_state"] == "open"
    assert rows[("hong-kong", "")]["deliver_state"] == "done"
    assert rows[("hong-kong", "Macau")]["deliver_state"] == "open"
    assert rows[("abu-dhabi", "")]["acknowledged_at"] and rows[("abu-dhabi", "")]["deliver_state"] == "open"


def test_a_country_takes_its_least_advanced_post_and_names_the_others(worked, manager, make_embassy_user):
    today = timezone.localdate()
    posts = mapdata.demarche_map_posts(dashboards.demarche_matrix(worked, manager, today=today))
    china = next(c for c in worldmap.render(posts).countries if c.code == "CN")

    assert [(p.code, p.state) for p in china.posts] == [
        ("beijing", "not_acknowledged"),
        ("shanghai", "delivered"),
    ]
    assert worldmap.tooltip(china) == "China: Beijing, not acknowledged; Shanghai, delivered"

    beijing = make_embassy_user("beijing-staff", "beijing")
    services.acknowledge(worked.posts.get(post__code="beijing"), by=beijing)
    for task in worked.tasks.filter(post__code="beijing", kind__in=DELIVERY_KINDS):
        _deliver(task, beijing)
    services.submit_report(
        worked.tasks.get(post__code="beijing", kind=K.REPORT_BACK), by=beijing, response="noted"
    )
    posts = mapdata.demarche_map_posts(dashboards.demarche_matrix(worked, manager, today=today))
    china = next(c for c in worldmap.render(posts).countries if c.code == "CN")
    assert (china.lead.code, china.state) == ("shanghai", "delivered")


# ---------------------------------------------------------------- the demarche page


def test_the_demarche_page_draws_each_post_and_links_it(client, worked, manager):
    client.force_login(manager)
    response = client.get(reverse("outreach:dash_demarche", args=[worked.reference_id]))
    section = _map_section(response.content.decode())
    countries = _countries(section)

    assert re.search(
        r'<svg class="worldmap"[^>]* role="group" aria-label="Map of posts of 09STATE4690 by state: 32 posts',
        section,
    )
    assert countries["AE"][0] == "acknowledged"
    assert countries["IN"][0] == "overdue"
    assert countries["EG"][0] == "not_delivered"
    assert countries["KW"][:2] == ("reported", reverse("outreach:dash_post", args=["kuwait"]))
    assert countries["CN"] == (
        "not_acknowledged",
        reverse("outreach:dash_post", args=["beijing"]),
        "China: Beijing, not acknowledged; Shanghai, delivered",
    )
    assert len(countries) == 30  # 31 posts in countries, two of them in China
    assert "usnato" not in re.search(r"<svg.*</svg>", section, re.S).group(0)
    # ...but listed beside the map, and in the table with every post.
    aside = section[section.index('<aside class="worldmap-elsewhere"') :]
    assert re.search(
        r'<a href="/dashboards/posts/usnato/">USNATO</a> <span class="muted">\(NATO\)</span>: not acknowledged',
        aside,
    )
    table = section[section.index("<details") :]
    assert len(re.findall(r"<tr><td>", table)) == 32
    assert (
        '<td>NATO</td><td><a href="/dashboards/posts/usnato/">USNATO</a></td><td>Not acknowledged</td>'
        in table
    )
    assert re.search(r"Overdue <span class=\"muted\">\(1\)</span>", section)


def test_the_map_keeps_to_the_content_security_policy(client, worked, manager):
    client.force_login(manager)
    response = client.get(reverse("outreach:dash_demarche", args=[worked.reference_id]))
    section = _map_section(response.content.decode())
    policy = response.headers["Content-Security-Policy"]

    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script" not in section
    assert not re.search(r"\sstyle=", section)
    assert not re.search(r"\son[a-z]+=", section)


def test_embassy_staff_see_only_their_posts_on_the_map(client, worked, make_embassy_user):
    client.force_login(make_embassy_user("ad-only", "abu-dhabi"))
    for url in (reverse("outreach:dash_demarche", args=[worked.reference_id]), reverse("outreach:dashboard")):
        section = _map_section(client.get(url).content.decode())
        assert list(_countries(section)) == ["AE"], url
        assert "Riyadh" not in section and "USNATO" not in section


# ---------------------------------------------------------------- the overview


@pytest.fixture
def second(worked, desk_officer):
    """10STATE9124 issued as well: Kuwait is on both demarches, USEU on this one only."""
    from cables.services import ingest_cable

    demarche = services.create_demarche(ingest_cable(read_cable("10STATE9124.txt")).cable, by=desk_officer)
    services.confirm_posts(demarche, by=desk_officer)  # it tasks the members of collectives
    services.issue_demarche(demarche, by=desk_officer)
    # Its own dates are in 2010 (taken from the cable): give it this fortnight's, as the seed has.
    today = timezone.localdate()
    services.bulk_extend(
        demarche,
        post_ids=demarche.posts.values_list("post_id", flat=True),
        by=desk_officer,
        deliver_by=today + timedelta(days=7),
        report_by=today + timedelta(days=14),
    )
    return demarche


def test_the_overview_gives_each_post_its_worst_state_over_the_active_demarches(second, worked, manager):
    today = timezone.localdate()
    overview = {p.code: p for p in mapdata.overview_map_posts(manager, today=today, since=None)}
    per_demarche = {}
    for demarche in (worked, second):
        for post in mapdata.demarche_map_posts(dashboards.demarche_matrix(demarche, manager, today=today)):
            per_demarche.setdefault(post.code, []).append(post.state)

    assert {code: p.state for code, p in overview.items()} == {
        code: mapdata.worst(states) for code, states in per_demarche.items()
    }
    assert overview["kuwait"].state == "not_acknowledged" and overview["kuwait"].note == "2 demarches"
    assert overview["riyadh"].state == "not_acknowledged"  # delivered the seed, not yet 10STATE9124
    assert overview["new-delhi"].state == "overdue" and overview["new-delhi"].note == "1 demarche"
    assert overview["useu-brussels"].country_code == ""


def test_the_overview_leaves_out_closed_demarches_and_tasks_due_before_the_period(
    second, worked, manager, desk_officer
):
    today = timezone.localdate()
    services.close_demarche(second, by=desk_officer)
    codes = {p.code for p in mapdata.overview_map_posts(manager, today=today, since=None)}
    assert "useu-brussels" not in codes and "kuwait" in codes

    later = {
        p.code for p in mapdata.overview_map_posts(manager, today=today, since=today + timedelta(days=10))
    }
    assert later == set(worked.tasks.filter(kind=K.REPORT_BACK).values_list("post__code", flat=True))
    assert "new-delhi" in later


def test_the_overview_page_shows_the_map_and_the_missions_beside_it(client, second, manager):
    client.force_login(manager)
    section = _map_section(client.get(reverse("outreach:dashboard")).content.decode())

    assert re.search(r'<svg class="worldmap"[^>]* role="group" aria-label="Map of posts by state: ', section)
    assert _countries(section)["KW"][2] == "Kuwait: Kuwait, not acknowledged (2 demarches)"
    assert ">USEU Brussels</a>" in section[section.index("<aside") :]


def test_an_empty_map_still_has_its_name_and_says_so(db, manager):
    empty = worldmap.render([])
    assert 'aria-label="Map of posts by state: no posts to show"' in empty.svg
    assert empty.countries == [] and empty.elsewhere == []
    assert empty.table_body == '<tr><td colspan="3">No posts to show.</td></tr>'


# The map's data table as the template wrote it before WorldMap.table_body wrote it in Python.
TABLE_ROWS = Template(
    "{% for country, p in world_map.rows %}<tr><td>{{ country }}</td><td><a href=\"{{ p.url }}\">{{ p.name }}</a>"
    "</td><td>{{ p.state_label }}</td>{% if world_map.has_notes %}<td>{{ p.note }}</td>{% endif %}</tr>{% endfor %}"
)


@pytest.mark.parametrize("note", ["", "2 demarches"])
def test_the_maps_data_table_is_what_the_template_wrote(note):
    posts = [
        mapdata.MapPost("kw", "Kuwait <City> & Co", "embassy", "Kuwait", "KW", "overdue", "/p/kw?a=1&b=2", note),
        mapdata.MapPost("useu", "USEU Brussels", "mission", "", "", "reported", "/p/useu"),
        mapdata.MapPost("fr", "Paris", "embassy", "France", "FR", "delivered", "/p/fr"),
    ]
    drawn = worldmap.render(posts)

    assert drawn.table_body == TABLE_ROWS.render(Context({"world_map": drawn}))
    assert "Kuwait &lt;City&gt; &amp; Co" in drawn.table_body and "?a=1&amp;b=2" in drawn.table_body
    assert drawn.table_body.count("<td>") == len(posts) * (4 if note else 3)


# The list beside the map as the template wrote it before WorldMap.elsewhere_items wrote it in Python.
ELSEWHERE_ITEMS = Template(
    '{% for p in world_map.elsewhere %}<li><svg class="wm-swatch" viewBox="0 0 42 28" width="27" height="18" '
    'aria-hidden="true" focusable="false"><rect width="42" height="28" fill="url(#wm-{{ p.state }})" '
    'stroke="#222222" stroke-width="1.5"/></svg><a href="{{ p.url }}">{{ p.name }}</a>{% if p.country %} '
    '<span class="muted">({{ p.country }})</span>{% endif %}: {{ p.state_label|lower }}{% if p.note %} '
    '<span class="muted">· {{ p.note }}</span>{% endif %}</li>{% endfor %}'
)


def test_the_list_beside_the_map_is_what_the_template_wrote():
    posts = [
        mapdata.MapPost("usun", "USUN <NY> & Co", "mission", "", "", "overdue", "/p/usun?a=1&b=2", "2 demarches"),
        mapdata.MapPost("useu", "USEU Brussels", "mission", "Belgium <EU>", "", "reported", "/p/useu"),
        mapdata.MapPost("fr", "Paris", "embassy", "France", "FR", "delivered", "/p/fr"),
    ]
    drawn = worldmap.render(posts)

    assert [p.code for p in drawn.elsewhere] == ["useu", "usun"]  # Paris is drawn on the map
    assert drawn.elsewhere_items == ELSEWHERE_ITEMS.render(Context({"world_map": drawn}))
    assert "USUN &lt;NY&gt; &amp; Co" in drawn.elsewhere_items and "?a=1&amp;b=2" in drawn.elsewhere_items
    assert "(Belgium &lt;EU&gt;)" in drawn.elsewhere_items and "· 2 demarches" in drawn.elsewhere_items
    assert drawn.elsewhere_items.count("<li>") == 2
    assert worldmap.render([]).elsewhere_items == ""


# ---------------------------------------------------------------- the outline


def test_it_reads_the_packaged_outline_once_and_keeps_it_in_the_view_box():
    assert worldoutline.countries() is worldoutline.countries()
    outline = worldoutline.countries()
    x, y, width, height = worldoutline.VIEW_BOX
    for code in ("us", "cn", "fr", "ru", "au", "br", "za", "xk"):
        left, top, right, bottom = worldoutline.bounds(outline[code])
        assert x <= left < right <= x + width and y <= top < bottom <= y + height, code
    assert "aq" not in outline  # Antarctica: no posts
    assert outline["sg"].marker and outline["hk"].marker  # too small to click without pygal's dot
    assert sum(len(c.d) for c in outline.values()) < 120_000  # the 1.1 MB file, made fit to inline


def test_every_country_of_the_posts_data_is_on_the_map(db):
    codes = set(Post.objects.exclude(country_code="").values_list("country_code", flat=True))
    outline = worldoutline.countries()
    assert len(codes) > 150
    assert {
        c
        for c in codes
        if not (outline.get(c.lower()) and (outline[c.lower()].d or outline[c.lower()].marker))
    } == set()


def test_it_reads_relative_and_absolute_path_commands():
    assert worldoutline.parse_path("m 10,10 5,0 0,5 z m 1 1 l 2 2 H 20 v -3 C 1 1 2 2 30 30") == [
        [(10, 10), (15, 10), (15, 15)],
        [(11, 11), (13, 13), (20, 13), (20, 10), (30, 30)],
    ]
    matrix = worldoutline.parse_transform("translate(10,20) matrix(2,0,0,3,1,1)")
    assert worldoutline._apply(matrix, 1, 1) == (13, 24)


def test_the_map_states_are_ordered_worst_first():
    assert mapdata.worst(["reported", "delivered", "acknowledged"]) == "acknowledged"
    assert mapdata.worst(["reported", "not_delivered", "overdue"]) == "overdue"
    assert list(mapdata.STATES)[0] == "overdue" and list(mapdata.STATES)[-1] == "reported"
