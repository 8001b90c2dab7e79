"""DemarcheStats counts talking points as the delivery of a post with no non-paper to deliver.

The task triggers now recount the demarches a statement touches (the rule depends on a post's other
tasks, so a row's change is no longer a delta of its own); the rows are rebuilt under the new rule.
The SQL is in outreach/dashboards/stats_sql.py; migration 0016_stats_sort_keys, the newest to change it,
installs it (on databases that ran this migration earlier, this one installed the version of its day).
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("outreach", "0010_reminder_emails"),
    ]

    operations = []
