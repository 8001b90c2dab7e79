from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from outreach import dashboards


class Command(BaseCommand):
    help = (
        "Recompute the per-demarche counts the dashboards' demarche list reads (DemarcheStats) from the tasks. "
        "Triggers keep them exact; run this after restoring data with triggers disabled, or to check."
    )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "DemarcheStats is kept on PostgreSQL only; other databases compute the figures live."
            )
        wrong = dashboards.rebuild_stats()
        self.stdout.write(
            f"{wrong} demarche row(s) were wrong or missing; DemarcheStats now matches the tasks."
        )
