"""Errors, constants and the history writer that every service uses."""

from __future__ import annotations

import logging
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import is_desk_officer

from ..models import Demarche, PostTask, TaskEvent

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

def _ensure_desk_officer(user) -> None:
    if not is_desk_officer(user):
        raise PermissionDenied("Only desk officers may do this.")
