import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_TESTING", "1")

DATA = Path(__file__).parent / "data"


def pytest_collection_modifyitems(config, items):
    """On SQLite, skip what only PostgreSQL can do, and say why in the run's summary (-ra)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    for item in items:
        marker = item.get_closest_marker("postgres_only")
        if marker:
            why = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "needs PostgreSQL")
            item.add_marker(pytest.mark.skip(reason=f"PostgreSQL only: {why}"))


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Give a transactional test the posts and collectives the data migrations load.

    A transactional test ends by flushing every table, reference data included, and serialized_rollback
    does not always bring it back (a test of another kind may have run in between on the same worker).
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return
    from cables.collectives import sync_collectives
    from cables.models import Collective, Post
    from cables.services import sync_posts

    if not Post.objects.exists():
        sync_posts(Post)
        sync_collectives(Collective, Post)


def read_cable(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


@pytest.fixture
def seed_text() -> str:
    return read_cable("09STATE4690.txt")


def _user(django_user_model, username: str, group: str, posts=()):
    from django.contrib.auth.models import Group

    from cables.models import Post

    user = django_user_model.objects.create_user(username, f"{username}@example.org", "pw-for-tests-only")
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    for code in posts:
        Post.objects.get(code=code).staff.add(user)
    return user


@pytest.fixture
def desk_officer(db, django_user_model):
    from accounts.roles import DESK_OFFICERS

    return _user(django_user_model, "desk", DESK_OFFICERS)


@pytest.fixture
def manager(db, django_user_model):
    from accounts.roles import MANAGERS

    return _user(django_user_model, "manager", MANAGERS)


@pytest.fixture
def make_embassy_user(db, django_user_model):
    from accounts.roles import EMBASSY_STAFF

    def make(username: str, *post_codes: str):
        return _user(django_user_model, username, EMBASSY_STAFF, post_codes)

    return make


@pytest.fixture
def seed_cable(db, seed_text):
    from cables.services import ingest_cable

    return ingest_cable(seed_text, filename="09STATE4690.txt").cable
