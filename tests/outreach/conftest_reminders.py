"""Fixtures for the reminder tests: an issued demarche with a London post and its staff."""

from datetime import date, datetime, timezone

import pytest

from tests.outreach.factories import make_demarche, make_post, make_task

DUE = date(2026, 12, 17)  # a Thursday
DUE_DAY_9AM = datetime(2026, 12, 17, 9, 0, tzinfo=timezone.utc)


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
