"""Irreversible-looking actions are deliberate: closing and removing a post ask first, and both can be undone."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach import dashboards, services
from outreach.models import Demarche, PostTask
from outreach.services.bounds import post_today

from .seed import task_of

pytestmark = pytest.mark.django_db
K, S = PostTask.Kind, PostTask.Status


def test_closing_asks_first_and_says_what_will_happen(client, issued, desk_officer):
    client.force_login(desk_officer)
    url = reverse("outreach:demarche_close", args=[issued.reference_id])

    page = client.get(url).content.decode()
    client.post(url)  # without the confirmation: nothing happens
    issued.refresh_from_db()

    open_tasks = issued.tasks.filter(status=S.OPEN).count()
    assert f"Its {open_tasks} open tasks at 30 posts become cancelled" in page and "(s)" not in page
    assert "no reminders" in page and "can reopen it" in page
    assert 'name="confirm" value="yes"' in page
    assert issued.state == Demarche.State.ISSUED


def test_closing_cancels_the_open_tasks_and_keeps_what_was_done(client, issued, desk_officer, abu_dhabi_staff):
    done = task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER)
    services.record_delivery(done, by=abu_dhabi_staff, delivered_on=post_today(done.post), method="meeting")
    PostTask.objects.filter(demarche=issued).exclude(pk=done.pk).update(due=timezone.localdate() - timedelta(days=3))
    client.force_login(desk_officer)

    response = client.post(reverse("outreach:demarche_close", args=[issued.reference_id]), {"confirm": "yes"})

    issued.refresh_from_db()
    statuses = set(issued.tasks.exclude(pk=done.pk).values_list("status", flat=True))
    summary = dashboards.demarche_summary(issued, desk_officer, today=timezone.localdate())
    assert response.status_code == 302 and issued.state == Demarche.State.CLOSED
    assert statuses == {S.CANCELLED}
    assert issued.tasks.get(pk=done.pk).status == S.DONE
    assert summary["open"] == 0 and summary["overdue"] == 0 and summary["tasks"] == 1
    assert not PostTask.objects.open().exists()  # the reminder sweep reads open tasks only


def test_a_desk_officer_reopens_a_closed_demarche(client, issued, desk_officer):
    london_like = issued.posts.get(post__code="cairo")
    services.remove_post(london_like, by=desk_officer, reason="Post closed for a holiday")
    services.close_demarche(issued, by=desk_officer)
    client.force_login(desk_officer)

    client.post(reverse("outreach:demarche_reopen", args=[issued.reference_id]))

    issued.refresh_from_db()
    assert issued.state == Demarche.State.ISSUED and issued.closed_at is None
    assert set(issued.tasks.exclude(demarche_post=london_like).values_list("status", flat=True)) == {S.OPEN}
    assert set(issued.tasks.filter(demarche_post=london_like).values_list("status", flat=True)) == {S.CANCELLED}
    assert "reopened" in set(issued.events.values_list("action", flat=True))


@pytest.mark.parametrize("state", ["draft", "issued"])
def test_removing_a_post_asks_first_and_can_be_undone(client, demarche, desk_officer, state):
    if state == "issued":
        demarche = services.issue_demarche(demarche, by=desk_officer)
    dpost = demarche.posts.get(post__code="cairo")
    client.force_login(desk_officer)
    url = reverse("outreach:demarche_remove_post", args=[demarche.reference_id, dpost.pk])

    page = client.get(url).content.decode()
    client.post(url, {"reason": "wrong post"})
    dpost.refresh_from_db()
    assert "Remove Cairo" in page and "undo" in page and not dpost.removed

    client.post(url, {"confirm": "yes", "reason": "wrong post"})
    dpost.refresh_from_db()
    assert dpost.removed and set(dpost.tasks.values_list("status", flat=True)) == {S.CANCELLED}
    assert "Restore" in client.get(demarche.get_absolute_url()).content.decode()

    client.post(reverse("outreach:demarche_restore_post", args=[demarche.reference_id, dpost.pk]))
    dpost.refresh_from_db()
    assert not dpost.removed and set(dpost.tasks.values_list("status", flat=True)) == {S.OPEN}
    # The history says what happened: restored, not added anew.
    assert list(demarche.events.filter(action__startswith="post_").values_list("action", flat=True)
                .order_by("pk")) == ["post_removed", "post_restored"]
    assert "Post restored" in client.get(demarche.get_absolute_url()).content.decode()


def test_only_desk_officers_reopen_or_restore(client, issued, desk_officer, manager):
    services.close_demarche(issued, by=desk_officer)
    dpost = issued.posts.get(post__code="cairo")
    client.force_login(manager)

    assert client.post(reverse("outreach:demarche_reopen", args=[issued.reference_id])).status_code == 403
    assert client.post(reverse("outreach:demarche_restore_post", args=[issued.reference_id, dpost.pk])).status_code == 403
    assert client.get(reverse("outreach:demarche_close", args=[issued.reference_id])).status_code == 403
