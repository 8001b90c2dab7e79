"""Demarche pages for desk officers and managers, the inbox and task pages for embassy staff.

Every task is loaded through services.task_for (PostTask.objects.visible_to): another post's task is a 404.
Managers read everything and change nothing; services re-check every write.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.roles import can_read_all, is_desk_officer, is_embassy_staff, role_required
from cables.models import Cable, Post

from . import forms, services
from .models import Demarche, DemarchePost, PostTask, ReplyMatch


def home(request):
    """Send each role to the page it works from."""
    if can_read_all(request.user):
        return redirect("outreach:demarche_list")
    if is_embassy_staff(request.user):
        return redirect("outreach:inbox")
    return redirect("cables:list")


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# ---------------------------------------------------------------- demarches (desk officers, managers)


@role_required(can_read_all)
def demarche_list(request):
    # Counted per demarche in subqueries: joining posts and tasks at once would multiply the rows.
    def count(model, **where):
        rows = model.objects.filter(demarche=OuterRef("pk"), **where).order_by()
        return Coalesce(Subquery(rows.values("demarche").annotate(n=Count("*")).values("n")), 0)

    demarches = Demarche.objects.select_related("owner").annotate(
        post_count=count(DemarchePost, removed=False),
        open_count=count(PostTask, status=PostTask.Status.OPEN),
        flagged=count(PostTask, status=PostTask.Status.OPEN, needs_attention__gt=""),
    )
    page = Paginator(demarches, 50).get_page(request.GET.get("page"))
    return render(request, "outreach/demarche_list.html", {"demarches": page, "page": page})


def _detail_context(request, demarche: Demarche, **extra) -> dict:
    tasks = list(demarche.tasks.select_related("post", "reply_cable").order_by("post__name", "audience", "position"))
    by_post: dict = {}
    for task in tasks:
        by_post.setdefault(task.demarche_post_id, []).append(task)
    dposts = demarche.posts.select_related("post", "assigned_officer", "acknowledged_by")
    desk = is_desk_officer(request.user) and demarche.is_editable
    context = {
        "demarche": demarche, "flags": services.draft_flags(demarche),
        "rows": [(d, by_post.get(d.pk, [])) for d in dposts],
        "replies": demarche.replies.select_related("cable", "post", "task"),
        "events": demarche.events.select_related("actor", "task__post")[:200],
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
        messages.error(request, _error_text(exc))
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
            messages.error(request, _error_text(exc))
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
            messages.error(request, _error_text(exc))
    extra = {"reminder_form": form} if demarche.is_editable else {}
    return render(request, "outreach/demarche_detail.html", _detail_context(request, demarche, **extra),
                  status=status)


def _demarche_action(request, reference_id: str, action, success: str):
    demarche = get_object_or_404(Demarche, reference_id=reference_id)
    try:
        action(demarche)
        messages.success(request, success)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(demarche)


@require_POST
@role_required(is_desk_officer)
def demarche_issue(request, reference_id: str):
    return _demarche_action(request, reference_id, lambda d: services.issue_demarche(d, by=request.user),
                            "Demarche issued to its posts.")


@require_POST
@role_required(is_desk_officer)
def demarche_close(request, reference_id: str):
    return _demarche_action(request, reference_id, lambda d: services.close_demarche(d, by=request.user),
                            "Demarche closed; it is now read-only.")


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
def demarche_remove_post(request, reference_id: str, dpost_pk: int):
    dpost = get_object_or_404(DemarchePost, pk=dpost_pk, demarche__reference_id=reference_id)
    reason = request.POST.get("reason", "")
    return _demarche_action(request, reference_id, lambda d: services.remove_post(dpost, by=request.user,
                                                                                  reason=reason),
                            f"{dpost.post.name} removed; its open tasks are cancelled.")


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
        messages.error(request, _error_text(exc))
    return redirect(demarche)


# ---------------------------------------------------------------- embassy staff


@role_required(is_embassy_staff)
def inbox(request):
    unacknowledged = DemarchePost.objects.filter(
        post__staff=request.user, removed=False, acknowledged_at__isnull=True,
        demarche__state=Demarche.State.ISSUED,
    ).select_related("demarche", "post")
    return render(request, "outreach/inbox.html", {
        "tasks": services.inbox_tasks(request.user), "unacknowledged": unacknowledged,
        "today": timezone.localdate(), "digest_posts": services.digest_choices(request.user),
    })


@require_POST
@role_required(is_desk_officer, is_embassy_staff)
def post_reminders(request, post_code: str):
    """Switch a post between one email per task and one daily digest; staff only for their own posts."""
    if is_desk_officer(request.user):
        post = get_object_or_404(Post, code=post_code)
    else:  # another post's code answers as if it did not exist
        post = get_object_or_404(Post, code=post_code, staff=request.user)
    form = forms.DigestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one daily digest or one email per task.")
    else:
        enabled = form.cleaned_data["daily_digest"]
        services.set_daily_digest(post, by=request.user, enabled=enabled)
        messages.success(request, f"{post.name}: {'one daily digest' if enabled else 'one email per task'}.")
    return redirect("outreach:inbox" if is_embassy_staff(request.user) else "home")


@require_POST
def acknowledge(request, dpost_pk: int):
    if is_desk_officer(request.user):
        dpost = get_object_or_404(DemarchePost, pk=dpost_pk)
    else:
        dpost = get_object_or_404(DemarchePost, pk=dpost_pk, post__staff=request.user,
                                  demarche__state=Demarche.State.ISSUED)
    form = forms.AcknowledgeForm(request.POST)
    form.is_valid()
    try:
        services.acknowledge(dpost, by=request.user, note=form.cleaned_data.get("note", ""))
        messages.success(request, f"Receipt acknowledged for {dpost.post.name}.")
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(dpost.demarche if is_desk_officer(request.user) else "outreach:inbox")


# ---------------------------------------------------------------- one task


def _load_task(request, pk: int) -> PostTask:
    try:
        return services.task_for(request.user, pk)
    except PostTask.DoesNotExist:
        raise Http404("No such task.")


def _task_forms(request, task: PostTask) -> dict:
    can_work = services.can_work_on(task, request.user) and task.demarche.is_editable
    is_open, report = task.status == PostTask.Status.OPEN, task.kind == PostTask.Kind.REPORT_BACK
    initial = {"version": task.version}
    return {
        "delivery_form": forms.DeliveryForm(initial={**initial, "requested_level": task.requested_level})
        if can_work and is_open and not report else None,
        "report_form": forms.ReportForm(initial={**initial, "reply_reference_id": task.reply_reference_id,
                                                 "response": task.response, "response_text": task.response_text})
        if can_work and report and task.status in ("open", "done") else None,
        "not_delivered_form": forms.NotDeliveredForm(initial=initial) if can_work and is_open else None,
        "reopen_form": forms.ReasonForm(initial=initial)
        if is_desk_officer(request.user) and task.status in ("done", "not_delivered") and can_work else None,
        "edit_form": forms.TaskEditForm.for_task(task)
        if is_desk_officer(request.user) and can_work and task.status != "cancelled" else None,
    }


def _render_task(request, task: PostTask, status: int = 200, **bound):
    context = {"task": task, "events": task.events.select_related("actor"), **_task_forms(request, task), **bound}
    return render(request, "outreach/task_detail.html", context, status=status)


def task_detail(request, pk: int):
    return _render_task(request, _load_task(request, pk))


FORMS = {
    "deliver": (forms.DeliveryForm, "delivery_form"),
    "report": (forms.ReportForm, "report_form"),
    "not_delivered": (forms.NotDeliveredForm, "not_delivered_form"),
    "reopen": (forms.ReasonForm, "reopen_form"),
    "edit": (forms.TaskEditForm, "edit_form"),
}


def _call(action: str, task: PostTask, form, user):
    data, version = form.cleaned_data, form.cleaned_data["version"]
    if action == "deliver":
        return services.record_delivery(
            task, by=user, version=version, delivered_on=data["delivered_on"], method=data["method"],
            officials=data["officials"], requested_level=data["requested_level"], response=data["response"],
            response_text=data["response_text"])
    if action == "report":
        return services.submit_report(
            task, by=user, version=version, response=data["response"], response_text=data["response_text"],
            reply_reference_id=data["reply_reference_id"], delivered_on=data["delivered_on"],
            method=data["method"], officials=data["officials"])
    if action == "not_delivered":
        return services.mark_not_delivered(task, by=user, version=version, reason=form.reason_text())
    if action == "reopen":
        return services.reopen(task, by=user, version=version, reason=data["reason"])
    return services.update_task(task, by=user, version=version, **form.values())


@require_POST
def task_action(request, pk: int, action: str):
    """Apply one workflow action to a task; on error re-show the page with what was typed."""
    task = _load_task(request, pk)
    if action not in FORMS:
        raise Http404("No such action.")
    desk_only = action in ("reopen", "edit")
    if not services.can_work_on(task, request.user) or (desk_only and not is_desk_officer(request.user)):
        raise PermissionDenied
    form_class, name = FORMS[action]
    form = form_class(request.POST, task=task) if action == "edit" else form_class(request.POST)
    if form.is_valid():
        try:
            _call(action, task, form, request.user)
            messages.success(request, "Saved.")
            return redirect(task)
        except services.ConflictError as exc:
            messages.error(request, str(exc))
            task = services.task_for(request.user, pk)
            return _render_task(request, task, status=409, **{name: form.with_version(task.version)})
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    return _render_task(request, task, status=400, **{name: form})
