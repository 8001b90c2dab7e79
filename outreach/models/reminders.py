"""Reminder bookkeeping: each reminder and daily digest is a row claimed before it is sent (outreach.reminders)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cables.models import Post

from .demarches import PostTask


class SendLogQuerySet(models.QuerySet):
    def start_sending(self, pk: int) -> bool:
        """Move a row from claimed (or failed) to sending; False when another attempt owns it or it was sent."""
        return bool(
            self.filter(pk=pk, status__in=["claimed", "failed"]).update(
                status="sending", attempts=F("attempts") + 1, updated_at=timezone.now()
            )
        )

    def finish(self, pk: int, error: Exception | None) -> None:
        """Record how the send ended: sent, or failed with the error for a later sweep to retry."""
        now = timezone.now()
        if error is None:
            self.filter(pk=pk).update(status="sent", sent_at=now, updated_at=now, error="")
        else:
            message = f"{type(error).__name__}: {error}"[:1000]
            self.filter(pk=pk).update(status="failed", updated_at=now, error=message)


class SendLog(models.Model):
    """What a reminder and a digest share: a row claimed before the email, then sending, sent or failed.

    Each kind keeps its own `status` (same values, its own labels) and `recipient`.
    """

    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    claimed_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = SendLogQuerySet.as_manager()

    class Meta:
        abstract = True


class DigestLog(SendLog):
    """One daily digest to one post: claimed (unique per post and local date) before it is sent."""

    class Status(models.TextChoices):
        CLAIMED = "claimed"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"
        NO_RECIPIENT = "no_recipient", "No recipient"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="digests")
    local_date = models.DateField()
    recipient = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CLAIMED)

    class Meta:
        ordering = ["-local_date", "post_id"]
        constraints = [
            # At most one digest per post per day where the post is.
            models.UniqueConstraint(fields=["post", "local_date"], name="digest_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"digest {self.post_id} {self.local_date} ({self.status})"


class ReminderSweep(models.Model):
    """One run of the sweep: the moment it acted as at, and its tally (the ledger of what each run did).

    Every figure in the emails and notifications of a run comes from `now`, in each post's time zone,
    however late the email itself goes out.
    """

    now = models.DateTimeField()
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # {"sent": {kind: n}, "post_digest": {...}, "no_recipient": {...}, "skipped": {reason: n}, "emails": n, ...}
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"sweep {self.pk} as at {self.now:%Y-%m-%d %H:%M}"


class ReminderLog(SendLog):
    """One reminder for one task: the row is claimed before anything is sent, so it goes out once."""

    class Kind(models.TextChoices):
        BEFORE = "before", "Due soon"
        DUE = "due", "Due today"
        OVERDUE = "overdue"
        ESCALATION = "escalation"

    class Status(models.TextChoices):
        CLAIMED = "claimed", "Queued"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"
        NO_RECIPIENT = "no_recipient", "No recipient"

    task = models.ForeignKey(PostTask, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # The due window the reminder belongs to (a date), so each window sends once.
    window_key = models.CharField(max_length=20)
    recipient = models.TextField(blank=True, help_text="Email addresses, comma-separated.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CLAIMED)
    via_digest = models.BooleanField(default=False)
    digest = models.ForeignKey(DigestLog, null=True, blank=True, on_delete=models.SET_NULL, related_name="reminders")
    # The sweep that claimed it and the due date then: the email's figures come from these, not the clock.
    sweep = models.ForeignKey(ReminderSweep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["claimed_at", "id"]
        constraints = [
            # The claim: beat firing twice, two workers or a redelivered sweep insert the same row once.
            models.UniqueConstraint(fields=["task", "kind", "window_key"], name="reminder_once_per_window"),
        ]
        indexes = [
            # The sweep's recovery pass: queued or failed rows whose message may have been lost.
            models.Index(
                fields=["status", "updated_at"], name="reminder_pending_idx",
                condition=Q(status__in=["claimed", "sending", "failed"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind} {self.window_key} ({self.status})"


class PostReminderPreference(models.Model):
    """How a post wants its reminders: one message per task, or one daily digest."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="reminder_preference")
    daily_digest = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.post_id}: {'daily digest' if self.daily_digest else 'per task'}"


class ReminderEmail(SendLog):
    """One email to one person from one sweep: a digest of their reminders, or one they want at once.

    A digest is unique per person and sweep, so a sweep sends each person at most one. It is
    "collecting" while the sweep adds reminders chunk by chunk, then claimed and sent like the rest.
    """

    class Status(models.TextChoices):
        COLLECTING = "collecting"
        CLAIMED = "claimed", "Queued"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recipient = models.CharField(max_length=254)
    sweep = models.ForeignKey(ReminderSweep, on_delete=models.CASCADE, related_name="emails")
    single = models.BooleanField(default=False, help_text="One reminder the person asked to get at once.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CLAIMED)
    reminders = models.ManyToManyField(ReminderLog, related_name="emails")

    class Meta:
        ordering = ["-claimed_at", "id"]
        constraints = [
            # A person gets at most one digest per sweep, however many reminders came due.
            models.UniqueConstraint(fields=["user", "sweep"], condition=Q(single=False), name="one_digest_per_sweep"),
        ]
        indexes = [
            # The sweep's recovery pass, as for ReminderLog.
            models.Index(
                fields=["status", "updated_at"], name="reminder_email_pending_idx",
                condition=Q(status__in=["collecting", "claimed", "sending", "failed"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} sweep {self.sweep_id} ({self.status})"


class PersonReminderPreference(models.Model):
    """How one person wants reminders of each kind: at once, one email each, or in the sweep's digest."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference")
    # ReminderLog.Kind values the person wants one email each for; the rest come in one digest.
    immediate_kinds = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: at once for {', '.join(self.immediate_kinds) or 'nothing'}"
