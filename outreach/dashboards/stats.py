"""DemarcheStats and TaskingTally upkeep: the recount and the rebuild, from the SQL the migrations also use."""

from __future__ import annotations

from django.db import connection, transaction

from ..models import DemarcheStats, TaskingTally
from . import stats_sql, tally_sql

STATS_FIELDS = ("posts", "delivery_total", "delivery_done", "report_total", "report_done", "draft")


def recomputed_stats() -> dict[int, tuple]:
    """DemarcheStats' values computed afresh from the tasks and posts: {demarche_id: (posts, ...)}."""
    with connection.cursor() as cursor:
        cursor.execute(stats_sql.STATS_SELECT)
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def stored_stats() -> dict[int, tuple]:
    """DemarcheStats' values as the triggers kept them: {demarche_id: (posts, ...)}."""
    return {row[0]: tuple(row[1:]) for row in DemarcheStats.objects.values_list("demarche_id", *STATS_FIELDS)}


def recomputed_tallies() -> set[tuple]:
    """TaskingTally's rows counted afresh from the tasks, as tuples of tally_sql.COLUMNS."""
    with connection.cursor() as cursor:
        cursor.execute(tally_sql.TALLY_SELECT.format(where="TRUE"))
        return set(cursor.fetchall())


def stored_tallies() -> set[tuple]:
    """TaskingTally's rows as the triggers kept them."""
    return set(TaskingTally.objects.values_list(*tally_sql.COLUMNS))


@transaction.atomic
def rebuild_stats() -> int:
    """Recompute DemarcheStats and TaskingTally from the tasks (PostgreSQL); return how many rows were
    wrong or missing (a tally row left over counts too)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        # Writers wait meanwhile: a delta committed between the read and the write would be lost.
        cursor.execute("LOCK TABLE outreach_posttask, outreach_demarchepost, outreach_demarche IN SHARE MODE")
        fresh, stored = recomputed_stats(), stored_stats()
        wrong = sum(1 for pk, values in fresh.items() if stored.get(pk) != values)
        if wrong:
            cursor.execute(stats_sql.REBUILD_SQL)
        tallies = len(recomputed_tallies() ^ stored_tallies())
        if tallies:
            cursor.execute(tally_sql.REBUILD_SQL)
    return wrong + tallies
