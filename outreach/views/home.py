"""The site's front door."""

from django.shortcuts import redirect

from accounts.roles import can_read_all, is_embassy_staff


def home(request):
    """Send each role to the page it works from."""
    if can_read_all(request.user):
        return redirect("outreach:demarche_list")
    if is_embassy_staff(request.user):
        return redirect("outreach:inbox")
    return redirect("cables:list")
