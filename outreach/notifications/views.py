"""The user's own notifications: list them, open one, mark them read."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ..models import Notification
from . import services


def notification_list(request):
    """List the user's notifications, newest first."""
    page = Paginator(Notification.objects.filter(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "outreach/notifications.html", {"page": page})


@require_POST
def notification_open(request, pk: int):
    """Mark one notification read and go where it points."""
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    services.mark_read(user=request.user, pk=note.pk)
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect("outreach:notifications")


@require_POST
def notification_read_all(request):
    """Mark every notification of the user read."""
    services.mark_read(user=request.user)
    return redirect("outreach:notifications")
