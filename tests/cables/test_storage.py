"""Storing cables: exactly as received, idempotent, revisions, failures kept."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cables.models import Cable, CableAddressee, CableReference
from cables.services import ingest_cable, reparse_cable

pytestmark = pytest.mark.django_db


def test_it_stores_the_seed_with_its_parse(seed_text):
    result = ingest_cable(seed_text, filename="09STATE4690.txt")

    cable = Cable.objects.get()
    assert result.outcome == "created"
    assert cable.reference_id == "09STATE4690"
    assert cable.raw_text == seed_text
    assert cable.as_received() == seed_text.encode()
    assert cable.status == Cable.Status.PARSED
    assert cable.is_action_request
    assert cable.sent_at.isoformat().startswith("2009-01-16T18:59")
    assert "MTCRE" in cable.tags_text
    roles = [a.role for a in cable.addressees.all()]
    assert roles.count("from") == 1 and roles.count("action") == 30 and roles.count("info") == 1
    abu_dhabi = cable.addressees.get(raw__icontains="ABU DHABI")
    assert abu_dhabi.post.code == "abu-dhabi" and abu_dhabi.post.region == "NEA"
    assert set(cable.cited.values_list("reference_id", "letter")) == {
        ("08STATE129729", "A"), ("08STATE129731", "B"),
    }


def test_it_changes_nothing_when_the_same_text_comes_again(seed_text):
    first = ingest_cable(seed_text)
    second = ingest_cable(seed_text, filename="other-name.txt")

    assert second.outcome == "unchanged"
    assert second.cable.pk == first.cable.pk
    assert Cable.objects.count() == 1
    assert CableAddressee.objects.count() == 32


def test_it_keeps_a_different_text_under_the_same_id_as_a_revision(seed_text):
    first = ingest_cable(seed_text).cable
    result = ingest_cable(seed_text.replace("Pam Durham", "P. Durham"))

    first.refresh_from_db()
    assert result.outcome == "revised"
    assert result.cable.revision == 2 and result.cable.is_current
    assert not first.is_current and first.raw_text == seed_text
    assert list(Cable.objects.current()) == [result.cable]


def test_it_stores_a_cable_that_cannot_be_parsed_with_its_error():
    result = ingest_cable("<html><body>Not a cable at all</body></html>", filename="junk.html")

    cable = Cable.objects.get()
    assert result.outcome == "failed"
    assert cable.status == Cable.Status.FAILED
    assert cable.parse_error and cable.parse_error == result.error
    assert cable.raw_text == "<html><body>Not a cable at all</body></html>"
    assert cable.reference_id.startswith("UNPARSED-")


def test_it_takes_the_reference_id_from_a_file_name_when_parsing_fails():
    result = ingest_cable("", filename="09STATE99999.txt")

    assert result.outcome == "failed"
    assert result.cable.reference_id == "09STATE99999"


@pytest.mark.parametrize("data", [
    "Caf\xe9 cable".encode("latin-1"),
    b"R 161859Z JAN 09\x00\x00 FM SECSTATE WASHDC",
    b"\xff\xfe\x00binary\x00",
])
def test_it_keeps_odd_bytes_exactly(data):
    cable = ingest_cable(data, filename="odd.txt").cable

    cable.refresh_from_db()
    assert cable.as_received() == data
    assert "\x00" not in cable.raw_text


def test_its_query_count_does_not_grow_with_the_number_of_addressees(seed_text):
    start = seed_text.index("AMEMBASSY AMMAN")
    few = seed_text[:start] + seed_text[seed_text.index("AMCONSUL HONG KONG"):]  # 4 action posts
    few = few.replace("STATE 004690", "STATE 004691").replace("09STATE4690", "09STATE4691")
    counts, action_posts = [], []
    for text in (few, seed_text):
        with CaptureQueriesContext(connection) as queries:
            cable = ingest_cable(text).cable
        counts.append(len(queries))
        action_posts.append(cable.addressees.filter(role="action").count())

    assert action_posts == [4, 30]
    assert counts[0] == counts[1]


def test_reparse_updates_the_stored_parse_and_links(seed_text):
    cable = ingest_cable(seed_text).cable
    Cable.objects.filter(pk=cable.pk).update(parser_version="0.0", parsed={"tags": []}, tags_text="")
    CableReference.objects.all().delete()
    cable.refresh_from_db()

    assert reparse_cable(cable) is True
    cable.refresh_from_db()
    assert "MTCRE" in cable.tags_text and cable.parsed["reference_id"] == "09STATE4690"
    assert cable.cited.count() == 2
    assert reparse_cable(cable) is False


def test_every_corpus_cable_is_stored_and_parsed():
    from tests.conftest import DATA

    real = [p for p in DATA.glob("*.txt") if not p.name.startswith("synthetic")]
    outcomes = {p.name: ingest_cable(p.read_bytes(), filename=p.name).outcome for p in real}

    assert len(outcomes) >= 35
    assert set(outcomes.values()) == {"created"}, outcomes
    assert Cable.objects.filter(status=Cable.Status.PARSED).count() == len(outcomes)
