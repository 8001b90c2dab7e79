"""Thread pages: read and write a post's thread with the desk, correct a message, resolve questions,
download a file, attach files to a task. Every object is loaded through outreach/threads/access.py:
another post's thread, message or file is a 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accounts.roles import can_read_all, is_embassy_staff, role_required

from .. import services
from ..models import DemarchePost, Message, PostTask
from . import access, attachments, files, queries
from . import services as threads
from .forms import EditMessageForm, MessageForm


def _thread(request, dpost_pk: int) -> DemarchePost:
    try:
        return access.thread_for(request.user, dpost_pk)
    except DemarchePost.DoesNotExist:
        raise Http404("No such thread.") from None


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _back(dpost: DemarchePost, task: PostTask | None):
    return redirect(task.get_absolute_url() + "#thread" if task else dpost_url(dpost))


def dpost_url(dpost: DemarchePost) -> str:
    return reverse("outreach:thread", args=[dpost.pk])


def thread(request, dpost_pk: int):
    """Show a post's thread; POST writes a message (with files) in it."""
    dpost = _thread(request, dpost_pk)
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        if not access.can_write(request.user, dpost):
            raise PermissionDenied
        task = None
        if form.is_valid():
            if form.cleaned_data.get("task"):
                task = PostTask.objects.filter(pk=form.cleaned_data["task"], demarche_post=dpost).first()
            try:
                threads.post_message(dpost, by=request.user, body=form.cleaned_data["body"], task=task,
                                     is_question=form.cleaned_data["is_question"], files=request.FILES.getlist("files"))
                messages.success(request, "Message sent.")
                return _back(dpost, task)
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
        messages.error(request, "Nothing was sent: correct what is marked below.")
    return render(request, "outreach/thread.html", queries.thread_context(request.user, dpost, form=form),
                  status=400 if form.errors else 200)


@require_POST
def message_edit(request, dpost_pk: int, message_pk: int):
    try:
        message = access.message_for(request.user, dpost_pk, message_pk)
    except Message.DoesNotExist:
        raise Http404("No such message.") from None
    if not access.can_edit(request.user, message):
        raise PermissionDenied("A message can be corrected by its author only, within 5 minutes of writing it.")
    form = EditMessageForm(request.POST)
    if form.is_valid():
        try:
            threads.edit_message(message, by=request.user, body=form.cleaned_data["body"],
                                 version=form.cleaned_data["version"])
            messages.success(request, "Message corrected; the earlier text stays in its history.")
        except services.ConflictError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(dpost_url(message.demarche_post) + f"#message-{message.pk}")


@require_POST
def resolve(request, dpost_pk: int):
    dpost = _thread(request, dpost_pk)
    resolved = threads.resolve_questions(dpost, by=request.user)  # PermissionDenied: 403
    messages.success(request, f"{resolved} question{'s' if resolved != 1 else ''} marked resolved.")
    return redirect(dpost_url(dpost))


def download(request, dpost_pk: int, attachment_pk: int):
    """Send a file as a download, never inline: a file's bytes are the uploader's to choose."""
    response = file_response(request.user, dpost_pk, attachment_pk)
    if request.method not in ("GET", "HEAD"):  # after the access check: another post's file is a 404 either way
        response.close()
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return response


def file_response(user, dpost_pk: int, attachment_pk: int) -> FileResponse:
    """The download of one file the user may read (the page's and the API's)."""
    try:
        attachment = access.attachment_for(user, dpost_pk, attachment_pk)
        handle = attachment.file.open("rb")
    except Exception as exc:  # DoesNotExist, or a file the storage has lost
        raise Http404("No such file.") from exc
    response = FileResponse(handle, as_attachment=True, filename=attachment.name,
                            content_type=files.served_type(attachment.content_type))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def task_attach(request, pk: int):
    """Attach files to a task (the note as delivered, the host's written reply)."""
    try:
        task = services.task_for(request.user, pk)
    except PostTask.DoesNotExist:
        raise Http404("No such task.") from None
    if not access.can_write(request.user, task.demarche_post):
        raise PermissionDenied
    try:
        stored = attachments.attach_to_task(task, request.FILES.getlist("files"), by=request.user)
        messages.success(request, f"Attached {', '.join(a.name for a in stored)}.")
    except ValidationError as exc:
        messages.error(request, f"Nothing was attached: {_error_text(exc)}")
    return redirect(task.get_absolute_url() + "#files")


@require_safe
@role_required(can_read_all, is_embassy_staff)
def thread_list(request):
    """The threads with questions pending, then the latest active ones, as far as the user may read them."""
    return render(request, "outreach/threads.html", queries.list_context(request.user))
