import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from outreach import services
from outreach.models import Demarche


class Command(BaseCommand):
    help = "Print a demarche's posts and tasks; --json prints the documented JSON contract."

    def add_arguments(self, parser):
        parser.add_argument("reference_id")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, reference_id, json=False, **options):
        demarche = Demarche.objects.filter(reference_id=reference_id.replace(" ", "").upper()).first()
        if demarche is None:
            raise CommandError(f"No demarche {reference_id}; run create_demarche first.")
        status = services.demarche_status(demarche)
        if json:
            self.stdout.write(_dumps(status))
            return
        self.stdout.write(f"{status['reference_id']}: {status['state']}")
        for entry in status["posts"]:
            audience = f" (for {entry['audience']})" if entry["audience"] else ""
            self.stdout.write(f"  {entry['post']}{audience}")
            for task in entry["tasks"]:
                self.stdout.write(f"    {task['kind']:<18} {task['status']:<14} due {task['due']}")


def _dumps(data) -> str:
    return jsonlib.dumps(data, indent=2, ensure_ascii=False)
