"""Header figures every page shows: unread notifications and whether reminders are paused."""


def reminders_context(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Tables render with their own RequestContext, so this runs several times per page: count once.
    cached = getattr(request, "_header_figures", None)
    if cached is None:
        from outreach.broker import broker_is_up
        from outreach.models import Notification

        # Read with the user (config.auth) unless the request may have written since: a POST that
        # renders a page (a form with errors) counts again.
        unread = getattr(user, "_unread_notifications", None) if request.method in ("GET", "HEAD") else None
        if unread is None:
            unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
        cached = request._header_figures = {
            "unread_notifications": unread,
            "reminders_paused": not broker_is_up(),
        }
    return cached
