"""The newest tasks first, for a search whose every word is in a tenth of the tasks (PostgreSQL).

A GIN index scan builds the bitmap of every match before the LIMIT can stop it: `export controls` is in
139,000 tasks' text and 218,000 tasks' points, 85 ms of CPU. When every word is that common, reading the
newest RECENT tasks row by row finds 2,001 of them sooner (10 ms for that search; 30 ms to read all
40,000). The window is bounded, so a guess that was wrong (common words that seldom meet) costs at most
that reading: then, with fewer than 2,001 matches there, the search takes the GIN scan as before. The
planner's own estimates are not used to choose: a phrase it expected in 355 tasks was in 111,000, and
sorting them all took 2 s. How common a word is comes from pg_stats (ANALYZE), read once per process
every few minutes; a word it does not list is taken as rare.
"""

import re
import time

from django.db import connection

from .text import CONFIG

RECENT = 40_000
# Each word in at least this share of the tasks, so that the window likely holds 2,001 matches.
COMMON = 0.075
STATS_SECONDS = 600
FLOOR_SECONDS = 60
COLUMNS = ("search_vector", "points_vector")
# A tsquery of words that must all be there, alone or as a phrase: no OR, no NOT.
ALL_OF = re.compile(r"^'(?:[^']|'')+'(?: (?:&|<->|<\d+>) '(?:[^']|'')+')*$")
LEXEME = re.compile(r"'((?:[^']|'')+)'")

_stats: dict[str, tuple[float, dict[str, float]]] = {}
_floors: dict[str, tuple[float, int | None]] = {}


def frequencies(table: str, column: str) -> dict[str, float]:
    """The share of rows holding each of a vector column's most common words, from pg_stats."""
    cached = _stats.get(f"{table}.{column}")
    if cached and time.monotonic() - cached[0] < STATS_SECONDS:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                       "WHERE schemaname = current_schema() AND tablename = %s AND attname = %s", [table, column])
        row = cursor.fetchone()
    found = dict(zip(row[0], row[1])) if row and row[0] else {}  # the freqs end with three summary figures
    _stats[f"{table}.{column}"] = (time.monotonic(), found)
    return found


def every_word_common(q: str, table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery(%s::regconfig, %s)::text", [CONFIG, q])
        query = cursor.fetchone()[0]
    if not ALL_OF.match(query):
        return False
    shares = [frequencies(table, column) for column in COLUMNS]
    return all(max(share.get(word.replace("''", "'"), 0.0) for share in shares) >= COMMON
               for word in LEXEME.findall(query))


def window(kind, found, req, user):
    """The newest RECENT tasks of found when the search is worth trying there first, else None."""
    from accounts.roles import can_read_all

    from .kinds import TaskKind
    from .text import full_text

    if not (full_text() and isinstance(kind, TaskKind) and can_read_all(user)):
        return None  # staff's own posts' tasks are few: their search is quick as it is
    if req.post or req.region or req.tag or req.start or req.end:
        return None  # a filter makes the matches in the window fewer: the GIN scan serves it
    if not every_word_common(req.q, kind.model._meta.db_table):
        return None
    floor = oldest_recent(kind.model)
    return found.filter(pk__gte=floor) if floor else found


def oldest_recent(model) -> int | None:
    """The id of the RECENT-th newest row (None when there are fewer), kept a minute per process: the
    window then grows by the rows added meanwhile, or holds fewer matches after a reload, and either way
    the search stays exact (too few there: the GIN scan)."""
    cached = _floors.get(model._meta.db_table)
    if cached and time.monotonic() - cached[0] < FLOOR_SECONDS:
        return cached[1]
    floor = next(iter(model.objects.order_by("-pk").values_list("pk", flat=True)[RECENT - 1: RECENT]), None)
    _floors[model._meta.db_table] = (time.monotonic(), floor)
    return floor
