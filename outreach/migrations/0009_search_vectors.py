"""Stored full-text search vectors on demarches and tasks (PostgreSQL only), as cables 0005_search_vector.

Generated columns, so every writer keeps them exact (services, the admin, the dashboard generator's
COPY with triggers off). A task's talking points get a vector of their own: embassy staff may not match
on points that are not releasable to their host (outreach.search decides, with points_releasable).
"""

from django.db import migrations


def text_of(column: str, path: str) -> str:
    """The strings of a JSON column at a path, as plain text (escapes and brackets made spaces)."""
    return (
        f"regexp_replace(jsonb_path_query_array({column}, '{path}')::text, "
        "'\\\\[nrtbf\"\\\\]|[\\[\\]]', ' ', 'g')"
    )


DEMARCHE = """
    setweight(to_tsvector('english'::regconfig, reference_id || ' ' || left(subject, 2000)), 'A')
    || setweight(to_tsvector('english'::regconfig, left(instructions, 100000)), 'B')
"""

TASK = f"""
    setweight(to_tsvector('english'::regconfig, left(instruction, 20000)), 'B')
    || setweight(to_tsvector('english'::regconfig, left(
        response_text || ' ' || status_reason || ' ' || reply_reference_id || ' '
        || {text_of("officials", "$[*].*")}, 100000)), 'C')
"""

POINTS = f"""
    setweight(to_tsvector('english'::regconfig, left({text_of("talking_points", "$[*].text")}, 100000)), 'C')
"""

FORWARD = f"""
ALTER TABLE outreach_demarche ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({DEMARCHE}) STORED;
CREATE INDEX demarche_search_idx ON outreach_demarche USING gin (search_vector);
ALTER TABLE outreach_posttask
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({TASK}) STORED,
    ADD COLUMN points_vector tsvector GENERATED ALWAYS AS ({POINTS}) STORED;
CREATE INDEX task_search_idx ON outreach_posttask USING gin (search_vector);
CREATE INDEX task_points_search_idx ON outreach_posttask USING gin (points_vector);
"""

BACKWARD = """
DROP INDEX IF EXISTS demarche_search_idx;
DROP INDEX IF EXISTS task_search_idx;
DROP INDEX IF EXISTS task_points_search_idx;
ALTER TABLE outreach_demarche DROP COLUMN IF EXISTS search_vector;
ALTER TABLE outreach_posttask DROP COLUMN IF EXISTS search_vector, DROP COLUMN IF EXISTS points_vector;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("outreach", "0008_generation_sections"), ("cables", "0005_search_vector")]

    operations = [migrations.RunPython(forward, backward)]
