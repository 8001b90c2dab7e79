"""Each role against each demarche view and action, on the server: status codes and database state."""

import pytest
from django.urls import reverse

from outreach.models import Demarche, PostTask
from outreach.services.bounds import post_today
from tests.outreach.seed import task_of

K, S = PostTask.Kind, PostTask.Status
ROLES = ["anonymous", "desk", "manager", "own_staff", "other_staff"]


@pytest.fixture
def users(desk_officer, manager, make_embassy_user):
    return {"anonymous": None, "desk": desk_officer, "manager": manager,
            "own_staff": make_embassy_user("ad-staff", "abu-dhabi"),
            "other_staff": make_embassy_user("hk-staff", "hong-kong")}


def client_for(client, users, role):
    if users[role]:
        client.force_login(users[role])
    return client


GETS = {
    # view: {role: expected status}
    "demarche_list": {"desk": 200, "manager": 200, "own_staff": 403, "other_staff": 403},
    "demarche_detail": {"desk": 200, "manager": 200, "own_staff": 403, "other_staff": 403},
    "inbox": {"desk": 403, "manager": 403, "own_staff": 200, "other_staff": 200},
    "task_detail": {"desk": 200, "manager": 200, "own_staff": 200, "other_staff": 404},
}


def get_url(name, demarche):
    if name == "demarche_detail":
        return reverse("outreach:demarche_detail", args=[demarche.reference_id])
    if name == "task_detail":
        return reverse("outreach:task_detail", args=[task_of(demarche, "abu-dhabi", K.DELIVER_NON_PAPER).pk])
    return reverse(f"outreach:{name}")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", GETS)
def test_pages_answer_each_role(client, users, issued, role, name):
    response = client_for(client, users, role).get(get_url(name, issued))
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == GETS[name][role]


@pytest.mark.parametrize("role,expected", [("desk", "demarche_list"), ("manager", "demarche_list"),
                                           ("own_staff", "inbox")])
def test_home_sends_each_role_to_its_page(client, users, role, expected):
    response = client_for(client, users, role).get(reverse("home"))
    assert response["Location"] == reverse(f"outreach:{expected}")


TASK_ACTIONS = {
    # action: (post data, {role: status}); 302 means it went through.
    "deliver": ({"delivered_on": None, "method": "meeting", "officials": "Dr. Saeed; Director; MFA"},
                {"desk": 302, "manager": 403, "own_staff": 302, "other_staff": 404}),
    "not_delivered": ({"reason": "No appointment granted"},
                      {"desk": 302, "manager": 403, "own_staff": 302, "other_staff": 404}),
    "edit": ({"instruction": "Deliver to the MFA", "due": "2027-01-01"},
             {"desk": 302, "manager": 403, "own_staff": 403, "other_staff": 404}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", TASK_ACTIONS)
def test_task_actions_by_role(client, users, issued, role, action):
    task = task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER)
    data, expected = TASK_ACTIONS[action]
    if "delivered_on" in data:  # the post's own day when posted: a date taken at import goes stale at midnight
        data = {**data, "delivered_on": post_today(task.post).isoformat()}
    url = reverse("outreach:task_action", args=[task.pk, action])
    response = client_for(client, users, role).post(url, {**data, "version": task.version})
    task.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert task.version == 1
        return
    assert response.status_code == expected[role]
    assert (task.version > 1) == (expected[role] == 302)


@pytest.mark.parametrize("role,expected", [("desk", 302), ("manager", 403), ("own_staff", 302),
                                           ("other_staff", 404)])
def test_submitting_a_report_by_role(client, users, issued, role, expected):
    task = task_of(issued, "abu-dhabi", K.REPORT_BACK)
    response = client_for(client, users, role).post(
        reverse("outreach:task_action", args=[task.pk, "report"]),
        {"response": "noted", "version": task.version})
    assert response.status_code == expected
    task.refresh_from_db()
    assert (task.status == S.DONE) == (expected == 302)


@pytest.mark.parametrize("role,expected", [("desk", 302), ("manager", 403), ("own_staff", 403),
                                           ("other_staff", 404)])
def test_reopening_by_role(client, users, issued, role, expected):
    from outreach.services import mark_not_delivered

    task = mark_not_delivered(task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER), by=users["own_staff"],
                              reason="No appointment granted")
    response = client_for(client, users, role).post(
        reverse("outreach:task_action", args=[task.pk, "reopen"]), {"version": task.version})
    assert response.status_code == expected
    task.refresh_from_db()
    assert (task.status == S.OPEN) == (expected == 302)


def test_an_unknown_task_id_is_404_for_everyone(client, users, issued):
    client.force_login(users["desk"])
    assert client.get(reverse("outreach:task_detail", args=[999999])).status_code == 404


def test_staff_never_see_draft_tasks_even_of_their_post(client, users, demarche):
    task = task_of(demarche, "abu-dhabi", K.DELIVER_NON_PAPER)
    client.force_login(users["own_staff"])
    assert client.get(reverse("outreach:task_detail", args=[task.pk])).status_code == 404


DEMARCHE_ACTIONS = ["demarche_issue", "demarche_close", "demarche_reopen", "demarche_update", "demarche_add_post",
                    "demarche_bulk"]


@pytest.mark.parametrize("role", ["manager", "own_staff", "other_staff"])
@pytest.mark.parametrize("name", DEMARCHE_ACTIONS)
def test_only_desk_officers_change_demarches(client, users, demarche, role, name):
    url = reverse(f"outreach:{name}", args=[demarche.reference_id])
    response = client_for(client, users, role).post(url, {"version": demarche.version, "subject": "x", "confirm": "yes",
                                                          "deliver_by": "2027-01-01", "report_by": "2027-01-08"})
    assert response.status_code == 403
    demarche.refresh_from_db()
    assert demarche.version == 1 and demarche.state == Demarche.State.DRAFT


@pytest.mark.parametrize("role", ["manager", "own_staff"])
def test_only_desk_officers_create_or_remove(client, users, seed_cable, role):
    client = client_for(client, users, role)
    assert client.post(reverse("outreach:demarche_create", args=[seed_cable.pk])).status_code == 403
    assert not Demarche.objects.exists()


def test_desk_officer_creates_issues_and_closes_through_the_pages(client, users, seed_cable):
    client.force_login(users["desk"])
    response = client.post(reverse("outreach:demarche_create", args=[seed_cable.pk]))
    demarche = Demarche.objects.get()
    assert response["Location"] == demarche.get_absolute_url()
    client.post(reverse("outreach:demarche_create", args=[seed_cable.pk]))
    assert Demarche.objects.count() == 1 and demarche.tasks.count() == 92
    client.post(reverse("outreach:demarche_issue", args=[demarche.reference_id]))
    client.post(reverse("outreach:demarche_close", args=[demarche.reference_id]))  # no confirmation: nothing
    demarche.refresh_from_db()
    assert demarche.state == Demarche.State.ISSUED
    client.post(reverse("outreach:demarche_close", args=[demarche.reference_id]), {"confirm": "yes"})
    demarche.refresh_from_db()
    assert demarche.state == Demarche.State.CLOSED


def test_acknowledging_another_posts_tasking_is_404(client, users, issued):
    dpost = issued.posts.get(post__code="abu-dhabi")
    client.force_login(users["other_staff"])
    assert client.post(reverse("outreach:acknowledge", args=[dpost.pk])).status_code == 404
    client.force_login(users["own_staff"])
    assert client.post(reverse("outreach:acknowledge", args=[dpost.pk])).status_code == 302
    dpost.refresh_from_db()
    assert dpost.acknowledged_by == users["own_staff"]


def test_get_on_an_action_is_refused(client, users, issued):
    task = task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER)
    client.force_login(users["own_staff"])
    assert client.get(reverse("outreach:task_action", args=[task.pk, "deliver"])).status_code == 405


def test_points_not_releasable_to_the_host_are_withheld_from_staff(client, users, issued):
    task = task_of(issued, "abu-dhabi", K.TALKING_POINTS)
    # The releasability lives on each section of the cable the task carries.
    PostTask.objects.filter(pk=task.pk).update(
        releasable_to=["JORDAN"], sections=[dict(s, releasable_to=["JORDAN"]) for s in task.sections])
    secret = task.talking_points[0]["text"][:60]
    client.force_login(users["own_staff"])
    page = client.get(reverse("outreach:task_detail", args=[task.pk])).content.decode()
    assert secret not in page and "withheld" in page
    client.force_login(users["desk"])
    assert secret in client.get(reverse("outreach:task_detail", args=[task.pk])).content.decode()


def test_points_releasable_to_the_host_are_shown_to_staff(client, users, issued):
    task = task_of(issued, "abu-dhabi", K.TALKING_POINTS)
    assert task.releasable_to == ["UAE"]
    client.force_login(users["own_staff"])
    page = client.get(reverse("outreach:task_detail", args=[task.pk])).content.decode()
    assert "adhering to the MTCR Guidelines" in page and "withheld" not in page


def test_the_service_redacts_without_the_template(issued, users):
    from outreach.services import inbox_tasks, task_for

    task = task_of(issued, "abu-dhabi", K.TALKING_POINTS)
    PostTask.objects.filter(pk=task.pk).update(
        releasable_to=["JORDAN"], sections=[dict(s, releasable_to=["JORDAN"]) for s in task.sections])
    assert task_for(users["own_staff"], task.pk).talking_points == []
    assert task_for(users["desk"], task.pk).talking_points
    inbox = {t.pk: t for t in inbox_tasks(users["own_staff"])}
    assert inbox[task.pk].talking_points == []
