"""What the world map shows: each post's state, from the demarche matrix's own step states.

A post's state on the map, worst first (the order decides when one post or country has several rows):
- overdue: a step of the matrix is overdue (step_state);
- not delivered: a step is "not delivered" (step_state);
- not acknowledged / acknowledged: receipt not yet acknowledged / acknowledged, nothing delivered yet;
- delivered: every delivery step it has (the non-paper, special instructions, talking points) is done;
- reported: that, and its report-back is done.
A post with several audiences (Hong Kong and Macau) takes its least advanced row; a country with several
posts (an embassy and consulates) takes its least advanced post, the embassy first among equals, and
lists the others in its tooltip.

The overview's map covers the issued (active) demarches' tasks due in the overview's period (and region):
each step's state is step_state over all the post's tasks of that step in those demarches, then the rule
above. So a post is "reported" only when all its reports are in, "overdue" as soon as one step of one
demarche is, and "acknowledged" only when it has acknowledged every one of them: nearly always the worst of
its states on those demarches' own maps (tests/outreach/test_worldmap.py holds them equal on real cables).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connections
from django.db.models import Count, Min, Q, Sum

from cables.models import Post

from ..models import Demarche, DemarchePost, TaskingTally
from .columns import url_for
from .demarches import step_aggregates, step_state
from .expressions import DELIVERY, REPORT, TALKING, count_where, live_tasks
from .overview import window_tasks

# state -> words, worst first
STATES = {
    "overdue": "Overdue",
    "not_delivered": "Not delivered",
    "not_acknowledged": "Not acknowledged",
    "acknowledged": "Acknowledged",
    "delivered": "Delivered",
    "reported": "Reported",
}
_RANK = {state: rank for rank, state in enumerate(STATES)}
STEPS = (("deliver", DELIVERY), ("talking", TALKING), ("report", REPORT))


@dataclass(frozen=True)
class MapPost:
    code: str
    name: str
    kind: str  # Post.Kind
    country: str
    country_code: str  # ISO 3166-1 alpha-2, upper case; empty for missions to organisations
    state: str  # a key of STATES
    url: str
    note: str = ""  # e.g. "4 demarches" on the overview

    @property
    def state_label(self) -> str:
        return STATES[self.state]


def row_state(row: dict) -> str:
    """The map state of one matrix row (one post and audience), from its step states and receipt."""
    steps = [row[f"{prefix}_state"] for prefix, _ in STEPS]
    if "overdue" in steps:
        return "overdue"
    if "not_delivered" in steps:
        return "not_delivered"
    delivery = [state for state in steps[:2] if state != "none"]
    delivered = all(state == "done" for state in delivery)
    if delivered and row["report_state"] == "done":
        return "reported"
    if delivery and delivered:
        return "delivered"
    return "acknowledged" if row["acknowledged_at"] else "not_acknowledged"


def worst(states) -> str:
    return min(states, key=_RANK.__getitem__)


def rank(state: str) -> int:
    return _RANK[state]


def demarche_map_posts(matrix: list[dict]) -> list[MapPost]:
    """One entry per post of a demarche's matrix (already limited to what the user may see)."""
    states: dict[int, list[str]] = {}
    for row in matrix:
        states.setdefault(row["post_id"], []).append(row_state(row))
    return _map_posts({pk: worst(post_states) for pk, post_states in states.items()})


def overview_map_posts(user, *, today: date, since: date | None, region: str = "") -> list[MapPost]:
    """One entry per post with tasks of issued demarches due in the period: its steps over all of them."""
    # One row per post and audience, as in the matrix, but over every active demarche: a few hundred rows
    # however many demarches (a row per demarche too was 26,000 rows for a year of the benchmark's data).
    if connections[TaskingTally.objects.db].vendor == "postgresql":
        rows = step_rows_from_tallies(user, since=since, region=region)
    else:
        rows = step_rows_from_tasks(user, since=since, region=region)
    states: dict[int, list[str]] = {}
    notes: dict[int, str] = {}
    for row in rows:
        for prefix, _ in STEPS:
            row[f"{prefix}_state"] = step_state(row, prefix, today)
        row["acknowledged_at"] = row["unacknowledged"] == 0  # every one of those demarches acknowledged
        states.setdefault(row["post_id"], []).append(row_state(row))
        if row["audience"] == "":
            notes[row["post_id"]] = f"{row['demarches']} demarche{'s' if row['demarches'] != 1 else ''}"
    return _map_posts({pk: worst(post_states) for pk, post_states in states.items()}, notes)


def step_rows_from_tasks(user, *, since: date | None, region: str):
    """The map's rows per post and audience, counted from the tasks: each step's counts and earliest open
    due date, the demarches, and the tasks of taskings not acknowledged (only whether there are any counts)."""
    tasks = window_tasks(live_tasks(user).filter(demarche__state=Demarche.State.ISSUED), since=since, region=region)
    aggregates = {}
    for prefix, kinds in STEPS:
        # step_state does not read the done date, the dearest of the aggregates (a time zone per row).
        aggregates.update({k: v for k, v in step_aggregates(prefix, kinds).items() if not k.endswith("_on")})
    return tasks.values("post_id", "audience").annotate(
        unacknowledged=count_where(Q(demarche_post__acknowledged_at__isnull=True)),
        demarches=Count("demarche", distinct=True),
        **aggregates,
    )


def step_rows_from_tallies(user, *, since: date | None, region: str):
    """step_rows_from_tasks' rows, summed from TaskingTally (PostgreSQL); `unacknowledged` counts tallies.

    The tallies count each tasking's live tasks per audience and due date, so summing the window's rows
    per post and audience gives the counts and earliest open due dates the tasks give, and the rows marked
    `latest` count each tasking once. Summed from the tasks, the map read every task of the window and
    each talking-points task's siblings (88 ms for 30 days at 2 and 20 million tasks); from the tallies,
    11 ms. The acknowledgements are read live (a few thousand unacknowledged taskings, from an index).
    tests/outreach/test_figure_parity.py holds the two ways equal.
    """
    issued = Demarche.objects.filter(state=Demarche.State.ISSUED).values("pk")
    unacknowledged = DemarchePost.objects.filter(acknowledged_at__isnull=True, demarche__in=issued).values("pk")
    steps = {}
    for prefix, _ in STEPS:
        for count in ("total", "done", "not"):
            steps[f"{prefix}_{count}"] = Sum(f"{prefix}_{count}")
        steps[f"{prefix}_due"] = Min("due", filter=Q(**{f"{prefix}_open__gt": 0}))
    tallies = window_tasks(TaskingTally.objects.visible_to(user), since=since, region=region)
    return tallies.values("post_id", "audience").annotate(
        unacknowledged=count_where(Q(demarche_post__in=unacknowledged)),
        demarches=count_where(Q(latest=True)),
        **steps,
    ).order_by()


def _map_posts(states: dict[int, str], notes: dict[int, str] | None = None) -> list[MapPost]:
    posts = Post.objects.filter(pk__in=states).values("pk", "code", "name", "kind", "country", "country_code")
    notes = notes or {}
    return [
        _map_post(post, states[post["pk"]], note=notes.get(post["pk"], "")) for post in posts.order_by("name")
    ]


def _map_post(post: dict, state: str, *, note: str = "") -> MapPost:
    return MapPost(
        code=post["code"],
        name=post["name"],
        kind=post["kind"],
        country=post["country"],
        country_code=(post["country_code"] or "").upper(),
        state=state,
        url=url_for("outreach:dash_post", post["code"]),
        note=note,
    )
