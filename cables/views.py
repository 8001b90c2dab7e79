from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from accounts.roles import can_read_all, is_desk_officer, role_required
from .forms import CableSearchForm, IngestForm
from .models import Cable
from .services import ingest_cable

OUTCOME_LEVEL = {"created": messages.SUCCESS, "revised": messages.WARNING,
                 "unchanged": messages.INFO, "failed": messages.ERROR}


@role_required(can_read_all)
def cable_list(request):
    form = CableSearchForm(request.GET)
    cables = Cable.objects.current().only(
        "reference_id", "revision", "subject", "sent_at", "origin", "classification",
        "tags_text", "status", "is_action_request", "anomaly_count",
    )
    if form.is_valid():
        cables = cables.search(form.cleaned_data["q"])
    page = Paginator(cables, 50).get_page(request.GET.get("page"))
    return render(request, "cables/list.html", {"form": form, "page": page})


@role_required(can_read_all)
def cable_detail(request, pk: int):
    cable = get_object_or_404(Cable, pk=pk)
    revisions = Cable.objects.filter(reference_id=cable.reference_id).only("revision", "received_at")
    addressees = cable.addressees.select_related("post")
    return render(request, "cables/detail.html", {
        "cable": cable, "parsed": cable.parsed or {}, "revisions": revisions, "addressees": addressees,
    })


@role_required(is_desk_officer)
def cable_ingest(request):
    form = IngestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        payload, filename = form.payload()
        result = ingest_cable(payload, filename=filename, by=request.user)
        messages.add_message(request, OUTCOME_LEVEL[result.outcome], str(result))
        return redirect(result.cable)
    return render(request, "cables/ingest.html", {"form": form})
