"""The JSON API: figures, per-post status, task changes through the services, cable ingest, schema, auth."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cables.models import Cable
from outreach.models import PostTask, TaskEvent

from .dashboard_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(desk_officer):
    return build_world(desk_officer, today=timezone.localdate())


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def hk_staff(world, make_embassy_user):
    return make_embassy_user("hk-staff", "t-hong-kong")


def _task(code, kind, audience=""):
    return PostTask.objects.get(
        demarche__reference_id="09STATE4690", post__code=code, kind=kind, audience=audience
    )


def test_it_lists_demarches_with_completion_figures(api, world, manager):
    api.force_authenticate(manager)
    body = api.get("/api/demarches/").json()

    assert body["count"] == 2
    seed = next(d for d in body["results"] if d["reference_id"] == "09STATE4690")
    assert (
        seed["posts_count"],
        round(seed["delivered_pct"], 1),
        round(seed["reported_pct"], 1),
        seed["overdue_count"],
    ) == (5, 66.7, 33.3, 10)
    assert seed["url"].endswith("/api/demarches/09STATE4690/")


def test_it_gives_one_demarches_status_per_post(api, world, manager):
    api.force_authenticate(manager)
    body = api.get("/api/demarches/09STATE4690/").json()

    assert body["summary"]["reported_posts"] == 2 and body["summary"]["posts"] == 5
    posts = {(p["post"], p["audience"]): p for p in body["posts"]}
    assert posts["t-canberra", ""]["talking_points"]["state"] == "none"
    assert posts["t-hong-kong", "Macau"]["delivered"]["state"] == "overdue"
    assert (
        posts["t-abu-dhabi", ""]["reported"]["state"] == "done"
        and posts["t-abu-dhabi", ""]["response"] == "welcomed"
    )
    assert len(body["tasks"]) == 17


def test_an_unknown_demarche_is_not_found(api, world, manager):
    api.force_authenticate(manager)

    assert api.get("/api/demarches/99STATE1/").status_code == 404


def test_it_lists_a_posts_tasks(api, world, hk_staff):
    api.force_authenticate(hk_staff)
    body = api.get("/api/posts/t-hong-kong/tasks/", {"status": "overdue"}).json()

    assert body["count"] == 5 and all(t["overdue"] and t["post"] == "t-hong-kong" for t in body["results"])


def test_embassy_staff_get_404_for_another_posts_tasks(api, world, hk_staff):
    api.force_authenticate(hk_staff)
    paris_task = _task("t-paris", PostTask.Kind.TALKING_POINTS)

    assert api.get("/api/posts/t-paris/tasks/").status_code == 404
    assert api.get(f"/api/tasks/{paris_task.pk}/").status_code == 404
    response = api.patch(
        f"/api/tasks/{paris_task.pk}/", {"status": "not_delivered", "reason": "x"}, format="json"
    )
    assert response.status_code == 404
    paris_task.refresh_from_db()
    assert paris_task.status == "open"


def test_embassy_staff_only_see_their_posts_in_the_list(api, world, hk_staff):
    api.force_authenticate(hk_staff)
    seed = next(d for d in api.get("/api/demarches/").json()["results"] if d["reference_id"] == "09STATE4690")
    detail = api.get("/api/demarches/09STATE4690/").json()

    assert seed["posts_count"] == 1 and round(seed["delivered_pct"]) == 50  # host delivered, Macau not
    assert {p["post"] for p in detail["posts"]} == {"t-hong-kong"}
    assert {t["post"] for t in detail["tasks"]} == {"t-hong-kong"}


def test_embassy_staff_mark_a_delivery_through_the_service(api, world, hk_staff):
    api.force_authenticate(hk_staff)
    task = _task("t-hong-kong", PostTask.Kind.DELIVER_NON_PAPER, "Macau")
    today = timezone.localdate()

    response = api.patch(
        f"/api/tasks/{task.pk}/",
        {
            "status": "done",
            "version": task.version,
            "delivered_on": today.isoformat(),
            "method": "meeting",
            "officials": [{"name": "Ms Lei", "title": "Director", "ministry": "Macau SAR Government"}],
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    task.refresh_from_db()
    assert (task.status, task.delivered_on, task.completed_by) == ("done", today, hk_staff)
    assert task.officials == [{"name": "Ms Lei", "title": "Director", "ministry": "Macau SAR Government"}]
    assert TaskEvent.objects.filter(task=task, action="delivered", actor=hk_staff).count() == 1
    figures = api.get("/api/demarches/").json()["results"]
    assert round(next(d for d in figures if d["reference_id"] == "09STATE4690")["delivered_pct"]) == 100


def test_a_report_needs_the_response_and_is_recorded(api, world, hk_staff):
    api.force_authenticate(hk_staff)
    task = _task("t-hong-kong", PostTask.Kind.REPORT_BACK)

    refused = api.post(f"/api/tasks/{task.pk}/status/", {"status": "done", "version": task.version}, format="json")
    accepted = api.post(
        f"/api/tasks/{task.pk}/status/",
        {
            "status": "done",
            "version": task.version,
            "response": "non_committal",
            "response_text": "Will study it.",
            "reply_reference_id": "09 HONGKONG 123",
        },
        format="json",
    )

    assert refused.status_code == 400 and "response" in refused.json()
    assert accepted.status_code == 200
    task.refresh_from_db()
    assert (task.status, task.response, task.reply_reference_id) == ("done", "non_committal", "09HONGKONG123")


def test_a_stale_version_is_a_conflict_showing_the_current_state(api, world, hk_staff):
    api.force_authenticate(hk_staff)
    task = _task("t-hong-kong", PostTask.Kind.TALKING_POINTS)
    PostTask.objects.filter(pk=task.pk).update(version=task.version + 1)

    response = api.patch(
        f"/api/tasks/{task.pk}/",
        {"status": "not_delivered", "reason": "no appointment granted", "version": task.version},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["current"]["version"] == task.version + 1
    task.refresh_from_db()
    assert task.status == "open"


def test_an_invalid_transition_is_refused(api, world, hk_staff):
    api.force_authenticate(hk_staff)
    done = _task("t-hong-kong", PostTask.Kind.DELIVER_NON_PAPER)

    response = api.patch(
        f"/api/tasks/{done.pk}/", {"status": "not_delivered", "reason": "x", "version": done.version}, format="json"
    )

    assert response.status_code == 400 and "not open" in response.json()["detail"]


def test_embassy_staff_cannot_reopen(api, world, hk_staff):
    api.force_authenticate(hk_staff)
    done = _task("t-hong-kong", PostTask.Kind.DELIVER_NON_PAPER)

    assert (
        api.patch(f"/api/tasks/{done.pk}/", {"status": "open", "reason": "oops"}, format="json").status_code
        == 403
    )
    done.refresh_from_db()
    assert done.status == "done"


def test_desk_officers_can_reopen(api, world, desk_officer):
    api.force_authenticate(desk_officer)
    done = _task("t-hong-kong", PostTask.Kind.DELIVER_NON_PAPER)

    assert (
        api.patch(
            f"/api/tasks/{done.pk}/", {"status": "open", "reason": "wrong", "version": done.version}, format="json"
        ).status_code
        == 200
    )
    done.refresh_from_db()
    assert done.status == "open"


def test_managers_are_read_only(api, world, manager, seed_text):
    api.force_authenticate(manager)
    task = _task("t-paris", PostTask.Kind.TALKING_POINTS)

    assert api.get(f"/api/tasks/{task.pk}/").status_code == 200
    assert (
        api.patch(
            f"/api/tasks/{task.pk}/", {"status": "not_delivered", "reason": "x"}, format="json"
        ).status_code
        == 403
    )
    assert api.post("/api/cables/", {"text": seed_text}, format="json").status_code == 403
    task.refresh_from_db()
    assert (
        task.status == "open"
        and not Cable.objects.filter(
            reference_id="09STATE4690", revision=1, parser_version__gt="test"
        ).exists()
    )


def test_desk_officers_ingest_a_cable_once(api, desk_officer, seed_text):
    api.force_authenticate(desk_officer)

    first = api.post("/api/cables/", {"text": seed_text, "filename": "09STATE4690.txt"}, format="json")
    again = api.post("/api/cables/", {"text": seed_text, "filename": "09STATE4690.txt"}, format="json")

    assert first.status_code == 201 and first.json()["reference_id"] == "09STATE4690"
    assert again.status_code == 200 and again.json()["outcome"] == "unchanged"
    assert Cable.objects.filter(reference_id="09STATE4690").count() == 1


def test_embassy_staff_cannot_ingest(api, hk_staff, seed_text):
    api.force_authenticate(hk_staff)

    assert api.post("/api/cables/", {"text": seed_text}, format="json").status_code == 403


def test_token_authentication_works_without_a_session(world, hk_staff):
    token = Token.objects.create(user=hk_staff)
    client = APIClient()

    assert client.get("/api/demarches/").status_code in (401, 403)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/demarches/").status_code == 200
    assert client.get("/api/posts/t-hong-kong/tasks/").status_code == 200


def test_session_writes_need_the_csrf_token(world, hk_staff):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(hk_staff)
    task = _task("t-hong-kong", PostTask.Kind.TALKING_POINTS)

    response = client.patch(
        f"/api/tasks/{task.pk}/", {"status": "not_delivered", "reason": "x"}, format="json"
    )

    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


def test_it_serves_the_openapi_schema_and_local_docs(client, world, manager):
    client.force_login(manager)

    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {
        "/api/demarches/",
        "/api/demarches/{reference_id}/",
        "/api/posts/{code}/tasks/",
        "/api/tasks/{id}/",
        "/api/cables/",
    } <= set(paths)
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html


def test_the_schema_needs_a_login(client, world):
    assert client.get("/api/schema/").status_code in (401, 403)


def test_the_list_runs_a_fixed_number_of_queries(api, desk_officer, django_assert_max_num_queries):
    build_world(desk_officer, today=timezone.localdate() - timedelta(days=1), extra_demarches=30)
    api.force_authenticate(desk_officer)

    with django_assert_max_num_queries(4):
        assert api.get("/api/demarches/").status_code == 200
    with django_assert_max_num_queries(8):
        assert api.get("/api/demarches/09STATE4690/").status_code == 200
    with django_assert_max_num_queries(4):
        assert api.get("/api/posts/t-paris/tasks/").status_code == 200


def test_a_delivery_without_its_facts_is_refused_by_the_service_as_a_field_error(api, world, hk_staff):
    task = _task("t-hong-kong", PostTask.Kind.DELIVER_NON_PAPER, "Macau")
    api.force_authenticate(hk_staff)
    response = api.patch(f"/api/tasks/{task.pk}/", {"status": "done", "version": task.version}, format="json")
    assert response.status_code == 400
    assert "delivered_on" in response.json()
    task.refresh_from_db()
    assert task.status == "open"
