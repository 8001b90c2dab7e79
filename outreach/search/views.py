"""The search page: one box in the header for every role, answering at /search/?q=..."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render

from . import services
from .query import SearchForm


@login_required
def search(request):
    form = SearchForm(request.GET or None, posts=services.posts_for(request.user),
                      kinds=services.kinds_for(request.user))
    sections, error = None, ""
    if form.is_bound and form.is_valid():
        try:
            sections = services.search(request.user, form.to_request())
        except ValidationError as exc:
            error = " ".join(exc.messages)
    status = 400 if form.is_bound and (form.errors or error) else 200
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "outreach/search.html", {
        "form": form, "sections": sections, "error": error, "params": params.urlencode(),
        "any_kind_params": _without(params, "kind"),
    }, status=status)


def _without(params, name: str) -> str:
    params = params.copy()
    params.pop(name, None)
    return params.urlencode()
