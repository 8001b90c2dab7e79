"""The dashboards' building blocks against the ORM spelling they replace: the delivery rule and the
overdue count (outreach/dashboards/expressions.py), a demarche's posts delivered and reported
(demarches.demarche_summary) and its figures in one read (demarches.demarche_figures)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Sum, When

from outreach.dashboards.demarches import demarche_figures, demarche_matrix, demarche_summary
from outreach.dashboards.expressions import (
    DELIVERY,
    DELIVERY_KINDS,
    DONE,
    REPORT,
    TALKING,
    OverdueTasks,
    count_where,
    live_tasks,
)
from outreach.dashboards.figures import by_region, figures
from outreach.models import Demarche, PostTask
from tests.outreach.figure_world import Kind, State, Status, add_demarche, generate, task
from tests.outreach.test_figure_parity import posts

# The rule as an ORM Exists, as expressions.py wrote it before NonPaperBeside.
ORM_NON_PAPER_BESIDE = Exists(
    PostTask.objects.filter(
        demarche=OuterRef("demarche"),
        post=OuterRef("post"),
        audience=OuterRef("audience"),
        kind=Kind.DELIVER_NON_PAPER,
    ).exclude(status=Status.CANCELLED)
)
ORM_DELIVERY = Q(kind__in=DELIVERY_KINDS) | (TALKING & ~ORM_NON_PAPER_BESIDE)


def _edge_cases(owner, chosen, today: date) -> None:
    """Talking points beside a non-paper of the same post and audience, a cancelled one, another
    audience's, another post's, and another demarche's."""

    def tasks_of(demarche, dpost):
        first = dpost.post_id == chosen[0].pk
        out = [task(demarche, dpost, Kind.TALKING_POINTS), task(demarche, dpost, Kind.REPORT_BACK, position=1)]
        points = task(demarche, dpost, Kind.TALKING_POINTS, position=2)
        points.audience = "Ministry of Defence"
        out.append(points)
        if first:  # the host government's non-paper, and a cancelled one for the ministry
            out.append(task(demarche, dpost, Kind.DELIVER_NON_PAPER, position=3))
            cancelled = task(demarche, dpost, Kind.DELIVER_NON_PAPER, position=4, status=Status.CANCELLED)
            cancelled.audience = "Ministry of Defence"
            out.append(cancelled)
        return out

    for number in range(2):
        add_demarche(900 + number, owner=owner, posts=chosen, issued_on=today - timedelta(days=5 + number),
                     state=State.ISSUED, tasks_of=tasks_of if number == 0 else lambda d, p: [
                         task(d, p, Kind.TALKING_POINTS), task(d, p, Kind.SPECIAL, position=1)])


def _world(owner, *, posts_count: int, demarches: int, seed: int, today: date):
    """A generated world plus the edge cases; returns its posts."""
    chosen = posts(posts_count)
    generate(owner=owner, posts=chosen, demarches=demarches, today=today, seed=seed)
    _edge_cases(owner, chosen[:3], today)
    return chosen


@pytest.mark.django_db
def test_the_delivery_rule_in_sql_is_the_orm_rule(desk_officer):
    today = date.today()
    _world(desk_officer, posts_count=12, demarches=12, seed=5, today=today)
    tasks = PostTask.objects.all()

    delivery = set(tasks.filter(DELIVERY).values_list("pk", flat=True))
    assert delivery == set(tasks.filter(ORM_DELIVERY).values_list("pk", flat=True))
    points = tasks.filter(kind=Kind.TALKING_POINTS)
    # Both answers occur: points beside a non-paper are not a delivery, points alone are.
    assert points.filter(pk__in=delivery).exists() and points.exclude(pk__in=delivery).exists()

    # Inside an aggregate's filter, grouped, and in a correlated subquery (where the task table is U0).
    grouped = tasks.values("demarche_id").annotate(n=Count("pk", filter=DELIVERY)).order_by("demarche_id")
    orm = tasks.values("demarche_id").annotate(n=Count("pk", filter=ORM_DELIVERY)).order_by("demarche_id")
    assert list(grouped) == list(orm)
    per_demarche = tasks.filter(demarche=OuterRef("pk"), status=Status.DONE).filter(DELIVERY)
    nested = Demarche.objects.annotate(n=Exists(per_demarche)).values_list("pk", "n").order_by("pk")
    assert list(nested) == [
        (pk, tasks.filter(demarche_id=pk, status=Status.DONE).filter(ORM_DELIVERY).exists())
        for pk in Demarche.objects.order_by("pk").values_list("pk", flat=True)
    ]
    assert by_region(live_tasks(desk_officer), today=today)  # the figures compile and run with it


def _completion_in_sql(demarche, user) -> dict:
    """The posts delivered and reported as demarche_summary counted them in SQL before it read the matrix."""
    per_post = (
        live_tasks(user).filter(demarche=demarche).values("post_id")
        .annotate(d_total=count_where(DELIVERY), d_done=count_where(DELIVERY & DONE),
                  r_total=count_where(REPORT), r_done=count_where(REPORT & DONE))
        .order_by()
    )
    done = {name: Case(When(**{f"{step}_total__gt": 0, f"{step}_done": F(f"{step}_total")}, then=1), default=0,
                       output_field=IntegerField()) for name, step in (("delivered", "d"), ("reported", "r"))}
    counts = per_post.annotate(**done).aggregate(
        posts=Count("post_id"), delivered_posts=Sum("delivered"), reported_posts=Sum("reported")
    )
    return {key: value or 0 for key, value in counts.items()}


@pytest.mark.django_db
def test_a_demarches_posts_delivered_and_reported_are_counted_as_in_sql(desk_officer):
    today = date.today()
    _world(desk_officer, posts_count=12, demarches=12, seed=6, today=today)

    seen = set()
    for demarche in Demarche.objects.order_by("pk"):
        matrix = demarche_matrix(demarche, desk_officer, today=today)
        summary = demarche_summary(demarche, desk_officer, today=today, matrix=matrix)
        counts = {key: summary[key] for key in ("posts", "delivered_posts", "reported_posts")}
        assert counts == _completion_in_sql(demarche, desk_officer), demarche.reference_id
        assert demarche_summary(demarche, desk_officer, today=today) == summary  # without the matrix given
        seen.add((counts["posts"] > counts["delivered_posts"] > 0, counts["posts"] > counts["reported_posts"] > 0))
    assert (True, True) in seen  # some demarches have some posts done and others not


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serves the reference itself (no GROUPING SETS)")
def test_a_demarches_figures_in_one_read_are_the_reference(desk_officer, make_embassy_user):
    today = date.today()
    chosen = _world(desk_officer, posts_count=30, demarches=20, seed=7, today=today)
    staff = make_embassy_user("figures-staff", chosen[0].code)

    checked = 0
    for demarche in Demarche.objects.order_by("pk"):
        for user in (desk_officer, staff):
            tasks = live_tasks(user).filter(demarche=demarche)
            reference = tasks.aggregate(**figures(today)), by_region(tasks, today=today)
            assert demarche_figures(demarche, user, today=today) == reference, (demarche.reference_id, user)
            checked += bool(reference[1])
    assert checked > 20  # most demarches have tasks, for both users


@pytest.mark.django_db
def test_the_overdue_count_in_sql_counts_open_tasks_due_before_today_of_issued_demarches(desk_officer):
    """Due yesterday is overdue, due today is not; done and cancelled tasks never are; a closed demarche's
    or a draft's open tasks are not counted; every post's tasks are."""
    today = date.today()
    chosen = posts(3)

    def tasks_of(demarche, dpost):
        return [
            task(demarche, dpost, Kind.DELIVER_NON_PAPER, due=today - timedelta(days=1)),
            task(demarche, dpost, Kind.TALKING_POINTS, position=1, due=today),
            task(demarche, dpost, Kind.SPECIAL, position=2, due=today - timedelta(days=3), status=Status.DONE),
            task(demarche, dpost, Kind.REPORT_BACK, position=3, due=today - timedelta(days=3),
                 status=Status.CANCELLED),
        ]

    made = {
        state: add_demarche(950 + n, owner=desk_officer, posts=chosen, issued_on=today - timedelta(days=20),
                            state=state, tasks_of=tasks_of)
        for n, state in enumerate((State.ISSUED, State.CLOSED, State.DRAFT))
    }
    counts = dict(Demarche.objects.annotate(n=OverdueTasks(today)).values_list("pk", "n"))

    assert counts == {made[State.ISSUED].pk: 3, made[State.CLOSED].pk: 0, made[State.DRAFT].pk: 0}
    # The ORM spelling it replaced, over the live tasks.
    orm = dict(
        Demarche.objects.filter(state=State.ISSUED)
        .annotate(n=Count("tasks", filter=Q(tasks__in=live_tasks(desk_officer).filter(
            status=Status.OPEN, due__lt=today))))
        .values_list("pk", "n")
    )
    assert orm == {made[State.ISSUED].pk: 3}
