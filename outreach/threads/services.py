"""Every write to a thread: post a message, edit it within minutes, resolve the post's questions.

One access rule: a user reads the threads of the demarche posts they may see
(DemarchePost.objects.visible_to) and writes where they may act for the post (cables.models.can_act_on):
the post's staff and desk officers write, managers only read, other posts see nothing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.roles import is_desk_officer

from ..models import DemarchePost, Message, MessageRevision, PostTask
from ..services import bounds
from ..services.errors import ConflictError
from ..services.history import excerpt, record_event
from . import attachments, notify
from .access import can_edit, require_writer


@transaction.atomic
def post_message(dpost: DemarchePost, *, by, body: str, is_question: bool = False,
                 task: PostTask | None = None, files=()) -> Message:
    """Write a message (and its files) in a post's thread and tell the other side.

    A desk officer's message answers the post's pending questions; a post's message may be a question.
    """
    require_writer(by, dpost)
    body = (body or "").strip()
    bounds.check_texts(body=body)
    files = [f for f in files if f]
    if not body and not files:
        raise ValidationError({"body": "Write a message or attach a file."})
    if task is not None and task.demarche_post_id != dpost.pk:
        raise ValidationError({"task": "That task belongs to another post's thread."})
    from_desk = is_desk_officer(by)
    # Serialise writers of one thread: the attachment quota and the answer to the questions count on it.
    DemarchePost.objects.select_for_update().filter(pk=dpost.pk).first()
    message = Message.objects.create(demarche_post=dpost, task=task, author=by, from_desk=from_desk, body=body,
                                     is_question=bool(is_question) and not from_desk)
    attachments.store(dpost, files, by=by, message=message)
    answered = 0
    if from_desk:
        answered = Message.objects.filter(demarche_post=dpost).pending().update(
            answered_at=message.created_at, answered_by=by)
    action = "question_asked" if message.is_question else "message_posted"
    answers = f" (answers {answered} question{'s' if answered != 1 else ''})" if answered else ""
    record_event(dpost.demarche, action, by=by, task=task, figures=False,
                 note=f"{dpost.post.name}: {excerpt(body, 200)}{answers}")
    notify.tell_other_side(message)
    return message


@transaction.atomic
def edit_message(message: Message, *, by, body: str, version: int | None, now=None) -> Message:
    """Correct a message within EDIT_WINDOW of writing it; the earlier text stays in its history."""
    dpost = message.demarche_post
    require_writer(by, dpost)
    if not can_edit(by, message, now=now):
        raise PermissionDenied("A message can be corrected by its author only, within 5 minutes of writing it.")
    body = (body or "").strip()
    bounds.check_texts(body=body)
    if not body and not message.attachments.exists():
        raise ValidationError({"body": "A message cannot be emptied; it stays as history."})
    current = Message.objects.select_for_update().get(pk=message.pk)
    if version is None or current.version != int(version):
        raise ConflictError(current)
    if current.body == body:
        return current
    if current.revisions.count() >= bounds.MAX_CORRECTIONS:
        raise ValidationError({"body": f"A message can be corrected at most {bounds.MAX_CORRECTIONS} times; "
                                       "write a new message instead."})
    MessageRevision.objects.create(message=current, body=current.body, replaced_by=by)
    old = current.body
    current.body, current.edited_at, current.version = body, now or timezone.now(), current.version + 1
    current.save(update_fields=["body", "edited_at", "version"])
    record_event(dpost.demarche, "message_edited", figures=False, by=by, task=current.task,
                 changes={"message": [excerpt(old), excerpt(body)]}, note=dpost.post.name)
    return current


@transaction.atomic
def resolve_questions(dpost: DemarchePost, *, by) -> int:
    """Mark the post's pending questions answered without writing (desk officers). Safe to call twice."""
    require_writer(by, dpost)
    if not is_desk_officer(by):
        raise PermissionDenied("Only desk officers resolve a post's questions.")
    resolved = Message.objects.filter(demarche_post=dpost).pending().update(answered_at=timezone.now(), answered_by=by)
    if resolved:
        record_event(dpost.demarche, "questions_resolved", by=by, figures=False,
                     note=f"{dpost.post.name}: {resolved} question{'s' if resolved != 1 else ''} resolved")
    return resolved

