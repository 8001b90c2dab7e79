"""Excerpt the long values that history entries stored before they were bounded (issue 14).

A report text changed 58 times at 5 MiB made one page 435 MB; services/history.py now stores an
excerpt, and this rewrites the entries written before it. The excerpt is written out here, not
imported, so that this migration keeps its meaning if the service changes.
"""

import json

from django.db import migrations

EXCERPT = 300


def _excerpt(value: str, limit: int) -> str:
    return value if len(value) <= limit else f"{value[:limit]}… ({len(value):,} characters)"


def _bound(value):
    if isinstance(value, str):
        return _excerpt(value, EXCERPT)
    if isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False)
        return _excerpt(text, 4 * EXCERPT) if len(text) > 4 * EXCERPT else value
    return value


def bound_history(apps, schema_editor):
    TaskEvent = apps.get_model("outreach", "TaskEvent")
    for event in TaskEvent.objects.only("id", "changes", "note").iterator(chunk_size=500):
        changes = event.changes if isinstance(event.changes, dict) else {}
        bounded = {name: [_bound(v) for v in pair] if isinstance(pair, list) else _bound(pair)
                   for name, pair in changes.items()}
        note = _excerpt(event.note or "", 2_000)
        if bounded != changes or note != event.note:
            TaskEvent.objects.filter(pk=event.pk).update(changes=bounded, note=note)


class Migration(migrations.Migration):
    dependencies = [("outreach", "0011_delivered_talking_points")]

    operations = [migrations.RunPython(bound_history, migrations.RunPython.noop)]
