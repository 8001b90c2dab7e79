"""DemarcheStats upkeep: the recount and the rebuild, from the SQL the triggers' migration also uses."""

from __future__ import annotations

from django.db import connection, transaction

from ..models import DemarcheStats
from . import stats_sql

STATS_FIELDS = ("posts", "delivery_total", "delivery_done", "report_total", "report_done", "draft")


def recomputed_stats() -> dict[int, tuple]:
    """DemarcheStats' values computed afresh from the tasks and posts: {demarche_id: (posts, ...)}."""
    with connection.cursor() as cursor:
        cursor.execute(stats_sql.STATS_SELECT)
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def stored_stats() -> dict[int, tuple]:
    """DemarcheStats' values as the triggers kept them: {demarche_id: (posts, ...)}."""
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
            cursor.execute(stats_sql.REBUILD_SQL)
    return wrong
