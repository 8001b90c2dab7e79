"""Calendar links: make and revoke them (logged in), and serve a feed to calendar clients (by token)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.roles import can_read_all, is_desk_officer, is_embassy_staff, role_required
from cables.models import Post

from ..models import CalendarFeed
from . import ical, services

any_role = role_required(can_read_all, is_embassy_staff)


@require_safe
@any_role
def calendar_links(request):
    return _calendar_page(request)


def _calendar_page(request, *, new_link: str | None = None, new_feed: CalendarFeed | None = None,
                   status: int = 200):
    return render(
        request,
        "outreach/dashboards/calendar.html",
        {
            "feeds": CalendarFeed.objects.filter(user=request.user).select_related("post"),
            "posts": services.feed_posts(request.user).only("code", "name"),
            "can_create": services.can_make_feeds(request.user),
            "is_officer": is_desk_officer(request.user),
            "new_link": new_link,
            "new_feed": new_feed,
        },
        status=status,
    )


@require_POST
@any_role
def calendar_create(request):
    kind = request.POST.get("kind", "")
    if kind not in CalendarFeed.Kind.values:
        messages.error(request, "Choose which deadlines the link is for: your demarches or a post's.")
        return _calendar_page(request, status=400)
    post = (
        Post.objects.filter(code=request.POST.get("post", "")).first()
        if kind == CalendarFeed.Kind.POST
        else None
    )
    feed, token = services.create_feed(user=request.user, kind=kind, post=post)
    link = request.build_absolute_uri(reverse("outreach:calendar_feed", args=[token]))
    messages.success(request, "Calendar link made. Copy it now: it is shown only once.")
    return _calendar_page(request, new_link=link, new_feed=feed)


@require_POST
@any_role
def calendar_revoke(request, pk: int):
    feed = get_object_or_404(CalendarFeed, pk=pk, user=request.user)
    services.revoke_feed(feed, by=request.user)
    messages.success(request, "Calendar link revoked: calendars using it stop updating.")
    return redirect("outreach:calendar_links")


@login_not_required
@require_safe
def calendar_feed(request, token: str):
    """Serve a feed to calendar clients, which cannot log in: the secret token is the only key."""
    feed = services.feed_for_token(token)
    if feed is None:
        raise Http404("Unknown or revoked calendar link")
    name, events = services.feed_events(feed, base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(
        ical.calendar_text(name, events, now=timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
