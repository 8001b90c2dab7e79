"""The dashboards: figures over tasks, the pages and exports that show them, and the figures kept for speed.

    expressions.py  the SQL building blocks (task classes, done date, days late, median, live tasks)
    figures.py      the figure set: the one definition of every figure, as ORM aggregates
    onepass.py      the overview's figures in one read (PostgreSQL), checked against figures.py
    demarches.py    the demarche list (from DemarcheStats on PostgreSQL), one demarche's matrix
    posts.py        one post's figures and tasks
    overview.py     the overview page's figures and lists
    snapshots.py    the overview's figures for readers of every post, computed in the background
    stats.py        DemarcheStats and TaskingTally upkeep; stats_sql.py and tally_sql.py their SQL, shared
                    with the migrations
    mapdata.py      the world map's states (the overview's from TaskingTally on PostgreSQL)
    columns.py, fastpath.py, tables.py, filters.py, charts.py, views.py, urls.py: the web pages

The names below are the read API that views, the JSON API and commands use.
"""

from .demarches import (
    demarche_figures,
    demarche_matrix,
    demarche_summary,
    demarches_with_figures,
    step_state,
    timeline,
    visible_demarches,
)
from .expressions import all_live_tasks, live_tasks
from .figures import by_region, figures, slowest_posts, trend
from .overview import overdue_tasks, overview, overview_window, unacknowledged, window_figures
from .posts import post_summary, post_tasks
from .stats import rebuild_stats, recomputed_stats, recomputed_tallies, stored_stats, stored_tallies

__all__ = [
    "all_live_tasks",
    "by_region",
    "demarche_figures",
    "demarche_matrix",
    "demarche_summary",
    "demarches_with_figures",
    "figures",
    "live_tasks",
    "overdue_tasks",
    "overview",
    "overview_window",
    "post_summary",
    "post_tasks",
    "rebuild_stats",
    "recomputed_stats",
    "recomputed_tallies",
    "slowest_posts",
    "step_state",
    "stored_stats",
    "stored_tallies",
    "timeline",
    "trend",
    "unacknowledged",
    "visible_demarches",
    "window_figures",
]
