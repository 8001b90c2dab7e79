import time

from django.core.management.base import BaseCommand

from outreach.dashboards import snapshots


class Command(BaseCommand):
    help = (
        "Recompute the overview's figures for readers of every post, every period and region (what Celery "
        "beat does every OVERVIEW_SNAPSHOT_MINUTES); prints how many windows and how long it took."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = snapshots.refresh()
        self.stdout.write(
            f"{count} overview snapshot(s) recomputed in {time.perf_counter() - started:.1f} s."
        )
