from django.core.management.base import BaseCommand

from cables.models import Cable
from cables.parser import PARSER_VERSION
from cables.services import reparse_cable


class Command(BaseCommand):
    help = "Parse every stored cable again with the current parser (after a parser upgrade)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="also cables already parsed by this version")

    def handle(self, *args, **options):
        cables = Cable.objects.order_by("pk")
        if not options["all"]:
            cables = cables.exclude(parser_version=PARSER_VERSION)
        changed = total = 0
        for cable in cables.iterator(chunk_size=200):
            total += 1
            changed += reparse_cable(cable)
        self.stdout.write(f"re-parsed {total} cables with parser {PARSER_VERSION}: {changed} changed")
