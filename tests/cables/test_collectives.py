"""The collectives table: shipped data, its database copy an administrator edits, and the parse naming it."""

from pathlib import Path

import pytest

from cables import collectivedata, postdata
from cables.collectives import sync_collectives
from cables.models import Collective, Post
from cables.parser import parse

DATA = Path(__file__).resolve().parent.parent / "data"


def test_every_member_is_a_known_post_and_every_collective_has_members():
    for info in collectivedata.all_collectives():
        assert info.members, info.key
        assert all(postdata.get(code) for code in info.members), info.key
        assert len(set(info.members)) == len(info.members)
        assert info.as_of[:2] in {"19", "20"}


def test_nato_after_2009_has_albania_and_croatia_and_usnato():
    nato = collectivedata.get("all-nato-posts")
    assert {"tirana", "zagreb", "usnato", "ottawa"} <= set(nato.members)
    assert "washington" not in nato.members and len(nato.members) == 28  # 27 allies' capitals and USNATO
    assert nato.as_of == "2009-04-01"


@pytest.mark.parametrize(
    "raw, key",
    [
        ("RUCNMEM/EU MEMBER STATES COLLECTIVE PRIORITY", "eu-member-states"),
        ("EU MEMBER STATES", "eu-member-states"),
        ("ALL NATO POST COLLECTIVE", "all-nato-posts"),
        ("GULF COOPERATION COUNCIL COLLECTIVE", "gcc"),
        ("IRAN COLLECTIVE IMMEDIATE", "iran"),
        ("WESTERN HEMISPHERIC AFFAIRS DIPL POSTS", "wha-diplomatic-posts"),
        ("Gulf Cooperation Council states", "gcc"),
        ("SIX PLUS TWO MEMBERS", "six-plus-two"),
    ],
)
def test_it_resolves_collective_spellings(raw, key):
    assert collectivedata.resolve_collective(raw).key == key
    assert collectivedata.is_collective_name(raw)


def test_an_unknown_collective_is_still_a_collective():
    assert collectivedata.resolve_collective("IAEA MEMBER STATES COLLECTIVE") is None
    assert collectivedata.is_collective_name("IAEA MEMBER STATES COLLECTIVE")
    assert not collectivedata.is_collective_name("AMEMBASSY PARIS")


def test_the_parse_names_each_collective_and_flags_an_unknown_action_collective():
    iaea = parse((DATA / "10STATE9124.txt").read_text(encoding="utf-8")).to_dict()
    collectives = {a["raw"]: a["collective"] for a in iaea["action_addressees"] if a["kind"] == "collective"}
    assert collectives == {"IAEA MEMBER STATES COLLECTIVE": None, "EU MEMBER STATES COLLECTIVE": "eu-member-states"}
    assert "collective" not in iaea["action_addressees"][-1]  # only collectives carry the key
    [flag] = [a for a in iaea["anomalies"] if a["kind"] == "unknown_collective"]
    assert "IAEA MEMBER STATES COLLECTIVE" in flag["detail"]


@pytest.mark.django_db
def test_the_migration_loads_the_table_and_an_administrator_edit_survives_a_resync():
    nato = Collective.objects.get(key="all-nato-posts")
    assert nato.members.filter(code="tirana").exists() and nato.members.count() == 28
    assert Post.objects.filter(code="rpo-dubai").exists()  # a post added with the table
    nato.members.remove(Post.objects.get(code="tirana"))
    assert sync_collectives(Collective, Post) == len(collectivedata.all_collectives())
    assert not nato.members.filter(code="tirana").exists()  # kept as edited
    sync_collectives(Collective, Post, replace_members=True)
    assert nato.members.filter(code="tirana").exists()
