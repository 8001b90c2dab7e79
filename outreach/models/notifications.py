"""What users are told away from the pages: in-app notifications and calendar feeds."""

from django.conf import settings
from django.db import models

from cables.models import Post


class Notification(models.Model):
    """An in-app notice shown in the page header until read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # The header's unread count on every page.
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.text


class CalendarFeed(models.Model):
    """A secret, revocable link to one post's or one desk officer's deadlines as an iCalendar feed.

    Only a hash of the token is stored: the link is shown once, when it is made. The feed shows
    what its user may still see, so losing a post or a role empties it.
    """

    class Kind(models.TextChoices):
        POST = "post", "A post's deadlines"
        OFFICER = "officer", "My demarches' deadlines"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calendar_feeds")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}{f' ({self.post})' if self.post_id else ''}"
