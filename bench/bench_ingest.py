"""Ingest benchmark: time and query count of receiving a cable (store it, match it if it is a reply).

Run by hand against the database in DATABASE_URL (everything it writes is rolled back):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/outreach .venv/bin/python bench/bench_ingest.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from outreach.services import receive_cable  # noqa: E402

DATA = ROOT / "tests" / "data"
CASES = [("10STATE284.txt", "1 action post"), ("09STATE4690.txt", "seed, 30 action posts"),
         ("09STATE16285.txt", "34 action posts")]
RUNS = 30


class Rollback(Exception):
    pass


def measure(text: str) -> tuple[list[float], int]:
    times, queries = [], 0
    try:
        with transaction.atomic():
            for i in range(RUNS):
                variant = f"{text}\n{' ' * (i + 1)}"  # a new text each run: a new revision
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    receive_cable(variant)
                    times.append(time.perf_counter() - start)
                queries = len(captured)
            raise Rollback
    except Rollback:
        pass
    return times, queries


def main() -> None:
    print(f"database: {connection.vendor}, {RUNS} ingests each (new revision every time)")
    print(f"{'cable':<18} {'what':<24} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for name, what in CASES:
        times, queries = measure((DATA / name).read_text())
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"{name:<18} {what:<24} {statistics.median(times) * 1000:>10.2f} {p95 * 1000:>8.2f} {queries:>8}")


if __name__ == "__main__":
    main()
