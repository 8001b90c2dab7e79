"""Races, as a class: concurrent writers never lose data and never get a 500 (issue 14, section 3).

Threads against the real PostgreSQL (row and advisory locks are what is being proven); each thread
has its own connection, as each gunicorn worker does.
"""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from cables.models import Cable
from outreach.models import PostTask

from .conftest import build_world

THREADS = 10


def together(work, n: int = THREADS) -> list:
    """Run work(i) in n threads released at the same moment; return their results in order."""
    barrier, results = threading.Barrier(n), [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - reported by the assertions below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.postgres_only(reason="concurrent writers need PostgreSQL's locks; SQLite serialises every writer")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_revisions_of_one_cable_are_all_stored_without_an_error(desk_officer, seed_text):
    """Before: 10 concurrent POSTs, three times, gave 11 errors and 19 of 30 revisions."""
    for round_ in range(3):
        def post(i, round_=round_):
            text = f"{seed_text}\n(revision sent by client {i} in round {round_})\n"
            return api_for(desk_officer).post("/api/cables/", {"text": text}, format="json").status_code

        assert together(post) == [201] * THREADS
    revisions = list(Cable.objects.filter(reference_id="09STATE4690").values_list("revision", flat=True))
    assert sorted(revisions) == list(range(1, 3 * THREADS + 1))
    assert Cable.objects.filter(reference_id="09STATE4690", is_current=True).count() == 1


@pytest.mark.postgres_only(reason="concurrent writers need PostgreSQL's locks; SQLite serialises every writer")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_text_sent_concurrently_is_stored_once(desk_officer, seed_text):
    codes = together(lambda i: api_for(desk_officer).post("/api/cables/", {"text": seed_text}, format="json")
                     .status_code)
    assert sorted(codes) == [200] * (THREADS - 1) + [201]
    assert Cable.objects.count() == 1


@pytest.mark.postgres_only(reason="concurrent writers need PostgreSQL's locks; SQLite serialises every writer")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_reports_with_one_version_let_exactly_one_win(desk_officer, manager, make_embassy_user):
    """Before: 10 concurrent PATCHes without a version all answered 200 and the last writer won."""
    world = build_world(desk_officer, manager, make_embassy_user)
    task = PostTask.objects.get(pk__in=world.tasks_by_post["abu-dhabi"], kind="report_back", audience="")

    def report(i):
        return api_for(world.users["ad"]).patch(f"/api/tasks/{task.pk}/", {
            "status": "done", "version": task.version, "response": "noted", "response_text": f"answer {i}",
        }, format="json")

    responses = together(report)
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [409] * (THREADS - 1)
    winner = next(r for r in responses if r.status_code == 200).json()
    task.refresh_from_db()
    assert (task.version, task.response_text) == (2, winner["response_text"])
    loser = next(r for r in responses if r.status_code == 409).json()
    assert loser["current"]["version"] == 2  # the loser is shown what won, to decide again


@pytest.mark.django_db
def test_an_update_without_a_version_is_refused_with_428(world):
    task = PostTask.objects.get(pk__in=world.tasks_by_post["abu-dhabi"], kind="report_back", audience="")
    response = api_for(world.users["ad"]).patch(
        f"/api/tasks/{task.pk}/", {"status": "done", "response": "noted"}, format="json"
    )
    assert response.status_code == 428
    assert "version" in response.json()["detail"] and response.json()["current"]["version"] == 1
    task.refresh_from_db()
    assert (task.status, task.version) == ("open", 1)
