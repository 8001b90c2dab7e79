import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cables.models import Cable
from tests.conftest import DATA

ROOT = Path(__file__).resolve().parents[2]
KEYS = {
    "reference_id", "cablegate_id", "date", "dtg", "precedence", "classification", "origin", "references",
    "ref_letters", "from", "action_addressees", "info_addressees", "also_for", "tags", "subject", "eo",
    "declassify_on", "classified_by", "reasons", "summary", "paragraphs", "action_request", "non_papers",
    "talking_points", "anomalies",
}


def test_parse_cable_prints_the_json_contract():
    out = StringIO()
    call_command("parse_cable", str(DATA / "09STATE4690.txt"), "--json", stdout=out)

    data = json.loads(out.getvalue())
    assert KEYS <= set(data)
    assert data["reference_id"] == "09STATE4690"
    assert data["action_request"]["paragraph"] == 2


def test_parse_cable_exits_1_with_one_line_on_junk(tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"\x00\x01\x02 definitely not a cable")

    proc = subprocess.run(
        [sys.executable, "manage.py", "parse_cable", str(junk), "--json"],
        cwd=ROOT, capture_output=True, text=True, env={"DJANGO_TESTING": "1", "PATH": "/usr/bin:/bin"},
    )

    assert proc.returncode == 1
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "junk.txt" in proc.stderr


def test_parse_cable_refuses_a_missing_file():
    with pytest.raises(CommandError, match="cannot read"):
        call_command("parse_cable", "/nonexistent/cable.txt", "--json")


@pytest.mark.django_db
def test_ingest_cable_prints_one_line_each_and_is_idempotent(tmp_path):
    for name in ("09STATE4690.txt", "10KUWAIT88.txt"):
        (tmp_path / name).write_bytes((DATA / name).read_bytes())
    (tmp_path / "junk.txt").write_text("hello")

    first, second = StringIO(), StringIO()
    call_command("ingest_cable", str(tmp_path), stdout=first)
    call_command("ingest_cable", str(tmp_path), stdout=second)

    lines = first.getvalue().splitlines()
    assert any(line.endswith("09STATE4690: created") for line in lines)
    assert any(line.endswith("10KUWAIT88: created") for line in lines)
    assert any("junk.txt: UNPARSED-" in line and ": failed: " in line for line in lines)
    assert second.getvalue().count(": unchanged") == 3
    assert Cable.objects.count() == 3


@pytest.mark.django_db
def test_ingest_cable_refuses_an_oversize_file(tmp_path, settings):
    settings.CABLE_MAX_BYTES = 1000
    big = tmp_path / "big.txt"
    big.write_text("x" * 2000)
    out = StringIO()

    call_command("ingest_cable", str(big), stdout=out)

    assert "failed" in out.getvalue() and "limit" in out.getvalue()
    assert Cable.objects.count() == 0


@pytest.mark.django_db
def test_reparse_cables_reparses_outdated_cables(seed_cable):
    Cable.objects.update(parser_version="0.0")
    out = StringIO()

    call_command("reparse_cables", stdout=out)

    assert "re-parsed 1 cables" in out.getvalue()
    assert Cable.objects.get().parser_version != "0.0"
