from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from outreach.services import receive_cable

PROGRESS_FROM = 20  # files; fewer than this print only their lines


def _files(paths: list[str]) -> list[Path]:
    found = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            found.append(path)
        else:
            raise CommandError(f"{name}: no such file or directory")
    return found


class Command(BaseCommand):
    help = "Store cables from files or folders and match replies; print created, unchanged, revised or failed for each."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")

    def handle(self, *args, paths, **options):
        files = _files(paths)
        bar = tqdm(files, disable=len(files) < PROGRESS_FROM, unit="cable", file=self.stderr._out)
        counts: dict[str, int] = {}
        for path in bar:
            line, outcome = self._ingest(path)
            counts[outcome] = counts.get(outcome, 0) + 1
            tqdm.write(line, file=self.stdout._out)
        if len(files) > 1:
            summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
            self.stdout.write(f"{len(files)} files: {summary}")

    def _ingest(self, path: Path) -> tuple[str, str]:
        size = path.stat().st_size
        if size > settings.CABLE_MAX_BYTES:
            limit = settings.CABLE_MAX_BYTES / 1_048_576
            return f"{path}: failed: {size / 1_048_576:.1f} MB is over the {limit:.0f} MB limit for a cable", "failed"
        result = receive_cable(path.read_bytes(), filename=path.name)
        return f"{path}: {result}", result.outcome
