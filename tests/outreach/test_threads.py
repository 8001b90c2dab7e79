"""A post's thread with the desk: who reads and writes it, questions, the edit window, notifications."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from outreach.models import (
    Message,
    MessageEmail,
    MessageRevision,
    Notification,
    PostReminderPreference,
    TaskEvent,
)
from outreach.reminders import deliver_message_email
from outreach.reminders.sweep import sweep
from outreach.services import ConflictError, set_daily_digest
from outreach.threads import services as threads
from tests.outreach.factories import DUE, make_demarche, make_post, make_task

from .threads_helpers import dpost_of


@pytest.fixture
def ad(issued):
    return dpost_of(issued, "abu-dhabi")


def thread_url(dpost) -> str:
    return reverse("outreach:thread", args=[dpost.pk])


# ---------------------------------------------------------------- who reads and writes


def test_it_shows_the_thread_to_the_posts_staff_desk_officers_and_managers(client, ad, abu_dhabi_staff, desk_officer,
                                                                            manager):
    threads.post_message(ad, by=abu_dhabi_staff, body="May we deliver at Director-General level?", is_question=True)
    for user in (abu_dhabi_staff, desk_officer, manager):
        client.force_login(user)
        response = client.get(thread_url(ad))
        assert response.status_code == 200
        assert "May we deliver at Director-General level?" in response.content.decode()


def test_it_hides_the_thread_from_another_post(client, ad, abu_dhabi_staff, hong_kong_staff):
    message = threads.post_message(ad, by=abu_dhabi_staff, body="The MFA asked for the annex in French.")
    client.force_login(hong_kong_staff)
    assert client.get(thread_url(ad)).status_code == 404
    assert client.post(thread_url(ad), {"body": "intrusion"}).status_code == 404
    edit = reverse("outreach:thread_message_edit", args=[ad.pk, message.pk])
    assert client.post(edit, {"body": "changed", "version": 1}).status_code == 404
    assert client.post(reverse("outreach:thread_resolve", args=[ad.pk])).status_code == 404
    assert Message.objects.get().body == "The MFA asked for the annex in French."
    assert "annex in French" not in client.get(reverse("outreach:thread_list")).content.decode()


def test_managers_read_but_never_write(client, ad, manager):
    with pytest.raises(PermissionDenied):
        threads.post_message(ad, by=manager, body="A manager's word")
    client.force_login(manager)
    page = client.get(thread_url(ad)).content.decode()
    assert 'name="body"' not in page
    assert client.post(thread_url(ad), {"body": "A manager's word"}).status_code == 403
    assert not Message.objects.exists()


def test_posts_staff_and_desk_officers_write_from_the_page(client, ad, abu_dhabi_staff, desk_officer):
    client.force_login(abu_dhabi_staff)
    response = client.post(thread_url(ad), {"body": "The host's reply is attached.", "is_question": "on"})
    assert response.status_code == 302
    client.force_login(desk_officer)
    assert client.post(thread_url(ad), {"body": "Thank you."}).status_code == 302
    assert [(m.body, m.from_desk, m.is_question) for m in Message.objects.all()] == [
        ("The host's reply is attached.", False, True), ("Thank you.", True, False)]


def test_a_draft_has_no_thread(client, demarche, desk_officer):
    dpost = dpost_of(demarche, "abu-dhabi")
    with pytest.raises(PermissionDenied):
        threads.post_message(dpost, by=desk_officer, body="too early")
    client.force_login(desk_officer)
    assert client.get(thread_url(dpost)).status_code == 404


def test_a_message_written_on_a_task_shows_on_that_task_and_returns_there(client, issued, ad, abu_dhabi_staff):
    task = ad.tasks.first()
    client.force_login(abu_dhabi_staff)
    response = client.post(thread_url(ad), {"body": "Written on the task.", "task": task.pk})
    assert response.status_code == 302 and response["Location"] == task.get_absolute_url() + "#thread"
    assert Message.objects.get().task == task
    assert "Written on the task." in client.get(task.get_absolute_url()).content.decode()


# ---------------------------------------------------------------- text: plain, bounded, links clickable


def test_it_escapes_everything_and_makes_links_clickable(client, ad, abu_dhabi_staff):
    body = '<script>alert("x")</script> <b>bold</b> see https://mfa.example.org/note?a=1&b=2 javascript:alert(1)'
    threads.post_message(ad, by=abu_dhabi_staff, body=body)
    client.force_login(abu_dhabi_staff)
    page = client.get(thread_url(ad)).content.decode()
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert '<a href="https://mfa.example.org/note?a=1&amp;b=2" rel="nofollow">' in page
    assert 'href="javascript' not in page


def test_it_refuses_a_message_over_20000_characters_and_an_empty_one(ad, abu_dhabi_staff):
    with pytest.raises(ValidationError, match="At most 20,000 characters; this is 20,001"):
        threads.post_message(ad, by=abu_dhabi_staff, body="x" * 20_001)
    with pytest.raises(ValidationError, match="Write a message or attach a file"):
        threads.post_message(ad, by=abu_dhabi_staff, body="   ")
    assert threads.post_message(ad, by=abu_dhabi_staff, body="x" * 20_000).body == "x" * 20_000


def test_it_refuses_a_task_of_another_post(issued, ad, abu_dhabi_staff):
    foreign = dpost_of(issued, "hong-kong").tasks.first()
    with pytest.raises(ValidationError, match="another post's thread"):
        threads.post_message(ad, by=abu_dhabi_staff, body="hello", task=foreign)


# ---------------------------------------------------------------- questions for the desk


def test_a_question_is_pending_until_a_desk_officer_answers(client, issued, ad, abu_dhabi_staff, desk_officer,
                                                            manager):
    threads.post_message(ad, by=abu_dhabi_staff, body="The Foreign Minister is travelling: may we deliver at "
                                                      "Director-General level?", is_question=True)
    client.force_login(manager)
    matrix = client.get(reverse("outreach:dash_demarche", args=[issued.reference_id])).content.decode()
    assert matrix.count('badge bad">Question pending</span>') == 1  # Abu Dhabi's row
    assert "1 question pending" in client.get(reverse("outreach:demarche_list")).content.decode()
    assert client.get(reverse("outreach:dashboard")).context["questions_pending"] == 1

    threads.post_message(ad, by=abu_dhabi_staff, body="Still waiting.")  # the post's own word answers nothing
    assert Message.objects.pending().count() == 1
    threads.post_message(ad, by=desk_officer, body="Yes, Director-General level is fine.")
    question = Message.objects.get(is_question=True)
    assert question.answered_by == desk_officer and question.answered_at
    assert client.get(reverse("outreach:dashboard")).context["questions_pending"] == 0
    matrix = client.get(reverse("outreach:dash_demarche", args=[issued.reference_id])).content.decode()
    assert matrix.count('badge bad">Question pending</span>') == 0


def test_a_desk_officer_resolves_without_writing_and_staff_cannot(client, ad, abu_dhabi_staff, desk_officer):
    threads.post_message(ad, by=abu_dhabi_staff, body="Which annex?", is_question=True)
    client.force_login(abu_dhabi_staff)
    assert client.post(reverse("outreach:thread_resolve", args=[ad.pk])).status_code == 403
    client.force_login(desk_officer)
    assert client.post(reverse("outreach:thread_resolve", args=[ad.pk])).status_code == 302
    assert not Message.objects.pending().exists()
    assert threads.resolve_questions(ad, by=desk_officer) == 0  # twice: nothing more
    assert TaskEvent.objects.filter(action="questions_resolved").count() == 1


def test_a_desk_officers_message_is_never_a_question(ad, desk_officer):
    assert threads.post_message(ad, by=desk_officer, body="Please confirm.", is_question=True).is_question is False


# ---------------------------------------------------------------- the edit window and history


def test_the_author_corrects_within_five_minutes_and_the_earlier_text_stays(client, ad, abu_dhabi_staff):
    message = threads.post_message(ad, by=abu_dhabi_staff, body="Delivered on Munday.")
    client.force_login(abu_dhabi_staff)
    edit = reverse("outreach:thread_message_edit", args=[ad.pk, message.pk])
    assert client.post(edit, {"body": "Delivered on Monday.", "version": 1}).status_code == 302
    message.refresh_from_db()
    assert (message.body, message.version) == ("Delivered on Monday.", 2) and message.edited_at
    assert list(MessageRevision.objects.values_list("body", flat=True)) == ["Delivered on Munday."]
    assert TaskEvent.objects.get(action="message_edited").changes == {
        "message": ["Delivered on Munday.", "Delivered on Monday."]}
    page = client.get(thread_url(ad)).content.decode()
    assert "Delivered on Munday." in page and "Earlier text (1)" in page


def test_it_refuses_a_correction_after_five_minutes(ad, abu_dhabi_staff):
    message = threads.post_message(ad, by=abu_dhabi_staff, body="As written.")
    later = message.created_at + timedelta(minutes=5, seconds=1)
    with pytest.raises(PermissionDenied, match="within 5 minutes"):
        threads.edit_message(message, by=abu_dhabi_staff, body="Rewritten.", version=1, now=later)
    threads.edit_message(message, by=abu_dhabi_staff, body="Just in time.", version=1,
                         now=message.created_at + timedelta(minutes=4, seconds=59))
    message.refresh_from_db()
    assert message.body == "Just in time."


def test_only_the_author_corrects_and_a_stale_version_conflicts(client, ad, abu_dhabi_staff, make_embassy_user,
                                                                desk_officer):
    colleague = make_embassy_user("ad-colleague", "abu-dhabi")
    message = threads.post_message(ad, by=abu_dhabi_staff, body="First words.")
    with pytest.raises(PermissionDenied):
        threads.edit_message(message, by=colleague, body="Not mine.", version=1)
    with pytest.raises(PermissionDenied):
        threads.edit_message(message, by=desk_officer, body="Not mine either.", version=1)
    threads.edit_message(message, by=abu_dhabi_staff, body="Second words.", version=1)
    with pytest.raises(ConflictError):
        threads.edit_message(message, by=abu_dhabi_staff, body="From an old tab.", version=1)
    client.force_login(colleague)
    edit = reverse("outreach:thread_message_edit", args=[ad.pk, message.pk])
    assert client.post(edit, {"body": "x", "version": 2}).status_code == 403


# ---------------------------------------------------------------- notifications


def test_a_posts_message_tells_the_desk_in_app_and_by_one_email(ad, abu_dhabi_staff, make_embassy_user, desk_officer,
                                                                django_capture_on_commit_callbacks):
    make_embassy_user("ad-colleague", "abu-dhabi")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = threads.post_message(ad, by=abu_dhabi_staff, body="Question on the annex", is_question=True)
    [note] = Notification.objects.all()
    assert note.user == desk_officer and "question for the desk" in note.text
    assert note.url == f"{thread_url(ad)}#message-{message.pk}"
    assert len(callbacks) == 1  # the email is queued once the message commits
    email = MessageEmail.objects.get()
    assert (email.status, email.recipient, email.via_digest) == ("claimed", "desk@example.org", False)
    assert deliver_message_email(email.pk) == "sent"
    assert deliver_message_email(email.pk) == "skipped"  # a redelivered task sends nothing twice
    [sent] = mail.outbox
    assert sent.to == ["desk@example.org"] and "question for the desk" in sent.subject
    # The seed cable is CONFIDENTIAL, above what email may carry: the text stays in the tracker.
    assert "Question on the annex" not in sent.body and "open the tracker" in sent.body
    assert f"{thread_url(ad)}#message-{message.pk}" in sent.body


def test_a_desks_message_tells_the_posts_staff_and_no_other_post(ad, abu_dhabi_staff, hong_kong_staff, desk_officer):
    threads.post_message(ad, by=desk_officer, body="Please deliver by Friday.")
    assert list(Notification.objects.values_list("user__username", flat=True)) == [abu_dhabi_staff.username]
    assert MessageEmail.objects.get().recipient == abu_dhabi_staff.email


def test_a_reply_tells_the_desk_officers_who_wrote_in_the_thread(ad, abu_dhabi_staff, desk_officer,
                                                                 django_user_model):
    from django.contrib.auth.models import Group

    from accounts.roles import DESK_OFFICERS

    colleague = django_user_model.objects.create_user("desk2", "desk2@example.org", "pw-for-tests-only")
    colleague.groups.add(Group.objects.get(name=DESK_OFFICERS))
    threads.post_message(ad, by=colleague, body="I cover this demarche this week.")
    Notification.objects.all().delete()
    threads.post_message(ad, by=abu_dhabi_staff, body="Noted.")
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["desk", "desk2"]
    assert MessageEmail.objects.last().recipient == "desk2@example.org, desk@example.org"


def test_an_unclassified_demarches_email_carries_the_text(desk_officer, make_embassy_user):
    post = make_post("paris", name="Paris")
    staff = make_embassy_user("paris1", post.code)
    demarche = make_demarche(desk_officer)
    task = make_task(demarche, post, due=DUE)
    message = threads.post_message(task.demarche_post, by=desk_officer, body="See https://example.org/annex.pdf")
    deliver_message_email(message.email.pk)
    [sent] = mail.outbox
    assert sent.to == [staff.email] and "See https://example.org/annex.pdf" in sent.body
    html = sent.alternatives[0][0]
    assert '<a href="https://example.org/annex.pdf" rel="nofollow">' in html


def test_a_post_with_a_daily_digest_gets_the_desks_messages_in_it(desk_officer, make_embassy_user):
    post = make_post("paris", name="Paris", timezone="UTC", weekend=(6, 7))
    staff = make_embassy_user("paris1", post.code)
    set_daily_digest(post, by=staff, enabled=True)
    demarche = make_demarche(desk_officer)
    task = make_task(demarche, post, due=DUE + timedelta(days=60))  # no reminder due: the digest holds the message
    message = threads.post_message(task.demarche_post, by=desk_officer, body="The annex is in French now.")
    email = message.email
    assert email.via_digest and email.status == "claimed" and mail.outbox == []
    assert PostReminderPreference.objects.get(post=post).daily_digest

    monday_10 = datetime(2026, 12, 14, 10, 0, tzinfo=dt_timezone.utc)
    sweep(now=monday_10, inline=True)
    [digest] = mail.outbox
    assert digest.to == [staff.email] and "1 new message" in digest.subject
    assert "The annex is in French now." in digest.body
    email.refresh_from_db()
    assert email.status == "sent" and email.digest_id
    sweep(now=monday_10 + timedelta(hours=1), inline=True)
    assert len(mail.outbox) == 1  # one digest a day


def test_a_lost_message_email_is_sent_by_the_next_sweep(ad, abu_dhabi_staff):
    message = threads.post_message(ad, by=abu_dhabi_staff, body="Is anyone there?")
    MessageEmail.objects.filter(pk=message.email.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    sweep(now=timezone.now(), inline=True)
    sent = [m for m in mail.outbox if "message from the post" in m.subject]
    assert [m.to for m in sent] == [["desk@example.org"]]
    assert MessageEmail.objects.get().status == "sent"


def test_a_message_waiting_for_a_digest_the_post_stopped_goes_on_its_own(desk_officer, make_embassy_user):
    post = make_post("paris", name="Paris")
    staff = make_embassy_user("paris1", post.code)
    set_daily_digest(post, by=staff, enabled=True)
    task = make_task(make_demarche(desk_officer), post, due=DUE + timedelta(days=60))
    message = threads.post_message(task.demarche_post, by=desk_officer, body="Waiting for the digest.")
    set_daily_digest(post, by=staff, enabled=False)
    MessageEmail.objects.filter(pk=message.email.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    sweep(now=datetime(2026, 12, 14, 10, 0, tzinfo=dt_timezone.utc), inline=True)
    [sent] = mail.outbox
    assert sent.to == [staff.email] and "message from the desk" in sent.subject


def test_a_long_thread_shows_the_latest_messages_and_pages_back(client, ad, abu_dhabi_staff):
    from outreach.threads.queries import MESSAGES_ON_PAGE

    Message.objects.bulk_create([Message(demarche_post=ad, author=abu_dhabi_staff, body=f"number {i:03d}.")
                                 for i in range(MESSAGES_ON_PAGE + 5)])
    client.force_login(abu_dhabi_staff)
    page = client.get(thread_url(ad))
    shown = [m.body for m in page.context["thread_messages"]]
    assert len(shown) == MESSAGES_ON_PAGE and shown[-1] == f"number {MESSAGES_ON_PAGE + 4:03d}."
    earlier = client.get(thread_url(ad), {"before": page.context["earlier"]}).context["thread_messages"]
    assert [m.body for m in earlier] == [f"number {i:03d}." for i in range(5)]


def test_the_matrix_export_has_the_last_message_and_the_pending_question(client, issued, ad, abu_dhabi_staff,
                                                                         desk_officer):
    import csv
    import io

    threads.post_message(ad, by=abu_dhabi_staff, body="=HYPERLINK(\"http://x\") may we?", is_question=True)
    client.force_login(desk_officer)
    response = client.get(reverse("outreach:dash_demarche", args=[issued.reference_id]), {"_export": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    abu_dhabi = next(r for r in rows if r["Post"] == "Abu Dhabi")
    assert abu_dhabi["Question pending"] == "yes"
    assert abu_dhabi["Last message"].endswith('(post): =HYPERLINK("http://x") may we?')
    assert not abu_dhabi["Last message"].startswith("=")  # never a formula
    assert {r["Question pending"] for r in rows if r["Post"] != "Abu Dhabi"} == {""}
