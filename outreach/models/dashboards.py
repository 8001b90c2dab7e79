"""Figures kept for the dashboards (outreach.dashboards): per-demarche counts and the overview's snapshots."""

from django.db import models
from django.db.models import Case, F, FloatField, Value, When
from django.db.models.functions import Cast, NullIf

from .demarches import Demarche


def _percent_done(step: str):
    """% done of a step, the arithmetic of dashboards.expressions.percent; null for a draft or no tasks."""
    return Case(
        When(draft=True, then=Value(None)),
        default=Cast(F(f"{step}_done"), FloatField()) * 100.0 / NullIf(Cast(F(f"{step}_total"), FloatField()), 0.0),
        output_field=FloatField(),
    )


class DemarcheStats(models.Model):
    """Counts per demarche for the dashboards' demarche list, so sorting by % delivered reads one row each.

    Kept exactly, in the writing transaction, by PostgreSQL triggers (migration 0016_stats_sort_keys)
    on PostTask and DemarchePost; `manage.py rebuild_dashboard_stats` recomputes it. Cancelled tasks count
    nowhere; a draft's percentages are null. Unused (and empty) on other databases.
    """

    demarche = models.OneToOneField(Demarche, on_delete=models.CASCADE, primary_key=True, related_name="stats")
    posts = models.IntegerField(default=0)  # DemarchePost rows not removed
    delivery_total = models.IntegerField(default=0)  # expressions.DELIVERY: non-paper, special, lone talking points
    delivery_done = models.IntegerField(default=0)
    report_total = models.IntegerField(default=0)
    report_done = models.IntegerField(default=0)
    # The demarche is a draft (drafts show no percentages): a trigger on Demarche keeps it.
    draft = models.BooleanField(default=True)
    # Stored and indexed, so that sorting every demarche by a percentage reads 50 index entries.
    delivery_pct = models.GeneratedField(
        expression=_percent_done("delivery"), output_field=models.FloatField(), db_persist=True
    )
    report_pct = models.GeneratedField(
        expression=_percent_done("report"), output_field=models.FloatField(), db_persist=True
    )

    class Meta:
        indexes = [
            models.Index(fields=["delivery_pct"], name="dstats_delivery_pct_idx"),
            models.Index(fields=["report_pct"], name="dstats_report_pct_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.demarche_id}: {self.posts} posts"


class OverviewSnapshot(models.Model):
    """The overview's figures for one window and region, as computed at `computed_at` (outreach.dashboards.snapshots).

    For readers of every post only; `data` is the JSON of dashboards.window_figures (dates tagged so they
    come back as dates). Rows of past days are deleted by the refresh.
    """

    today = models.DateField()
    since = models.DateField()
    region = models.CharField(max_length=10, blank=True)
    computed_at = models.DateTimeField()
    data = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["today", "since", "region"], name="overview_snapshot_key")
        ]

    def __str__(self) -> str:
        return f"{self.today}: since {self.since} {self.region or 'all regions'} at {self.computed_at:%H:%M}"
