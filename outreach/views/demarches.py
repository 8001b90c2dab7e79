"""Demarche pages for desk officers and managers: the list, one demarche, and every change to it.

Managers read everything and change nothing; services re-check every write.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.roles import can_read_all, is_desk_officer, role_required
from cables.models import Cable

from .. import forms, services
from ..models import Demarche, DemarchePost, PostTask, ReplyMatch
from ..services.history import recent_events
from ..threads.queries import pending_exists, pending_per_demarche


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# ---------------------------------------------------------------- demarches (desk officers, managers)


@role_required(can_read_all)
def demarche_list(request):
    if request.GET.get("_export"):  # every table exports the same way (dashboards/exports.py)
        from ..dashboards.views import export_all_demarches

        return export_all_demarches(request)
    # Counted per demarche in subqueries: joining posts and tasks at once would multiply the rows.
    def count(model, **where):
        rows = model.objects.filter(demarche=OuterRef("pk"), **where).order_by()
        return Coalesce(Subquery(rows.values("demarche").annotate(n=Count("*")).values("n")), 0)

    demarches = Demarche.objects.select_related("owner").annotate(
        post_count=count(DemarchePost, removed=False),
        open_count=count(PostTask, status=PostTask.Status.OPEN),
        flagged=count(PostTask, status=PostTask.Status.OPEN, needs_attention__gt=""),
        questions=Coalesce(pending_per_demarche(), 0),
    )
    page = Paginator(demarches, 50).get_page(request.GET.get("page"))
    return render(request, "outreach/demarche_list.html", {"demarches": page, "page": page})


def _detail_context(request, demarche: Demarche, **extra) -> dict:
    tasks = list(demarche.tasks.select_related("post", "reply_cable").order_by("post__sort_name", "audience", "position"))
    by_post: dict = {}
    for task in tasks:
        by_post.setdefault(task.demarche_post_id, []).append(task)
    dposts = (demarche.posts.select_related("post", "assigned_officer", "acknowledged_by")
              .annotate(question_pending=pending_exists(), message_count=Count("messages")).order_by("post__sort_name"))
    desk = is_desk_officer(request.user) and demarche.is_editable
    context = {
        "demarche": demarche, "flags": services.draft_flags(demarche),
        "collectives": services.collective_rows(demarche),
        "rows": [(d, by_post.get(d.pk, [])) for d in dposts],
        "replies": demarche.replies.select_related("cable", "post", "task"),
        **recent_events(demarche.events.select_related("actor", "task__post")),
        "can_edit": desk,
        "form": forms.DemarcheForm.for_demarche(demarche) if desk else None,
        "add_post_form": forms.AddPostForm(demarche=demarche) if desk else None,
        "bulk_form": forms.BulkForm(demarche=demarche) if desk else None,
        "confirm_form": forms.ConfirmReplyForm(demarche=demarche) if desk else None,
        "reminder_policy": services.reminder_policy(demarche),
        "reminder_form": forms.ReminderPolicyForm.for_demarche(demarche) if desk else None,
    }
    context.update(extra)
    return context


@role_required(can_read_all)
def demarche_detail(request, reference_id: str):
    demarche = get_object_or_404(Demarche.objects.select_related("cable", "owner"), reference_id=reference_id)
    return render(request, "outreach/demarche_detail.html", _detail_context(request, demarche))


@require_POST
@role_required(is_desk_officer)
def demarche_create(request, cable_pk: int):
    cable = get_object_or_404(Cable, pk=cable_pk)
    try:
        demarche = services.create_demarche(cable, by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect(cable)
    return redirect(demarche)


@require_POST
@role_required(is_desk_officer)
def demarche_update(request, reference_id: str):
    demarche = get_object_or_404(Demarche, reference_id=reference_id)
    form, status = forms.DemarcheForm(request.POST), 400
    if form.is_valid():
        values = {k: form.cleaned_data[k] for k in ("subject", "instructions", "deliver_by", "report_by")}
        try:
            services.update_demarche(demarche, by=request.user, version=form.cleaned_data["version"], **values)
            messages.success(request, "Demarche saved.")
            return redirect(demarche)
        except services.ConflictError as exc:
            messages.error(request, str(exc))
            demarche, form, status = exc.current, form.with_version(exc.current.version), 409
        except ValidationError as exc:
            messages.error(request, error_text(exc))
    return render(request, "outreach/demarche_detail.html", _detail_context(request, demarche, form=form),
                  status=status)


@require_POST
@role_required(is_desk_officer)
def demarche_reminders(request, reference_id: str):
    """Override the demarche's reminder policy; on error re-show the page with what was typed."""
    demarche = get_object_or_404(Demarche, reference_id=reference_id)
    form, status = forms.ReminderPolicyForm(request.POST), 400
    if form.is_valid():
        try:
            services.set_reminder_policy(demarche, by=request.user, version=form.cleaned_data["version"],
                                         **form.values())
            messages.success(request, "Reminder settings saved.")
            return redirect(demarche)
        except services.ConflictError as exc:
            messages.error(request, str(exc))
            demarche, form, status = exc.current, form.with_version(exc.current.version), 409
        except ValidationError as exc:  # a closed demarche is read-only
            messages.error(request, error_text(exc))
    extra = {"reminder_form": form} if demarche.is_editable else {}
    return render(request, "outreach/demarche_detail.html", _detail_context(request, demarche, **extra),
                  status=status)


def _demarche_action(request, reference_id: str, action, success: str):
    demarche = get_object_or_404(Demarche, reference_id=reference_id)
    try:
        action(demarche)
        messages.success(request, success)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(demarche)


@require_POST
@role_required(is_desk_officer)
def demarche_issue(request, reference_id: str):
    return _demarche_action(request, reference_id, lambda d: services.issue_demarche(d, by=request.user),
                            "Demarche issued to its posts.")


@require_POST
@role_required(is_desk_officer)
def demarche_confirm_posts(request, reference_id: str):
    return _demarche_action(request, reference_id, lambda d: services.confirm_posts(d, by=request.user),
                            "Post list confirmed: the demarche can be issued.")


@require_POST
@role_required(is_desk_officer)
def demarche_add_post(request, reference_id: str):
    demarche = get_object_or_404(Demarche, reference_id=reference_id)
    form = forms.AddPostForm(request.POST, demarche=demarche)
    if not form.is_valid():
        messages.error(request, "Choose a post that is not on this demarche yet.")
        return redirect(demarche)
    post = form.cleaned_data["post"]
    return _demarche_action(request, reference_id, lambda d: services.add_post(d, post, by=request.user),
                            f"{post.name} added.")


@require_POST
@role_required(is_desk_officer)
def demarche_bulk(request, reference_id: str):
    demarche = get_object_or_404(Demarche, reference_id=reference_id)
    form = forms.BulkForm(request.POST, demarche=demarche)
    if not form.is_valid():
        return render(request, "outreach/demarche_detail.html",
                      _detail_context(request, demarche, bulk_form=form), status=400)
    data, ids = form.cleaned_data, [p.pk for p in form.cleaned_data["posts"]]
    actions = {
        "extend": lambda d: services.bulk_extend(d, post_ids=ids, by=request.user,
                                                 deliver_by=data["deliver_by"], report_by=data["report_by"]),
        "reassign": lambda d: services.bulk_reassign(d, post_ids=ids, officer=data["officer"], by=request.user),
        "acknowledge": lambda d: services.bulk_acknowledge(d, post_ids=ids, by=request.user, reason=data["reason"]),
    }
    return _demarche_action(request, reference_id, actions[data["action"]], "Done for the selected posts.")


@require_POST
@role_required(is_desk_officer)
def reply_decide(request, pk: int):
    match = get_object_or_404(ReplyMatch.objects.select_related("demarche"), pk=pk)
    demarche = match.demarche
    try:
        if request.POST.get("decision") == "reject":
            services.reject_reply(match, by=request.user, reason=request.POST.get("reason", ""))
        else:
            form = forms.ConfirmReplyForm(request.POST, demarche=demarche)
            if not form.is_valid():
                raise ValidationError("Choose the report-back task this reply answers.")
            services.confirm_reply(match, task=form.cleaned_data["task"], by=request.user)
        messages.success(request, "Reply decided.")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(demarche)
