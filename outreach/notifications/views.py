"""The user's own notifications: list them, open one, mark them read."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ..models import Notification, ReminderLog
from ..services import preferences
from . import services


class ReminderDeliveryForm(forms.Form):
    immediate = forms.MultipleChoiceField(
        choices=ReminderLog.Kind.choices, required=False, widget=forms.CheckboxSelectMultiple,
        label="Email me these one at a time, as each comes due",
    )


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


def reminder_preferences(request):
    """Let a person choose, per kind, one email per reminder or one digest per reminder run."""
    form = ReminderDeliveryForm(request.POST or None,
                                initial={"immediate": sorted(preferences.immediate_kinds(request.user))})
    if request.method == "POST" and form.is_valid():
        preferences.set_immediate_kinds(request.user, kinds=form.cleaned_data["immediate"])
        messages.success(request, "Your reminder choices are saved.")
        return redirect("outreach:reminder_preferences")
    return render(request, "outreach/reminder_preferences.html", {"form": form})
