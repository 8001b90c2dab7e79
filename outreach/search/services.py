"""Search cables, demarches and tasks for one user, as far as the pages let that user read them."""

from dataclasses import dataclass, field

from accounts.roles import can_read_all
from cables.models import Post

from . import recent, text
from .kinds import KINDS, Hit
from .query import MAX_MATCHES, Kind, SearchRequest

# Without a kind chosen, each kind shows its best few and links to the rest.
FIRST = 5


@dataclass
class Section:
    kind: str
    label: str
    hits: list[Hit]
    count: int
    more_than: bool  # count stopped at MAX_MATCHES
    page: int = 1
    pages: int = 1
    extra: dict = field(default_factory=dict)


def kinds_for(user) -> list[str]:
    """The kinds of result a user may search: staff read tasks only."""
    return [Kind.CABLES, Kind.DEMARCHES, Kind.TASKS] if can_read_all(user) else [Kind.TASKS]


def posts_for(user):
    """The posts a user may filter on."""
    return Post.objects.visible_to(user).only("code", "name")


def search(user, req: SearchRequest) -> list[Section]:
    """Return the user's results of each kind asked for, best first."""
    kinds = [k for k in kinds_for(user) if not req.kind or k == req.kind]
    return [_section(KINDS[kind], user, req, paged=bool(req.kind)) for kind in kinds]


def _section(kind, user, req: SearchRequest, *, paged: bool) -> Section:
    prepared = kind.prepare(req, user)
    found = kind.matching(kind.visible(user), req, user, **prepared)
    size = req.page_size if paged else FIRST
    offset = (req.page - 1) * size if paged else 0
    rank = kind.rank(req, user, **prepared) if text.full_text() else None
    page_ids, count = [], None
    recent_matches = recent.window(kind, found, req, user)
    if recent_matches is not None:  # every word common: the newest 2,001 matches, if the window holds them
        page_ids, count = text.ranked_page(recent_matches, rank=rank, day=kind.day, cap=MAX_MATCHES, size=size,
                                           offset=offset, newest_first=True)
    if count is None or count <= MAX_MATCHES:
        page_ids, count = text.ranked_page(found, rank=rank, day=kind.day, cap=MAX_MATCHES, size=size,
                                           offset=offset)
    if count is None:  # a page past the end: count the matches alone
        count = found.order_by()[: MAX_MATCHES + 1].count()
    more_than, count = count > MAX_MATCHES, min(count, MAX_MATCHES)
    return Section(
        kind=kind.kind, label=Kind.LABELS[kind.kind], hits=kind.hits(page_ids, req, user) if page_ids else [],
        count=count, more_than=more_than, page=req.page if paged else 1,
        pages=max(1, -(-count // size)) if paged else 1,
    )
