"""A task's workflow: delivery, not delivered, reopen, report back; optimistic locking."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.roles import is_desk_officer, require_desk_officer
from cables.models import can_act_on, works_at

from ..models import Demarche, PostTask
from . import bounds
from .errors import ConflictError, TransitionError
from .history import apply_changes, record_event

Kind = PostTask.Kind
Status = PostTask.Status


def _locked_task(task: PostTask, version: int | None, by) -> PostTask:
    # The demarche's row first, then the task's: every write that locks both takes them in that order
    # (closing, a post's removal or acknowledgement, a bulk extension), so no two wait on each other.
    demarche = Demarche.objects.select_for_update().get(pk=task.demarche_id)
    current = PostTask.objects.select_for_update().select_related("post").get(pk=task.pk)
    current.demarche = demarche
    if not can_work_on(current, by):
        raise PermissionDenied("You cannot change this task.")
    if current.demarche.state == Demarche.State.CLOSED:
        raise TransitionError("This demarche is closed and read-only.")
    if version is not None and current.version != version:
        raise ConflictError(current)
    return current


def can_work_on(task: PostTask, user) -> bool:
    """Desk officers may act on any task; embassy staff on their own posts' tasks of issued demarches."""
    if is_desk_officer(user):
        return True
    return task.demarche.state == Demarche.State.ISSUED and can_act_on(user, task.post)


def save_task(task: PostTask, changes: dict, action: str, *, by, note: str = "") -> PostTask:
    if changes:
        task.version += 1
        task.save()
        record_event(task.demarche, action, by=by, task=task, changes=changes, note=note)
    return task


def _received(task: PostTask, by) -> None:
    """A post that records a step of its tasking has received it: acknowledge it, if nobody has.

    Only for the post's own staff; a desk officer recording on a post's behalf acknowledges nothing.
    """
    from .posts import record_receipt  # posts' imports reach save_task here: imported when first used

    if works_at(by, task.post_id):  # the task is locked and its demarche issued (_locked_task): no second check
        record_receipt(task.demarche, task.demarche_post_id, task.post, by=by, note="with its first recorded step")


@transaction.atomic
def update_task(task: PostTask, *, by, version: int | None = None, **values) -> PostTask:
    """Edit a task's instruction, due date, assignee or attention flag (desk officers)."""
    require_desk_officer(by)
    current = _locked_task(task, version, by)
    allowed = {"instruction", "due", "assigned_to", "needs_attention", "talking_points"}
    if set(values) - allowed:
        raise ValueError(f"Cannot update {', '.join(sorted(set(values) - allowed))}")
    bounds.check_texts(**{k: v for k, v in values.items() if k in ("instruction", "needs_attention")})
    bounds.check_list("talking_points", values.get("talking_points"), bounds.MAX_TALKING_POINTS)
    if "due" in values:
        bounds.check_due(current.demarche.cable, due=values["due"])
    if "talking_points" in values and current.sections and values["talking_points"] != current.talking_points:
        # Pages and staff read the sections: edited points replace the cable's, its background stays.
        current.sections = [{
            "paragraph": current.tp_paragraph, "heading": "Talking points as edited by the desk officer",
            "marking": current.marking, "conditional": False, "background": False,
            "releasable_to": list(current.releasable_to or []), "points": values["talking_points"],
        }] + [s for s in current.sections if s.get("background")]
    return save_task(current, apply_changes(current, values), "task_updated", by=by)


def _check_choices(**values: str) -> None:
    """Refuse a method or response that is not one of the task's choices ("" means none given)."""
    allowed = {"method": PostTask.Method.values, "response": PostTask.Response.values}
    errors = {
        name: f"Choose one of: {', '.join(allowed[name])}."
        for name, value in values.items()
        if value and value not in allowed[name]
    }
    if errors:
        raise ValidationError(errors)


def _ensure_open(task: PostTask) -> None:
    if task.status != Status.OPEN:
        raise TransitionError(f"This task is {task.get_status_display().lower()}, not open.")


@transaction.atomic
def record_delivery(task: PostTask, *, by, version: int | None = None, delivered_on: date | None = None,
                    method: str = "", officials: list[dict] | None = None, requested_level: str = "",
                    response: str = "", response_text: str = "") -> PostTask:
    """Mark a delivery, talking-points or special task done with what the post reports.

    A delivery needs the date and the method.
    """
    if not delivered_on or not method:
        raise ValidationError({"delivered_on": "Give the date delivered and how (method)."})
    _check_choices(method=method, response=response)
    bounds.check_texts(requested_level=requested_level, response_text=response_text)
    bounds.check_officials(officials)
    current = _locked_task(task, version, by)
    _ensure_open(current)
    bounds.check_delivered_on(current, delivered_on)
    if current.kind == Kind.REPORT_BACK:
        raise TransitionError("A report-back task is completed by submitting the report.")
    changes = apply_changes(current, {
        "status": Status.DONE, "delivered_on": delivered_on, "method": method,
        "officials": officials or [], "requested_level": requested_level or current.requested_level,
        "response": response, "response_text": response_text,
    })
    current.completed_at, current.completed_by = timezone.now(), by
    _received(current, by)
    return save_task(current, changes, "delivered", by=by)


@transaction.atomic
def mark_not_delivered(task: PostTask, *, by, reason: str, version: int | None = None) -> PostTask:
    """Close an open task as not delivered; a reason is required."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Give the reason the task was not delivered."})
    bounds.check_texts(reason=reason)
    current = _locked_task(task, version, by)
    _ensure_open(current)
    changes = apply_changes(current, {"status": Status.NOT_DELIVERED, "status_reason": reason.strip()})
    current.completed_at, current.completed_by = timezone.now(), by
    _received(current, by)
    return save_task(current, changes, "not_delivered", by=by, note=reason.strip())


@transaction.atomic
def reopen(task: PostTask, *, by, reason: str = "", version: int | None = None) -> PostTask:
    """Reopen a done or not-delivered task (desk officers only)."""
    require_desk_officer(by)
    bounds.check_texts(reason=reason)
    current = _locked_task(task, version, by)
    if current.status not in (Status.DONE, Status.NOT_DELIVERED):
        raise TransitionError(f"Only a done or not-delivered task can be reopened; this one is {current.status}.")
    changes = apply_changes(current, {"status": Status.OPEN, "status_reason": ""})
    current.completed_at = current.completed_by = None
    return save_task(current, changes, "reopened", by=by, note=reason)


@transaction.atomic
def submit_report(task: PostTask, *, by, response: str = "", version: int | None = None,
                  response_text: str = "", reply_reference_id: str = "", delivered_on: date | None = None,
                  method: str = "", officials: list[dict] | None = None) -> PostTask:
    """Record the host government's response on a report-back task and mark it done.

    A report needs the response. A task already done by a matched reply cable still takes the details.
    """
    if not response:
        raise ValidationError({"response": "A report needs the host government's response."})
    _check_choices(method=method, response=response)
    bounds.check_texts(response_text=response_text, reply_reference_id=reply_reference_id)
    bounds.check_officials(officials)
    current = _locked_task(task, version, by)
    bounds.check_delivered_on(current, delivered_on)
    if current.kind != Kind.REPORT_BACK:
        raise TransitionError("Only a report-back task takes a report.")
    if current.status not in (Status.OPEN, Status.DONE):
        raise TransitionError(f"This task is {current.get_status_display().lower()}; reopen it first.")
    values = {"status": Status.DONE, "response": response, "response_text": response_text,
              "reply_reference_id": (reply_reference_id or current.reply_reference_id).replace(" ", "").upper()}
    if delivered_on:
        values["delivered_on"] = delivered_on
    if method:
        values["method"] = method
    if officials:
        values["officials"] = officials
    was_open = current.status == Status.OPEN
    changes = apply_changes(current, values)
    if was_open:
        current.completed_at, current.completed_by = timezone.now(), by
    _received(current, by)
    return save_task(current, changes, "reported", by=by)
