"""Benchmark the reminder sweep: 1,000,000 tasks of which 10,000 are due, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/outreach_bench DJANGO_TESTING=1 \
        .venv/bin/python bench/bench_reminders.py [--tasks 1000000] [--due 10000] [--regenerate]

Uses its own database (created by `migrate` if empty): it TRUNCATEs the outreach tables before generating.
Generated data is reused by later runs unless --regenerate. Prints a table of timings.
"""

import argparse
import json
import os
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from cables.models import Cable, Post  # noqa: E402
from outreach import reminders  # noqa: E402
from outreach.models import Demarche, DemarchePost, PostTask  # noqa: E402
from outreach.reminders import sweep as sweep_module  # noqa: E402

NOW = datetime(2026, 12, 17, 10, 0, tzinfo=timezone.utc)  # a Thursday, working hours in all the zones below
TODAY = NOW.date()
ZONES = ["Europe/London", "Europe/Paris", "Africa/Nairobi", "Asia/Dubai"]
POSTS, TASKS_PER_DP = 200, 5


def copy_rows(model, rows, provided: list[str]) -> None:
    """COPY rows (tuples of the `provided` columns) into the model's table; other columns get their defaults."""
    now = datetime.now(timezone.utc)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    index = {name: i for i, name in enumerate(provided)}

    def default(f):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return now
        if f.null and not f.has_default():
            return None
        value = f.get_default()  # "" for a non-null text field without a default
        return json.dumps(value) if isinstance(value, (list, dict)) else value

    defaults = [default(f) for f in fields]
    picks = [index.get(f.attname) for f in fields]
    sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row([row[p] if p is not None else d for p, d in zip(picks, defaults)])


def generate(total: int, due: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE outreach_notification, outreach_reminderlog, outreach_digestlog, outreach_taskevent, "
            "outreach_replymatch, outreach_posttask, outreach_demarchepost, outreach_demarche CASCADE"
        )
    User = get_user_model()
    owner, _ = User.objects.get_or_create(username="bench-owner", defaults={"email": "owner@example.org"})
    posts = []
    for i in range(POSTS):
        post, _ = Post.objects.update_or_create(
            code=f"bench-{i}", defaults={"name": f"Bench {i}", "kind": "embassy", "timezone": ZONES[i % len(ZONES)],
                                         "weekend": [6, 7]},
        )
        posts.append(post)
        for s in range(2):
            user, _ = User.objects.get_or_create(username=f"bench-{i}-{s}", defaults={"email": f"b{i}s{s}@example.org"})
            post.staff.add(user)
    per_demarche = POSTS * TASKS_PER_DP
    n_demarches = -(-total // per_demarche)
    Cable.objects.filter(reference_id__startswith="BENCH").delete()
    cables = Cable.objects.bulk_create(
        Cable(reference_id=f"BENCH{d}", raw_text="x", raw_sha256=f"bench{d:059d}", status="parsed",
              parser_version="bench") for d in range(n_demarches)
    )
    demarches = Demarche.objects.bulk_create(
        Demarche(cable=c, reference_id=c.reference_id, owner=owner, state="issued", deliver_by=TODAY,
                 report_by=TODAY) for c in cables
    )
    copy_rows(DemarchePost, ((d.pk, p.pk) for d in demarches for p in posts), ["demarche_id", "post_id"])
    dps = dict(((d, p), pk) for pk, d, p in DemarchePost.objects.values_list("pk", "demarche_id", "post_id"))

    def tasks():
        n = 0
        for d in demarches:
            for p in posts:
                for position in range(TASKS_PER_DP):
                    if n >= total:
                        return
                    if n % (total // due) == 0:  # due today: the reminders
                        status, when = "open", TODAY
                    elif n % 10 == 1:  # open, due far ahead: selected by nothing
                        status, when = "open", TODAY + timedelta(days=30 + n % 300)
                    else:  # history: done long ago
                        status, when = "done", date(2020, 1, 1) + timedelta(days=n % 2000)
                    yield d.pk, dps[(d.pk, p.pk)], p.pk, "special", position, when, status
                    n += 1

    copy_rows(PostTask, tasks(), ["demarche_id", "demarche_post_id", "post_id", "kind", "position", "due", "status"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(label: str, fn, rows: list) -> object:
    start = time.perf_counter()
    value = fn()
    rows.append((label, time.perf_counter() - start, value))
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own.")
    call_command("migrate", verbosity=0)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    rows: list = []
    if args.regenerate or PostTask.objects.count() != args.tasks:
        timed(f"generate {args.tasks:,} tasks (COPY)", lambda: generate(args.tasks, args.due), rows)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE outreach_notification, outreach_reminderlog, outreach_digestlog, "
                       "outreach_reminderemail, outreach_reminderemail_reminders, outreach_remindersweep")
    timed("candidate query (count)", lambda: reminders.candidate_tasks(now=NOW).count(), rows)
    timed("candidate query (fetch all rows)", lambda: len(list(reminders.candidate_tasks(now=NOW).iterator(2000))), rows)
    timed("full sweep, dry run", lambda: sum(sweep_module.sweep(now=NOW, dry_run=True).counts.values()), rows)
    # The Celery path: claim, in-app notifications, one message per person's email. Publishing is counted
    # instead of sent to Redis, so the numbers are the database's; workers deliver in parallel.
    queued: list[int] = []
    sweep_module._dispatch = lambda ids, **kw: queued.extend(ids)
    timed("full sweep: claim + in-app + one email per person", lambda: sum(sweep_module.sweep(now=NOW).counts.values()), rows)
    timed("sweep again (all claimed: sends 0)", lambda: sum(sweep_module.sweep(now=NOW).counts.values()), rows)
    sample = queued[:500]
    timed(f"deliver {len(sample)} emails in one process (locmem)",
          lambda: sum(reminders.deliver_email(pk) == "sent" for pk in sample), rows)
    plan = reminders.candidate_tasks(now=NOW).explain().splitlines()
    print(f"\nReminder sweep benchmark, PostgreSQL {connection.cursor().connection.info.server_version}, "
          f"{PostTask.objects.count():,} tasks, now={NOW.isoformat()}\n")
    print(f"| {'step':<45} | {'seconds':>8} | {'rows / reminders':>16} |")
    print(f"|{'-' * 47}|{'-' * 10}|{'-' * 18}|")
    for label, seconds, value in rows:
        shown = f"{value:,}" if isinstance(value, int) else ""
        print(f"| {label:<45} | {seconds:>8.2f} | {shown:>16} |")
    print("\nPlan of the candidate query:\n  " + "\n  ".join(plan))


if __name__ == "__main__":
    main()
