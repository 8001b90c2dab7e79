"""Generate years of a large foreign ministry's demarches for the dashboard benchmark, on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres outreach_dash_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/outreach_dash_bench DJANGO_TESTING=1
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/gen_dashboard_data.py [--scale 1.0] [--years Y] [--seed 4690]

Scale 1.0: 300 posts, 7,000 demarches over five years, about 2,000,000 tasks (--scale 0.1 for a quick run:
700 demarches). The ministry sends 1,400 demarches a year whatever the scale: more scale is more years of
history (--scale 10: 70,000 demarches over 50 years, ~20,000,000 tasks), the same open work. That is what
the 2M/20M suite (bench/bench_growth.py) asks: whether pages grow with closed history. `--years` sets
the span instead (--scale 10 --years 5: ten times the demarches a day, so ten times the open work too).
Rows go in with COPY. It TRUNCATEs the outreach tables (and the cables it made) first, so it refuses a
database whose name does not contain "bench" unless --force. It loads with triggers off
(session_replication_role = replica), fills PostTask.issued_on itself and then rebuilds DemarcheStats.
"""

import argparse
import hashlib
import json
import math
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.roles import DESK_OFFICERS, EMBASSY_STAFF, MANAGERS  # noqa: E402
from cables.models import Cable, Post  # noqa: E402
from outreach import dashboards  # noqa: E402
from outreach.models import Demarche, DemarchePost, PostTask  # noqa: E402

REGIONS = ["AF", "EAP", "EUR", "NEA", "SCA", "WHA", "IO"]
REGION_WEIGHTS = [50, 45, 75, 25, 15, 55, 10]  # roughly how State's posts are spread
TAGS = ["PREL", "PARM", "MTCRE", "KNNP", "ETTC", "PHUM", "EFIN", "PTER", "SENV", "ECON", "KSCA", "UNGA"]
RESPONSES = ["welcomed", "noted", "non_committal", "rejected", "no_response"]
PASSWORD = "bench-password"
Kind, Status = PostTask.Kind, PostTask.Status


def copy_rows(model, columns: list[str], rows) -> int:
    """COPY rows (tuples in `columns` order, ids included) into the model's table."""
    table = model._meta.db_table
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def reset(force: bool) -> None:
    name = connection.settings_dict["NAME"]
    if "bench" not in name and not force:
        sys.exit(
            f"Refusing to TRUNCATE the outreach tables of {name!r}: use a database named *bench* or --force."
        )
    tables = [m._meta.db_table for m in django.apps.apps.get_app_config("outreach").get_models()]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        cursor.execute("DELETE FROM cables_cable WHERE filename = 'bench'")
        cursor.execute(
            "DELETE FROM cables_post_staff WHERE post_id IN (SELECT id FROM cables_post WHERE code LIKE 'bench-%%')"
        )
        cursor.execute("DELETE FROM cables_post WHERE code LIKE 'bench-%%'")


def make_users(posts: list[Post]):
    users = get_user_model().objects
    groups = {
        name: Group.objects.get_or_create(name=name)[0] for name in (DESK_OFFICERS, MANAGERS, EMBASSY_STAFF)
    }

    def user(username, group):
        u, created = users.get_or_create(username=username, defaults={"email": f"{username}@example.org"})
        if created:
            u.set_password(PASSWORD)
            u.save()
        u.groups.add(groups[group])
        return u

    desks = [user(f"bench-desk-{i:02d}", DESK_OFFICERS) for i in range(25)]
    user("bench-manager", MANAGERS)
    for post in posts[:10]:
        post.staff.add(user(f"bench-staff-{post.code}", EMBASSY_STAFF))
    return desks


def make_posts(rng: random.Random, count: int) -> list[Post]:
    posts = []
    for i in range(count):
        region = rng.choices(REGIONS, REGION_WEIGHTS)[0]
        posts.append(
            Post(
                code=f"bench-{i:03d}",
                name=f"Bench Post {i:03d}",
                kind="embassy",
                city=f"City {i:03d}",
                country=f"Country {i:03d}",
                region=region,
                timezone="UTC",
                weekend=[6, 7],
            )
        )
    Post.objects.bulk_create(posts)
    return list(Post.objects.filter(code__startswith="bench-").order_by("code"))


def generate(scale: float, seed: int, today: date, years: float | None = None) -> dict:
    rng = random.Random(seed)
    posts = make_posts(rng, 300)
    desks = make_users(posts)
    # A post's speed: most deliver within days, a few are habitually slow.
    slowness = {p.pk: rng.choice([0.6, 0.8, 1.0, 1.0, 1.2, 1.5, 2.5, 4.0]) for p in posts}
    n_demarches = max(10, round(7000 * scale))
    start = today - timedelta(days=round((years or 5 * scale) * 365))
    span = (today - timedelta(days=3) - start).days
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM cables_cable")
        cable_id = cursor.fetchone()[0]
    cables, demarches, dposts, tasks = [], [], [], []
    with connection.cursor() as cursor:
        # The COPYs fill issued_on themselves; DemarcheStats is rebuilt once below. The row-level
        # issued_on trigger would otherwise look up a demarche for each of the 2,000,000 tasks.
        cursor.execute("SET session_replication_role = replica")
    copied = {"demarches": 0, "demarche_posts": 0, "tasks": 0}

    def flush():
        """COPY what the loop made so far and forget it: 20 million tasks do not fit in memory."""
        copy_rows(
            Cable,
            [
                "id",
                "reference_id",
                "revision",
                "is_current",
                "raw_text",
                "raw_sha256",
                "filename",
                "status",
                "parse_error",
                "parser_version",
                "parsed",
                "subject",
                "sent_at",
                "origin",
                "classification",
                "tags_text",
                "is_action_request",
                "anomaly_count",
                "received_at",
            ],
            cables,
        )
        copy_rows(
            Demarche,
            [
                "id",
                "cable_id",
                "reference_id",
                "subject",
                "instructions",
                "owner_id",
                "state",
                "deliver_by",
                "report_by",
                "created_at",
                "issued_at",
                "issued_by_id",
                "closed_at",
                "closed_by_id",
                "version",
                "collectives",
                "report_by_source",
            ],
            demarches,
        )
        copy_rows(
            DemarchePost,
            [
                "id",
                "demarche_id",
                "post_id",
                "assigned_officer_id",
                "acknowledged_at",
                "acknowledged_by_id",
                "acknowledged_note",
                "removed",
                "added_after_issue",
            ],
            dposts,
        )
        copy_rows(
            PostTask,
            [
                "id",
                "demarche_id",
                "demarche_post_id",
                "post_id",
                "audience",
                "kind",
                "position",
                "instruction",
                "talking_points",
                "tp_paragraph",
                "releasable_to",
                "needs_attention",
                "due",
                "assigned_to_id",
                "status",
                "status_reason",
                "completed_at",
                "completed_by_id",
                "delivered_on",
                "requested_level",
                "officials",
                "method",
                "response",
                "response_text",
                "reply_reference_id",
                "reply_cable_id",
                "created_at",
                "updated_at",
                "version",
                "issued_on",
                "sections",
                "text",
                "text_kind",
                "marking",
            ],
            tasks,
        )
        copied["demarches"] += len(demarches)
        copied["demarche_posts"] += len(dposts)
        copied["tasks"] += len(tasks)
        for rows in (cables, demarches, dposts, tasks):
            rows.clear()

    timings = {}
    t = time.perf_counter()
    dpost_id = task_id = 0
    for n in range(n_demarches):
        if n and n % 1000 == 0:
            flush()
        cable_id += 1
        issued_day = start + timedelta(days=int(span * n / n_demarches))
        issued_at = datetime(issued_day.year, issued_day.month, issued_day.day, 14, tzinfo=dt_timezone.utc)
        deliver_by, report_by = issued_day + timedelta(days=7), issued_day + timedelta(days=14)
        state = "closed" if report_by < today - timedelta(days=60) else "issued"
        if n >= n_demarches - 8:
            state = "draft"
        reference_id = f"{issued_day:%y}STATE{n + 1:06d}"
        tags = " ".join(rng.sample(TAGS, 3))
        subject = f"Demarche {n + 1}: {tags.split()[0]} outreach on item {rng.randint(1, 999)}"
        cables.append(
            (
                cable_id,
                reference_id,
                1,
                True,
                subject,
                hashlib.sha256(reference_id.encode()).hexdigest(),
                "bench",
                "parsed",
                "",
                "bench",
                json.dumps({"reference_id": reference_id}),
                subject,
                issued_at,
                "SECSTATE WASHDC",
                "CONFIDENTIAL",
                tags,
                True,
                0,
                issued_at,
            )
        )
        owner = rng.choice(desks)
        demarches.append(
            (
                n + 1,
                cable_id,
                reference_id,
                subject,
                "",
                owner.pk,
                state,
                deliver_by,
                report_by,
                issued_at,
                issued_at if state != "draft" else None,
                owner.pk if state != "draft" else None,
                issued_at + timedelta(days=30) if state == "closed" else None,
                owner.pk if state == "closed" else None,
                1,
                "[]",
                "",
            )
        )
        if state == "draft":
            issued_at = None
        # 30% go to (nearly) every post, the rest to a handful: about 285 tasks a demarche on average.
        size = rng.randint(240, 300) if rng.random() < 0.3 else rng.randint(5, 40)
        for post in rng.sample(posts, size):
            dpost_id += 1
            ack = None
            if issued_at and rng.random() > (0.02 if state == "closed" else 0.15):
                ack = issued_at + timedelta(hours=rng.randint(1, 96) * slowness[post.pk])
                ack = ack if ack.date() <= today else None
            dposts.append((dpost_id, n + 1, post.pk, None, ack, None, "", False, False))
            kinds = [Kind.DELIVER_NON_PAPER, Kind.TALKING_POINTS, Kind.REPORT_BACK]
            if rng.random() < 0.04:
                kinds.append(Kind.SPECIAL)
            delivered_day = None
            for position, kind in enumerate(kinds):
                task_id += 1
                due = report_by if kind == Kind.REPORT_BACK else deliver_by
                status, done_day, reason, response = Status.OPEN, None, "", ""
                if issued_at:
                    roll = rng.random()
                    if kind == Kind.REPORT_BACK:
                        if delivered_day and roll < 0.93:
                            done_day = delivered_day + timedelta(
                                days=max(1, round(rng.expovariate(1 / 5) * slowness[post.pk]))
                            )
                            response = rng.choice(RESPONSES)
                    elif roll < 0.03:
                        status, reason = Status.NOT_DELIVERED, "No appointment granted"
                    elif roll < 0.96:
                        days = max(0, round(rng.lognormvariate(math.log(4), 0.6) * slowness[post.pk]))
                        done_day = issued_day + timedelta(days=days)
                        if kind == Kind.DELIVER_NON_PAPER:
                            delivered_day = done_day
                    if done_day and done_day > today:
                        done_day, response = None, ""
                        if kind == Kind.DELIVER_NON_PAPER:
                            delivered_day = None
                    if done_day:
                        status = Status.DONE
                    elif state == "closed" and status == Status.OPEN:
                        status = Status.CANCELLED  # closing a demarche cancels its open tasks (close_demarche)
                completed_at = (
                    datetime(done_day.year, done_day.month, done_day.day, 11, tzinfo=dt_timezone.utc)
                    if done_day
                    else (issued_at + timedelta(days=10) if status == Status.NOT_DELIVERED else None)
                )
                tasks.append(
                    (
                        task_id,
                        n + 1,
                        dpost_id,
                        post.pk,
                        "",
                        kind,
                        position,
                        "",
                        "[]",
                        None,
                        "[]",
                        "",
                        due,
                        None,
                        status,
                        reason,
                        completed_at,
                        None,
                        done_day if (done_day and kind != Kind.REPORT_BACK) else None,
                        "",
                        "[]",
                        "meeting" if done_day and kind != Kind.REPORT_BACK else "",
                        response,
                        "",
                        "",
                        None,
                        issued_at or datetime.now(dt_timezone.utc),
                        completed_at or issued_at or datetime.now(dt_timezone.utc),
                        1,
                        timezone.localdate(issued_at) if issued_at else None,
                        "[]",
                        "",
                        "",
                        "",
                    )
                )
    flush()
    timings["copy_s"] = time.perf_counter() - t
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = origin")
    t = time.perf_counter()
    dashboards.rebuild_stats()
    timings["stats_s"] = time.perf_counter() - t
    with connection.cursor() as cursor:
        for model in (Cable, Demarche, DemarchePost, PostTask):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
        t = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")  # sets the visibility map, so index-only scans skip the heap
        timings["analyze_s"] = time.perf_counter() - t
    return {
        "posts": len(posts),
        **copied,
        **timings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 7,000 demarches, ~2,000,000 tasks")
    parser.add_argument("--years", type=float, default=None, help="span of history (default: 5 x scale)")
    parser.add_argument("--seed", type=int, default=4690)
    parser.add_argument("--force", action="store_true", help="allow a database not named *bench*")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The dashboard benchmark needs PostgreSQL: set DATABASE_URL.")
    started = time.perf_counter()
    reset(args.force)
    result = generate(args.scale, args.seed, date.today(), years=args.years)
    result["total_s"] = time.perf_counter() - started
    for key, value in result.items():
        print(f"{key:>16}: {value:,.1f}" if isinstance(value, float) else f"{key:>16}: {value:,}")


if __name__ == "__main__":
    main()
