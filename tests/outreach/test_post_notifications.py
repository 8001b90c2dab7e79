"""Posts are told in the app when a demarche is issued to them, when they are added, and when their dates move."""

from datetime import timedelta

import pytest
from django.urls import reverse

from cables.models import Post
from outreach import services
from outreach.models import Notification, PostTask
from outreach.services.history import _forget_once
from tests.outreach.seed import task_of

K = PostTask.Kind


@pytest.fixture
def inbox_url():
    return reverse("outreach:inbox")


def notes_of(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("id"))


def test_issuing_tells_each_posts_staff_after_commit(demarche, desk_officer, abu_dhabi_staff, hong_kong_staff,
                                                     django_capture_on_commit_callbacks, inbox_url):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.issue_demarche(demarche, by=desk_officer)
    assert Notification.objects.count() == 0  # nothing is written before the commit
    for callback in callbacks:
        callback()
    for user, post in ((abu_dhabi_staff, "Abu Dhabi"), (hong_kong_staff, "Hong Kong")):
        [note] = notes_of(user)
        assert note.text.startswith(f"{demarche.reference_id}: new tasking for {post}")
        assert f"Deliver by {demarche.deliver_by:%d %b %Y}" in note.text and note.url == inbox_url
        assert note.read_at is None
    assert notes_of(desk_officer) == []


def test_issuing_twice_tells_them_once(demarche, desk_officer, abu_dhabi_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_demarche(demarche, by=desk_officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_demarche(demarche, by=desk_officer)
    assert len(notes_of(abu_dhabi_staff)) == 1


def test_a_draft_tells_nobody(demarche, desk_officer, abu_dhabi_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.update_demarche(demarche, by=desk_officer, deliver_by=demarche.deliver_by + timedelta(days=3))
        services.bulk_extend(demarche, post_ids=[abu_dhabi_staff.posts.get().pk], by=desk_officer,
                             report_by=demarche.report_by + timedelta(days=9))
    assert callbacks == [] and Notification.objects.count() == 0


def test_moving_the_due_dates_tells_the_posts_whose_tasks_moved(issued, desk_officer, abu_dhabi_staff,
                                                                hong_kong_staff, django_capture_on_commit_callbacks):
    # Hong Kong's tasks keep an individually edited date, so only Abu Dhabi is affected.
    old, new = issued.deliver_by, issued.deliver_by + timedelta(days=5)
    issued.tasks.filter(post__code="hong-kong").exclude(kind=K.REPORT_BACK).update(due=old + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.update_demarche(issued, by=desk_officer, version=issued.version, deliver_by=new)
    [note] = notes_of(abu_dhabi_staff)
    assert note.text.startswith(f"{issued.reference_id}: due dates changed for Abu Dhabi:")
    assert f"deliver the non-paper due {new:%d %b %Y} (was {old:%d %b %Y})" in note.text
    assert "report back" not in note.text  # its date did not change
    assert notes_of(hong_kong_staff) == []


def test_a_bulk_extension_tells_only_the_chosen_posts(issued, desk_officer, abu_dhabi_staff, hong_kong_staff,
                                                      django_capture_on_commit_callbacks):
    ad = Post.objects.get(code="abu-dhabi")
    later = issued.report_by + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.bulk_extend(issued, post_ids=[ad.pk], by=desk_officer, report_by=later) == 1
    [note] = notes_of(abu_dhabi_staff)
    report = task_of(issued, "abu-dhabi", K.REPORT_BACK)
    assert f"report back due {later:%d %b %Y}" in note.text
    assert note.url == report.get_absolute_url()  # one task moved: the note opens it
    assert notes_of(hong_kong_staff) == []


def test_a_post_added_after_issue_is_told_and_the_others_are_not(issued, desk_officer, make_embassy_user,
                                                                 abu_dhabi_staff, inbox_url,
                                                                 django_capture_on_commit_callbacks):
    london_staff = make_embassy_user("ldn-staff", "london")
    with django_capture_on_commit_callbacks(execute=True):
        services.add_post(issued, Post.objects.get(code="london"), by=desk_officer)
    [note] = notes_of(london_staff)
    assert note.text.startswith(f"{issued.reference_id}: post added to this demarche for London")
    assert note.url == inbox_url
    assert notes_of(abu_dhabi_staff) == []


def test_the_staff_see_it_in_the_header_and_can_open_it(client, issued, desk_officer, make_embassy_user,
                                                        django_capture_on_commit_callbacks):
    london_staff = make_embassy_user("ldn-staff", "london")
    with django_capture_on_commit_callbacks(execute=True):
        services.add_post(issued, Post.objects.get(code="london"), by=desk_officer)
    client.force_login(london_staff)
    page = client.get(reverse("outreach:notifications")).content.decode()
    assert "post added to this demarche for London" in page
    note = Notification.objects.get(user=london_staff)
    response = client.post(reverse("outreach:notification_open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("outreach:inbox")
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_failure_to_notify_never_reaches_the_request(client, issued, desk_officer, abu_dhabi_staff, monkeypatch,
                                                       django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(Notification.objects, "bulk_create", broken)
    client.force_login(desk_officer)
    new = issued.deliver_by + timedelta(days=4)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("outreach:demarche_update", args=[issued.reference_id]), {
            "version": issued.version, "subject": issued.subject, "instructions": issued.instructions,
            "deliver_by": new.isoformat(), "report_by": issued.report_by.isoformat(),
        })
    notifying = [c for c in callbacks if getattr(c, "func", None) is not _forget_once]  # not the snapshots' upkeep
    assert len(notifying) == 1
    assert response.status_code == 302
    assert task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER).due == new
    assert Notification.objects.count() == 0
