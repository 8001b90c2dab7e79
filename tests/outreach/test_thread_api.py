"""The thread API: the pages' access rules, and `version` on corrections as on tasks."""

from datetime import timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from outreach.models import Message
from outreach.threads import attachments
from outreach.threads import services as threads

from .threads_helpers import PDF, dpost_of, upload


@pytest.fixture
def ad(issued):
    return dpost_of(issued, "abu-dhabi")


@pytest.fixture
def api():
    return APIClient()


def messages_url(dpost) -> str:
    return reverse("api:thread-messages", args=[dpost.pk])


def message_url(message) -> str:
    return reverse("api:thread-message", args=[message.demarche_post_id, message.pk])


def test_it_lists_a_thread_with_its_files(api, ad, abu_dhabi_staff, desk_officer, manager):
    message = threads.post_message(ad, by=abu_dhabi_staff, body="Reply attached", is_question=True,
                                   files=[upload("reply.pdf", PDF)])
    for user in (abu_dhabi_staff, desk_officer, manager):
        api.force_authenticate(user)
        body = api.get(messages_url(ad)).json()
        [row] = body["results"]
        assert (row["id"], row["author"], row["side"], row["body"], row["is_question"], row["version"]) == (
            message.pk, "ad-staff", "post", "Reply attached", True, 1)
        assert row["attachments"] == [{"id": message.attachments.get().pk, "name": "reply.pdf",
                                       "content_type": "application/pdf", "size": len(PDF),
                                       "url": reverse("api:thread-file",
                                                      args=[ad.pk, message.attachments.get().pk])}]
        assert row["editable"] is (user == abu_dhabi_staff)


def test_another_post_gets_404_and_a_manager_403_on_writing(api, ad, hong_kong_staff, manager):
    api.force_authenticate(hong_kong_staff)
    assert api.get(messages_url(ad)).status_code == 404
    assert api.post(messages_url(ad), {"body": "intrusion"}, format="json").status_code == 404
    api.force_authenticate(manager)
    response = api.post(messages_url(ad), {"body": "a manager's word"}, format="json")
    assert response.status_code == 403 and "staff and desk officers" in response.json()["detail"]
    api.force_authenticate(None)
    assert api.get(messages_url(ad)).status_code in (401, 403)
    assert not Message.objects.exists()


def test_staff_post_a_question_and_the_desks_reply_answers_it(api, ad, abu_dhabi_staff, desk_officer):
    api.force_authenticate(abu_dhabi_staff)
    task = ad.tasks.first()
    response = api.post(messages_url(ad), {"body": "May we deliver by note?", "is_question": True, "task": task.pk},
                        format="json")
    assert response.status_code == 201 and response.json()["task"] == task.pk
    api.force_authenticate(desk_officer)
    assert api.post(messages_url(ad), {"body": "Yes."}, format="json").status_code == 201
    assert api.get(messages_url(ad)).json()["results"][0]["answered_at"]


def test_it_refuses_bad_input_in_json(api, ad, abu_dhabi_staff, issued):
    api.force_authenticate(abu_dhabi_staff)
    too_long = api.post(messages_url(ad), {"body": "x" * 20_001}, format="json")
    assert too_long.status_code == 400 and "body" in too_long.json()
    assert api.post(messages_url(ad), {"body": ""}, format="json").status_code == 400
    foreign_task = dpost_of(issued, "hong-kong").tasks.first()
    response = api.post(messages_url(ad), {"body": "x", "task": foreign_task.pk}, format="json")
    assert response.status_code == 400 and response.json() == {"task": ["No such task in this thread."]}


def test_a_correction_needs_the_version_and_a_stale_one_conflicts(api, ad, abu_dhabi_staff):
    message = threads.post_message(ad, by=abu_dhabi_staff, body="First")
    api.force_authenticate(abu_dhabi_staff)
    missing = api.patch(message_url(message), {"body": "Second"}, format="json")
    assert missing.status_code == 428 and missing.json()["current"]["body"] == "First"
    ok = api.patch(message_url(message), {"body": "Second", "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = api.patch(message_url(message), {"body": "Third", "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["current"]["body"] == "Second"


def test_only_the_author_corrects_within_the_window(api, ad, abu_dhabi_staff, desk_officer):
    message = threads.post_message(ad, by=abu_dhabi_staff, body="Mine")
    api.force_authenticate(desk_officer)
    assert api.patch(message_url(message), {"body": "Yours", "version": 1}, format="json").status_code == 403
    Message.objects.filter(pk=message.pk).update(created_at=message.created_at - timedelta(minutes=6))
    api.force_authenticate(abu_dhabi_staff)
    late = api.patch(message_url(message), {"body": "Too late", "version": 1}, format="json")
    assert late.status_code == 403 and "within 5 minutes" in late.json()["detail"]


def test_another_posts_file_is_not_reachable_through_the_api_either(api, ad, hong_kong_staff, abu_dhabi_staff):
    [attachment] = attachments.attach_to_task(ad.tasks.first(), [upload("r.pdf", PDF)], by=abu_dhabi_staff)
    url = reverse("api:thread-file", args=[ad.pk, attachment.pk])
    api.force_authenticate(hong_kong_staff)
    assert api.get(url).status_code == 404
    api.force_authenticate(abu_dhabi_staff)
    response = api.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="r.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_id_no_database_key_holds_is_a_404(api, ad, abu_dhabi_staff):
    api.force_authenticate(abu_dhabi_staff)
    huge = 19833008025149508681728
    assert api.get(reverse("api:thread-messages", args=[huge])).status_code == 404
    assert api.patch(reverse("api:thread-message", args=[huge, 1]), {"body": "x", "version": 1},
                     format="json").status_code == 404
    assert api.get(reverse("api:thread-file", args=[ad.pk, huge])).status_code == 404
