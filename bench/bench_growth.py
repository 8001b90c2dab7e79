"""The 2M and 20M suites in one command: p95 of every dashboard page at each size and their ratio.

    DJANGO_TESTING=1 .venv/bin/python bench/bench_growth.py [--runs 10] [--prepare] [--only TEXT]

Runs bench/bench_dashboards.py on two databases made by bench/gen_dashboard_data.py: `--small`
(default outreach_bench_2m: --scale 1, five years, ~2,000,000 tasks) and `--large` (default
outreach_bench_20m: ten times the closed history, ~20,000,000 tasks, the same open work), then prints
each page's p95 at both sizes and the growth ratio p95(20M) / p95(2M) (the goal: 1.5 at most), the
database's own time, and the snapshot refresh. With --prepare it first makes what is missing: the small
database with gen_dashboard_data.py --scale 1, the large one as a copy of the small one grown by
bench/grow_history.py --copies 9 (minutes; `gen_dashboard_data.py --scale 10` makes the same shape in
over an hour), both niced. The large one takes ~11 GB.
"""

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
SERVER = "postgres://postgres@127.0.0.1:5432"


def run(args: list[str], url: str, *, nice: bool = False) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_TESTING": "1"}
    subprocess.run((["nice", "-n", "10"] if nice else []) + args, cwd=ROOT, env=env, check=True)


def psql(sql: str) -> str:
    out = subprocess.run(["psql", f"{SERVER}/postgres", "-Atc", sql], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def exists(name: str) -> bool:
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def prepare(small: str, large: str) -> None:
    if not exists(small):
        psql(f'CREATE DATABASE "{small}"')
        run([PY, "manage.py", "migrate", "-v", "0"], f"{SERVER}/{small}")
        run([PY, "bench/gen_dashboard_data.py", "--scale", "1"], f"{SERVER}/{small}", nice=True)
    if not exists(large):
        psql(f'CREATE DATABASE "{large}" TEMPLATE "{small}"')
        run([PY, "bench/grow_history.py", "--copies", "9"], f"{SERVER}/{large}", nice=True)
    for name in (small, large):  # new migrations (indexes) since the data was made
        run([PY, "manage.py", "migrate", "-v", "0"], f"{SERVER}/{name}", nice=True)


def suite(name: str, runs: int, only: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        args = [PY, "bench/bench_dashboards.py", "--runs", str(runs), "--json", out.name]
        print(f"\n== {name}", flush=True)
        run(args + (["--only", only] if only else []), f"{SERVER}/{name}")
        return json.loads(Path(out.name).read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", default="outreach_bench_2m")
    parser.add_argument("--large", default="outreach_bench_20m")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--only", default="")
    parser.add_argument("--prepare", action="store_true", help="make the databases that are missing")
    args = parser.parse_args()
    if args.prepare:
        prepare(args.small, args.large)
    small, large = suite(args.small, args.runs, args.only), suite(args.large, args.runs, args.only)
    header = f"{'page':<44} {'p95 2M':>8} {'p95 20M':>8} {'ratio':>6} {'db 2M':>7} {'db 20M':>7} {'peak MB':>12}"
    print(f"\n{header}\n{'-' * len(header)}")
    worst = 0.0
    for label, row in small["pages"].items():
        big = large["pages"].get(label)
        if not big:
            continue
        ratio = big["p95"] / row["p95"]
        worst = max(worst, ratio)
        mem = f"{row['mem']:.1f} / {big['mem']:.1f}" if row.get("mem") is not None else ""
        print(
            f"{label:<44} {row['p95']:>8.1f} {big['p95']:>8.1f} {ratio:>6.2f} {row['db']:>7.1f} {big['db']:>7.1f} {mem:>12}"
        )
    for label, row in small.get("background", {}).items():
        big = large["background"].get(label)
        if big:
            print(f"{label:<44} {row['p95']:>8.1f} {big['p95']:>8.1f} {big['p95'] / row['p95']:>6.2f}")
    print(f"\nhighest page growth ratio: {worst:.2f} (goal: 1.5 at most)")


if __name__ == "__main__":
    main()
