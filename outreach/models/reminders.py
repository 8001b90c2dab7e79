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
