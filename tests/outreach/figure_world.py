"""Worlds for the figure parity tests, and the dashboards' definitions written out in plain Python.

`generate` fills the database with demarches of random shape (seeded, so every run is the same);
the edge-case builders make the worlds the definitions are easiest to get wrong on. `oracle_*`
compute the figures from the task rows one by one, by the definitions in docs/dashboards.md, with
none of the SQL the dashboards use.
"""

from __future__ import annotations

import hashlib
import random
import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone

from cables.models import Cable, Post
from outreach.dashboards.figures import SLOWEST_FIGURES, trend_end, trend_start
from outreach.models import Demarche, DemarchePost, PostTask

Kind, Status, State = PostTask.Kind, PostTask.Status, Demarche.State
DELIVERY_KINDS = {Kind.DELIVER_NON_PAPER, Kind.SPECIAL}
REGION_NAMES = {"AF": "Africa", "EAP": "East Asia and Pacific", "EUR": "Europe and Eurasia", "NEA": "Near East",
                "SCA": "South and Central Asia", "WHA": "Western Hemisphere", "IO": "International Organizations"}


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=dt_timezone.utc)


def add_demarche(number: int, *, owner, posts, issued_on: date, state: str, tasks_of) -> Demarche:
    """One demarche, its posts and the tasks `tasks_of(demarche, dpost)` returns (unsaved), in bulk."""
    reference_id = f"26PARITY{number:05d}"
    cable = Cable.objects.create(
        reference_id=reference_id, raw_text=reference_id, raw_sha256=hashlib.sha256(reference_id.encode()).hexdigest(),
        status=Cable.Status.PARSED, parser_version="test", parsed={}, is_action_request=True,
    )
    demarche = Demarche.objects.create(
        cable=cable, reference_id=reference_id, owner=owner, state=state,
        deliver_by=issued_on + timedelta(days=7), report_by=issued_on + timedelta(days=14),
        issued_at=None if state == State.DRAFT else _at(issued_on),
    )
    dposts = DemarchePost.objects.bulk_create(DemarchePost(demarche=demarche, post=post) for post in posts)
    PostTask.objects.bulk_create(
        [task for dpost in dposts for task in tasks_of(demarche, dpost)],
    )
    return demarche


def task(demarche, dpost, kind, *, status=Status.OPEN, position=0, due=None, delivered_on=None,
         completed_on=None) -> PostTask:
    report = kind == Kind.REPORT_BACK
    return PostTask(
        demarche=demarche, demarche_post=dpost, post_id=dpost.post_id, kind=kind, position=position,
        due=due or (demarche.report_by if report else demarche.deliver_by), status=status,
        status_reason="not received" if status == Status.NOT_DELIVERED else "",
        delivered_on=delivered_on, completed_at=_at(completed_on) if completed_on else None,
        issued_on=demarche.issued_at.date() if demarche.issued_at else None,
    )


def generate(*, owner, posts: list[Post], demarches: int, today: date, seed: int) -> None:
    """Demarches issued over the last 400 days in every state, their tasks in every status."""
    rng = random.Random(seed)
    kinds = [Kind.DELIVER_NON_PAPER, Kind.SPECIAL, Kind.TALKING_POINTS, Kind.REPORT_BACK]

    def tasks_of(demarche, dpost):
        out = []
        for position, kind in enumerate(rng.sample(kinds, k=rng.randint(1, len(kinds)))):
            due = (demarche.report_by if kind == Kind.REPORT_BACK else demarche.deliver_by) + timedelta(
                days=rng.choice([0, 0, 0, -2, 5])
            )
            status = rng.choices([Status.OPEN, Status.DONE, Status.NOT_DELIVERED, Status.CANCELLED], [4, 6, 1, 1])[0]
            done = demarche.issued_at.date() + timedelta(days=rng.randint(-2, 30)) if demarche.issued_at else today
            given = status == Status.DONE and rng.random() < 0.6  # else the completion date counts
            out.append(task(demarche, dpost, kind, status=status, position=position, due=due,
                            delivered_on=done if given else None,
                            completed_on=done + timedelta(days=rng.randint(0, 3)) if status == Status.DONE else None))
        return out

    for number in range(demarches):
        state = rng.choices([State.ISSUED, State.CLOSED, State.DRAFT], [5, 3, 1])[0]
        chosen = rng.sample(posts, k=rng.randint(1, min(len(posts), 25)))
        add_demarche(number, owner=owner, posts=chosen, issued_on=today - timedelta(days=rng.randint(0, 400)),
                     state=state, tasks_of=tasks_of)


# ---------------------------------------------------------------- the definitions in Python


@dataclass
class Row:
    post_id: int
    post_name: str
    post_code: str
    region: str
    kind: str
    status: str
    due: date
    done_on: date | None
    issued_on: date | None
    # Talking points are the delivery of a post (and audience) with no non-paper to deliver.
    delivery: bool

    @property
    def report(self) -> bool:
        return self.kind == Kind.REPORT_BACK


def rows(tasks) -> list[Row]:
    """The live tasks of a queryset as plain rows: drafts and cancelled tasks left out here, by hand."""
    out = []
    non_paper = {
        (t.demarche_id, t.post_id, t.audience)
        for t in PostTask.objects.filter(kind=Kind.DELIVER_NON_PAPER).exclude(status=Status.CANCELLED)
    }
    for t in tasks.select_related("post", "demarche").order_by():
        if t.status == Status.CANCELLED or t.demarche.state == State.DRAFT:
            continue
        done_on = t.delivered_on or (t.completed_at.astimezone(dt_timezone.utc).date() if t.completed_at else None)
        issued = t.demarche.issued_at.astimezone(dt_timezone.utc).date() if t.demarche.issued_at else None
        delivery = t.kind in DELIVERY_KINDS or (
            t.kind == Kind.TALKING_POINTS and (t.demarche_id, t.post_id, t.audience) not in non_paper
        )
        out.append(Row(t.post_id, t.post.name, t.post.code, t.post.region, t.kind, t.status, t.due, done_on, issued,
                       delivery))
    return out


def _late_days(r: Row, today: date) -> int | None:
    if r.status == Status.DONE:
        return None if r.done_on is None else (r.done_on - r.due).days
    return (today - r.due).days if r.status == Status.OPEN else None


def _pct(part: int, whole: int) -> float | None:
    return float(part) * 100.0 / float(whole) if whole else None


def _median(values: list) -> float | None:
    return statistics.median(values) if values else None


def oracle_figures(rs: list[Row], today: date) -> dict:
    late = [d for d in (_late_days(r, today) for r in rs) if d is not None and d > 0]
    done = [r for r in rs if r.status == Status.DONE]
    on_time = [r for r in done if r.done_on is not None and r.done_on <= r.due]
    taken = {key: [max(0, (r.done_on - r.issued_on).days) for r in done if test(r) and r.done_on and r.issued_on]
             for key, test in (("d", lambda r: r.delivery), ("r", lambda r: r.report))}
    return {
        "tasks": len(rs),
        "open": sum(r.status == Status.OPEN for r in rs),
        "overdue": sum(r.status == Status.OPEN and r.due < today for r in rs),
        "done": len(done),
        "late": len(late),
        "median_days_late": _median(late),
        "delivered_pct": _pct(sum(r.delivery for r in done), sum(r.delivery for r in rs)),
        "reported_pct": _pct(sum(r.report for r in done), sum(r.report for r in rs)),
        "delivered_on_time_pct": _pct(sum(r.delivery for r in on_time), sum(r.delivery for r in rs)),
        "reported_on_time_pct": _pct(sum(r.report for r in on_time), sum(r.report for r in rs)),
        "median_days_to_deliver": _median(taken["d"]),
        "median_days_to_report": _median(taken["r"]),
    }


def _grouped(rs: list[Row], key) -> dict:
    groups: dict = {}
    for r in rs:
        groups.setdefault(key(r), []).append(r)
    return groups


def oracle_figure_sets(rs: list[Row], today: date, *, limit: int = 10) -> dict:
    """What figures.figure_sets returns, computed row by row."""
    regions = [
        {"region": region or "—", "region_name": REGION_NAMES.get(region, "Other"),
         "posts": len({r.post_id for r in group}), **oracle_figures(group, today)}
        for region, group in sorted(_grouped(rs, lambda r: r.region).items())
    ]
    slowest = []
    for group in _grouped(rs, lambda r: r.post_id).values():
        figures = oracle_figures(group, today)
        if figures["median_days_to_deliver"] is not None:
            first = group[0]
            slowest.append({"post_id": first.post_id, "post_name": first.post_name, "post_code": first.post_code,
                            "region": first.region, **{k: figures[k] for k in SLOWEST_FIGURES}})
    slowest.sort(key=lambda s: s["post_name"])
    slowest.sort(key=lambda s: (s["median_days_to_deliver"], s["overdue"]), reverse=True)
    start, end = trend_start(today), trend_end(today)
    months = []
    for month, group in sorted(_grouped([r for r in rs if start <= r.due <= end], lambda r: r.due.replace(day=1))
                               .items()):
        figures = oracle_figures(group, today)
        months.append({"month": month, "tasks": len(group), "open": figures["open"], "delivered_on_time_pct": figures["delivered_on_time_pct"],
                       "reported_on_time_pct": figures["reported_on_time_pct"], "late": figures["late"]})
    return {"totals": oracle_figures(rs, today), "regions": regions, "slowest": slowest[:limit], "trend": months}


def oracle_demarche_list(tasks, demarches, today: date, *, post_ids=None) -> dict[int, tuple]:
    """{demarche id: (posts, % delivered, % reported, overdue)} of the demarche list, by the definitions.

    `tasks` are the tasks the user may see; `post_ids` the posts they may see (None: every post).
    """
    out = {}
    for demarche in demarches:
        rs = rows(tasks.filter(demarche=demarche))
        posts = [d for d in DemarchePost.objects.filter(demarche=demarche)
                 if not d.removed and (post_ids is None or d.post_id in post_ids)]
        if post_ids is not None and demarche.state == State.DRAFT:
            posts = []  # staff never see a draft's posts
        delivered = [r for r in rs if r.delivery]
        reported = [r for r in rs if r.report]
        overdue = sum(r.status == Status.OPEN and r.due < today for r in rs) if demarche.state == State.ISSUED else 0
        out[demarche.pk] = (
            len(posts),
            _pct(sum(r.status == Status.DONE for r in delivered), len(delivered)),
            _pct(sum(r.status == Status.DONE for r in reported), len(reported)),
            overdue,
        )
    return out
