"""Receiving a cable by hand: paste or upload, store it, attach it when it is a reply."""

from django.contrib import messages
from django.shortcuts import redirect, render

from accounts.roles import is_desk_officer, role_required
from cables.forms import IngestForm

from .. import services

OUTCOME_LEVEL = {"created": messages.SUCCESS, "revised": messages.WARNING,
                 "unchanged": messages.INFO, "failed": messages.ERROR}


@role_required(is_desk_officer)
def cable_ingest(request):
    form = IngestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        payload, filename = form.payload()
        result = services.receive_cable(payload, filename=filename, by=request.user)
        messages.add_message(request, OUTCOME_LEVEL[result.outcome], str(result))
        return redirect(result.cable)
    return render(request, "outreach/cable_ingest.html", {"form": form})
