"""The SQL building blocks of every dashboard figure: task classes, dates, medians, the live tasks."""

from __future__ import annotations

import statistics
from datetime import date

from django.db import connections
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf, TruncDate
from django.db.models.lookups import LessThan

from cables.models import Region
from config.db_router import read_alias

from ..models import Demarche, PostTask

Kind = PostTask.Kind
Status = PostTask.Status
DELIVERY_KINDS = (Kind.DELIVER_NON_PAPER, Kind.SPECIAL)
TALKING = Q(kind=Kind.TALKING_POINTS)


class NonPaperBeside(Func):
    """Whether the task's post has a live non-paper to hand over to the same audience (for its demarche).

    The subquery of stats_sql.IS_DELIVERY, written around the task's own columns, whatever the query calls
    its table. The same test as an ORM Exists took ~0.6 ms to resolve and compile at each use, and one
    demarche's page uses it eighteen times. tests/outreach/test_expressions.py holds the two equal.
    """

    arity = 3
    output_field = BooleanField()

    def __init__(self):
        super().__init__(F("demarche_id"), F("post_id"), F("audience"))

    def as_sql(self, compiler, connection, **extra):
        (demarche, post, audience), params = zip(*(compiler.compile(e) for e in self.get_source_expressions()))
        table = connection.ops.quote_name(PostTask._meta.db_table)
        sql = (
            f"EXISTS (SELECT 1 FROM {table} beside WHERE beside.demarche_id = {demarche} AND beside.post_id = "
            f"{post} AND beside.audience = {audience} AND beside.kind = %s AND beside.status <> %s)"
        )
        return sql, (*params[0], *params[1], *params[2], Kind.DELIVER_NON_PAPER.value, Status.CANCELLED.value)


class OverdueTasks(Func):
    """The demarche's open tasks due before `today`, when it is issued (else 0): every post's.

    The demarche list's overdue count for readers of every post, as SQL around the demarche's own columns.
    The ORM's correlated subquery joined the demarche again and excluded the drafts (the live tasks) before
    asking for an issued one: ~0.45 ms more to compile and 0.25 ms more for PostgreSQL to plan, on every
    list page. tests/outreach/test_figure_parity.py holds it equal to the count from the live tasks, and
    tests/outreach/test_expressions.py checks its edges (due today, done, cancelled, closed, draft).
    """

    arity = 3
    output_field = IntegerField()

    def __init__(self, today: date):
        super().__init__(F("pk"), F("state"), Value(today))

    def as_sql(self, compiler, connection, **extra):
        (pk, state, today), params = zip(*(compiler.compile(e) for e in self.get_source_expressions()))
        table = connection.ops.quote_name(PostTask._meta.db_table)
        sql = (
            f"CASE WHEN {state} = %s THEN (SELECT COUNT(*) FROM {table} overdue WHERE overdue.demarche_id = {pk} "
            f"AND overdue.status = %s AND overdue.due < {today}) ELSE 0 END"
        )
        return sql, (*params[1], Demarche.State.ISSUED.value, *params[0], Status.OPEN.value, *params[2])


# The talking points are the post's delivery when it has no non-paper (or letter) to hand over, for the
# same audience: a talking-points-only demarche is delivered when its points are made.
# stats_sql.IS_DELIVERY is the same rule in SQL, for the DemarcheStats triggers.
DELIVERY = Q(kind__in=DELIVERY_KINDS) | (TALKING & ~NonPaperBeside())
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


def count_where(condition: Q) -> Count:
    """How many rows match the condition."""
    return Count("pk", filter=condition)


def percent(part: Q, whole: Q):
    """Percentage of the rows matching `whole` that also match `part`; null when there are none."""
    whole_count = NullIf(Cast(count_where(whole), FloatField()), 0.0)
    return Cast(count_where(part & whole), FloatField()) * 100.0 / whole_count


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
    """Days from the demarche's issue date to the done date; 0 for a date before the issue.

    The services refuse such dates now; older rows (and direct writes) still hold some, and a task cannot
    take less than no time.
    """
    if connections[read_alias(PostTask)].vendor == "postgresql":
        # Denormalised and kept by a trigger (migration 0004_perf_issued_on): no demarche join.
        days = DaysBetween(done_on(), F("issued_on"))
    else:
        days = DaysBetween(done_on(), TruncDate("demarche__issued_at"))
    # Not GREATEST: PostgreSQL's ignores a null, and an unknown date must stay unknown.
    return Case(When(LessThan(days, 0), then=Value(0)), default=days, output_field=IntegerField())
