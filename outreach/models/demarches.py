"""Demarches and the per-post tasks they generate.

Nothing here is ever hard-deleted: posts are removed from a demarche with a flag,
tasks are cancelled, and every change leaves a TaskEvent.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from accounts.roles import can_read_all
from cables.models import Cable, Post, post_ids_worked_by


class DemarcheQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Demarches a user may see: all for desk officers and managers; for embassy staff, those with a
        task of theirs they may see (never a draft)."""
        if can_read_all(user):
            return self
        return self.filter(Exists(PostTask.objects.visible_to(user).filter(demarche=OuterRef("pk"))))


class Demarche(models.Model):
    """The tasking that one action-request cable gives its action posts."""

    class State(models.TextChoices):
        DRAFT = "draft"
        ISSUED = "issued"
        CLOSED = "closed"

    cable = models.ForeignKey(Cable, on_delete=models.PROTECT, related_name="demarches")
    reference_id = models.CharField(max_length=40, unique=True)
    subject = models.TextField(blank=True)
    instructions = models.TextField(blank=True, help_text="The action request, as the posts will read it.")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_demarches")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    deliver_by = models.DateField()
    report_by = models.DateField()
    # Where the report date came from ("from paragraph 5 of the cable: ..."); blank when a person set it.
    report_by_source = models.CharField(max_length=300, blank=True)
    # The collective action addressees and the posts each was expanded to when the draft was made
    # ([{raw, key, name, as_of, members: [post codes]}], key null when the Collective table does not know it).
    collectives = models.JSONField(default=list, blank=True)
    # A draft tasking a collective's members is issued only after a desk officer confirms its post list.
    posts_confirmed_at = models.DateTimeField(null=True, blank=True)
    posts_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Reminder policy; null means the default from settings.
    remind_days_before = models.PositiveSmallIntegerField(null=True, blank=True)
    overdue_every_days = models.PositiveSmallIntegerField(null=True, blank=True)
    escalate_after_days = models.PositiveSmallIntegerField(null=True, blank=True)
    max_reminders = models.PositiveSmallIntegerField(null=True, blank=True)
    # Optimistic lock: a save that read an older version is refused.
    version = models.PositiveIntegerField(default=1)

    objects = DemarcheQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Dashboards list active demarches by due date.
            models.Index(fields=["state", "deliver_by"], name="demarche_state_due_idx"),
            # The demarche list in any state and /api/demarches/ (newest deliver-by first, 50 a page): read
            # from the index's end, not by sorting every demarche ever made.
            models.Index(fields=["deliver_by", "id"], name="demarche_deliver_by_idx"),
        ]

    def __str__(self) -> str:
        return self.reference_id

    def get_absolute_url(self) -> str:
        return reverse("outreach:demarche_detail", args=[self.reference_id])

    @property
    def is_editable(self) -> bool:
        return self.state != self.State.CLOSED

    @property
    def needs_post_confirmation(self) -> bool:
        return bool(self.collectives) and self.posts_confirmed_at is None and self.state == self.State.DRAFT


class DemarchePostQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A demarche's posts a user may see: all for desk officers and managers, own posts' for embassy
        staff, and never a draft's."""
        if can_read_all(user):
            return self
        return self.filter(post__in=post_ids_worked_by(user)).exclude(demarche__state=Demarche.State.DRAFT)


class DemarchePost(models.Model):
    """One action post of a demarche: receipt acknowledgement and the officer assigned."""

    demarche = models.ForeignKey(Demarche, on_delete=models.CASCADE, related_name="posts")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="demarche_posts")
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set when a desk officer acknowledges on the post's behalf.
    acknowledged_note = models.TextField(blank=True)
    removed = models.BooleanField(default=False)
    added_after_issue = models.BooleanField(default=False)

    objects = DemarchePostQuerySet.as_manager()

    class Meta:
        ordering = ["post__name"]
        constraints = [
            models.UniqueConstraint(fields=["demarche", "post"], name="demarche_post_unique"),
        ]
        indexes = [
            # "Posts that have not acknowledged" on dashboards.
            models.Index(fields=["post", "acknowledged_at"], name="dpost_ack_idx"),
            # outreach.dashboards.unacknowledged (overview: rows and totals): the unacknowledged, live
            # taskings of each issued demarche, read from the index alone.
            models.Index(
                fields=["demarche"], name="dpost_unack_idx", include=["id", "post"],
                condition=Q(acknowledged_at__isnull=True, removed=False),
            ),
            # The overview's map (dashboards/mapdata.step_rows_from_tallies): every unacknowledged tasking of
            # the issued demarches, removed ones too (a removed post's done tasks stay on the map).
            models.Index(
                fields=["demarche"], name="dpost_unack_any_idx", include=["id"],
                condition=Q(acknowledged_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.demarche} → {self.post}"


class PostTaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=PostTask.Status.OPEN)

    def active(self):
        """Tasks of issued demarches, the only ones posts work on."""
        return self.filter(demarche__state=Demarche.State.ISSUED)

    def visible_to(self, user):
        """The tasks a user may see: all for desk officers and managers, own posts' for embassy staff
        (never a draft's)."""
        if can_read_all(user):
            return self
        return self.filter(post__in=post_ids_worked_by(user)).exclude(demarche__state=Demarche.State.DRAFT)


class PostTask(models.Model):
    """One thing one post must do for one demarche (and one audience)."""

    class Kind(models.TextChoices):
        DELIVER_NON_PAPER = "deliver_non_paper", "Deliver the non-paper"
        TALKING_POINTS = "talking_points", "Make the talking points"
        REPORT_BACK = "report_back", "Report back"
        SPECIAL = "special", "Special instruction"

    class Status(models.TextChoices):
        OPEN = "open"
        DONE = "done"
        NOT_DELIVERED = "not_delivered", "Not delivered"
        CANCELLED = "cancelled"

    class Method(models.TextChoices):
        MEETING = "meeting"
        NOTE = "note", "Diplomatic note"
        EMAIL = "email"
        PHONE = "phone"

    class Response(models.TextChoices):
        WELCOMED = "welcomed"
        NOTED = "noted"
        NON_COMMITTAL = "non_committal", "Non-committal"
        REJECTED = "rejected"
        NO_RESPONSE = "no_response", "No response"

    demarche = models.ForeignKey(Demarche, on_delete=models.CASCADE, related_name="tasks")
    demarche_post = models.ForeignKey(DemarchePost, on_delete=models.CASCADE, related_name="tasks")
    # Denormalised from demarche_post so inbox and dashboard queries need no join.
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="tasks")
    audience = models.CharField(
        max_length=120, blank=True, help_text="Blank: the host government. Else the other authority, e.g. Macau."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    instruction = models.TextField(blank=True)
    # The points to make, flattened from the deliverable sections: [{text, conditional}].
    talking_points = models.JSONField(default=list, blank=True)
    # The cable's sections behind this task, each with its own marking and flags:
    # [{paragraph, heading, marking, conditional, background, releasable_to, points: [{text, conditional}]}].
    # A background section (NOFORN, "not for delivery") is for the post's own use, never to hand over.
    sections = models.JSONField(default=list, blank=True)
    # The text to hand over (a non-paper, a letter, a note), its kind in words and its marking.
    text = models.TextField(blank=True)
    text_kind = models.CharField(max_length=20, blank=True)
    marking = models.TextField(blank=True)
    tp_paragraph = models.PositiveSmallIntegerField(null=True, blank=True)
    releasable_to = models.JSONField(default=list, blank=True)
    # Set when the cable gives this action post no talking points, for the desk officer to resolve.
    needs_attention = models.CharField(max_length=255, blank=True)
    due = models.DateField()
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    status_reason = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What the post reports.
    delivered_on = models.DateField(null=True, blank=True)
    requested_level = models.CharField(max_length=255, blank=True)
    officials = models.JSONField(default=list, blank=True)  # [{name, title, ministry}]
    method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    response = models.CharField(max_length=20, choices=Response.choices, blank=True)
    response_text = models.TextField(blank=True)
    reply_reference_id = models.CharField(max_length=40, blank=True)
    reply_cable = models.ForeignKey(
        Cable, null=True, blank=True, on_delete=models.PROTECT, related_name="reported_tasks"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    # The demarche's issue date (local date of issued_at), null while draft: dashboards need no demarche join.
    # On PostgreSQL a trigger keeps it (migration 0004_perf_issued_on); the services set it too.
    issued_on = models.DateField(null=True, blank=True, editable=False)

    objects = PostTaskQuerySet.as_manager()

    class Meta:
        ordering = ["due", "demarche_id", "post__name", "audience", "position"]
        constraints = [
            # Creating a demarche twice from one cable must not duplicate tasks.
            models.UniqueConstraint(
                fields=["demarche", "post", "audience", "kind", "position"], name="post_task_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status="not_delivered") | ~Q(status_reason=""),
                name="not_delivered_needs_reason",
            ),
        ]
        indexes = [
            # Embassy inbox: a post's open tasks, soonest due first.
            models.Index(fields=["post", "status", "due"], name="task_inbox_idx"),
            # A post's figure set over its recent tasks (dashboards.posts.post_summary): the window of
            # due dates, whatever the years of closed history behind it; and the count of all its live
            # tasks (the post page's "All tasks") from the index alone.
            models.Index(fields=["post", "due"], name="task_post_due_idx", include=["status", "demarche"]),
            # Reminder sweep and overdue counts: open tasks by due date.
            models.Index(fields=["status", "due"], name="task_status_due_idx"),
            # Demarche matrix and completion figures.
            models.Index(fields=["demarche", "kind", "status"], name="task_demarche_kind_idx"),
            # Overview figures over a window of due dates (outreach.dashboards.overview): covering,
            # so the window is read from the index alone.
            models.Index(
                fields=["due"], name="task_due_cover_idx",
                include=["id", "status", "kind", "post", "demarche", "delivered_on", "completed_at", "issued_on"],
            ),
            # Overdue counts per demarche and the overview's overdue list (issued demarches' open tasks).
            models.Index(fields=["demarche", "status", "due"], name="task_demarche_open_due_idx"),
            # outreach.dashboards.overdue_tasks (overview's overdue list and its count): the open tasks
            # past due of each issued demarche, read from the index alone.
            models.Index(
                fields=["demarche", "due"], name="task_open_overdue_idx",
                include=["id", "post", "kind", "audience", "status"], condition=Q(status="open"),
            ),
        ]

    def __str__(self) -> str:
        audience = f" ({self.audience})" if self.audience else ""
        return f"{self.demarche} {self.post}{audience}: {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("outreach:task_detail", args=[self.pk])

    @property
    def title(self) -> str:
        """The task's name on pages: "Deliver the letter" for a letter, else the kind's label."""
        if self.kind == self.Kind.DELIVER_NON_PAPER and self.text_kind and self.text_kind != "non-paper":
            return f"Deliver the {self.text_kind}"
        return self.get_kind_display()

    def is_overdue(self, today) -> bool:
        return self.status == self.Status.OPEN and self.due < today
