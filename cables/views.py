from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from accounts.roles import can_read_all, role_required

from .forms import CableSearchForm
from .models import Cable

# Apps that work with cables put their own actions on the cable pages (outreach: ingest a cable,
# create a demarche) with add_actions() from their AppConfig.ready(): cables never imports them.
ACTIONS: dict[str, list[str]] = {"list": [], "detail": []}


def add_actions(page: str, template_name: str) -> None:
    """Include a template of actions on a cable page ("list" or "detail"); it sees the page's context."""
    if template_name not in ACTIONS[page]:
        ACTIONS[page].append(template_name)


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
    return render(request, "cables/list.html", {"form": form, "page": page, "actions": ACTIONS["list"]})


@role_required(can_read_all)
def cable_detail(request, pk: int):
    cable = get_object_or_404(Cable, pk=pk)
    revisions = Cable.objects.filter(reference_id=cable.reference_id).only("revision", "received_at")
    addressees = cable.addressees.select_related("post")
    return render(request, "cables/detail.html", {
        "cable": cable, "parsed": cable.parsed or {}, "revisions": revisions, "addressees": addressees,
        "actions": ACTIONS["detail"],
    })
