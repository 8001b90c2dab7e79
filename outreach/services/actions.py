"""One dispatcher from a task action to its service, for the task page and the API alike."""

from __future__ import annotations

from accounts.roles import is_desk_officer

from ..models import PostTask
from .workflow import can_work_on, mark_not_delivered, record_delivery, reopen, submit_report, update_task

# action -> (service, the values it takes); values of other actions are ignored.
TASK_ACTIONS = {
    "deliver": (record_delivery, ("delivered_on", "method", "officials", "requested_level", "response",
                                  "response_text")),
    "report": (submit_report, ("response", "response_text", "reply_reference_id", "delivered_on", "method",
                               "officials")),
    "not_delivered": (mark_not_delivered, ("reason",)),
    "reopen": (reopen, ("reason",)),
    "edit": (update_task, ("instruction", "due", "assigned_to", "needs_attention", "talking_points")),
}
DESK_ONLY = {"reopen", "edit"}


def can_attempt(user, task: PostTask, action: str) -> bool:
    """Whether to offer (and accept) an action at all; the service still checks the task's state."""
    return can_work_on(task, user) and (action not in DESK_ONLY or is_desk_officer(user))


def action_for_status(task: PostTask, status: str) -> str:
    """The action that moves a task to a status: the API speaks in statuses, the task page in actions."""
    if status == PostTask.Status.NOT_DELIVERED:
        return "not_delivered"
    if status == PostTask.Status.OPEN:
        return "reopen"
    return "report" if task.kind == PostTask.Kind.REPORT_BACK else "deliver"


def act_on_task(task: PostTask, action: str, values: dict, *, by, version: int | None = None) -> PostTask:
    """Apply one action to a task through its service; raise ValueError for an unknown action."""
    if action not in TASK_ACTIONS:
        raise ValueError(f"Unknown task action {action!r}")
    service, accepted = TASK_ACTIONS[action]
    return service(task, by=by, version=version, **{name: values[name] for name in accepted if name in values})
