"""What one demarche-list request costs in process, against /healthz, and where that time goes.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/outreach_bench DJANGO_TESTING=1
    .venv/bin/python bench/bench_render.py [--runs 300] [--path /dashboards/demarches/] [--top 25]

The page's own cost (middleware, queries, building the queries, the template and the table) through
Django's test Client as a desk officer, as CPU time of this process (the machine is shared: wall time
also counts other sessions' work) and as wall time; the ratio healthz / page, which bench/load.sh
measures under wrk with gunicorn; the queries the page sends; then cProfile's top entries (own time,
and cumulative time of the project's and libraries' functions). Run it on the database load.sh uses
(seed_demo) or on a generated one.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.roles import DESK_OFFICERS  # noqa: E402
from config.startup import settle  # noqa: E402


def timed(client: Client, path: str, runs: int) -> tuple[float, float]:
    """Median CPU and wall milliseconds of one GET."""
    for _ in range(10):
        assert client.get(path).status_code == 200, path
    cpu, wall = [], []
    for _ in range(runs):
        c, w = time.process_time(), time.perf_counter()
        client.get(path)
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu) * 1000, statistics.median(wall) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--path", default="/dashboards/demarches/")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    client = Client()
    client.force_login(User.objects.filter(groups__name=DESK_OFFICERS).order_by("pk").first())
    settle()  # as config/wsgi.py does in each web worker
    page_cpu, page_wall = timed(client, args.path, args.runs)
    health_cpu, health_wall = timed(client, "/healthz", args.runs)
    with CaptureQueriesContext(connection) as queries:
        client.get(args.path)
    print(f"{'':<24} {'cpu ms':>8} {'wall ms':>8}")
    print(f"{'/healthz':<24} {health_cpu:>8.2f} {health_wall:>8.2f}")
    print(f"{args.path:<24} {page_cpu:>8.2f} {page_wall:>8.2f}")
    print(f"healthz / page: {health_cpu / page_cpu:.3f} (cpu), {health_wall / page_wall:.3f} (wall); "
          f"{len(queries.captured_queries)} queries")
    for query in queries.captured_queries:
        print(f"  {query['sql'][:110]}")

    profile = cProfile.Profile(time.process_time)
    profile.enable()
    for _ in range(100):
        client.get(args.path)
    profile.disable()
    stats = pstats.Stats(profile)
    print(f"\ncProfile, 100 requests ({stats.total_tt / 100 * 1000:.1f} ms each under the profiler): "
          f"top {args.top} by own time")
    stats.sort_stats("tottime").print_stats(args.top)
    print(f"top {args.top} by cumulative time, of the project's, the tables', the templates' and the ORM's")
    stats.sort_stats("cumulative").print_stats(
        r"/(outreach|config|accounts|cables)/|django_tables2|django_filters|template/(base|loader_tags)"
        r"|sql/compiler|contrib/(auth|sessions)",
        args.top,
    )


if __name__ == "__main__":
    main()
