"""Time each dashboard page and API list on the data of bench/gen_dashboard_data.py.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/outreach_dash_bench DJANGO_TESTING=1
    .venv/bin/python bench/bench_dashboards.py [--runs 20] [--only overview]

For each page: the number of queries, the server-side time of the whole request through Django's test
Client (median and 95th percentile over --runs, after two warm-up requests, in a process settled as a web
worker is: config.startup.settle), and the database's own time for the same queries (the sum of EXPLAIN
ANALYZE's "Execution Time", median of three).
Then the background work behind the overview's snapshots (outreach.dashboards.snapshots): each window computed
live, as beat does every OVERVIEW_SNAPSHOT_MINUTES, and one whole refresh.
"""

import argparse
import json
import math
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from config.startup import settle  # noqa: E402
from outreach.dashboards import snapshots  # noqa: E402
from outreach.models import Demarche, PostTask  # noqa: E402


def pages() -> list[tuple[str, str, str]]:
    """(label, user, url) of every page and API list measured."""
    biggest = (
        Demarche.objects.filter(state="issued")
        .annotate(n=Count("tasks"))
        .order_by("-n")
        .values_list("reference_id", flat=True)
        .first()
    )
    post = "bench-000"
    return [
        ("overview (default: 30 days)", "bench-manager", "/dashboards/"),
        ("overview (90 days, snapshot)", "bench-manager", "/dashboards/?period=90"),
        ("overview (12 months, snapshot)", "bench-manager", "/dashboards/?period=365"),
        ("overview, one region, 30 days", "bench-manager", "/dashboards/?region=EUR"),
        ("demarches list (default: issued)", "bench-manager", "/dashboards/demarches/"),
        ("demarches list, all states", "bench-manager", "/dashboards/demarches/?state="),
        (
            "demarches, issued, by % delivered",
            "bench-manager",
            "/dashboards/demarches/?state=issued&sort=delivered_pct",
        ),
        (
            "demarches, all states, by % reported",
            "bench-manager",
            "/dashboards/demarches/?state=&sort=-reported_pct",
        ),
        (
            "demarches, region + TAG + text",
            "bench-manager",
            "/dashboards/demarches/?region=AF&tag=PARM&q=outreach",
        ),
        ("demarches CSV export (issued)", "bench-manager", "/dashboards/demarches/?_export=csv"),
        ("demarches CSV export, all states", "bench-manager", "/dashboards/demarches/?state=&_export=csv"),
        ("one post, all tasks, XLSX export", "bench-manager", f"/dashboards/posts/{post}/?show=&_export=xlsx"),
        (f"one demarche ({biggest})", "bench-manager", f"/dashboards/demarches/{biggest}/"),
        ("one post", "bench-manager", f"/dashboards/posts/{post}/"),
        ("one post, all tasks", "bench-manager", f"/dashboards/posts/{post}/?show="),
        ("embassy: overview", f"bench-staff-{post}", "/dashboards/"),
        ("embassy: overview (12 months, live)", f"bench-staff-{post}", "/dashboards/?period=365"),
        ("embassy: demarches list", f"bench-staff-{post}", "/dashboards/demarches/"),
        ("API demarches list", "bench-manager", "/api/demarches/"),
        (f"API one demarche ({biggest})", "bench-manager", f"/api/demarches/{biggest}/"),
        ("API post tasks", "bench-manager", f"/api/posts/{post}/tasks/"),
    ]


def explain_ms(sql: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else plan
    return plan["Execution Time"] + plan.get("Planning Time", 0)


def replay(captured) -> float:
    """EXPLAIN ANALYZE the request's SELECTs in one transaction, replaying its SET LOCALs (work_mem)."""
    total = 0.0
    with transaction.atomic(), connection.cursor() as cursor:
        for query in captured:
            sql = query["sql"].lstrip()
            if sql.upper().startswith("SET "):
                cursor.execute(sql)
            elif sql.upper().startswith("SELECT"):
                total += explain_ms(sql)
    return total


def fetch(client: Client, url: str) -> int:
    """GET the page and read all of it (exports stream: their work happens as they are read)."""
    response = client.get(url)
    assert response.status_code == 200, url
    size = sum(len(chunk) for chunk in response.streaming_content) if response.streaming else len(response.content)
    response.close()
    return size


def measure(client: Client, url: str, runs: int) -> dict:
    for _ in range(2):
        fetch(client, url)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fetch(client, url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        fetch(client, url)
    db = [replay(queries.captured_queries) for _ in range(3)]
    times.sort()
    row = {
        "queries": len(queries.captured_queries),
        "median": statistics.median(times),
        "p95": times[max(0, math.ceil(0.95 * len(times)) - 1)],
        "db": statistics.median(db),
        "mem": None,
    }
    if "_export=" in url:  # the most Python memory the export held at once, whatever its size
        tracemalloc.start()
        row["bytes"] = fetch(client, url)
        row["mem"] = tracemalloc.get_traced_memory()[1] / 1_048_576
        tracemalloc.stop()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", default="", help="measure only pages whose label contains this text")
    parser.add_argument("--json", default="", help="also write the figures to this file (bench_growth.py)")
    args = parser.parse_args()
    results = {"pages": {}, "background": {}}
    tasks = PostTask.objects.count()
    print(
        f"{Demarche.objects.count():,} demarches, {tasks:,} tasks, "
        f"{PostTask.objects.values('post').distinct().count()} posts with tasks; {args.runs} runs each\n"
    )
    header = f"{'page':<44} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'db ms':>8} {'peak MB':>8}"
    print(header)
    print("-" * len(header))
    clients = {}
    users = get_user_model().objects
    measured = pages()
    settle()  # as config/wsgi.py does in each web worker
    for label, username, url in measured:
        if args.only and args.only not in label:
            continue
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(users.get(username=username))
        row = measure(clients[username], url, args.runs)
        results["pages"][_generic(label)] = row
        mem = f"{row['mem']:>8.1f}" if row["mem"] is not None else f"{'':>8}"
        print(
            f"{label:<44} {row['queries']:>7} {row['median']:>10.1f} {row['p95']:>8.1f} {row['db']:>8.1f} {mem}",
            flush=True,
        )
    if not args.only or "snapshot" in args.only:
        results["background"] = background(args.runs)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


def _generic(label: str) -> str:
    """The label without the biggest demarche's reference, which differs between databases."""
    return label.split(" (")[0] + " (biggest)" if "one demarche (" in label else label


def background(runs: int) -> dict:
    """Time the snapshot computations the overview is served from (for desk officers and managers)."""
    print(f"\n{'background (Celery beat)':<44} {'median ms':>10} {'p95 ms':>8}")
    out = {}
    today = snapshots.timezone.localdate()
    for days in snapshots.periods():
        for region in ("", "EUR"):
            times = []
            for _ in range(max(3, runs // 4)):
                started = time.perf_counter()
                snapshots.compute(today=today, since=today - snapshots.timedelta(days=days), region=region)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            label = f"snapshot: {days} days, {region or 'all regions'}"
            p95 = times[max(0, math.ceil(0.95 * len(times)) - 1)]
            print(f"{label:<44} {statistics.median(times):>10.1f} {p95:>8.1f}", flush=True)
            out[label] = {"median": statistics.median(times), "p95": p95}
    started = time.perf_counter()
    count = snapshots.refresh()
    took = (time.perf_counter() - started) * 1000
    print(f"{f'whole refresh ({count} windows)':<44} {took:>10.1f}")
    out["whole refresh"] = {"median": took, "p95": took}
    return out


if __name__ == "__main__":
    main()
