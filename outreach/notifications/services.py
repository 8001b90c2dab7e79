"""In-app notifications: reading them."""

from django.utils import timezone

from ..models import Notification


def mark_read(*, user, pk: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them when pk is None; return how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())
