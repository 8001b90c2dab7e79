"""The history every write leaves: a TaskEvent with who, when and {field: [old, new]}."""

from __future__ import annotations

from datetime import date
from functools import partial

from django.db import transaction

from ..models import Demarche, PostTask, TaskEvent


def record_event(demarche: Demarche, action: str, *, by, task: PostTask | None = None,
                 changes: dict | None = None, note: str = "") -> TaskEvent:
    """Write one TaskEvent; `by` may be None or an unsaved system actor.

    Every write passes here, so here the overview's snapshots learn that their figures changed.
    """
    from ..dashboards.snapshots import forget

    region = task.post.region if task is not None else None
    transaction.on_commit(partial(forget, region=region))
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


def apply_changes(obj, values: dict) -> dict:
    """Set the values that differ on obj; return {field: [old, new]} for them."""
    changes = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes[name] = [_jsonable(old), _jsonable(new)]
            setattr(obj, name, new)
    return changes


@transaction.atomic
def save_admin_edit(obj: Demarche | PostTask, changes: dict, *, by) -> None:
    """Save an edit made in the admin as a service would: bump the version, record {field: [old, new]}."""
    obj.version += 1
    obj.save()
    demarche, task = (obj, None) if isinstance(obj, Demarche) else (obj.demarche, obj)
    changes = {name: [_jsonable(old), _jsonable(new)] for name, (old, new) in changes.items()}
    record_event(demarche, "edited_in_admin", by=by, task=task, changes=changes)
