"""What happened to a demarche: every recorded change, and the reply cables that answer it."""

from django.conf import settings
from django.db import models

from cables.models import Cable, Post

from .demarches import Demarche, PostTask


class TaskEvent(models.Model):
    """One recorded change: who, when, and each field's old and new value."""

    demarche = models.ForeignKey(Demarche, on_delete=models.CASCADE, related_name="events")
    task = models.ForeignKey(PostTask, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=40)
    changes = models.JSONField(default=dict, blank=True)  # {field: [old, new]}
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["task", "at"], name="event_task_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class ReplyMatch(models.Model):
    """A reply cable that cites a demarche; attached to a task, or waiting for a person to confirm."""

    class State(models.TextChoices):
        ATTACHED = "attached"
        PENDING = "pending", "Needs confirmation"
        REJECTED = "rejected"

    demarche = models.ForeignKey(Demarche, on_delete=models.CASCADE, related_name="replies")
    cable = models.ForeignKey(Cable, on_delete=models.PROTECT, related_name="reply_matches")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(PostTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="replies")
    state = models.CharField(max_length=10, choices=State.choices)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["demarche", "cable"], name="reply_match_unique")]

    def __str__(self) -> str:
        return f"{self.cable} → {self.demarche} ({self.state})"
