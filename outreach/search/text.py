"""The database side of matching: PostgreSQL's stored vectors, or SQLite's case-insensitive match.

The vectors are generated columns (cables 0005_search_vector, outreach 0009_search_vectors) and not
model fields, so the expressions here name them. Snippets are marked with private-use characters and
escaped in Python: the text is a cable's or a user's, never HTML.
"""

import re
from contextlib import nullcontext
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    SearchVectorField,
)
from django.db import connection, connections, transaction
from django.db.models import Expression, F, Func, Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CONFIG = "english"
START, STOP = "\ue000", "\ue001"
SNIPPET_CHARS = 240


def full_text() -> bool:
    """Whether the database has the stored vectors (PostgreSQL) or matches fields (SQLite)."""
    return connection.vendor == "postgresql"


class Vector(Expression):
    """A stored search vector column of the queried model's table (it has no model field)."""

    output_field = SearchVectorField()

    def __init__(self, column: str, alias: str | None = None):
        super().__init__()
        self.column, self.alias = column, alias

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, relabels):
        clone = self.copy()
        clone.alias = relabels.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name_unless_alias(self.alias)}.{connection.ops.quote_name(self.column)}", []


class HeadingPart(Func):
    """The A-weighted part of a stored vector: a demarche's reference and subject."""

    template = "ts_filter(%(expressions)s, '{a}')"
    output_field = SearchVectorField()


def web_query(q: str) -> SearchQuery:
    """The words as a web search: all of them, "a phrase" in quotes, -word to leave one out."""
    return SearchQuery(q, search_type="websearch", config=CONFIG)


def matches(column: str, q: str) -> Q:
    return Q(SearchVectorExact(Vector(column), web_query(q)))


def heading_matches(column: str, q: str) -> Q:
    """Match the A-weighted words only; the GIN index finds the rows, ts_filter checks the weight."""
    return matches(column, q) & Q(SearchVectorExact(HeadingPart(Vector(column)), web_query(q)))


def rank(column: str, q: str) -> SearchRank:
    return SearchRank(Vector(column), web_query(q))


def ranked_page(found, *, rank, day, cap: int, size: int, offset: int,
                newest_first: bool = False) -> tuple[list[int], int | None]:
    """Rank the first cap + 1 matches and return one page of their ids, and how many there were.

    One query: the matches are found once (the LIMIT stops the scan at cap + 1), each ranked from the
    vector the scan already read, and counted by a window over those candidates only; the outer ORDER BY
    sorts at most cap + 1 rows. The count is None when the page is past the end (no row to carry it).
    newest_first (PostgreSQL; found bounded by the caller, see recent.py): the newest matches, read
    backwards along the primary key and checked row by row, never through a bitmap of every match.
    """
    columns = {"hit_id": F("pk"), "hit_day": day}
    if rank is not None:
        columns["hit_rank"] = rank
    candidates = found.order_by(*(["-pk"] if newest_first else [])).values(**columns)[: cap + 1]
    alias = candidates.db  # the replica when the router reads from one
    sql, params = candidates.query.get_compiler(using=alias).as_sql()
    order = ("hit_rank DESC, " if rank is not None else "") + "hit_day DESC NULLS LAST, hit_id DESC"
    sql = f"SELECT hit_id, count(*) OVER () FROM ({sql}) candidates ORDER BY {order} LIMIT %s OFFSET %s"
    postgres = connections[alias].vendor == "postgresql"
    # No JIT on PostgreSQL: a filter by region or TAG takes the planner's cost past jit_above_cost, and
    # compiling took 27 ms of a 50 ms query. (No transaction on SQLite: its atomic() takes the write lock.)
    with transaction.atomic(using=alias) if postgres else nullcontext(), connections[alias].cursor() as cursor:
        if postgres:
            cursor.execute("SET LOCAL jit = off")
        if newest_first:
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(sql, [*params, size, offset])
        rows = cursor.fetchall()
    return [row[0] for row in rows], (rows[0][1] if rows else None if offset else 0)


def word_starts(words: list[str]) -> list[str]:
    """PostgreSQL regular expressions for a word beginning like each searched word: its first letters, a
    little shorter than its stem ("treat" for "treaties", whose stem "treati" does not begin "treaty")."""
    return [r"\m" + re.escape(word[: max(3, len(word) - 3)]) for word in words]


def contains_all(words: list[str], fields: list[str]) -> Q:
    """SQLite: every word in one of the fields, ignoring case."""
    return reduce(and_, (reduce(or_, (Q(**{f"{field}__icontains": word}) for field in fields)) for word in words))


def headline(expression, q: str) -> SearchHeadline:
    return SearchHeadline(
        expression, web_query(q), config=CONFIG, start_sel=START, stop_sel=STOP,
        max_words=30, min_words=12, max_fragments=2, fragment_delimiter=" … ",
    )


def marked(text: str) -> SafeString:
    """Escape a headline and turn its markers into <mark>."""
    html = escape(text or "").replace(START, "<mark>").replace(STOP, "</mark>")
    if html.count("<mark>") != html.count("</mark>"):  # the markers were in the text itself
        html = html.replace("<mark>", "").replace("</mark>", "")
    return mark_safe(html)


def snippet(text: str, words: list[str]) -> SafeString:
    """SQLite: the text around the first word found, every word marked."""
    text = " ".join((text or "").replace(START, "").replace(STOP, "").split())
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    found = pattern.search(text)
    begin = max(0, found.start() - SNIPPET_CHARS // 3) if found else 0
    part = text[begin:begin + SNIPPET_CHARS]
    part = ("…" if begin else "") + part + ("…" if begin + SNIPPET_CHARS < len(text) else "")
    return marked(pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", part))
