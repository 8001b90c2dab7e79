from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, import_data


class Command(BaseCommand):
    help = "Load a file written by export_data into a new, migrated database, keeping every primary key."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            counts = import_data(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{file}: restored {sum(counts.values())} rows of {len(counts)} models")
