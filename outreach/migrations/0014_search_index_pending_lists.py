"""Demarches' and tasks' search indexes with no or a short pending list (PostgreSQL only).

A GIN index with fastupdate on queues new entries in a pending list (up to 4 MB) that every search reads
whole until VACUUM merges it (see cables 0007_search_index_no_pending_list, where it cost 30-60 ms a
search). Demarches are written rarely: their entries go straight into the index. Tasks are written all
day (every status change rewrites the row) and in bulk by imports and the benchmark generator, so they
keep the list, cut to 256 kB: at most 32 pages for a search to read, merged by the writer that fills it.
"""

from django.db import migrations

INDEXES = ("demarche_search_idx", "task_search_idx", "task_points_search_idx")

FORWARD = """
ALTER INDEX demarche_search_idx SET (fastupdate = off);
ALTER INDEX task_search_idx SET (gin_pending_list_limit = 256);
ALTER INDEX task_points_search_idx SET (gin_pending_list_limit = 256);
""" + "".join(f"SELECT gin_clean_pending_list('{name}'::regclass);\n" for name in INDEXES)

BACKWARD = """
ALTER INDEX demarche_search_idx RESET (fastupdate);
ALTER INDEX task_search_idx RESET (gin_pending_list_limit);
ALTER INDEX task_points_search_idx RESET (gin_pending_list_limit);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("outreach", "0013_threads"), ("cables", "0007_search_index_no_pending_list")]

    operations = [migrations.RunPython(forward, backward)]
