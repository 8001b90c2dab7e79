"""Fixtures of the outreach tests: the seed demarche (draft and issued) and its posts' staff."""

import pytest


@pytest.fixture
def demarche(seed_cable, desk_officer):
    from outreach.services import create_demarche

    return create_demarche(seed_cable, by=desk_officer)


@pytest.fixture
def issued(demarche, desk_officer):
    from outreach.services import issue_demarche

    return issue_demarche(demarche, by=desk_officer)


@pytest.fixture
def abu_dhabi_staff(make_embassy_user):
    return make_embassy_user("ad-staff", "abu-dhabi")


@pytest.fixture
def hong_kong_staff(make_embassy_user):
    return make_embassy_user("hk-staff", "hong-kong")
