"""The history every write leaves: a TaskEvent with who, when and {field: [old, new]}."""

from __future__ import annotations

import json
from datetime import date
from functools import partial

from django.db import transaction

from config.db_router import note_write

from ..models import Demarche, PostTask, TaskEvent


def record_event(demarche: Demarche, action: str, *, by, task: PostTask | None = None,
                 changes: dict | None = None, note: str = "", figures: bool = True) -> TaskEvent:
    """Write one TaskEvent; `by` may be None or an unsaved system actor.

    Every write passes here, so here the overview's snapshots learn that their figures changed
    (figures=False: a write no figure counts, such as a thread message), and the request's session reads
    its next pages from the primary (read your writes, config/db_router.py).
    """
    note_write()
    # A draft is in no figure until it is issued, so its edits leave the snapshots alone.
    if figures and (demarche.state != Demarche.State.DRAFT or action == "issued"):
        region = task.post.region if task is not None else None
        transaction.on_commit(partial(_forget_once, _pending_forgets(), region))
    return TaskEvent.objects.create(
        demarche=demarche, task=task, actor=by if getattr(by, "pk", None) else None,
        action=action, changes=changes or {}, note=excerpt(note or "", 2_000),
    )


def _pending_forgets() -> set:
    """The regions this transaction's snapshot drops have done, shared by all its events' callbacks.

    Each event still registers its own callback, so a callback dropped with a rolled-back savepoint
    loses nothing; but after commit only the first one per region deletes: a bulk edit of 30 posts
    runs one DELETE per region, not 30.
    """
    for _, callback, *_ in transaction.get_connection().run_on_commit:
        if getattr(callback, "func", None) is _forget_once:
            return callback.args[0]
    return set()


def _forget_once(done: set, region: str | None) -> None:
    from ..dashboards.snapshots import forget

    if region in done or None in done:  # None dropped every region's snapshots already
        return
    done.add(region)
    forget(region=region)


# History keeps an excerpt of a long value, not the value: 58 alternating 5 MiB answers once made a
# demarche page of 435 MB. The task itself holds the full current text.
EXCERPT = 300


def excerpt(value: str, limit: int = EXCERPT) -> str:
    return value if len(value) <= limit else f"{value[:limit]}… ({len(value):,} characters)"


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, str):
        return excerpt(value)
    if isinstance(value, (list, dict)) and len(json.dumps(value, default=str)) > 4 * EXCERPT:
        return excerpt(json.dumps(value, default=str, ensure_ascii=False), 4 * EXCERPT)
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


# A page shows the latest changes only: a task's history grows with every save, its page must not.
EVENTS_ON_PAGE = 100


def recent_events(events, limit: int = EVENTS_ON_PAGE) -> dict:
    """Return {"events": the latest `limit` events oldest first, "events_hidden": how many older ones}."""
    latest = list(events.order_by("-at", "-id")[:limit])[::-1]
    hidden = events.count() - limit if len(latest) == limit else 0
    return {"events": latest, "events_hidden": max(hidden, 0)}


@transaction.atomic
def save_admin_edit(obj: Demarche | PostTask, changes: dict, *, by) -> None:
    """Save an edit made in the admin as a service would: bump the version, record {field: [old, new]}."""
    # The demarche's row first, as the services lock it before a task's (workflow._locked_task).
    Demarche.objects.select_for_update().get(pk=obj.pk if isinstance(obj, Demarche) else obj.demarche_id)
    obj.version += 1
    obj.save()
    demarche, task = (obj, None) if isinstance(obj, Demarche) else (obj.demarche, obj)
    changes = {name: [_jsonable(old), _jsonable(new)] for name, (old, new) in changes.items()}
    record_event(demarche, "edited_in_admin", by=by, task=task, changes=changes)
