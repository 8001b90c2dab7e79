from pathlib import Path

from django.core.management.base import BaseCommand

from config.backup import export_data


class Command(BaseCommand):
    help = "Write all data (users, posts, cables with raw text, demarches, tasks, history) to a JSON-lines file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        counts = export_data(file)
        self.stdout.write(f"{file}: {sum(counts.values())} rows of {len(counts)} models")
