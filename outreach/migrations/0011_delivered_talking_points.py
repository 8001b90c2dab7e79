"""DemarcheStats counts talking points as the delivery of a post with no non-paper to deliver.

The task triggers now recount the demarches a statement touches (the rule depends on a post's other
tasks, so a row's change is no longer a delta of its own); the rows are rebuilt under the new rule.
The SQL is in outreach/dashboards/stats_sql.py.
"""

from django.db import migrations

from outreach.dashboards.stats_sql import DROP_TRIGGERS, REBUILD_SQL, triggers


def recreate_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGERS)
        schema_editor.execute(triggers())
        schema_editor.execute(REBUILD_SQL)


class Migration(migrations.Migration):

    dependencies = [
        ("outreach", "0010_reminder_emails"),
    ]

    operations = [
        migrations.RunPython(recreate_triggers, migrations.RunPython.noop),
    ]
