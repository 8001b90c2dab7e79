"""Sending one reminder or digest by email, guarded by a conditional update so it goes out once."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from ..models import DigestLog, PostTask, ReminderLog
from .policy import Calendar, describe


def task_url(task_id: int) -> str:
    try:
        return reverse("outreach:task_detail", args=[task_id])
    except NoReverseMatch:  # the task page belongs to the demarche views
        return ""


def _start_sending(model, pk: int) -> bool:
    """Move a row from claimed (or failed) to sending; False when another attempt owns it or it was sent."""
    return bool(
        model.objects.filter(pk=pk, status__in=["claimed", "failed"]).update(
            status="sending", attempts=F("attempts") + 1, updated_at=timezone.now()
        )
    )


def _send(*, subject: str, template: str, context: dict, to: list[str]) -> None:
    context = {**context, "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=render_to_string(f"outreach/emails/{template}.txt", context), to=to
    )
    message.attach_alternative(render_to_string(f"outreach/emails/{template}.html", context), "text/html")
    message.send()


def _finish(model, pk: int, error: Exception | None) -> None:
    now = timezone.now()
    if error is None:
        model.objects.filter(pk=pk).update(status="sent", sent_at=now, updated_at=now, error="")
    else:
        model.objects.filter(pk=pk).update(status="failed", updated_at=now, error=f"{type(error).__name__}: {error}"[:1000])


def deliver_reminder(log_id: int) -> str:
    """Send one claimed reminder by email. Safe to call twice; raises when the mail server fails."""
    if not _start_sending(ReminderLog, log_id):
        return "skipped"
    entry = ReminderLog.objects.select_related("task__demarche", "task__post").get(pk=log_id)
    task = entry.task
    today = Calendar.for_post(timezone_name=task.post.timezone, weekend=task.post.weekend).local(timezone.now()).date()
    context = {
        "task": task, "demarche": task.demarche, "post": task.post, "kind": entry.kind,
        "reason": describe(entry.kind, due=task.due, today=today), "task_url": task_url(task.id),
    }
    try:
        _send(subject=f"[Outreach] {context['reason']}: {task.demarche.reference_id} {task.post.name}",
              template="reminder", context=context, to=entry.recipient.split(", "))
    except Exception as exc:
        _finish(ReminderLog, log_id, exc)
        raise
    _finish(ReminderLog, log_id, None)
    return "sent"


def deliver_digest(digest_id: int) -> str:
    """Send one post's daily digest: all its open tasks. Safe to call twice; raises when the mail server fails."""
    if not _start_sending(DigestLog, digest_id):
        return "skipped"
    digest = DigestLog.objects.select_related("post").get(pk=digest_id)
    tasks = list(
        PostTask.objects.open().active().filter(post=digest.post).select_related("demarche").order_by("due", "id")
    )
    for task in tasks:
        task.url = task_url(task.id)
        task.overdue = task.due < digest.local_date
    context = {"post": digest.post, "tasks": tasks, "date": digest.local_date}
    try:
        _send(subject=f"[Outreach] {digest.post.name}: {len(tasks)} open tasks on {digest.local_date:%d %b %Y}",
              template="digest", context=context, to=digest.recipient.split(", "))
    except Exception as exc:
        _finish(DigestLog, digest_id, exc)
        raise
    _finish(DigestLog, digest_id, None)
    now = timezone.now()
    ReminderLog.objects.filter(digest_id=digest_id).update(status="sent", sent_at=now, updated_at=now)
    return "sent"
