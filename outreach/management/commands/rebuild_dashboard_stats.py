from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from outreach import dashboards


class Command(BaseCommand):
    help = (
        "Recompute the counts the dashboards read from the tasks: per demarche for the list (DemarcheStats), "
        "per tasking for the overview's map (TaskingTally). Triggers keep them exact; run this after "
        "restoring data with triggers disabled, or to check."
    )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "DemarcheStats and TaskingTally are kept on PostgreSQL only; other databases compute the figures live."
            )
        wrong = dashboards.rebuild_stats()
        self.stdout.write(
            f"{wrong} row(s) were wrong or missing; DemarcheStats and TaskingTally now match the tasks."
        )
