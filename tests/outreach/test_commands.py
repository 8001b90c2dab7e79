"""create_demarche, demarche_status --json and seed_demo, as the README documents them."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from cables.models import Cable
from outreach.models import Demarche, PostTask, TaskEvent


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_demarche_creates_then_shows(seed_cable, desk_officer):
    first = run("create_demarche", "09STATE4690")
    assert "09STATE4690: created, draft" in first and "30 posts, 92 tasks" in first
    assert "Canberra: 2 tasks (special, report_back)" in first
    assert "Hong Kong (for Macau): 3 tasks" in first
    second = run("create_demarche", "09STATE4690")
    assert "09STATE4690: exists, draft" in second
    assert Demarche.objects.count() == 1 and PostTask.objects.count() == 92
    assert Demarche.objects.get().owner == desk_officer


def test_create_demarche_issue_and_due_keep_the_report_offset(seed_cable, settings):
    run("create_demarche", "09STATE4690", "--issue", "--due", "2027-03-01")
    demarche = Demarche.objects.get()
    offset = settings.DEMARCHE_REPORT_WITHIN_DAYS - settings.DEMARCHE_DELIVER_WITHIN_DAYS
    assert demarche.state == Demarche.State.ISSUED
    assert demarche.deliver_by == date(2027, 3, 1)
    assert demarche.report_by == date(2027, 3, 1) + timedelta(days=offset)
    # --due on an existing demarche moves it, tasks included.
    run("create_demarche", "09STATE4690", "--due", "2027-04-01")
    demarche.refresh_from_db()
    assert demarche.deliver_by == date(2027, 4, 1)
    assert demarche.tasks.filter(kind="deliver_non_paper").first().due == date(2027, 4, 1)


def test_create_demarche_refuses_unknown_cables_and_bad_dates(db):
    with pytest.raises(CommandError, match="No ingested cable"):
        run("create_demarche", "09STATE1")
    with pytest.raises(CommandError):
        run("create_demarche", "09STATE4690", "--due", "tomorrow")


def test_demarche_status_json_contract(seed_cable):
    run("create_demarche", "09STATE4690")
    data = json.loads(run("demarche_status", "09STATE4690", "--json"))
    assert set(data) == {"reference_id", "state", "posts"}
    assert (data["reference_id"], data["state"]) == ("09STATE4690", "draft")
    assert len(data["posts"]) == 31  # 30 posts, Hong Kong twice
    for entry in data["posts"]:
        assert set(entry) == {"post", "audience", "tasks"}
        for task in entry["tasks"]:
            assert set(task) == {"kind", "status", "instruction", "due"}
            assert task["kind"] in {"deliver_non_paper", "talking_points", "report_back", "special"}
            date.fromisoformat(task["due"])
    by_key = {(e["post"], e["audience"]): e for e in data["posts"]}
    assert [t["kind"] for t in by_key[("Canberra", None)]["tasks"]] == ["special", "report_back"]
    assert [t["kind"] for t in by_key[("Hong Kong", "Macau")]["tasks"]] == [
        "deliver_non_paper", "talking_points", "report_back"]
    assert ("Hong Kong", None) in by_key
    assert by_key[("Abu Dhabi", None)]["tasks"][0]["status"] == "open"
    assert "quetta" not in json.dumps(data).lower()


def test_demarche_status_without_a_demarche_fails(db):
    with pytest.raises(CommandError):
        run("demarche_status", "09STATE4690", "--json")


def test_seed_demo_is_idempotent_and_prints_the_same_logins(db):
    first = run("seed_demo")
    counts = (Cable.objects.count(), Demarche.objects.count(), PostTask.objects.count(), TaskEvent.objects.count(),
              get_user_model().objects.count())
    hashes = list(get_user_model().objects.order_by("pk").values_list("password", flat=True))
    second = run("seed_demo")
    assert first.splitlines()[-5:] == second.splitlines()[-5:]
    assert (Cable.objects.count(), Demarche.objects.count(), PostTask.objects.count(), TaskEvent.objects.count(),
            get_user_model().objects.count()) == counts
    assert list(get_user_model().objects.order_by("pk").values_list("password", flat=True)) == hashes
    demarche = Demarche.objects.get()
    today = timezone.localdate()
    assert demarche.state == Demarche.State.ISSUED
    assert (demarche.deliver_by, demarche.report_by) == (today + timedelta(days=7), today + timedelta(days=14))


def test_seed_demo_logins_work_for_each_role(client, db):
    output = run("seed_demo")
    logins = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[-1].endswith("@demo.outreach.example"):
            logins[parts[-3]] = parts[-2]
    assert set(logins) == {"desk", "manager", "abudhabi", "hongkong"}
    for username, password in logins.items():
        assert client.login(username=username, password=password), username
        user = get_user_model().objects.get(username=username)
        assert user.email
    assert get_user_model().objects.get(username="hongkong").posts.filter(code="hong-kong").exists()


def test_create_demarche_issues_a_collective_tasking_only_once_its_posts_are_confirmed(db, desk_officer):
    from cables.services import ingest_cable
    from tests.conftest import read_cable

    ingest_cable(read_cable("10STATE4108.txt"))
    with pytest.raises(CommandError, match="Confirm the post list"):
        call_command("create_demarche", "10STATE4108", "--issue", stdout=StringIO())
    call_command("create_demarche", "10STATE4108", "--confirm-posts", "--issue", stdout=StringIO())
    assert Demarche.objects.get(reference_id="10STATE4108").state == Demarche.State.ISSUED
