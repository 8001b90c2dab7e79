"""Figures kept for the dashboards (outreach.dashboards): per-demarche counts and the overview's snapshots."""

from django.db import models

from .demarches import Demarche


class DemarcheStats(models.Model):
    """Counts per demarche for the dashboards' demarche list, so sorting by % delivered reads one row each.

    Kept exactly, in the writing transaction, by PostgreSQL triggers (migration 0005_perf_dashboard_stats)
    on PostTask and DemarchePost; `manage.py rebuild_dashboard_stats` recomputes it. Cancelled tasks count
    nowhere; the demarche's state is applied when reading. Unused (and empty) on other databases.
    """

    demarche = models.OneToOneField(Demarche, on_delete=models.CASCADE, primary_key=True, related_name="stats")
    posts = models.IntegerField(default=0)  # DemarchePost rows not removed
    delivery_total = models.IntegerField(default=0)  # deliver the non-paper and special instructions
    delivery_done = models.IntegerField(default=0)
    report_total = models.IntegerField(default=0)
    report_done = models.IntegerField(default=0)

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
