"""Reply cables close the loop: receive a cable, attach a post's reply to its report-back task, or ask a person."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.roles import require_desk_officer
from cables.models import Cable, CableAddressee, CableReference, Post
from cables.services import IngestResult, ingest_cable

from ..models import Demarche, PostTask, ReplyMatch
from .errors import TransitionError
from .history import apply_changes, record_event
from .workflow import save_task

log = logging.getLogger(__name__)
Kind = PostTask.Kind
Status = PostTask.Status


def receive_cable(data: str | bytes, *, filename: str | None = None, by=None) -> IngestResult:
    """Store a cable as received, then attach it to the demarches it answers. Safe to call twice."""
    result = ingest_cable(data, filename=filename, by=by)
    cable = result.cable
    if result.outcome in ("created", "revised") and (cable.parsed or {}).get("references"):
        try:
            with transaction.atomic():
                match_replies(cable)
        except Exception:  # a failure to match never loses the cable, which is stored already
            log.exception("Matching %s against demarches failed", cable.reference_id)
    return result


def match_replies(cable: Cable) -> list[ReplyMatch]:
    """Attach a reply cable to the report-back task it answers; leave ambiguous matches for a person."""
    cited = set(CableReference.objects.filter(cable=cable).values_list("reference_id", flat=True))
    cited.discard(cable.reference_id)
    demarches = list(Demarche.objects.filter(reference_id__in=cited).exclude(state=Demarche.State.DRAFT))
    if not demarches:
        return []
    sender = (
        CableAddressee.objects.filter(cable=cable, role=CableAddressee.Role.FROM).select_related("post").first()
    )
    post = sender.post if sender else None
    matches = []
    for demarche in demarches:
        existing = ReplyMatch.objects.filter(demarche=demarche, cable=cable).first()
        if existing:
            matches.append(existing)
            continue
        matches.append(_match_one(demarche, cable, post))
    return matches


@transaction.atomic
def _match_one(demarche: Demarche, cable: Cable, post: Post | None) -> ReplyMatch:
    candidates = list(
        demarche.tasks.filter(kind=Kind.REPORT_BACK, post=post, demarche_post__removed=False)
        .exclude(status=Status.CANCELLED)
    ) if post else []
    if len(candidates) > 1:
        # A post with two audiences (Hong Kong and Macau) says in the SUBJECT whom it reports on.
        from .reporting import subject_names

        named = [t for t in candidates if subject_names(t, cable.subject or "")]
        candidates = named if len(named) == 1 else candidates
    if len(candidates) == 1 and demarche.state != Demarche.State.CLOSED:
        task = candidates[0]
        _attach(task, cable, by=None)
        return ReplyMatch.objects.create(demarche=demarche, cable=cable, post=post, task=task,
                                         state=ReplyMatch.State.ATTACHED)
    if not post:
        reason = f"The sender of {cable.reference_id} is not a known post."
    elif not candidates:
        reason = f"{post.name} is not an action post of this demarche."
    elif len(candidates) > 1:
        audiences = ", ".join(t.audience or "host government" for t in candidates)
        reason = f"{post.name} has several report-back tasks ({audiences}); choose one."
    else:
        reason = "The demarche is closed."
    return ReplyMatch.objects.create(demarche=demarche, cable=cable, post=post,
                                     state=ReplyMatch.State.PENDING, reason=reason)


def _attach(task: PostTask, cable: Cable, *, by) -> PostTask:
    Demarche.objects.select_for_update().get(pk=task.demarche_id)  # before the task, as _locked_task does
    task = PostTask.objects.select_for_update().get(pk=task.pk)
    values = {"reply_cable": cable, "reply_reference_id": cable.reference_id}
    was_open = task.status == Status.OPEN
    if was_open:
        values["status"] = Status.DONE
    changes = apply_changes(task, values)
    if was_open:
        task.completed_at, task.completed_by = timezone.now(), by
    return save_task(task, changes, "reply_attached", by=by, note=f"reply cable {cable.reference_id}")


@transaction.atomic
def confirm_reply(match: ReplyMatch, *, task: PostTask, by) -> ReplyMatch:
    """Attach a pending reply cable to the report-back task a desk officer chose."""
    require_desk_officer(by)
    match = ReplyMatch.objects.select_for_update().get(pk=match.pk)
    if match.state != ReplyMatch.State.PENDING:
        raise TransitionError("This reply has already been decided.")
    if task.demarche_id != match.demarche_id or task.kind != Kind.REPORT_BACK:
        raise ValidationError("Choose a report-back task of this demarche.")
    _attach(task, match.cable, by=by)
    match.state, match.task, match.decided_by = ReplyMatch.State.ATTACHED, task, by
    match.save(update_fields=["state", "task", "decided_by"])
    return match


@transaction.atomic
def reject_reply(match: ReplyMatch, *, by, reason: str = "") -> ReplyMatch:
    """Record that a pending reply cable does not answer this demarche."""
    require_desk_officer(by)
    match = ReplyMatch.objects.select_for_update().get(pk=match.pk)
    if match.state != ReplyMatch.State.PENDING:
        raise TransitionError("This reply has already been decided.")
    match.state, match.decided_by = ReplyMatch.State.REJECTED, by
    match.reason = "\n".join(x for x in [match.reason, reason.strip()] if x)
    match.save(update_fields=["state", "decided_by", "reason"])
    record_event(match.demarche, "reply_rejected", by=by, changes={"reply": [match.cable.reference_id, None]}, note=reason)
    return match
