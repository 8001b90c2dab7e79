"""Export every row of the tracker to a JSON-lines file, and load it back into an empty database.

The file is one header line, then one line per row in Django's serialization layout
({"model", "pk", "fields"}), datetimes with full microseconds. Models are found through the app
registry, so a model added later is backed up without a change here. Left out: rows that
migrations recreate (content types, permissions: referenced by natural key), rows the database's
triggers recount as the tasks load (TaskingTally), and state that must not come back from a backup
(sessions, login-throttling records).
"""

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

FORMAT = "outreach-tracker-backup"
VERSION = 1
CHUNK = 1000
SKIPPED_APPS = {"contenttypes", "sessions", "axes"}
# Permissions are recreated by migrate; beat's PeriodicTasks is a change marker that every schedule save rewrites;
# the map's tallies are recounted by PostgreSQL's triggers as the tasks load (restored, they would collide).
SKIPPED_MODELS = {"auth.permission", "django_celery_beat.periodictasks", "outreach.taskingtally"}
# Rows in any of these mean the database is in use: importing would destroy work.
IN_USE_MODELS = ("auth.user", "cables.cable")


class BackupError(Exception):
    pass


class _ExactEncoder(DjangoJSONEncoder):
    """Keep microseconds, which DjangoJSONEncoder drops."""

    def default(self, o):
        if isinstance(o, (dt.datetime, dt.time)):
            return o.isoformat()
        return super().default(o)


def backed_up_models() -> list[type[models.Model]]:
    """Return the models whose rows a backup holds, those others refer to by natural key first."""
    chosen = [
        model
        for config in apps.get_app_configs()
        if config.label not in SKIPPED_APPS
        # Many-to-many tables are rows of their own, so their primary keys come back too.
        for model in config.get_models(include_auto_created=True)
        if model._meta.label_lower not in SKIPPED_MODELS and not model._meta.proxy and model._meta.managed
    ]
    by_app: dict = {}
    for model in chosen:
        by_app.setdefault(apps.get_app_config(model._meta.app_label), []).append(model)
    return serializers.sort_dependencies(by_app.items(), allow_cycles=True)


def _rows(model) -> Iterator[dict]:
    queryset = model._base_manager.using(DEFAULT_DB_ALIAS).order_by("pk")
    own_fields = [f.name for f in model._meta.local_fields if not f.primary_key]  # m2m: via the through rows
    last = None
    while True:
        chunk = list((queryset.filter(pk__gt=last) if last is not None else queryset)[:CHUNK])
        if not chunk:
            return
        yield from serializers.serialize("python", chunk, fields=own_fields, use_natural_foreign_keys=True)
        last = chunk[-1].pk


def export_data(path: Path) -> dict[str, int]:
    """Write every backed-up row to path; return the row count of each model."""
    models_ = backed_up_models()
    counts: dict[str, int] = {}
    tmp = Path(f"{path}.partial")
    connection = connections[DEFAULT_DB_ALIAS]
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic(), tmp.open("w", encoding="utf-8") as out:
        if snapshot:  # every query sees the same moment while the web and workers keep writing
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        counts = {model._meta.label_lower: model._base_manager.count() for model in models_}
        header = {"format": FORMAT, "version": VERSION, "counts": counts}
        out.write(json.dumps(header) + "\n")
        for model in models_:
            for row in _rows(model):
                out.write(json.dumps(row, cls=_ExactEncoder, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return counts


def _read(path: Path) -> tuple[dict, Iterator[dict]]:
    stream = path.open(encoding="utf-8")
    try:
        header = json.loads(stream.readline() or "null")
    except json.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        stream.close()
        raise BackupError(f"{path} is not an export of this tracker")
    if header.get("version") != VERSION:
        stream.close()
        raise BackupError(f"{path} is backup version {header.get('version')}; this tracker reads {VERSION}")

    def rows():
        with stream:
            for number, line in enumerate(stream, start=2):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise BackupError(f"{path} line {number}: {exc}") from exc

    return header, rows()


def _refuse_if_in_use() -> None:
    for label in IN_USE_MODELS:
        count = apps.get_model(label)._base_manager.count()
        if count:
            raise BackupError(
                f"the database holds {count} {label} rows: import only into a new, migrated database"
            )


def _clear(models_: Iterable[type[models.Model]], connection) -> None:
    """Empty the tables that migrations filled (posts, groups, schedules) so the backup's rows replace them."""
    tables = set()
    for model in models_:
        tables.add(model._meta.db_table)
        tables.update(f.remote_field.through._meta.db_table for f in model._meta.local_many_to_many)
    statements = connection.ops.sql_flush(no_style(), sorted(tables), allow_cascade=True)
    if connection.vendor == "postgresql":
        # TRUNCATE refuses tables with deferred checks pending; run them now, defer again for the load.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        connection.ops.execute_sql_flush(statements)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        connection.ops.execute_sql_flush(statements)


def _save(rows: Iterable[dict], connection) -> dict[str, int]:
    counts: dict[str, int] = {}
    deferred = []
    for row in rows:
        for obj in serializers.deserialize(
            "python", [row], using=connection.alias, handle_forward_references=True
        ):
            obj.save(using=connection.alias)
            if obj.deferred_fields:
                deferred.append(obj)
            label = obj.object._meta.label_lower
            counts[label] = counts.get(label, 0) + 1
    for obj in deferred:
        obj.save_deferred_fields(using=connection.alias)
    return counts


def import_data(path: Path) -> dict[str, int]:
    """Load an export into an empty database with the same primary keys; return rows per model."""
    header, rows = _read(path)
    connection = connections[DEFAULT_DB_ALIAS]
    models_ = backed_up_models()
    unknown = set(header["counts"]) - {m._meta.label_lower for m in models_}
    if unknown:
        raise BackupError(f"{path} holds models this tracker does not have: {', '.join(sorted(unknown))}")
    with transaction.atomic(using=connection.alias):
        _refuse_if_in_use()
        _clear(models_, connection)
        with connection.constraint_checks_disabled():
            counts = _save(rows, connection)
        expected = {label: n for label, n in header["counts"].items() if n}
        if counts != expected:  # before the constraint check: a cut file also leaves rows without their targets
            raise BackupError(f"{path} is incomplete: header says {expected}, file holds {counts}")
        connection.check_constraints()
        # New rows must not collide with restored primary keys (PostgreSQL sequences).
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models_):
                cursor.execute(sql)
    return counts
