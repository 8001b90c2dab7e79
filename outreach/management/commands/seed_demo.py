from django.core.management.base import BaseCommand

from outreach import services


class Command(BaseCommand):
    help = "Load the seed cable, create and issue its demarche, create one demo user per role. Safe to run twice."

    def handle(self, *args, **options):
        result = services.seed_demo()
        self.stdout.write(f"Seed cable {result.cable.reference_id}: {result.cable_outcome}")
        self.stdout.write(services.describe(result.demarche, existed=not result.demarche_created))
        self.stdout.write("\nDemo logins (passwords derive from SECRET_KEY; see docs/demarches.md):")
        for login in result.logins:
            self.stdout.write(f"  {login.role:<30} {login.username:<16} {login.password:<22} {login.email}")
