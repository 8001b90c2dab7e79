"""Add years of closed history to a database made by bench/gen_dashboard_data.py, in SQL, fast.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/outreach_bench_20m DJANGO_TESTING=1
    .venv/bin/python bench/grow_history.py --copies 9

Each copy repeats the generated closed demarches (their cables, taskings, tasks and DemarcheStats rows)
one span of history further back: --copies 9 on the 2M database (five years) gives fifty years of
history, ~19,000,000 tasks, and the same open work. That is the 20M suite of bench/bench_growth.py: what
pages cost when closed history grows tenfold. The Python generator makes the same shape
(gen_dashboard_data.py --scale 10) but takes well over an hour on a shared 2-core machine; this takes
minutes. Loaded with triggers off, like the generator; DemarcheStats rows are copied, so they stay exact.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

# Per table: the columns that change in a copy; every other column is copied as it is.
# {k}: the copy's number; {days}: how far back it goes; {d}, {c}, {p}, {t}: the id offsets.
SHIFTS = {
    "cables_cable": {
        "id": "id + {k} * {c}",
        "reference_id": "'H{k}-' || reference_id",
        "raw_sha256": "encode(sha256(convert_to('H{k}-' || raw_sha256, 'UTF8')), 'hex')",
        "sent_at": "sent_at - interval '{days} days'",
        "received_at": "received_at - interval '{days} days'",
    },
    "outreach_demarche": {
        "id": "id + {k} * {d}",
        "cable_id": "cable_id + {k} * {c}",
        "reference_id": "'H{k}-' || reference_id",
        "deliver_by": "deliver_by - {days}",
        "report_by": "report_by - {days}",
        "created_at": "created_at - interval '{days} days'",
        "issued_at": "issued_at - interval '{days} days'",
        "closed_at": "closed_at - interval '{days} days'",
    },
    "outreach_demarchepost": {
        "id": "id + {k} * {p}",
        "demarche_id": "demarche_id + {k} * {d}",
        "acknowledged_at": "acknowledged_at - interval '{days} days'",
    },
    "outreach_posttask": {
        "id": "id + {k} * {t}",
        "demarche_id": "demarche_id + {k} * {d}",
        "demarche_post_id": "demarche_post_id + {k} * {p}",
        "due": "due - {days}",
        "completed_at": "completed_at - interval '{days} days'",
        "delivered_on": "delivered_on - {days}",
        "created_at": "created_at - interval '{days} days'",
        "updated_at": "updated_at - interval '{days} days'",
        "issued_on": "issued_on - {days}",
    },
    "outreach_demarchestats": {"demarche_id": "demarche_id + {k} * {d}"},
}
# Which rows are copied: those of the closed demarches generated (ids up to the offsets).
WHERE = {
    "cables_cable": "id IN (SELECT cable_id FROM outreach_demarche WHERE state = 'closed' AND id <= {d})",
    "outreach_demarche": "state = 'closed' AND id <= {d}",
    "outreach_demarchepost": "demarche_id IN (SELECT id FROM outreach_demarche WHERE state = 'closed' AND id <= {d})",
    "outreach_posttask": "demarche_id IN (SELECT id FROM outreach_demarche WHERE state = 'closed' AND id <= {d})",
    "outreach_demarchestats": "demarche_id IN (SELECT id FROM outreach_demarche WHERE state = 'closed' AND id <= {d})",
}


def columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND is_generated = 'NEVER' "
        "ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def scalar(cursor, sql: str):
    cursor.execute(sql)
    return cursor.fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=9)
    args = parser.parse_args()
    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or "bench" not in name:
        sys.exit(f"Refusing to grow {name!r}: a PostgreSQL database named *bench* only.")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if scalar(cursor, "SELECT count(*) FROM outreach_demarche WHERE reference_id LIKE 'H%%-%%'"):
            sys.exit("This database already has copied history.")
        offsets = {
            "d": scalar(cursor, "SELECT max(id) FROM outreach_demarche"),
            "c": scalar(cursor, "SELECT max(id) FROM cables_cable"),
            "p": scalar(cursor, "SELECT max(id) FROM outreach_demarchepost"),
            "t": scalar(cursor, "SELECT max(id) FROM outreach_posttask"),
        }
        span = scalar(cursor, "SELECT max(created_at)::date - min(created_at)::date + 1 FROM outreach_demarche")
        cols = {table: columns(cursor, table) for table in SHIFTS}
    for k in range(1, args.copies + 1):
        values = {**offsets, "k": k, "days": k * span}
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")  # no triggers, no FK checks
            for table, shifts in SHIFTS.items():
                names = cols[table]
                select = ", ".join(shifts.get(c, c).format(**values) for c in names)
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(names)}) SELECT {select} FROM {table} "
                    f"WHERE {WHERE[table].format(**values)}"
                )
        print(f"copy {k}: {k * span} days back, {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        for table in ("cables_cable", "outreach_demarche", "outreach_demarchepost", "outreach_posttask"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cursor.execute("VACUUM ANALYZE")
        print(
            f"{scalar(cursor, 'SELECT count(*) FROM outreach_demarche'):,} demarches, "
            f"{scalar(cursor, 'SELECT count(*) FROM outreach_posttask'):,} tasks, "
            f"{time.perf_counter() - started:.0f} s"
        )


if __name__ == "__main__":
    main()
