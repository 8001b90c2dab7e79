"""Password guessing: five failures lock the account out for this address, even for the right password."""

from datetime import timedelta

import pytest
from django.db.models import F

from tests.security.conftest import attempt

RIGHT = "pw-for-tests-only"  # tests/conftest.py gives every user this password


@pytest.mark.django_db
def test_six_wrong_passwords_lock_out_the_seventh_attempt_even_with_the_right_password(
    client, desk_officer, throttled
):
    for _ in range(6):
        assert attempt(client, "desk", "wrong-guess").status_code in (200, 429)
    response = attempt(client, "desk", RIGHT)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/cables/").status_code == 302  # still not logged in


@pytest.mark.django_db
def test_the_right_password_after_four_failures_still_logs_in(client, desk_officer, throttled):
    for _ in range(4):
        assert attempt(client, "desk", "wrong-guess").status_code == 200
    response = attempt(client, "desk", RIGHT)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(desk_officer.pk)


@pytest.mark.django_db
def test_the_lockout_ends_after_the_cool_off(client, desk_officer, throttled):
    from axes.models import AccessAttempt

    for _ in range(5):
        attempt(client, "desk", "wrong-guess")
    assert attempt(client, "desk", RIGHT).status_code == 429
    # Fifteen minutes and one later:
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert attempt(client, "desk", RIGHT).status_code == 302


@pytest.mark.django_db
def test_another_user_is_not_locked_out_by_someone_elses_failures(client, desk_officer, manager, throttled):
    for _ in range(6):
        attempt(client, "desk", "wrong-guess")
    assert attempt(client, "manager", RIGHT).status_code == 302


def test_the_configured_limits_are_five_failures_and_fifteen_minutes(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE.index("axes.middleware.AxesMiddleware") > settings.MIDDLEWARE.index(
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    )
