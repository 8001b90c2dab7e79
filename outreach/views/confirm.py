"""The irreversible-looking changes to a demarche, each behind a page that says what will happen.

Closing cancels the open tasks (a desk officer can reopen it); removing a post cancels its open tasks (it
can be brought back). A GET shows the confirmation, a POST with `confirm` does it.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import is_desk_officer, role_required

from .. import services
from ..models import Demarche, DemarchePost, PostTask
from .demarches import error_text

Status = PostTask.Status


def _count(n: int, noun: str) -> str:
    """Say a count in words: 1 open task, 27 open tasks (never "task(s)")."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _confirm(request, demarche: Demarche, *, action, done: str, page: dict):
    """Show the confirmation page, or do the action once the desk officer confirmed it."""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            action()
            messages.success(request, done)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect(demarche)
    return render(request, "outreach/confirm.html", {"demarche": demarche, **page})


@require_http_methods(["GET", "POST"])
@role_required(is_desk_officer)
def demarche_close(request, reference_id: str):
    demarche = get_object_or_404(Demarche, reference_id=reference_id)
    open_tasks = demarche.tasks.filter(status=Status.OPEN)
    tasks, posts = open_tasks.count(), open_tasks.values("post").distinct().count()
    return _confirm(request, demarche, action=lambda: services.close_demarche(demarche, by=request.user),
                    done=f"Demarche closed: {_count(tasks, 'open task')} cancelled. You can reopen it.", page={
        "title": f"Close {demarche.reference_id}?",
        "effects": [
            f"Its {_count(tasks, 'open task')} at {_count(posts, 'post')} "
            f"{'becomes' if tasks == 1 else 'become'} cancelled: no longer open, no longer counted as open or "
            "overdue, and no reminders.",
            "Done and not-delivered tasks keep what the posts recorded.",
            "The demarche becomes read-only for everyone.",
            "A desk officer can reopen it; reopening opens the cancelled tasks again.",
        ],
        "button": "Close the demarche",
    })


@require_POST
@role_required(is_desk_officer)
def demarche_reopen(request, reference_id: str):
    demarche = get_object_or_404(Demarche, reference_id=reference_id)
    services.reopen_demarche(demarche, by=request.user)
    messages.success(request, "Demarche reopened; the tasks its closing cancelled are open again.")
    return redirect(demarche)


@require_http_methods(["GET", "POST"])
@role_required(is_desk_officer)
def demarche_remove_post(request, reference_id: str, dpost_pk: int):
    dpost = get_object_or_404(DemarchePost.objects.select_related("demarche", "post"), pk=dpost_pk,
                              demarche__reference_id=reference_id)
    open_tasks = dpost.tasks.filter(status=Status.OPEN).count()
    reason = request.POST.get("reason", "")
    return _confirm(request, dpost.demarche,
                    action=lambda: services.remove_post(dpost, by=request.user, reason=reason),
                    done=f"{dpost.post.name} removed; its open tasks are cancelled. Restore it from the posts table.",
                    page={
        "title": f"Remove {dpost.post.name} from {dpost.demarche.reference_id}?",
        "effects": [
            f"Its {_count(open_tasks, 'open task')} {'becomes' if open_tasks == 1 else 'become'} cancelled, and its "
            "staff get no more reminders for them.",
            "Nothing is deleted: what the post recorded stays in the history.",
            "You can undo this: “Restore” in the posts table brings the post and its cancelled tasks back.",
        ],
        "button": f"Remove {dpost.post.name}",
        "reason": True,
    })


@require_POST
@role_required(is_desk_officer)
def demarche_restore_post(request, reference_id: str, dpost_pk: int):
    dpost = get_object_or_404(DemarchePost.objects.select_related("demarche", "post"), pk=dpost_pk,
                              demarche__reference_id=reference_id)
    try:
        services.add_post(dpost.demarche, dpost.post, by=request.user)
        messages.success(request, f"{dpost.post.name} restored; its cancelled tasks are open again.")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(dpost.demarche)
