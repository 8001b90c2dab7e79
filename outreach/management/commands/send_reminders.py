from argparse import ArgumentTypeError
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.core.management.base import BaseCommand
from django.utils import timezone

from outreach.reminders.sweep import sweep

# A sweep counts days ahead of --now (holidays, reminders before the due date): near the ends of the
# calendar that arithmetic overflows. A rehearsal needs neither the year 1 nor the year 9999.
EARLIEST_NOW = datetime(2000, 1, 1, tzinfo=dt_timezone.utc)
LATEST_AHEAD = timedelta(days=10 * 365)


def parse_now(value: str) -> datetime:
    """Read an ISO 8601 moment; a trailing Z and a missing offset both mean UTC.

    Raises ArgumentTypeError, which argparse turns into a usage message: a CommandError raised while
    the arguments are parsed escapes manage.py as a traceback.
    """
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as exc:
        raise ArgumentTypeError(f"{value!r} is not an ISO 8601 date-time such as 2026-12-17T09:00:00Z") from exc
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt_timezone.utc)
    latest = timezone.now() + LATEST_AHEAD
    if not EARLIEST_NOW <= moment <= latest:
        raise ArgumentTypeError(f"{value!r} is outside 2000-01-01 to {latest:%Y-%m-%d} (ten years from today)")
    return moment


class Command(BaseCommand):
    help = ("Send the reminders due now (or at --now), in this process; print per kind what was emailed, "
            "left for a post's digest, had no recipient or was skipped, and how many emails went out.")

    def add_arguments(self, parser):
        parser.add_argument("--now", type=parse_now, help="act as at this moment, e.g. 2026-12-17T09:00:00Z")
        parser.add_argument("--dry-run", action="store_true", help="count what would be sent; send nothing")

    def handle(self, *args, now=None, dry_run=False, **options):
        result = sweep(now=now or timezone.now(), dry_run=dry_run, inline=True)
        for line in result.table():
            self.stdout.write(line)
        if result.requeued:
            self.stdout.write(f"retried: {result.requeued} emails claimed earlier and not sent then")
