"""Cables' search index without a pending list (PostgreSQL only).

With fastupdate on (the default), a GIN index queues new entries in a pending list until VACUUM merges
them, and every search reads the whole list. Cables arrive one at a time and autovacuum seldom runs on
a table this small, so after the bulk corpus was ingested 329 cables (494 pages) sat in the list: a
search for a word in no cable took 30-60 ms, and the planner, counting those pages, preferred reading
every cable's vector (toasted) to the index, which answers in under 1 ms. Cables are written rarely, so
each now goes straight into the index, and the list already queued is merged here.
"""

from django.db import migrations

FORWARD = """
ALTER INDEX cable_search_idx SET (fastupdate = off);
SELECT gin_clean_pending_list('cable_search_idx'::regclass);
"""
BACKWARD = "ALTER INDEX cable_search_idx RESET (fastupdate);"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("cables", "0006_post_sort_name")]

    operations = [migrations.RunPython(forward, backward)]
