"""The two health pages: /healthz (no database, for liveness) and /healthz/ready (the primary, the replica, Redis)."""

import os

import pytest

BROKER = os.environ.get("REMINDER_TEST_BROKER", "redis://127.0.0.1:6379/7")


def test_it_answers_liveness_without_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")


@pytest.mark.redis
def test_it_is_ready_when_the_primary_and_redis_answer(client, db, settings):
    settings.CELERY_BROKER_URL = BROKER
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] and body["primary"]["ok"] and body["redis"]["ok"]
    assert body["replica"] == {"configured": False, "reads": "primary"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_it_is_not_ready_without_redis(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # the discard port: nothing listens
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["redis"]["ok"] is False and response.json()["primary"]["ok"] is True
