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

The overview's map covers the issued demarches' tasks due in the overview's period (and region): a
post's steps are grouped over all of them, so a post is "reported" only when every one of its reports
is in, and "overdue" as soon as one step of one demarche is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q

from cables.models import Post

from ..models import Demarche
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
    posts = Post.objects.filter(pk__in=states).values("pk", "code", "name", "kind", "country", "country_code")
    return sorted((_map_post(post, worst(states[post["pk"]])) for post in posts), key=lambda p: p.name)


def overview_map_posts(user, *, today: date, since: date | None, region: str = "") -> list[MapPost]:
    """One entry per post with tasks of issued demarches due in the period, its steps over all of them."""
    tasks = window_tasks(
        live_tasks(user).filter(demarche__state=Demarche.State.ISSUED), since=since, region=region
    )
    aggregates = {}
    for prefix, kinds in STEPS:
        aggregates.update(step_aggregates(prefix, kinds))
    rows = (
        tasks.values("post_id")
        .annotate(
            code=Max("post__code"),
            name=Max("post__name"),
            kind=Max("post__kind"),
            country=Max("post__country"),
            country_code=Max("post__country_code"),
            demarches=Count("demarche", distinct=True),
            unacknowledged=count_where(Q(demarche_post__acknowledged_at__isnull=True)),
            **aggregates,
        )
        .order_by("name")
    )
    result = []
    for row in rows:
        for prefix, _ in STEPS:
            row[f"{prefix}_state"] = step_state(row, prefix, today)
        row["acknowledged_at"] = row["unacknowledged"] == 0
        note = f"{row['demarches']} demarche{'s' if row['demarches'] != 1 else ''}"
        result.append(_map_post(row, row_state(row), note=note))
    return result


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
