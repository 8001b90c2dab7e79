"""Fixtures of the reminder tests: an issued demarche with a London post and its staff.

`demarche` here is not the seed demarche of tests/outreach/conftest.py: reminder tests make theirs directly.
"""

import pytest

from tests.outreach.factories import DUE, make_demarche, make_post, make_task


@pytest.fixture
def london(db):
    return make_post("london", timezone="Europe/London", weekend=(6, 7), name="London")


@pytest.fixture
def london_staff(london, make_embassy_user):
    return [make_embassy_user("ldn1", london.code), make_embassy_user("ldn2", london.code)]


@pytest.fixture
def demarche(desk_officer):
    return make_demarche(desk_officer)


@pytest.fixture
def task(demarche, london, london_staff):
    return make_task(demarche, london, due=DUE)
