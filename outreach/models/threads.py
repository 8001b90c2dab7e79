"""A post's thread with the desk on its part of a demarche: messages, their earlier texts, attachments.

Nothing here is deleted: a message is edited only briefly and each edit keeps the earlier text.
"""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .demarches import DemarchePost, PostTask
from .reminders import DigestLog, SendLog


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Messages a user may read: those of the demarche posts the user may see (one rule for the thread)."""
        return self.filter(demarche_post__in=DemarchePost.objects.visible_to(user))

    def pending(self):
        """Questions for the desk that no desk officer has answered or resolved yet."""
        return self.filter(is_question=True, answered_at__isnull=True)


class Message(models.Model):
    """One message between a post and the desk, in plain text."""

    demarche_post = models.ForeignKey(DemarchePost, on_delete=models.CASCADE, related_name="messages")
    # The task the message was written on, if any; the thread is the demarche post's.
    task = models.ForeignKey(PostTask, null=True, blank=True, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Which side wrote it: decides whom it notifies and whether it answers the post's questions.
    from_desk = models.BooleanField(default=False)
    body = models.TextField(blank=True)
    is_question = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # A thread's messages in order, and the last message of each thread (matrix, export).
            models.Index(fields=["demarche_post", "created_at"], name="message_thread_idx"),
            # "Question pending" on the matrix, the lists and the overview's count.
            models.Index(
                fields=["demarche_post"], name="message_pending_idx",
                condition=Q(is_question=True, answered_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.demarche_post}: {self.body[:40]}"


class MessageRevision(models.Model):
    """The text a message had before an edit: history keeps every earlier wording."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(blank=True)
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["replaced_at", "id"]

    def __str__(self) -> str:
        return f"{self.message_id} before {self.replaced_at:%Y-%m-%d %H:%M}"


def attachment_storage():
    """The storage chosen by ATTACHMENT_STORAGE (STORAGES["attachments"]): the database, or S3."""
    return storages["attachments"]


def attachment_path(instance, filename: str) -> str:
    # Never the uploader's name: it is kept in `name` and only ever sent as a download's filename.
    return f"attachments/{instance.demarche_post_id}/{instance.sha256[:16]}-{timezone.now():%Y%m%d%H%M%S%f}"


class Attachment(models.Model):
    """A file on a message, or on a delivery or report task (the note as delivered, the host's reply)."""

    demarche_post = models.ForeignKey(DemarchePost, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    task = models.ForeignKey(PostTask, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=attachment_storage, upload_to=attachment_path, max_length=255)
    name = models.CharField(max_length=255)
    # Found from the content (outreach/threads/files.py), never from the name or the browser's word.
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        # The 50 MB per demarche post sums this post's sizes.
        indexes = [models.Index(fields=["demarche_post", "created_at"], name="attachment_dpost_idx")]

    def __str__(self) -> str:
        return self.name


class StoredFile(models.Model):
    """A file's bytes in the database (outreach.threads.storage.DatabaseStorage): every web node reads them."""

    name = models.CharField(max_length=255, unique=True)
    data = models.BinaryField()
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class MessageEmail(SendLog):
    """The one email a message sends to the other side, claimed before it is sent, like a reminder.

    To a post that chose a daily digest, it waits for that digest instead (via_digest).
    """

    class Status(models.TextChoices):
        CLAIMED = "claimed", "Queued"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"
        NO_RECIPIENT = "no_recipient", "No recipient"

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="email")
    recipient = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CLAIMED)
    via_digest = models.BooleanField(default=False)
    digest = models.ForeignKey(DigestLog, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages")

    class Meta:
        ordering = ["claimed_at", "id"]
        indexes = [
            # The sweep's recovery pass and a post's digest: queued rows.
            models.Index(fields=["status", "updated_at"], name="message_email_pending_idx",
                         condition=Q(status__in=["claimed", "sending", "failed"])),
        ]

    def __str__(self) -> str:
        return f"message {self.message_id} ({self.status})"
