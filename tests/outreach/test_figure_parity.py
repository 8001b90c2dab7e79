"""One definition of each dashboard figure: the faster paths equal the reference, and the reference the definitions.

The reference is dashboards/figures.py (ORM aggregates). Three faster paths serve the pages on PostgreSQL:
the overview's one-pass SQL (onepass.py), the demarche list's counts kept by triggers (DemarcheStats) and
the overview map's, summed from TaskingTally (mapdata.step_rows_from_tallies).
On each database, for a reader of every post and for embassy staff, over several windows and regions:
  - the reference equals the definitions written out in Python (figure_world.oracle_*);
  - what the pages are served (window_figures, demarches_with_figures) equals the reference;
  - on PostgreSQL, each faster path called on its own equals the reference.
SQLite serves the reference itself, so there the first two checks are the ones that can fail.
"""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from cables.models import Post
from outreach.dashboards.demarches import (
    demarches_with_counted_figures,
    demarches_with_figures,
    demarches_with_stored_figures,
)
from outreach.dashboards.expressions import live_tasks
from outreach.dashboards.fastpath import FirstPagePaginator
from outreach.dashboards.figures import figure_sets
from outreach.dashboards.mapdata import step_rows_from_tallies, step_rows_from_tasks
from outreach.dashboards.onepass import overview_one_pass
from outreach.dashboards.overview import window_figures, window_tasks
from outreach.dashboards.tables import DemarcheTable
from outreach.models import Demarche, DemarchePost, PostTask
from tests.outreach.figure_world import (
    Kind,
    State,
    Status,
    add_demarche,
    generate,
    oracle_demarche_list,
    oracle_figure_sets,
    rows,
    task,
)

POSTGRES = connection.vendor == "postgresql"
ALL_KINDS = (Kind.DELIVER_NON_PAPER, Kind.SPECIAL, Kind.TALKING_POINTS, Kind.REPORT_BACK)


def posts(count: int, *, region: str | None = None) -> list[Post]:
    """Real posts, and the department (no region) unless one region is asked for."""
    chosen = Post.objects.exclude(region="").order_by("code")
    if region:
        return list(chosen.filter(region=region)[:count])
    return [*chosen[: count - 1], Post.objects.get(code="secstate")]


def every_kind(status=Status.OPEN, *, done_after_due: int | None = None, done_after_issue: int | None = None):
    """tasks_of for add_demarche: one task of each kind per post, all in one status."""

    def tasks_of(demarche, dpost):
        out = []
        for position, kind in enumerate(ALL_KINDS):
            due = demarche.report_by if kind == Kind.REPORT_BACK else demarche.deliver_by
            done = None
            if done_after_due is not None:
                done = due + timedelta(days=done_after_due)
            elif done_after_issue is not None:
                done = demarche.issued_at.date() + timedelta(days=done_after_issue)
            out.append(task(demarche, dpost, kind, status=status, position=position,
                            delivered_on=done if kind != Kind.REPORT_BACK else None, completed_on=done))
        return out

    return tasks_of


def build(name: str, owner, today: date) -> list[Post]:
    """Make one world; return the posts it uses (the first two are the embassy user's)."""
    if name == "generated, small":
        chosen = posts(12)
        generate(owner=owner, posts=chosen, demarches=8, today=today, seed=11)
    elif name == "generated, large":
        chosen = posts(60)
        generate(owner=owner, posts=chosen, demarches=70, today=today, seed=4690)
    elif name == "no tasks":
        chosen = posts(3)
        add_demarche(1, owner=owner, posts=chosen, issued_on=today - timedelta(days=10), state=State.ISSUED,
                     tasks_of=lambda demarche, dpost: [])
    elif name == "every task not delivered":
        chosen = posts(4)
        add_demarche(1, owner=owner, posts=chosen, issued_on=today - timedelta(days=20), state=State.ISSUED,
                     tasks_of=every_kind(Status.NOT_DELIVERED))
    elif name == "done late":
        chosen = posts(4)
        for number, ago in enumerate((40, 15)):
            add_demarche(number, owner=owner, posts=chosen, issued_on=today - timedelta(days=ago),
                         state=State.ISSUED, tasks_of=every_kind(Status.DONE, done_after_due=3 + number))
    elif name == "done before issue":
        chosen = posts(4)
        add_demarche(1, owner=owner, posts=chosen, issued_on=today - timedelta(days=12), state=State.ISSUED,
                     tasks_of=every_kind(Status.DONE, done_after_issue=-2))
    elif name == "one post":
        chosen = posts(1, region="EUR")
        for number, ago in enumerate((5, 35, 70)):
            status = (Status.OPEN, Status.DONE, Status.DONE)[number]
            add_demarche(number, owner=owner, posts=chosen, issued_on=today - timedelta(days=ago),
                         state=State.ISSUED, tasks_of=every_kind(status, done_after_issue=number * 4))
    elif name == "one region":
        chosen = posts(6, region="EUR")
        generate(owner=owner, posts=chosen, demarches=6, today=today, seed=7)
    elif name == "closed demarches":
        chosen = posts(8)
        generate(owner=owner, posts=chosen, demarches=10, today=today, seed=3)
        Demarche.objects.exclude(state=State.DRAFT).update(state=State.CLOSED)
    else:
        raise ValueError(name)
    return chosen


WORLDS = [
    "generated, small",
    "generated, large",
    "no tasks",
    "every task not delivered",
    "done late",
    "done before issue",
    "one post",
    "one region",
    "closed demarches",
]


@pytest.fixture(params=WORLDS)
def world(request, db, desk_officer, manager, make_embassy_user):
    today = timezone.localdate()
    chosen = build(request.param, desk_officer, today)
    staff = make_embassy_user("parity-staff", *[p.code for p in chosen[:2]])
    readers = [("manager", manager, None), ("staff", staff, {p.pk for p in chosen[:2]})]
    return {"name": request.param, "today": today, "readers": readers}


def test_the_worlds_hold_what_their_names_say(world):
    live = rows(PostTask.objects.all())
    states = set(Demarche.objects.values_list("state", flat=True))
    expected = {
        "generated, small": lambda: {r.status for r in live} == {Status.OPEN, Status.DONE, Status.NOT_DELIVERED},
        "generated, large": lambda: states == set(State.values) and len(live) > 1000,
        "no tasks": lambda: not PostTask.objects.exists() and states == {State.ISSUED},
        "every task not delivered": lambda: live and {r.status for r in live} == {Status.NOT_DELIVERED},
        "done late": lambda: live and all(r.status == Status.DONE and r.done_on > r.due for r in live),
        "done before issue": lambda: live and all(r.done_on < r.issued_on for r in live),
        "one post": lambda: len({r.post_id for r in live}) == 1,
        "one region": lambda: {r.region for r in live} == {"EUR"},
        "closed demarches": lambda: live and states <= {State.CLOSED, State.DRAFT},
    }
    assert expected[world["name"]]()


@pytest.mark.parametrize("days", [None, 30])
@pytest.mark.parametrize("region", ["", "EUR"])
def test_the_overview_figures_are_the_definitions_whatever_the_path(world, days, region):
    today = world["today"]
    since = today - timedelta(days=days) if days else None
    for label, user, _ in world["readers"]:
        tasks = window_tasks(live_tasks(user), since=since, region=region)
        reference = figure_sets(tasks, today=today, limit=10)
        oracle = oracle_figure_sets(
            rows(window_tasks(PostTask.objects.visible_to(user), since=since, region=region)), today
        )
        assert reference == oracle, label
        assert window_figures(live_tasks(user), today=today, since=since, region=region) == reference, label
        if POSTGRES:
            assert overview_one_pass(tasks, today=today, limit=10) == reference, label


def _list(demarches) -> dict[int, tuple]:
    return {d.pk: (d.posts_count, d.delivered_pct, d.reported_pct, d.overdue_count) for d in demarches}


def test_the_demarche_list_figures_are_the_definitions_whatever_the_path(world):
    today = world["today"]
    for label, user, post_ids in world["readers"]:
        counted = _list(demarches_with_counted_figures(user, today=today))
        oracle = oracle_demarche_list(
            PostTask.objects.visible_to(user), Demarche.objects.visible_to(user), today, post_ids=post_ids
        )
        assert counted == oracle, label
        assert _list(demarches_with_figures(user, today=today)) == counted, label
        if POSTGRES and post_ids is None:  # DemarcheStats holds every post's counts: readers of every post
            assert _list(demarches_with_stored_figures(user, today=today)) == counted, label


@pytest.mark.parametrize("sort", ["delivered_pct", "-delivered_pct", "reported_pct", "-reported_pct"])
def test_a_sort_by_a_percentage_gives_the_references_rows_order_and_count(world, sort):
    """The list as DemarcheTable sorts and pages it (on PostgreSQL, for readers of every post, through
    DemarcheStats' indexed keys and an inner join) against the reference sorted by its own values."""
    today, key = world["today"], sort.lstrip("-")
    for label, user, post_ids in world["readers"]:
        reference = list(demarches_with_counted_figures(user, today=today).order_by(sort))
        table = DemarcheTable(demarches_with_figures(user, today=today), today=today, order_by=sort)
        table.paginate(FirstPagePaginator, per_page=2)
        served = list(table.data)
        assert [getattr(d, key) for d in served] == [getattr(d, key) for d in reference], label
        assert sorted(d.pk for d in served) == sorted(d.pk for d in reference), label
        assert table.paginator.count == len(reference), label
        stored = POSTGRES and post_ids is None
        assert ('INNER JOIN "outreach_demarchestats"' in str(table.data.data.query)) == stored, label


def _map_rows(rows) -> dict[tuple, dict]:
    # `unacknowledged` counts tasks from the tasks and tally rows from the tallies: only nought matters.
    return {(r["post_id"], r["audience"]): {**r, "unacknowledged": r["unacknowledged"] > 0} for r in rows}


@pytest.mark.postgres_only(reason="TaskingTally is kept by PostgreSQL's triggers")
@pytest.mark.parametrize("days", [None, 30])
@pytest.mark.parametrize("region", ["", "EUR"])
def test_the_overview_maps_rows_are_the_same_from_the_tallies_as_from_the_tasks(world, days, region):
    today = world["today"]
    since = today - timedelta(days=days) if days else None
    # The worlds acknowledge nothing: every other post acknowledges all its taskings here, so the map reads both.
    posts = sorted(set(DemarchePost.objects.values_list("post_id", flat=True)))
    DemarchePost.objects.filter(post_id__in=posts[::2]).update(acknowledged_at=timezone.now())
    for label, user, _ in world["readers"]:
        from_tasks = _map_rows(step_rows_from_tasks(user, since=since, region=region))
        if world["name"] == "generated, large" and label == "manager" and not region:
            assert len(from_tasks) > 20
            assert {r["unacknowledged"] for r in from_tasks.values()} == {True, False}
        assert _map_rows(step_rows_from_tallies(user, since=since, region=region)) == from_tasks, label
