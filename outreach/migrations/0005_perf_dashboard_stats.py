"""DemarcheStats: per-demarche counts for the dashboards' demarche list, kept by PostgreSQL triggers.

Statement-level triggers with transition tables on PostTask and DemarchePost add each statement's
net change per demarche in the same transaction, whoever writes (services, admin, bulk_create). A new
demarche gets its row from a trigger on Demarche. Cancelled tasks count nowhere; talking-points tasks
are not counted (the list shows % delivered and % reported). `manage.py rebuild_dashboard_stats`
recomputes the table (REBUILD_SQL). On other databases the table stays empty and unused. The SQL lives
in outreach/dashboards/stats_sql.py, which the code's recount reads too.
"""

import django.db.models.deletion
from django.db import migrations, models

# The triggers are installed by the newest migration that changes their SQL (0016_stats_sort_keys): the SQL
# names today's columns, which do not exist yet at this point of a fresh database.


class Migration(migrations.Migration):

    dependencies = [
        ("outreach", "0004_perf_issued_on"),
    ]

    operations = [
        migrations.CreateModel(
            name="DemarcheStats",
            fields=[
                (
                    "demarche",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="stats",
                        serialize=False,
                        to="outreach.demarche",
                    ),
                ),
                ("posts", models.IntegerField(default=0)),
                ("delivery_total", models.IntegerField(default=0)),
                ("delivery_done", models.IntegerField(default=0)),
                ("report_total", models.IntegerField(default=0)),
                ("report_done", models.IntegerField(default=0)),
            ],
        ),
    ]
