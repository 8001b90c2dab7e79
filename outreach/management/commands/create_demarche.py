from argparse import ArgumentTypeError
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import command_user
from cables.models import Cable
from outreach import services
from outreach.models import Demarche
from outreach.services import bounds


def parse_date(value: str) -> date:
    # ArgumentTypeError, not CommandError: argparse turns it into a usage message, while a CommandError
    # raised during parsing escapes manage.py as a traceback.
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"{value!r} is not a date such as 2026-12-31") from exc


class Command(BaseCommand):
    help = "Create (or show, when it exists) the demarche of an ingested action-request cable."

    def add_arguments(self, parser):
        parser.add_argument("reference_id", help="e.g. 09STATE4690")
        parser.add_argument("--issue", action="store_true", help="issue it to the posts")
        parser.add_argument("--confirm-posts", action="store_true",
                            help="confirm the post list a collective was expanded to (needed before --issue)")
        parser.add_argument("--due", type=parse_date, help="delivery due date YYYY-MM-DD; the report-back "
                            "date keeps its offset")
        parser.add_argument("--owner", help="username of the owning desk officer (default: the first one)")

    def handle(self, *args, reference_id, issue=False, due=None, owner=None, confirm_posts=False, **options):
        reference_id = reference_id.replace(" ", "").upper()
        cable = Cable.objects.current().filter(reference_id=reference_id).first()
        if cable is None:
            raise CommandError(f"No ingested cable {reference_id}; run ingest_cable first.")
        by = command_user(owner)
        existed = Demarche.objects.filter(reference_id=reference_id).exists()
        try:
            # Checked before the report date is counted from it: 9999-12-30 + 7 days does not exist.
            bounds.check_due(cable, deliver_by=due)
            report_by = due + services.report_offset() if due else None
            _check_report_date(cable, due, report_by)
            demarche = services.create_demarche(cable, by=by, deliver_by=due, report_by=report_by)
            if existed and due and (demarche.deliver_by, demarche.report_by) != (due, report_by):
                demarche = services.update_demarche(demarche, by=by, deliver_by=due, report_by=report_by)
            if confirm_posts:
                demarche = services.confirm_posts(demarche, by=by)
            if issue:
                demarche = services.issue_demarche(demarche, by=by)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(services.describe(demarche, existed=existed))


def _check_report_date(cable, due: date | None, report_by: date | None) -> None:
    """Refuse a --due whose counted report-back date lies past the horizon, naming the date typed."""
    _, last = bounds.due_window(cable)
    if due and report_by and report_by > last:
        offset = (report_by - due).days
        raise CommandError(
            f"--due {due.isoformat()} puts the report-back date {offset} days later, more than two years "
            f"ahead; give --due by {(last - (report_by - due)).isoformat()}."
        )
