"""A stored full-text search vector on each cable (PostgreSQL only; SQLite searches the fields directly).

A STORED generated column rather than a trigger or a service-layer update: PostgreSQL recomputes it on
every insert and update whoever writes (ingest, reparse, the admin, COPY in bench loads, import_data,
which all skip or bypass Python code paths or triggers), and there is no function to keep in step. The
column is not a model field, so nothing in Django writes or serialises it. Each part is cut to a bounded
length: a tsvector cannot exceed 1 MB, and a 5 MiB cable of unusual tokens would otherwise fail to store.
"""

from django.db import migrations

# The paragraphs' text out of the parse: a JSON array as text, its escapes and brackets made spaces.
PARAGRAPHS = (
    "regexp_replace(jsonb_path_query_array(parsed, '$.paragraphs[*].text')::text, "
    "'\\\\[nrtbf\"\\\\]|[\\[\\]]', ' ', 'g')"
)

VECTOR = f"""
    setweight(to_tsvector('english'::regconfig, reference_id || ' ' || left(coalesce(subject, ''), 2000)), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(tags_text, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, left(coalesce({PARAGRAPHS}, ''), 250000)), 'C')
"""

FORWARD = f"""
ALTER TABLE cables_cable ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED;
CREATE INDEX cable_search_idx ON cables_cable USING gin (search_vector);
"""

BACKWARD = """
DROP INDEX IF EXISTS cable_search_idx;
ALTER TABLE cables_cable DROP COLUMN IF EXISTS search_vector;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("cables", "0004_load_collectives")]

    operations = [migrations.RunPython(forward, backward)]
