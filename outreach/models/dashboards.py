"""Figures kept for the dashboards (outreach.dashboards): per-demarche counts, the map's tallies, the overview's snapshots."""

from django.db import models
from django.db.models import Case, F, FloatField, Value, When
from django.db.models.functions import Cast, NullIf

from accounts.roles import can_read_all
from cables.models import Post, post_ids_worked_by

from .demarches import Demarche, DemarchePost


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


class TaskingTallyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The tallies of the tasks a user may see: all for desk officers and managers, own posts' for embassy
        staff (a tally is an issued demarche's, never a draft's)."""
        if can_read_all(user):
            return self
        return self.filter(post_id__in=post_ids_worked_by(user))


class TaskingTally(models.Model):
    """The live tasks of one tasking of an issued demarche, per audience and due date, counted by step and
    status: what the overview's world map sums over a window of due dates (dashboards/mapdata.py).

    A window of 30 days at 20 million tasks holds ~42,000 tasks of ~15,000 taskings; summed from the tasks,
    the map read every one (and each talking-points task's siblings for the delivery rule); from here it
    reads ~29,000 narrow rows of one small table, the issued demarches' only. Kept exactly, in the writing
    transaction, by PostgreSQL triggers (migration 0017_tasking_tally, SQL in dashboards/tally_sql.py), which
    recount a tasking whenever one of its tasks changes, and every tasking of a demarche that is issued,
    closed or reopened. The acknowledgement is not kept here: the map reads it live. Empty on other
    databases, where the map counts the tasks.
    """

    # Indexed by tally_unique, which starts with it.
    demarche_post = models.ForeignKey(DemarchePost, on_delete=models.CASCADE, db_index=False, related_name="+")
    # Copies of the tasking's: the map filters by post without a join (no constraint: the tasking's cascade holds).
    demarche = models.ForeignKey(Demarche, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                                 related_name="+")
    post = models.ForeignKey(Post, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                             related_name="+")
    audience = models.CharField(max_length=120, blank=True)
    due = models.DateField()
    # This is the tasking's (and audience's) latest due date: the map counts each tasking in a window once.
    latest = models.BooleanField()
    # Per step (deliver: expressions.DELIVERY, talking points, report back): tasks, and those done,
    # not delivered and open.
    deliver_total = models.IntegerField()
    deliver_done = models.IntegerField()
    deliver_not = models.IntegerField()
    deliver_open = models.IntegerField()
    talking_total = models.IntegerField()
    talking_done = models.IntegerField()
    talking_not = models.IntegerField()
    talking_open = models.IntegerField()
    report_total = models.IntegerField()
    report_done = models.IntegerField()
    report_not = models.IntegerField()
    report_open = models.IntegerField()

    objects = TaskingTallyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["demarche_post", "audience", "due"], name="tally_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.demarche_post_id} {self.audience or '-'} {self.due}"


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
