"""The inbox and task pages of embassy staff (desk officers use the task pages too).

Every task is loaded through services.task_for (PostTask.objects.visible_to): another post's task is a 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.roles import is_desk_officer, is_embassy_staff, role_required
from cables.models import Post, can_act_on

from .. import forms, services
from ..models import Demarche, DemarchePost, PostTask
from ..services.briefing import instruction_for
from ..services.history import recent_events
from ..services.reporting import draft_reply
from ..threads.queries import thread_context
from .demarches import error_text


@role_required(is_embassy_staff)
def inbox(request):
    return render(request, "outreach/inbox.html", {
        "tasks": services.inbox_tasks(request.user), "unacknowledged": services.inbox_unacknowledged(request.user),
        "today": timezone.localdate(), "digest_posts": services.digest_choices(request.user),
    })


@require_POST
@role_required(is_desk_officer, is_embassy_staff)
def post_reminders(request, post_code: str):
    """Switch a post between one email per task and one daily digest; staff only for their own posts."""
    post = get_object_or_404(Post.objects.visible_to(request.user), code=post_code)
    if not can_act_on(request.user, post):  # another post's code answers as if it did not exist
        raise Http404("No such post")
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
    dposts = DemarchePost.objects.visible_to(request.user).select_related("demarche", "post")
    if not is_desk_officer(request.user):  # staff acknowledge issued demarches only
        dposts = dposts.filter(demarche__state=Demarche.State.ISSUED)
    dpost = get_object_or_404(dposts, pk=dpost_pk)
    if not can_act_on(request.user, dpost.post):  # managers read and act on nothing
        raise Http404("No such tasking")
    form = forms.AcknowledgeForm(request.POST)
    form.is_valid()
    try:
        services.acknowledge(dpost, by=request.user, note=form.cleaned_data.get("note", ""))
        messages.success(request, f"Receipt acknowledged for {dpost.post.name}.")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(dpost.demarche if is_desk_officer(request.user) else "outreach:inbox")


# ---------------------------------------------------------------- one task


def _load_task(request, pk: int) -> PostTask:
    try:
        return services.task_for(request.user, pk)
    except PostTask.DoesNotExist:
        raise Http404("No such task.")


def _delivery_of(task: PostTask) -> PostTask | None:
    """The done delivery (or talking-points) task of the same post and audience, whose facts a report reuses."""
    return (
        PostTask.objects.filter(demarche_id=task.demarche_id, post_id=task.post_id, audience=task.audience,
                                status=PostTask.Status.DONE)
        .exclude(kind=PostTask.Kind.REPORT_BACK)
        .order_by("kind")  # deliver_non_paper before special and talking_points
        .first()
    )


def _task_forms(request, task: PostTask) -> dict:
    can_work = services.can_work_on(task, request.user) and task.demarche.is_editable
    # The post's own steps exist only once the demarche is issued: a draft shows no post-side form to anyone.
    post_side = can_work and task.demarche.state == Demarche.State.ISSUED
    is_open, report = task.status == PostTask.Status.OPEN, task.kind == PostTask.Kind.REPORT_BACK
    initial = {"version": task.version}
    delivery = _delivery_of(task) if report else None
    # A report is shown as saved once it has its response; the desk officer reopens it to change it.
    report_pending = is_open or (task.status == PostTask.Status.DONE and not task.response)
    return {
        "delivery_form": forms.DeliveryForm.for_task(task, initial=initial)
        if post_side and is_open and not report else None,
        "report_form": forms.ReportForm(initial={
            **initial, "reply_reference_id": task.reply_reference_id,
            "response": task.response or (delivery.response if delivery else ""),
            "response_text": task.response_text or (delivery.response_text if delivery else ""),
        }) if post_side and report and report_pending else None,
        "delivery": delivery,
        "not_delivered_form": forms.NotDeliveredForm(initial=initial) if post_side and is_open and not report else None,
        "reopen_form": forms.ReasonForm(initial=initial)
        if is_desk_officer(request.user) and task.status in ("done", "not_delivered") and can_work else None,
        "edit_form": forms.TaskEditForm.for_task(task)
        if is_desk_officer(request.user) and can_work and task.status != "cancelled" else None,
    }


def _render_task(request, task: PostTask, status: int = 200, **bound):
    drafted = task.kind == PostTask.Kind.REPORT_BACK and task.demarche.state != Demarche.State.DRAFT
    if task.demarche.state != Demarche.State.DRAFT:  # a draft has no thread: its posts do not see it yet
        bound.setdefault("thread", thread_context(request.user, task.demarche_post, task=task))
    context = {"task": task, **recent_events(task.events.select_related("actor")),
               "brief": instruction_for(task, request.user), "reporting_cable": draft_reply(task) if drafted else "",
               **_task_forms(request, task), **bound}
    return render(request, "outreach/task_detail.html", context, status=status)


def task_detail(request, pk: int):
    return _render_task(request, _load_task(request, pk))


def reporting_cable(request, pk: int):
    """The drafted reporting cable as plain text, to paste into the post's messaging system."""
    task = _load_task(request, pk)
    if task.kind != PostTask.Kind.REPORT_BACK or task.demarche.state == Demarche.State.DRAFT:
        raise Http404("Only an issued demarche's report-back task drafts a reporting cable.")
    response = HttpResponse(draft_reply(task), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{task.post.code}-{task.demarche.reference_id}.txt"'
    return response


FORMS = {
    "deliver": (forms.DeliveryForm, "delivery_form"),
    "report": (forms.ReportForm, "report_form"),
    "not_delivered": (forms.NotDeliveredForm, "not_delivered_form"),
    "reopen": (forms.ReasonForm, "reopen_form"),
    "edit": (forms.TaskEditForm, "edit_form"),
}


@require_POST
def task_action(request, pk: int, action: str):
    """Apply one workflow action to a task; on error re-show the page with what was typed."""
    task = _load_task(request, pk)
    if action not in FORMS:
        raise Http404("No such action.")
    if not services.can_attempt(request.user, task, action):
        raise PermissionDenied
    form_class, name = FORMS[action]
    form = form_class(request.POST, task=task) if action in ("edit", "deliver") else form_class(request.POST)
    if form.is_valid():
        try:
            services.act_on_task(task, action, form.values(), by=request.user, version=form.cleaned_data["version"])
            messages.success(request, "Saved.")
            return redirect(task)
        except services.ConflictError as exc:
            messages.error(request, str(exc))
            task = services.task_for(request.user, pk)
            return _render_task(request, task, status=409, **{name: form.with_version(task.version)})
        except ValidationError as exc:
            _attach(form, exc)
    messages.error(request, "Nothing was saved: correct what is marked below.")
    return _render_task(request, task, status=400, **{name: form})


def _attach(form, exc: ValidationError) -> None:
    """Show the service's refusal beside the field it concerns, keeping what the user typed."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
