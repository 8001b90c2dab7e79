"""Demarches and their per-post tasks: generation from a cable's parse, the workflow, reply matching.

Every write goes through a function here; each one records a TaskEvent with {field: [old, new]}.
Task and demarche updates carry the `version` the user read: a stale one raises ConflictError.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cables.access import is_desk_officer, is_embassy_staff
from cables.models import Cable, CableAddressee, CableReference, Post

from .models import Demarche, DemarchePost, PostTask, ReplyMatch, TaskEvent

log = logging.getLogger(__name__)

Kind = PostTask.Kind
Status = PostTask.Status
UNTASKABLE_KINDS = {"collective", "unknown", "", None}
NO_POINTS_FLAG = "The cable gives no post-specific talking points for this post."


class ConflictError(Exception):
    """Someone else saved the object after the user read it."""

    def __init__(self, obj):
        noun = "task" if isinstance(obj, PostTask) else obj._meta.verbose_name
        super().__init__(f"Someone else changed this {noun}; here is its current state.")
        self.current = obj


class TransitionError(ValidationError):
    """The requested change is not allowed from the object's current state."""


# ---------------------------------------------------------------- generation from the parse


@dataclass
class TaskPlan:
    post: Post
    audience: str
    kind: str
    instruction: str
    talking_points: list = field(default_factory=list)
    tp_paragraph: int | None = None
    releasable_to: list = field(default_factory=list)
    needs_attention: str = ""


def _norm(name: str | None) -> str:
    return " ".join((name or "").upper().replace(".", "").split())


def _is_host(audience: str | None, post: Post) -> bool:
    """Tell whether a parsed audience is just the post's own host ("Hong Kong SAR", "Taiwan")."""
    if not audience:
        return True
    name = _norm(audience)
    for suffix in (" AUTHORITIES", " AUTHORITY", " SAR", " GOVERNMENT"):
        name = name.removesuffix(suffix)
    # Not releasability_names: Hong Kong's include MACAU, which is a separate audience.
    hosts = {_norm(post.country), _norm(post.name), _norm(post.city)}
    return name in hosts - {""}


def _audience_name(audience: str) -> str:
    name = " ".join(audience.split())
    for suffix in (" SAR Authorities", " Authorities", " SAR"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def _label(audience: str) -> str:
    return f"the {audience} authorities" if audience else "the host government"


def _clean_points(points: list[dict]) -> list[dict]:
    """Keep the points as parsed, minus empty ones (a trailing bare "--")."""
    out = []
    for point in points:
        text = (point.get("text") or "").strip()
        if text and set(text) - {"-", " "}:
            out.append({"text": text, "conditional": bool(point.get("conditional"))})
    return out


def plan_tasks(parsed: dict, posts: list[Post]) -> list[TaskPlan]:
    """Turn a parse into the tasks of the given action posts."""
    request = parsed.get("action_request") or {}
    has_non_paper = bool(parsed.get("non_papers") or request.get("non_paper_paragraphs"))
    np_paras = request.get("non_paper_paragraphs") or [n.get("paragraph") for n in parsed.get("non_papers") or []]
    np_where = f" in paragraph {np_paras[0]}" if np_paras and np_paras[0] else ""
    sections = parsed.get("talking_points") or []
    has_points = bool(sections)
    # A section naming no post holds points for every action post.
    general = [s for s in sections if not s.get("code")]
    exceptions = {e.get("code"): e for e in request.get("exceptions") or [] if e.get("code")}
    reference_id = parsed.get("reference_id") or "the tasking cable"
    plans: list[TaskPlan] = []
    for post in posts:
        own = [s for s in sections if s.get("code") == post.code]
        audiences = [""]
        for s in own:
            if not _is_host(s.get("audience"), post):
                audiences.append(_audience_name(s["audience"]))
        for also in parsed.get("also_for") or []:
            if also.get("code") == post.code and also.get("also_for"):
                audiences.append(_audience_name(also["also_for"]))
        audiences = list(dict.fromkeys(audiences))
        exception = exceptions.get(post.code)
        for audience in audiences:
            label = _label(audience)
            if has_non_paper and not (exception and exception.get("excluded")):
                plans.append(TaskPlan(post, audience, Kind.DELIVER_NON_PAPER,
                                      f"Deliver the non-paper{np_where} to appropriate officials of {label}."))
            if exception and exception.get("instruction") and not audience:
                text = exception["instruction"].strip()
                plans.append(TaskPlan(post, audience, Kind.SPECIAL, text[:1].upper() + text[1:]))
            if has_points:
                section = next((s for s in own if (_audience_name(s["audience"]) if not _is_host(
                    s.get("audience"), post) else "") == audience), None)
                if section is None and general:
                    section = {
                        "paragraph": general[0].get("paragraph"),
                        "points": [p for g in general for p in g.get("points") or []],
                        "releasable_to": [r for g in general for r in g.get("releasable_to") or []],
                    }
                if section:
                    plans.append(TaskPlan(
                        post, audience, Kind.TALKING_POINTS,
                        f"Make the talking points of paragraph {section.get('paragraph')} to {label}.",
                        talking_points=_clean_points(section.get("points") or []),
                        tp_paragraph=section.get("paragraph"),
                        releasable_to=list(section.get("releasable_to") or []),
                    ))
                else:
                    plans.append(TaskPlan(
                        post, audience, Kind.TALKING_POINTS,
                        f"The cable gives no post-specific talking points for {post.name}"
                        f"{f' ({audience})' if audience else ''}; the desk officer will advise.",
                        needs_attention=NO_POINTS_FLAG,
                    ))
            plans.append(TaskPlan(post, audience, Kind.REPORT_BACK,
                                  f"Report the response of {label} by cable, citing {reference_id}."))
    return plans


def action_posts(cable: Cable) -> list[Post]:
    """Return the cable's action addressees that are posts (collectives and unknowns cannot be tasked)."""
    rows = (
        CableAddressee.objects.filter(cable=cable, role=CableAddressee.Role.ACTION, post__isnull=False)
        .exclude(kind__in=["collective", "unknown"])
        .select_related("post")
        .order_by("position")
    )
    return list(dict.fromkeys(row.post for row in rows))


def draft_flags(demarche: Demarche) -> list[str]:
    """Return what the desk officer should look at before issuing: untaskable addressees, anomalies."""
    parsed = demarche.cable.parsed or {}
    flags = []
    for a in parsed.get("action_addressees") or []:
        if a.get("kind") == "collective":
            flags.append(f"{a.get('raw')} is a collective and cannot be tasked; add its member posts by hand.")
        elif a.get("kind") in UNTASKABLE_KINDS or not a.get("code"):
            flags.append(f"{a.get('raw')} is not a known post and was not tasked.")
    for a in parsed.get("anomalies") or []:
        if a.get("kind") in {"spliced", "missing_paragraphs", "truncated"}:
            where = f" (paragraph {a['paragraph']})" if a.get("paragraph") else ""
            flags.append(f"Parser warning {a['kind']}{where}: {a.get('detail')}")
    return flags


# ---------------------------------------------------------------- events


def _event(demarche: Demarche, action: str, *, by, task: PostTask | None = None,
           changes: dict | None = None, note: str = "") -> TaskEvent:
    return TaskEvent.objects.create(
        demarche=demarche, task=task, actor=by if getattr(by, "pk", None) else None,
        action=action, changes=changes or {}, note=note,
    )


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


def _apply(obj, values: dict) -> dict:
    """Set the values that differ on obj; return {field: [old, new]} for them."""
    changes = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes[name] = [_jsonable(old), _jsonable(new)]
            setattr(obj, name, new)
    return changes


# ---------------------------------------------------------------- demarche lifecycle


def default_dates(today: date | None = None) -> tuple[date, date]:
    """Return the default (deliver_by, report_by) counted from today."""
    today = today or timezone.localdate()
    return (today + timedelta(days=settings.DEMARCHE_DELIVER_WITHIN_DAYS),
            today + timedelta(days=settings.DEMARCHE_REPORT_WITHIN_DAYS))


def report_offset() -> timedelta:
    return timedelta(days=settings.DEMARCHE_REPORT_WITHIN_DAYS - settings.DEMARCHE_DELIVER_WITHIN_DAYS)


def create_demarche(cable: Cable, *, by, deliver_by: date | None = None,
                    report_by: date | None = None) -> Demarche:
    """Create the draft demarche of an action-request cable with its tasks. Safe to call twice."""
    existing = Demarche.objects.filter(reference_id=cable.reference_id).first()
    if existing:
        return existing
    parsed = cable.parsed or {}
    if not parsed.get("action_request"):
        raise ValidationError(f"{cable.reference_id} is not an action request.")
    default_deliver, default_report = default_dates()
    deliver_by = deliver_by or default_deliver
    report_by = report_by or (deliver_by + report_offset() if deliver_by != default_deliver else default_report)
    try:
        with transaction.atomic():
            demarche = Demarche.objects.create(
                cable=cable, reference_id=cable.reference_id, subject=parsed.get("subject") or cable.subject,
                instructions=(parsed.get("action_request") or {}).get("text") or "",
                owner=by, deliver_by=deliver_by, report_by=report_by,
            )
            posts = action_posts(cable)
            _create_tasks(demarche, plan_tasks(parsed, posts), posts)
            _event(demarche, "created", by=by, note=f"{len(posts)} action posts")
    except IntegrityError:
        # Another request created it a moment ago.
        return Demarche.objects.get(reference_id=cable.reference_id)
    for citing in Cable.objects.current().filter(cited__reference_id=cable.reference_id).distinct():
        match_replies(citing)
    return demarche


def _create_tasks(demarche: Demarche, plans: list[TaskPlan], posts: list[Post],
                  *, added_after_issue: bool = False) -> None:
    dposts = {}
    for post in posts:
        dpost, created = DemarchePost.objects.get_or_create(
            demarche=demarche, post=post, defaults={"added_after_issue": added_after_issue}
        )
        dposts[post.pk] = dpost
    PostTask.objects.bulk_create([
        PostTask(
            demarche=demarche, demarche_post=dposts[plan.post.pk], post=plan.post, audience=plan.audience,
            kind=plan.kind, instruction=plan.instruction, talking_points=plan.talking_points,
            tp_paragraph=plan.tp_paragraph, releasable_to=plan.releasable_to,
            needs_attention=plan.needs_attention,
            due=demarche.report_by if plan.kind == Kind.REPORT_BACK else demarche.deliver_by,
        )
        for plan in plans
    ], ignore_conflicts=True)


def _locked_demarche(demarche: Demarche, version: int | None) -> Demarche:
    current = Demarche.objects.select_for_update().get(pk=demarche.pk)
    if version is not None and current.version != version:
        raise ConflictError(current)
    return current


def _ensure_desk_officer(user) -> None:
    if not is_desk_officer(user):
        raise PermissionDenied("Only desk officers may do this.")


def _ensure_editable(demarche: Demarche) -> None:
    if demarche.state == Demarche.State.CLOSED:
        raise TransitionError("This demarche is closed and read-only.")


@transaction.atomic
def update_demarche(demarche: Demarche, *, by, version: int | None = None, **values) -> Demarche:
    """Change a draft or issued demarche's subject, instructions or due dates; moved dates carry their tasks."""
    _ensure_desk_officer(by)
    current = _locked_demarche(demarche, version)
    _ensure_editable(current)
    allowed = {"subject", "instructions", "deliver_by", "report_by"}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"Cannot update {', '.join(sorted(unknown))}")
    old_deliver, old_report = current.deliver_by, current.report_by
    changes = _apply(current, values)
    if not changes:
        return current
    current.version += 1
    current.save()
    _shift_dues(current, old_deliver, current.deliver_by, report=False, by=by)
    _shift_dues(current, old_report, current.report_by, report=True, by=by)
    action = "amended" if current.state == Demarche.State.ISSUED else "updated"
    _event(current, action, by=by, changes=changes)
    return current


def _shift_dues(demarche: Demarche, old: date, new: date, *, report: bool, by, posts=None) -> None:
    """Move open tasks that still had the old date; individually edited dates stay."""
    if old == new:
        return
    tasks = demarche.tasks.filter(status=Status.OPEN, due=old)
    tasks = tasks.filter(kind=Kind.REPORT_BACK) if report else tasks.exclude(kind=Kind.REPORT_BACK)
    if posts is not None:
        tasks = tasks.filter(post__in=posts)
    for task in tasks:
        task.due = new
        task.version += 1
        task.save(update_fields=["due", "version", "updated_at"])
        _event(demarche, "due_changed", by=by, task=task, changes={"due": [old.isoformat(), new.isoformat()]})


@transaction.atomic
def issue_demarche(demarche: Demarche, *, by) -> Demarche:
    """Issue a draft demarche to its posts. Safe to call twice."""
    _ensure_desk_officer(by)
    updated = Demarche.objects.filter(pk=demarche.pk, state=Demarche.State.DRAFT).update(
        state=Demarche.State.ISSUED, issued_at=timezone.now(), issued_by=by, version=F("version") + 1
    )
    demarche.refresh_from_db()
    if updated:
        _event(demarche, "issued", by=by, changes={"state": ["draft", "issued"]})
    return demarche


@transaction.atomic
def close_demarche(demarche: Demarche, *, by) -> Demarche:
    """Close a demarche; afterwards it is read-only. Safe to call twice."""
    _ensure_desk_officer(by)
    current = _locked_demarche(demarche, None)
    if current.state != Demarche.State.CLOSED:
        old = current.state
        current.state, current.closed_at, current.closed_by = Demarche.State.CLOSED, timezone.now(), by
        current.version += 1
        current.save()
        _event(current, "closed", by=by, changes={"state": [old, "closed"]})
    return current


@transaction.atomic
def add_post(demarche: Demarche, post: Post, *, by) -> DemarchePost:
    """Add an action post (or bring back a removed one) with the tasks the cable gives it."""
    _ensure_desk_officer(by)
    current = _locked_demarche(demarche, None)
    _ensure_editable(current)
    dpost = DemarchePost.objects.filter(demarche=current, post=post).first()
    if dpost and not dpost.removed:
        return dpost
    issued = current.state == Demarche.State.ISSUED
    if dpost:  # brought back: reopen what removing it cancelled
        dpost.removed = False
        dpost.save(update_fields=["removed"])
        for task in dpost.tasks.filter(status=Status.CANCELLED):
            task.status, task.version = Status.OPEN, task.version + 1
            task.save(update_fields=["status", "version", "updated_at"])
            _event(current, "task_restored", by=by, task=task, changes={"status": ["cancelled", "open"]})
    else:
        _create_tasks(current, plan_tasks(current.cable.parsed or {}, [post]), [post], added_after_issue=issued)
        dpost = DemarchePost.objects.get(demarche=current, post=post)
    _event(current, "post_added", by=by, changes={"posts": [None, post.name]},
           note="added after issue" if issued else "")
    return dpost


@transaction.atomic
def remove_post(demarche_post: DemarchePost, *, by, reason: str = "") -> DemarchePost:
    """Take a post off a demarche: flag it removed and cancel its open tasks (nothing is deleted)."""
    _ensure_desk_officer(by)
    current = _locked_demarche(demarche_post.demarche, None)
    _ensure_editable(current)
    dpost = DemarchePost.objects.select_for_update().get(pk=demarche_post.pk)
    if dpost.removed:
        return dpost
    dpost.removed = True
    dpost.save(update_fields=["removed"])
    for task in dpost.tasks.filter(status=Status.OPEN):
        task.status, task.version = Status.CANCELLED, task.version + 1
        task.save(update_fields=["status", "version", "updated_at"])
        _event(current, "task_cancelled", by=by, task=task, changes={"status": ["open", "cancelled"]}, note=reason)
    _event(current, "post_removed", by=by, changes={"posts": [dpost.post.name, None]}, note=reason)
    return dpost


@transaction.atomic
def acknowledge(demarche_post: DemarchePost, *, by, note: str = "") -> DemarchePost:
    """Record that a post received its tasking; desk officers may do it on the post's behalf with a reason."""
    dpost = DemarchePost.objects.select_for_update().select_related("demarche", "post").get(pk=demarche_post.pk)
    on_behalf = not dpost.post.staff.filter(pk=by.pk).exists()
    if on_behalf:
        _ensure_desk_officer(by)
        if not note.strip():
            raise ValidationError("Give a reason when acknowledging on a post's behalf.")
    if dpost.demarche.state != Demarche.State.ISSUED:
        raise TransitionError("Only an issued demarche can be acknowledged.")
    if dpost.acknowledged_at:
        return dpost
    dpost.acknowledged_at, dpost.acknowledged_by, dpost.acknowledged_note = timezone.now(), by, note.strip()
    dpost.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledged_note"])
    _event(dpost.demarche, "acknowledged", by=by, changes={"acknowledged": [None, dpost.post.name]},
           note=note.strip())
    return dpost


def _dposts(demarche: Demarche, post_ids) -> list[DemarchePost]:
    return list(demarche.posts.filter(post_id__in=post_ids, removed=False).select_related("post"))


@transaction.atomic
def bulk_extend(demarche: Demarche, *, post_ids, by, deliver_by: date | None = None,
                report_by: date | None = None) -> int:
    """Move the open tasks of several posts to new due dates; return how many tasks moved."""
    _ensure_desk_officer(by)
    current = _locked_demarche(demarche, None)
    _ensure_editable(current)
    posts = [d.post for d in _dposts(current, post_ids)]
    moved = 0
    for task in current.tasks.filter(post__in=posts, status=Status.OPEN).select_for_update():
        new = report_by if task.kind == Kind.REPORT_BACK else deliver_by
        if new and new != task.due:
            old, task.due, task.version = task.due, new, task.version + 1
            task.save(update_fields=["due", "version", "updated_at"])
            _event(current, "due_changed", by=by, task=task, changes={"due": [old.isoformat(), new.isoformat()]},
                   note="bulk extension")
            moved += 1
    return moved


@transaction.atomic
def bulk_reassign(demarche: Demarche, *, post_ids, officer, by) -> int:
    """Assign a named officer at several posts; return how many posts changed."""
    _ensure_desk_officer(by)
    current = _locked_demarche(demarche, None)
    _ensure_editable(current)
    changed = 0
    for dpost in _dposts(current, post_ids):
        if officer is not None and not dpost.post.staff.filter(pk=officer.pk).exists():
            raise ValidationError(f"{officer} does not work for {dpost.post}.")
        if dpost.assigned_officer_id != getattr(officer, "pk", None):
            old = str(dpost.assigned_officer or "") or None
            dpost.assigned_officer = officer
            dpost.save(update_fields=["assigned_officer"])
            dpost.tasks.filter(status=Status.OPEN).update(assigned_to=officer, version=F("version") + 1)
            _event(current, "reassigned", by=by,
                   changes={"assigned_officer": [old, str(officer) if officer else None]}, note=dpost.post.name)
            changed += 1
    return changed


def bulk_acknowledge(demarche: Demarche, *, post_ids, by, reason: str) -> int:
    """Acknowledge on behalf of several posts, with a reason; return how many were new."""
    _ensure_desk_officer(by)
    count = 0
    for dpost in _dposts(demarche, post_ids):
        if not dpost.acknowledged_at:
            acknowledge(dpost, by=by, note=reason)
            count += 1
    return count


# ---------------------------------------------------------------- tasks


def _locked_task(task: PostTask, version: int | None, by) -> PostTask:
    current = PostTask.objects.select_for_update().select_related("demarche", "post").get(pk=task.pk)
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
    return (
        is_embassy_staff(user)
        and task.demarche.state == Demarche.State.ISSUED
        and task.post.staff.filter(pk=user.pk).exists()
    )


def _save_task(task: PostTask, changes: dict, action: str, *, by, note: str = "") -> PostTask:
    if changes:
        task.version += 1
        task.save()
        _event(task.demarche, action, by=by, task=task, changes=changes, note=note)
    return task


@transaction.atomic
def update_task(task: PostTask, *, by, version: int | None = None, **values) -> PostTask:
    """Edit a task's instruction, due date, assignee or attention flag (desk officers)."""
    _ensure_desk_officer(by)
    current = _locked_task(task, version, by)
    allowed = {"instruction", "due", "assigned_to", "needs_attention", "talking_points"}
    if set(values) - allowed:
        raise ValueError(f"Cannot update {', '.join(sorted(set(values) - allowed))}")
    return _save_task(current, _apply(current, values), "task_updated", by=by)


def _ensure_open(task: PostTask) -> None:
    if task.status != Status.OPEN:
        raise TransitionError(f"This task is {task.get_status_display().lower()}, not open.")


@transaction.atomic
def record_delivery(task: PostTask, *, by, version: int | None = None, delivered_on: date,
                    method: str, officials: list[dict] | None = None, requested_level: str = "",
                    response: str = "", response_text: str = "") -> PostTask:
    """Mark a delivery, talking-points or special task done with what the post reports."""
    current = _locked_task(task, version, by)
    _ensure_open(current)
    if current.kind == Kind.REPORT_BACK:
        raise TransitionError("A report-back task is completed by submitting the report.")
    changes = _apply(current, {
        "status": Status.DONE, "delivered_on": delivered_on, "method": method,
        "officials": officials or [], "requested_level": requested_level or current.requested_level,
        "response": response, "response_text": response_text,
    })
    current.completed_at, current.completed_by = timezone.now(), by
    return _save_task(current, changes, "delivered", by=by)


@transaction.atomic
def mark_not_delivered(task: PostTask, *, by, reason: str, version: int | None = None) -> PostTask:
    """Close an open task as not delivered; a reason is required."""
    if not (reason or "").strip():
        raise ValidationError("Give the reason the task was not delivered.")
    current = _locked_task(task, version, by)
    _ensure_open(current)
    changes = _apply(current, {"status": Status.NOT_DELIVERED, "status_reason": reason.strip()})
    current.completed_at, current.completed_by = timezone.now(), by
    return _save_task(current, changes, "not_delivered", by=by, note=reason.strip())


@transaction.atomic
def reopen(task: PostTask, *, by, reason: str = "", version: int | None = None) -> PostTask:
    """Reopen a done or not-delivered task (desk officers only)."""
    _ensure_desk_officer(by)
    current = _locked_task(task, version, by)
    if current.status not in (Status.DONE, Status.NOT_DELIVERED):
        raise TransitionError(f"Only a done or not-delivered task can be reopened; this one is {current.status}.")
    changes = _apply(current, {"status": Status.OPEN, "status_reason": ""})
    current.completed_at = current.completed_by = None
    return _save_task(current, changes, "reopened", by=by, note=reason)


@transaction.atomic
def submit_report(task: PostTask, *, by, response: str, version: int | None = None,
                  response_text: str = "", reply_reference_id: str = "", delivered_on: date | None = None,
                  method: str = "", officials: list[dict] | None = None) -> PostTask:
    """Record the host government's response on a report-back task and mark it done.

    A task already done by a matched reply cable still takes the details.
    """
    current = _locked_task(task, version, by)
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
    changes = _apply(current, values)
    if was_open:
        current.completed_at, current.completed_by = timezone.now(), by
    return _save_task(current, changes, "reported", by=by)


# ---------------------------------------------------------------- what embassy staff may read


def points_releasable(task: PostTask, post: Post | None = None) -> bool:
    """Tell whether a task's talking points are releasable to its post's host (or its other audience)."""
    if not task.releasable_to:
        return True
    post = post or task.post
    names = {_norm(n) for n in (post.releasability_names or [])} | {_norm(post.country)}
    if task.audience:
        names.add(_norm(task.audience))
    return any(_norm(r) in names for r in task.releasable_to)


def redact_for(user, tasks):
    """Blank the talking points embassy staff may not read; desk officers and managers see all."""
    from cables.access import can_read_all

    if can_read_all(user):
        for task in tasks:
            task.points_withheld = False
        return tasks
    for task in tasks:
        task.points_withheld = not points_releasable(task)
        if task.points_withheld:
            task.talking_points = []
    return tasks


def tasks_for(user):
    """Return the tasks a user may see, most urgent first."""
    return PostTask.objects.visible_to(user).select_related("demarche", "post")


def inbox_tasks(user) -> list[PostTask]:
    """Return an embassy user's open tasks of issued demarches, soonest due first, points redacted."""
    tasks = tasks_for(user).active().open().filter(demarche_post__removed=False).order_by(
        "due", "demarche__reference_id", "post__name", "audience", "kind"
    )
    return redact_for(user, list(tasks))


def task_for(user, pk: int) -> PostTask:
    """Return one task the user may see, points redacted; any other id raises PostTask.DoesNotExist."""
    task = tasks_for(user).get(pk=pk)
    redact_for(user, [task])
    return task


# ---------------------------------------------------------------- reply cables


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
    task = PostTask.objects.select_for_update().get(pk=task.pk)
    values = {"reply_cable": cable, "reply_reference_id": cable.reference_id}
    was_open = task.status == Status.OPEN
    if was_open:
        values["status"] = Status.DONE
    changes = _apply(task, values)
    if was_open:
        task.completed_at, task.completed_by = timezone.now(), by
    return _save_task(task, changes, "reply_attached", by=by, note=f"reply cable {cable.reference_id}")


@transaction.atomic
def confirm_reply(match: ReplyMatch, *, task: PostTask, by) -> ReplyMatch:
    """Attach a pending reply cable to the report-back task a desk officer chose."""
    _ensure_desk_officer(by)
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
    _ensure_desk_officer(by)
    match = ReplyMatch.objects.select_for_update().get(pk=match.pk)
    if match.state != ReplyMatch.State.PENDING:
        raise TransitionError("This reply has already been decided.")
    match.state, match.decided_by = ReplyMatch.State.REJECTED, by
    match.reason = "\n".join(x for x in [match.reason, reason.strip()] if x)
    match.save(update_fields=["state", "decided_by", "reason"])
    _event(match.demarche, "reply_rejected", by=by, changes={"reply": [match.cable.reference_id, None]}, note=reason)
    return match


# ---------------------------------------------------------------- commands: reports, system user, demo data

KIND_ORDER = [Kind.DELIVER_NON_PAPER, Kind.SPECIAL, Kind.TALKING_POINTS, Kind.REPORT_BACK]


def command_user(username: str | None = None):
    """Return the user commands act as: the named one, the first desk officer, or a system account."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from cables.access import DESK_OFFICERS

    User = get_user_model()
    if username:
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise ValidationError(f"No user {username}.")
    user = User.objects.filter(groups__name=DESK_OFFICERS, is_active=True).order_by("pk").first()
    if user:
        return user
    # No desk officer yet: an inactive account that cannot log in owns command-made demarches.
    user, created = User.objects.get_or_create(username="outreach-system", defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get_or_create(name=DESK_OFFICERS)[0])
    return user


def demarche_status(demarche: Demarche) -> dict:
    """Return the demarche_status JSON: posts with their tasks, per audience."""
    tasks = (
        demarche.tasks.filter(demarche_post__removed=False)
        .select_related("post")
        .order_by("post__name", "post_id", "audience")
    )
    entries: dict = {}
    for task in tasks:
        entries.setdefault((task.post.name, task.post_id, task.audience), []).append(task)
    return {
        "reference_id": demarche.reference_id,
        "state": demarche.state,
        "posts": [
            {
                "post": name,
                "audience": audience or None,
                "tasks": [
                    {"kind": t.kind, "status": t.status, "instruction": t.instruction, "due": t.due.isoformat()}
                    for t in sorted(group, key=lambda t: (KIND_ORDER.index(t.kind), t.position))
                ],
            }
            for (name, _, audience), group in sorted(
                entries.items(), key=lambda item: (item[0][0].casefold(), item[0][1], item[0][2] != "", item[0][2])
            )
        ],
    }


def describe(demarche: Demarche, *, existed: bool) -> str:
    """Return a short text summary of a demarche for the commands."""
    status = demarche_status(demarche)
    total = sum(len(e["tasks"]) for e in status["posts"])
    posts = {e["post"] for e in status["posts"]}
    lines = [
        f"{demarche.reference_id}: {'exists' if existed else 'created'}, {demarche.state}; "
        f"deliver by {demarche.deliver_by}, report by {demarche.report_by}; "
        f"{len(posts)} posts, {total} tasks"
    ]
    for entry in status["posts"]:
        audience = f" (for {entry['audience']})" if entry["audience"] else ""
        kinds = ", ".join(t["kind"] for t in entry["tasks"])
        lines.append(f"  {entry['post']}{audience}: {len(entry['tasks'])} tasks ({kinds})")
    flagged = demarche.tasks.exclude(needs_attention="").select_related("post")
    if flagged:
        lines.append("Flagged for the desk officer: " + ", ".join(sorted({t.post.name for t in flagged})))
    return "\n".join(lines)


@dataclass
class DemoLogin:
    role: str
    username: str
    password: str
    email: str


@dataclass
class DemoResult:
    cable: Cable
    cable_outcome: str
    demarche: Demarche
    demarche_created: bool
    logins: list[DemoLogin]


DEMO_USERS = [
    # (username, full name, role, post codes)
    ("desk", "Dana Desk", "Desk officers", ()),
    ("manager", "Morgan Manager", "Managers", ()),
    ("abudhabi", "Amal Abu Dhabi", "Embassy staff", ("abu-dhabi",)),
    ("hongkong", "Harper Hong Kong", "Embassy staff", ("hong-kong",)),
]


def demo_password(username: str) -> str:
    """Derive a demo user's password from SECRET_KEY, so every run prints the same one."""
    from django.utils.crypto import salted_hmac

    return "demo-" + salted_hmac("outreach.seed_demo", username).hexdigest()[:12]


def _demo_user(username: str, full_name: str, role: str, post_codes) -> DemoLogin:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    email = f"{username}@demo.outreach.example"
    first, last = full_name.split(" ", 1)
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"email": email, "first_name": first, "last_name": last}
    )
    password = demo_password(username)
    if not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    for post in Post.objects.filter(code__in=post_codes):
        post.staff.add(user)
    return DemoLogin(role + (f" ({', '.join(post_codes)})" if post_codes else ""), username, password, user.email)


def seed_demo() -> DemoResult:
    """Load the seed cable, create and issue its demarche, and create the demo users. Safe to run twice."""
    from pathlib import Path

    from cables.services import ingest_cable

    seed = Path(__file__).parent / "demo" / "09STATE4690.txt"
    with transaction.atomic():
        logins = [_demo_user(*spec) for spec in DEMO_USERS]
        result = ingest_cable(seed.read_bytes(), filename=seed.name)
        desk = get_user_model_by_name("desk")
        existed = Demarche.objects.filter(reference_id=result.cable.reference_id).exists()
        deliver_by, report_by = default_dates()
        demarche = create_demarche(result.cable, by=desk, deliver_by=deliver_by, report_by=report_by)
        demarche = issue_demarche(demarche, by=desk)
    return DemoResult(result.cable, result.outcome, demarche, not existed, logins)


def get_user_model_by_name(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
