"""Time /search/ on the data of bench/gen_dashboard_data.py plus the bulk cable corpus.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/outreach_search_bench DJANGO_TESTING=1
    .venv/bin/python bench/gen_dashboard_data.py --scale 1.0
    .venv/bin/python bench/bench_search.py --ingest ../shared/cables/bulk --fill-text [--runs 20]

--ingest receives every cable of a folder (as `ingest_cable` does; already stored ones are unchanged).
--fill-text gives the generated tasks the words real ones have, since the generator leaves them blank:
the instruction of each kind (as outreach.services.generation writes them), talking points naming the
post's country (in a section, every tenth demarche's REL JORDAN), and a recorded response on each answered
report-back. Without it every task search
is trivially empty. Each search runs through Django's test Client as a desk officer, a manager or an
embassy user (whole request: queries and template); the table gives the median and 95th percentile
over --runs after one warm-up, and the p95 over every request. The cpu columns are the time this process
and its PostgreSQL backend spent on a CPU for each request (Linux, database on this machine): what the
request costs without the other work that shares the machine, whose queue the wall-clock times include.
"""

import argparse
import math
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_TESTING", "1")
# Persistent connections, as docs/deploy.md runs the site (the default, 0, connects afresh per request).
os.environ.setdefault("DB_CONN_MAX_AGE", "60")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cables.models import Cable  # noqa: E402
from outreach.models import PostTask  # noqa: E402
from outreach.services import receive_cable  # noqa: E402

STAFF = "bench-staff-bench-000"
SEARCHES = [
    # (who, what a user would type, filters)
    ("bench-desk-00", "MTCR", {}),
    ("bench-desk-00", "Iran nuclear", {}),
    ("bench-desk-00", "export controls", {}),
    ("bench-desk-00", '"arms trade treaty"', {}),
    ("bench-desk-00", "welcomed the briefing", {}),
    ("bench-desk-00", "non-paper", {"kind": "tasks"}),
    ("bench-desk-00", "promised to study", {"kind": "tasks", "page": 3}),
    ("bench-desk-00", "rejected", {"kind": "tasks", "post": "bench-000", "start": "2024-01-01", "end": "2024-12-31"}),
    ("bench-desk-00", "outreach", {"region": "EUR", "tag": "PARM"}),
    ("bench-desk-00", "Kolomna", {}),
    ("bench-desk-00", "Venezuela", {"kind": "cables", "start": "2009-01-01", "end": "2009-12-31"}),
    ("bench-manager", "MTCR guidelines", {}),
    ("bench-manager", "Deputy Minister noted", {"kind": "tasks"}),
    (STAFF, "MTCR guidelines", {}),
    (STAFF, "welcomed", {}),
    (STAFF, "outreach", {}),
    (STAFF, "Country 000", {}),
]

# The talking points in one section each, as generation writes them; every tenth demarche's marked REL
# JORDAN, which staff of the (fictional) bench posts may not read: their search must check those tasks.
SECTIONS = """
UPDATE outreach_posttask t SET
  releasable_to = CASE WHEN t.demarche_id % 10 = 0 THEN '["JORDAN"]'::jsonb ELSE '[]'::jsonb END,
  sections = jsonb_build_array(jsonb_build_object('paragraph', 4 + t.post_id % 28, 'heading', '', 'marking',
    'CONFIDENTIAL', 'conditional', false, 'background', false, 'releasable_to',
    CASE WHEN t.demarche_id % 10 = 0 THEN '["JORDAN"]'::jsonb ELSE '[]'::jsonb END, 'points', t.talking_points))
WHERE t.kind = 'talking_points' AND t.sections = '[]'::jsonb;
"""
FILL_TEXT = """
SET session_replication_role = replica;
UPDATE outreach_posttask t SET
  instruction = CASE t.kind
    WHEN 'deliver_non_paper' THEN 'Deliver the non-paper in paragraph 3 to appropriate officials of the host government.'
    WHEN 'talking_points' THEN 'Make the talking points of paragraph ' || (4 + t.post_id % 28) || ' to the host government.'
    WHEN 'report_back' THEN 'Report the response of the host government by cable, citing ' || d.reference_id || '.'
    ELSE 'Brief the export control authority of the host government before the plenary.' END,
  talking_points = CASE WHEN t.kind = 'talking_points' THEN jsonb_build_array(jsonb_build_object(
    'conditional', false, 'text', 'We urge ' || p.country || ' to ' || (ARRAY[
      'adhere to the MTCR Guidelines and control missile-related exports',
      'strengthen export controls on dual-use goods and enforce them vigorously',
      'support the arms trade treaty negotiations in the First Committee',
      'implement UNSCR 1540 fully and report on its implementation',
      'subscribe to the Hague Code of Conduct against ballistic missile proliferation',
      'deny transit to shipments of concern bound for Iran or North Korea'])[1 + t.id % 6] || '.'))
    ELSE '[]'::jsonb END,
  response_text = CASE WHEN t.response <> '' THEN 'The ' || (ARRAY['Foreign Ministry director', 'Deputy Minister',
      'arms control office', 'MFA spokesman', 'national security adviser'])[1 + t.id % 5] || ' '
    || (ARRAY['welcomed the briefing on', 'noted the points on', 'promised to study the non-paper on',
      'questioned the timing of the approach on', 'rejected our position on', 'asked for more detail on'])[1 + t.id % 6]
    || ' ' || lower(d.subject) || ' and ' || (ARRAY['will reply in writing.', 'raised Iran nuclear concerns.',
      'asked about export controls.', 'mentioned the upcoming plenary.', 'offered no commitment.'])[1 + t.id % 5]
    ELSE '' END
FROM outreach_demarche d, cables_post p WHERE d.id = t.demarche_id AND p.id = t.post_id;
""" + SECTIONS + """
SET session_replication_role = origin;
"""


def ingest(folder: Path) -> None:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    started, before = time.perf_counter(), Cable.objects.count()
    for path in files:
        receive_cable(path.read_bytes(), filename=path.name)
    print(f"ingested {len(files)} files ({Cable.objects.count() - before} new) in {time.perf_counter() - started:.0f} s")


def fill_text() -> None:
    started = time.perf_counter()
    if PostTask.objects.exclude(instruction="").exists():
        if PostTask.objects.filter(kind=PostTask.Kind.TALKING_POINTS, sections=[]).exists():
            with connection.cursor() as cursor:  # text filled before the sections were
                cursor.execute(f"SET session_replication_role = replica; {SECTIONS} SET session_replication_role = origin")
                cursor.execute("VACUUM ANALYZE outreach_posttask")
            print(f"gave the talking points their sections in {time.perf_counter() - started:.0f} s")
        print("tasks already have text")
        return
    with connection.cursor() as cursor:
        cursor.execute(FILL_TEXT)
        cursor.execute("VACUUM ANALYZE outreach_posttask")
    print(f"filled the tasks' text in {time.perf_counter() - started:.0f} s")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def schedstat(pid: int | str) -> tuple[float, float]:
    """A process's time on a CPU and waiting for one (ms), from Linux's /proc/<pid>/schedstat."""
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            on_cpu, waiting = f.read().split()[:2]
    except OSError:  # not Linux, or the database on another machine
        return math.nan, math.nan
    return int(on_cpu) / 1e6, int(waiting) / 1e6


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def costs() -> tuple[float, float]:
    """CPU and CPU-queue time so far of this process and of its PostgreSQL backend (ms)."""
    (own_cpu, own_wait), (db_cpu, db_wait) = schedstat("self"), schedstat(backend_pid())
    return own_cpu + db_cpu, own_wait + db_wait


def measure(runs: int) -> None:
    users = get_user_model().objects
    clients: dict[str, Client] = {}
    everything, cpu_everything, waited = [], [], []
    print(f"{'who':<22} {'search':<58} {'found (per kind)':>18} {'queries':>7} {'median ms':>9} {'p95 ms':>7}"
          f" {'cpu median':>10} {'cpu p95':>7}")
    for who, q, filters in SEARCHES:
        if who not in clients:
            clients[who] = Client()
            clients[who].force_login(users.get(username=who))
        url = "/search/?" + urlencode({"q": q, **filters})
        clients[who].get(url)  # warm-up
        times, cpu = [], []
        for _ in range(runs):
            pid, (cpu_before, wait_before) = backend_pid(), costs()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = clients[who].get(url)
                times.append((time.perf_counter() - started) * 1000)
            if backend_pid() == pid:  # the same backend served the request (persistent connection)
                cpu_after, wait_after = costs()
                cpu.append(cpu_after - cpu_before)
                waited.append(wait_after - wait_before)
        assert response.status_code == 200, (url, response.status_code)
        status = re.search(r'role="status">([^<]*)<', response.content.decode())
        counts = "/".join(re.sub(r"more than (\d+)", r"\1+", n) for n in re.findall(r": ([^;.]+)", status[1]))
        everything += times
        cpu_everything += cpu
        label = (q + " " + " ".join(f"{k}={v}" for k, v in filters.items()))[:58]
        print(f"{who[:22]:<22} {label:<58} {counts:>18} {len(queries):>7} "
              f"{statistics.median(times):>9.1f} {p95(times):>7.1f} "
              f"{statistics.median(cpu or [math.nan]):>10.1f} {p95(cpu or [math.nan]):>7.1f}")
    print(f"\nall {len(everything)} requests: median {statistics.median(everything):.1f} ms, "
          f"p95 {p95(everything):.1f} ms, max {max(everything):.1f} ms")
    if cpu_everything:
        print(f"CPU time (this process and its PostgreSQL backend) per request: median "
              f"{statistics.median(cpu_everything):.1f} ms, p95 {p95(cpu_everything):.1f} ms; waiting for a CPU: "
              f"median {statistics.median(waited):.1f} ms")
    print(f"data: {Cable.objects.count():,} cables, {PostTask.objects.count():,} tasks; "
          f"DB_CONN_MAX_AGE={os.environ['DB_CONN_MAX_AGE']}; load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ingest", type=Path, help="a folder of cables to receive first")
    parser.add_argument("--fill-text", action="store_true", help="give the generated tasks their words")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The search benchmark needs PostgreSQL: set DATABASE_URL.")
    if args.ingest:
        ingest(args.ingest)
    if args.fill_text:
        fill_text()
    measure(args.runs)


if __name__ == "__main__":
    main()
