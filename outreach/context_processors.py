"""Header figures every page shows: unread notifications and whether reminders are paused."""


def reminders_context(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from outreach.broker import broker_is_up
    from outreach.models import Notification

    return {
        "unread_notifications": Notification.objects.filter(user=user, read_at__isnull=True).count(),
        "reminders_paused": not broker_is_up(),
    }
