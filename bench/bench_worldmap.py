"""Time the world map: the outline's one parse, its rendering, and the two pages that carry it, at 300 posts.

    createdb -h 127.0.0.1 -U postgres outreach_worldmap_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/outreach_worldmap_bench DJANGO_TESTING=1
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/bench_worldmap.py [--runs 20] [--demarches 20]

It adds 300 posts (the reference posts plus "wmbench-" consulates in their countries), one user per role
and --demarches issued demarches to every post (four tasks each, in every state), replacing what an earlier
run made; so it refuses a database whose name lacks "bench". Then it prints a table: the outline's parse
(once per process), render() for the biggest demarche, and each page (median and 95th percentile of the
whole request through Django's test Client, after a warm-up), and the page's bytes.
"""

import argparse
import math
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
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
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.roles import MANAGERS  # noqa: E402
from cables.models import Cable, Post  # noqa: E402
from outreach import dashboards  # noqa: E402
from outreach.dashboards import mapdata, worldmap, worldoutline  # noqa: E402
from outreach.models import Demarche, DemarchePost, PostTask  # noqa: E402

Kind, Status = PostTask.Kind, PostTask.Status
PREFIX = "WMBENCH"


def clear() -> None:
    """Remove what an earlier run made (demarches before the posts they protect)."""
    Demarche.objects.filter(reference_id__startswith=PREFIX).delete()
    Cable.objects.filter(reference_id__startswith=PREFIX).delete()
    Post.objects.filter(code__startswith="wmbench-").delete()


def make_posts(total: int) -> list[Post]:
    posts = list(Post.objects.exclude(kind="department").order_by("code"))[:total]
    countries = [p for p in posts if p.country_code]
    extra = [
        Post(
            code=f"wmbench-{i:03d}",
            name=f"Consulate {i:03d}",
            kind="consulate",
            country=countries[i % len(countries)].country,
            country_code=countries[i % len(countries)].country_code,
            region=countries[i % len(countries)].region,
        )
        for i in range(total - len(posts))
    ]
    return posts + Post.objects.bulk_create(extra)


def make_demarches(posts: list[Post], count: int, owner, rng: random.Random) -> list[Demarche]:
    today = timezone.localdate()
    demarches = []
    for n in range(count):
        reference_id = f"{PREFIX}{n:03d}"
        cable = Cable.objects.create(
            reference_id=reference_id,
            raw_text=reference_id,
            raw_sha256=f"{n:064d}",
            status=Cable.Status.PARSED,
            parser_version="bench",
            parsed={"reference_id": reference_id},
            subject=f"Bench demarche {n}",
            is_action_request=True,
        )
        issued = today - timedelta(days=rng.randint(0, 20))
        demarche = Demarche.objects.create(
            cable=cable,
            reference_id=reference_id,
            subject=cable.subject,
            owner=owner,
            state=Demarche.State.ISSUED,
            deliver_by=issued + timedelta(days=7),
            report_by=issued + timedelta(days=14),
            issued_at=datetime.combine(issued, datetime.min.time(), tzinfo=dt_timezone.utc),
        )
        dposts = DemarchePost.objects.bulk_create(
            DemarchePost(
                demarche=demarche,
                post=post,
                acknowledged_at=demarche.issued_at if rng.random() < 0.7 else None,
            )
            for post in posts
        )
        tasks = []
        for dpost in dposts:
            delivered = rng.random() < 0.6
            for kind in (Kind.DELIVER_NON_PAPER, Kind.TALKING_POINTS, Kind.SPECIAL, Kind.REPORT_BACK):
                due = demarche.report_by if kind == Kind.REPORT_BACK else demarche.deliver_by
                status = Status.OPEN
                if kind != Kind.REPORT_BACK and delivered:
                    status = Status.DONE if rng.random() < 0.97 else Status.NOT_DELIVERED
                elif kind == Kind.REPORT_BACK and delivered and rng.random() < 0.5:
                    status = Status.DONE
                done = status == Status.DONE
                tasks.append(
                    PostTask(
                        demarche=demarche,
                        demarche_post=dpost,
                        post_id=dpost.post_id,
                        kind=kind,
                        due=due,
                        status=status,
                        status_reason="No appointment granted" if status == Status.NOT_DELIVERED else "",
                        delivered_on=issued + timedelta(days=3) if done and kind != Kind.REPORT_BACK else None,
                        completed_at=demarche.issued_at + timedelta(days=4) if status != Status.OPEN else None,
                    )
                )
        PostTask.objects.bulk_create(tasks)
        demarches.append(demarche)
    return demarches


def timed(call, runs: int) -> tuple[float, float]:
    call()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, math.ceil(0.95 * len(samples)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--demarches", type=int, default=20)
    args = parser.parse_args()
    if "bench" not in connection.settings_dict["NAME"]:
        sys.exit(f"refusing {connection.settings_dict['NAME']}: the database name must contain 'bench'")

    start = time.perf_counter()
    outline = worldoutline.countries()
    parse_ms = (time.perf_counter() - start) * 1000

    rng = random.Random(4690)
    manager, _ = get_user_model().objects.get_or_create(username="wmbench-manager")
    manager.groups.add(Group.objects.get_or_create(name=MANAGERS)[0])
    clear()
    posts = make_posts(300)
    demarches = make_demarches(posts, args.demarches, manager, rng)
    today = timezone.localdate()
    matrix = dashboards.demarche_matrix(demarches[0], manager, today=today)
    map_posts = mapdata.demarche_map_posts(matrix)

    client = Client()
    client.force_login(manager)
    rows = [
        ("outline parse (first use in a process)", parse_ms, parse_ms, f"{len(outline)} countries"),
        (
            "render() of 300 posts",
            *timed(lambda: worldmap.render(map_posts, subject="X"), args.runs),
            f"{len(worldmap.render(map_posts).svg):,} bytes of SVG",
        ),
        (
            "demarche_map_posts(matrix)",
            *timed(lambda: mapdata.demarche_map_posts(matrix), args.runs),
            f"{len(map_posts)} posts",
        ),
        (
            f"overview_map_posts ({args.demarches} demarches)",
            *timed(lambda: mapdata.overview_map_posts(manager, today=today, since=None), args.runs),
            "",
        ),
    ]
    for label, url in [
        ("demarche page, 300 posts", f"/dashboards/demarches/{demarches[0].reference_id}/"),
        (f"overview page, {args.demarches} x 300 posts", "/dashboards/?period=365"),
    ]:
        size = len(client.get(url).content)
        rows.append((label, *timed(lambda url=url: client.get(url), args.runs), f"{size:,} bytes of HTML"))

    print(f"{'what':48} {'median ms':>10} {'p95 ms':>8}  notes")
    for label, median, p95, note in rows:
        print(f"{label:48} {median:10.1f} {p95:8.1f}  {note}")


if __name__ == "__main__":
    main()
