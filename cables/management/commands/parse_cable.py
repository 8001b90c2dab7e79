import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cables.parser import CableParseError, decode_bytes, parse


class Command(BaseCommand):
    help = "Parse one cable file and print the result (JSON with --json). Stores nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="print the full parse as JSON")

    def handle(self, *args, file, **options):
        path = Path(file)
        try:
            text = decode_bytes(path.read_bytes())
        except OSError as exc:
            raise CommandError(f"{file}: cannot read: {exc.strerror or exc}") from exc
        try:
            cable = parse(text, filename=path.name)
        except CableParseError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        data = cable.to_dict()
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        self.stdout.write(f"{data['reference_id']}  {data.get('dtg') or ''}  {data.get('subject') or '(no subject)'}")
        self.stdout.write(
            f"  action addressees: {len(data['action_addressees'])}, info: {len(data['info_addressees'])}, "
            f"paragraphs: {len(data['paragraphs'])}, talking-point sections: {len(data['talking_points'])}"
        )
        for anomaly in data["anomalies"]:
            self.stdout.write(f"  warning: {anomaly['kind']} (para {anomaly['paragraph']}): {anomaly['detail']}")
