"""Reminder emails as people receive them: one per person per sweep, true figures, no marked text, good headers."""

import logging
import re
from datetime import date, datetime, timedelta, timezone
from email.utils import parseaddr
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.template import Context, Template

from cables.models import Post
from cables.parser import parse
from outreach.models import (
    Notification,
    PersonReminderPreference,
    PostReminderPreference,
    ReminderEmail,
    ReminderLog,
    ReminderSweep,
)
from outreach.reminders import compose, deliver_email
from outreach.reminders.markings import level, may_email
from outreach.reminders.sweep import sweep
from outreach.templatetags.reminder_tags import post_links
from tests.outreach.factories import DUE, make_demarche, make_post, make_task

pytestmark = pytest.mark.django_db

EIGHT_DAYS_LATE = datetime(2026, 12, 25, 9, 0, tzinfo=timezone.utc)  # a Friday, 8 days after DUE


def body_and_html(message) -> str:
    return message.body + message.alternatives[0].content


def escalation_world(desk_officer, *, posts: int = 37):
    """An issued demarche whose posts have no staff: 2 tasks each, all 8 days overdue."""
    demarche = make_demarche(desk_officer)
    for i in range(posts):
        post = make_post(f"x{i:02}", name=f"Post {i:02}")
        make_task(demarche, post, due=DUE)
        make_task(demarche, post, due=DUE, kind="talking_points")
    return demarche


def test_74_escalations_to_one_desk_officer_make_one_email(desk_officer, manager, caplog):
    caplog.set_level(logging.INFO, logger="outreach.reminders.sweep")
    escalation_world(desk_officer)
    out = StringIO()
    call_command("send_reminders", "--now", EIGHT_DAYS_LATE.isoformat(), stdout=out)

    assert sorted(m.to[0] for m in mail.outbox) == ["desk@example.org", "manager@example.org"]
    desk = next(m for m in mail.outbox if m.to == ["desk@example.org"])
    assert desk.subject == "[Outreach] Reminders of 25 Dec 2026: 74 escalations"
    assert desk.body.count("overdue by 8 days (due 17 Dec 2026)") == 74 and desk.body.count("Matrix row: ") == 37
    assert "26STATE100 MTCR outreach: 74 tasks at 37 posts" in desk.body
    assert "- Post 00 (never reminded: it has no staff account with an email address)" in desk.body
    assert desk.body.count("never reminded") == 37  # once per post, not per task
    assert "extend the due date or reassign the task" in desk.body and "contact the post" in desk.body
    assert "/dashboards/demarches/26STATE100/#post-rem-x00" in desk.body
    assert desk.body.count("Bulk actions: http://localhost:8000/demarches/26STATE100/#bulk") == 1
    assert "Message the post" not in desk.body  # a thread message would reach no one there
    manager_mail = next(m for m in mail.outbox if m.to == ["manager@example.org"])
    assert "The owning desk officer can extend the due date" in manager_mail.body  # managers change nothing
    assert "Bulk actions" not in body_and_html(manager_mail) and "What you can do" not in manager_mail.body
    assert "Matrix row: http://localhost:8000/dashboards/demarches/26STATE100/#post-rem-x00" in manager_mail.body
    assert "Deliver the non-paper <b>today</b>" not in body_and_html(desk)  # the post's instruction is the post's
    # Truthful counts: the overdue reminders reached nobody, and the command says so.
    report = out.getvalue()
    assert re.search(r"^overdue +0 +0 +74$", report, re.M), report
    assert re.search(r"^escalation +74 +0 +0$", report, re.M), report
    assert "emails to people: 2 (2 digests, 0 single)" in report
    assert ("due: before=0, due=0, overdue=74, escalation=74, digest=0; total=148; emailed=74; post digest=0; "
            "no recipient=74; skipped=0; emails sent=2; requeued=0") in caplog.text  # the log calls nothing else sent
    ledger = ReminderSweep.objects.get()
    assert ledger.counts["no recipient"] == {"overdue": 74} and ledger.counts["emailed"] == {"escalation": 74}
    # In the app too, one notice for the 74, linking to the demarche page.
    note = Notification.objects.get(user=desk_officer)
    assert (note.text, note.url) == ("Escalation: 26STATE100, 74 tasks overdue at 37 posts", "/demarches/26STATE100/")
    assert ledger.now == EIGHT_DAYS_LATE and ledger.finished_at is not None
    assert ReminderLog.objects.filter(kind="overdue", status="no_recipient").count() == 74
    assert set(ReminderLog.objects.filter(kind="escalation").values_list("status", flat=True)) == {"sent"}


def test_a_person_may_choose_one_email_per_reminder_for_a_kind(desk_officer, manager):
    escalation_world(desk_officer, posts=3)
    PersonReminderPreference.objects.create(user=desk_officer, immediate_kinds=["escalation"])
    result = sweep(now=EIGHT_DAYS_LATE, inline=True)
    to_desk = [m for m in mail.outbox if m.to == ["desk@example.org"]]
    assert len(to_desk) == 6 and all(m.subject.startswith("[Outreach] Escalation: overdue by 8 days: 26STATE100 Post")
                                     for m in to_desk)
    # The subject names the task kind: a post's two escalations can be told apart in the inbox.
    assert "[Outreach] Escalation: overdue by 8 days: 26STATE100 Post 00, Make the talking points" in {
        m.subject for m in to_desk} and len({m.subject for m in to_desk}) == 6
    assert "What you can do" in to_desk[0].body and "Bulk actions: " in to_desk[0].body
    assert [m.to for m in mail.outbox].count(["manager@example.org"]) == 1
    assert (result.emails["single"], result.emails["digest"]) == (6, 1)


def test_a_post_with_staff_was_reminded_and_the_escalation_does_not_say_otherwise(desk_officer, make_embassy_user):
    demarche = make_demarche(desk_officer)
    post = make_post("oslo", name="Oslo")
    make_embassy_user("oslo1", post.code)
    make_task(demarche, post, due=DUE)
    sweep(now=datetime(2026, 12, 18, 9, tzinfo=timezone.utc), inline=True)  # overdue by 1 day: reminded
    sweep(now=EIGHT_DAYS_LATE, inline=True)
    escalation = next(m for m in mail.outbox if m.to == ["desk@example.org"])
    assert "- Oslo\n  Deliver the non-paper: overdue by 8 days (due 17 Dec 2026)" in escalation.body
    assert "never reminded" not in escalation.body and "not reminded" not in escalation.body
    thread = f"Message the post: http://localhost:8000/threads/{demarche.posts.get().pk}/"
    assert thread in escalation.body and 'Message the post</a>' in escalation.alternatives[0].content


def test_an_escalation_names_the_one_task_of_a_post_that_was_never_reminded(desk_officer, make_embassy_user):
    demarche = make_demarche(desk_officer, max_reminders=0)  # no reminders to the post: only escalations
    oslo = make_post("oslo", name="Oslo")
    make_embassy_user("oslo1", oslo.code)
    reminded = make_task(demarche, oslo, due=DUE)
    make_task(demarche, oslo, due=DUE, kind="talking_points")
    stamp = datetime(2026, 12, 18, 9, tzinfo=timezone.utc)
    ReminderLog.objects.create(task=reminded, kind="overdue", window_key="2026-12-18", status="sent",
                               claimed_at=stamp, updated_at=stamp, sent_at=stamp)
    sweep(now=EIGHT_DAYS_LATE, inline=True)
    desk = next(m for m in mail.outbox if m.to == ["desk@example.org"])
    assert "- Oslo\n  Deliver the non-paper: overdue by 8 days (due 17 Dec 2026)\n" in desk.body
    assert "Make the talking points: overdue by 8 days (due 17 Dec 2026) (not reminded of this task)" in desk.body
    assert desk.body.count("reminded") == 1


def test_each_demarche_in_a_digest_links_its_own_bulk_actions(desk_officer, make_embassy_user):
    first = escalation_world(desk_officer, posts=1)
    second = make_demarche(desk_officer, reference_id="26STATE200", subject="Open skies")
    oslo = make_post("oslo", name="Oslo")
    make_embassy_user("oslo1", oslo.code)
    make_task(second, oslo, due=DUE, kind="report_back")
    sweep(now=EIGHT_DAYS_LATE, inline=True)
    desk = next(m for m in mail.outbox if m.to == ["desk@example.org"])
    for demarche in (first, second):
        bulk = f"http://localhost:8000/demarches/{demarche.reference_id}/#bulk"
        assert desk.body.count(f"Bulk actions: {bulk}") == 1 and f'href="{bulk}"' in desk.alternatives[0].content
    # Oslo's staff were reminded in this very sweep: its escalation does not say otherwise.
    assert "- Oslo\n  Report back: overdue by 8 days (due 17 Dec 2026)" in desk.body


def test_the_text_is_the_sweeps_though_the_email_goes_out_after_the_posts_midnight(desk_officer, make_embassy_user,
                                                                                   django_capture_on_commit_callbacks,
                                                                                   client):
    post = make_post("la", timezone="America/Los_Angeles", name="Los Angeles")
    make_embassy_user("la1", post.code)
    task = make_task(make_demarche(desk_officer), post, due=DUE)
    swept = datetime(2026, 12, 22, 17, 30, tzinfo=timezone.utc) + timedelta(hours=8)  # 17:30 on the 22nd in LA
    with django_capture_on_commit_callbacks(execute=False):
        sweep(now=swept)  # the Celery path: the message waits in the queue
    email = ReminderEmail.objects.get()
    texts = set()
    # The worker picks it up after the post's midnight, two days later, and at the real time (before the due date).
    for late in (swept + timedelta(hours=7), swept + timedelta(days=2), None):
        with mock.patch("django.utils.timezone.now", return_value=late or datetime.now(timezone.utc)):
            subject, context = compose.context_of(email)
        texts.add((subject, context["items"][0].reason))
    assert texts == {("[Outreach] Overdue by 5 days: 26STATE100 Los Angeles, Deliver the non-paper",
                      "Overdue by 5 days")}
    with mock.patch("django.utils.timezone.now", return_value=swept + timedelta(days=2)):
        assert deliver_email(email.pk) == "sent"
    assert mail.outbox[0].subject.startswith("[Outreach] Overdue by 5 days")
    assert Notification.objects.get().text.startswith("Overdue by 5 days: 26STATE100, Los Angeles")
    # The task page says what the email said, though the real clock is weeks before the due date.
    client.force_login(desk_officer)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert '<td data-label="Said">Overdue by 5 days</td>' in page and "Due in" not in page


def test_a_digest_is_dated_by_the_posts_own_day(desk_officer, make_embassy_user):
    post = make_post("akl", timezone="Pacific/Auckland", name="Auckland")  # 23 Dec already, at 09:00
    make_embassy_user("akl1", post.code)
    demarche = make_demarche(desk_officer)
    make_task(demarche, post, due=DUE)
    make_task(demarche, post, due=DUE, kind="report_back")
    sweep(now=datetime(2026, 12, 22, 20, tzinfo=timezone.utc), inline=True)
    message = mail.outbox[0]
    assert message.subject == "[Outreach] Reminders of 23 Dec 2026: 2 overdue"
    assert "Your reminders of 23 Dec 2026: 2 items" in message.body
    assert message.body.count("overdue by 6 days (due 17 Dec 2026)") == 2


def test_the_emails_are_well_formed(task, settings, london_staff):
    settings.SITE_URL = "https://tracker.example.org"
    settings.DEFAULT_FROM_EMAIL = "Outreach tracker <outreach@tracker.example.org>"
    settings.EMAIL_REPLY_TO = ["Desk <desk@tracker.example.org>"]
    sweep(now=datetime(2026, 12, 17, 9, tzinfo=timezone.utc), inline=True)
    message = mail.outbox[0].message()
    assert parseaddr(message["From"]) == ("Outreach tracker", "outreach@tracker.example.org")
    assert message["Reply-To"] == "Desk <desk@tracker.example.org>"
    assert message["Auto-Submitted"] == "auto-generated" and message["X-Auto-Response-Suppress"] == "All"
    assert message["Message-ID"].endswith("@tracker.example.org>")
    assert message["List-Unsubscribe"] == "<https://tracker.example.org/notifications/reminders/>"
    assert "(due 17 Dec 2026)" in mail.outbox[0].body


def seed_demarche(seed_cable, desk_officer):
    from outreach.services import create_demarche, issue_demarche

    demarche = create_demarche(seed_cable, by=desk_officer, deliver_by=date(2026, 12, 7), report_by=date(2026, 12, 14))
    return issue_demarche(demarche, by=desk_officer)


def test_send_reminders_now_writes_true_figures_and_no_marked_text(seed_cable, seed_text, desk_officer, manager,
                                                                   make_embassy_user):
    demarche = seed_demarche(seed_cable, desk_officer)
    make_embassy_user("ad-staff", "abu-dhabi")
    make_embassy_user("amman-staff", "amman")  # Amman reads its tasks in the post's daily digest
    PostReminderPreference.objects.create(post=Post.objects.get(code="amman"), daily_digest=True)
    call_command("send_reminders", "--now", "2026-12-10T10:00:00Z", stdout=StringIO())
    assert [m.to[0] for m in mail.outbox] == ["ad-staff@example.org", "amman-staff@example.org"]  # none 7 days late
    call_command("send_reminders", "--now", "2026-12-22T10:00:00Z", stdout=StringIO())
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ad-staff@example.org", "ad-staff@example.org", "amman-staff@example.org", "amman-staff@example.org",
        "desk@example.org", "manager@example.org"]
    amman = [m for m in mail.outbox if m.to == ["amman-staff@example.org"]]
    assert amman[1].subject == "[Outreach] Amman: 3 open tasks on 22 Dec 2026"
    assert "OVERDUE due 7 Dec 2026: 09STATE4690 Deliver the non-paper" in amman[1].body
    everything = "\n".join(m.subject + body_and_html(m) for m in mail.outbox)
    assert "overdue by 3 days (due 7 Dec 2026)" in mail.outbox[0].body  # 10 Dec in Abu Dhabi
    assert "overdue by 15 days (due 7 Dec 2026)" in everything and "overdue by 8 days (due 14 Dec 2026)" in everything
    assert "by -" not in everything
    # No subject text and no paragraph text at the default EMAIL_MAX_CLASSIFICATION.
    flat = " ".join(everything.split())
    assert "MISSILE TECHNOLOGY" not in flat.upper() and "(C)" not in flat
    for paragraph in parse(seed_text).paragraphs:
        assert " ".join(paragraph.text.split())[:60] not in flat
    for instruction in demarche.tasks.values_list("instruction", flat=True):
        assert not instruction or " ".join(instruction.split())[:60] not in flat
    assert "open the tracker to read it" in flat


def test_at_confidential_the_subject_appears_with_its_marking(seed_cable, desk_officer, settings, make_embassy_user):
    settings.EMAIL_MAX_CLASSIFICATION = "CONFIDENTIAL"
    seed_demarche(seed_cable, desk_officer)
    call_command("send_reminders", "--now", "2026-12-22T10:00:00Z", stdout=StringIO())
    desk = next(m for m in mail.outbox if m.to == ["desk@example.org"])
    assert "INFORMING NON-MEMBERS OF THE RESULTS OF THE 2008 CANBERRA MTCR PLENARY (C)" in desk.body


def test_markings_rank_and_fail_closed(settings):
    assert level("UNCLASSIFIED") < level("UNCLASSIFIED//FOR OFFICIAL USE ONLY") < level("CONFIDENTIAL")
    assert level("CONFIDENTIAL") < level("SECRET//NOFORN") < level("TOP SECRET")
    assert may_email("UNCLASSIFIED") and not may_email("CONFIDENTIAL") and not may_email("")
    assert not may_email("UNCLASSIFIED//FOR OFFICIAL USE ONLY")
    settings.EMAIL_MAX_CLASSIFICATION = "SECRET"
    assert may_email("SECRET//NOFORN") and not may_email("TOP SECRET") and not may_email("garbled")
    settings.EMAIL_MAX_CLASSIFICATION = "PUBLICISH"
    with pytest.raises(ImproperlyConfigured):
        may_email("UNCLASSIFIED")


def test_a_misspelt_email_max_classification_stops_the_start(settings):
    from django.apps import apps

    for typo in ("CONFIDENTAIL", "SECRETISH", ""):
        settings.EMAIL_MAX_CLASSIFICATION = typo
        with pytest.raises(ImproperlyConfigured, match="use one of UNCLASSIFIED"):
            apps.get_app_config("outreach").ready()
    settings.EMAIL_MAX_CLASSIFICATION = "confidential"  # the name in any case
    assert may_email("CONFIDENTIAL") and not may_email("SECRET")


def test_it_lets_a_person_choose_per_kind_on_the_page_the_unsubscribe_link_names(client, desk_officer):
    client.force_login(desk_officer)
    page = client.get("/notifications/reminders/")
    assert page.status_code == 200 and "How you get reminders" in page.content.decode()
    response = client.post("/notifications/reminders/", {"immediate": ["escalation", "due"]})
    assert response.status_code == 302
    assert PersonReminderPreference.objects.get(user=desk_officer).immediate_kinds == ["due", "escalation"]
    assert client.post("/notifications/reminders/", {"immediate": ["nonsense"]}).status_code == 200
    assert PersonReminderPreference.objects.get(user=desk_officer).immediate_kinds == ["due", "escalation"]
    client.logout()
    assert client.get("/notifications/reminders/").status_code == 302  # to the login page


def test_posts_that_cannot_be_reminded_are_listed_for_the_desk_officer(client, desk_officer, manager,
                                                                       make_embassy_user):
    demarche = escalation_world(desk_officer, posts=3)
    reachable = make_post("oslo", name="Oslo")
    make_embassy_user("oslo1", reachable.code)
    make_task(demarche, reachable, due=DUE)
    client.force_login(desk_officer)
    for url in ("/demarches/26STATE100/", "/dashboards/"):
        html = client.get(url).content.decode()
        assert "3 posts cannot be reminded: no staff account" in html, url
        assert "Post 02" in html
    client.force_login(manager)
    assert "cannot be reminded" not in client.get("/dashboards/").content.decode()


# The notice's list as the template wrote it before reminder_tags.post_links wrote it in Python.
POST_LINKS = Template(
    "{% for post in posts %}<li><a href=\"{% url 'outreach:dash_post' post.code %}\">{{ post.name }}</a></li>"
    "{% endfor %}"
)


def test_the_notices_links_are_what_the_template_wrote():
    posts = [make_post("kw-1", name="Kuwait <City> & Co"), make_post("oslo", name="Oslo")]

    assert post_links(posts) == POST_LINKS.render(Context({"posts": posts}))
    assert post_links(posts).count("<li>") == 2 and "Kuwait &lt;City&gt; &amp; Co" in post_links(posts)
    assert post_links([]) == ""


def test_the_matrix_has_the_row_an_escalation_links_to(client, desk_officer):
    escalation_world(desk_officer, posts=2)
    client.force_login(desk_officer)
    html = client.get("/dashboards/demarches/26STATE100/").content.decode()
    assert 'id="post-rem-x00"' in html and 'id="post-rem-x01"' in html
    assert 'id="bulk"' in client.get("/demarches/26STATE100/").content.decode()


def test_the_command_and_the_ledger_count_each_outcome_apart(desk_officer, make_embassy_user):
    """Emailed, left for the post's daily digest, no recipient, and skipped with the reason, on Christmas Day."""
    first = make_demarche(desk_officer)
    capped_demarche = make_demarche(desk_officer, reference_id="26STATE200", max_reminders=1)
    digest, nobody = make_post("digest", name="Digest"), make_post("nobody", name="Nobody")
    tokyo = make_post("tokyo", timezone="Asia/Tokyo", name="Tokyo")  # 18:00 there: after hours
    london = make_post("london", timezone="Europe/London", name="London")
    Post.objects.filter(pk=london.pk).update(country_code="GB")  # Christmas Day: a holiday
    capped = make_post("capped", name="Capped")
    for post in (digest, tokyo, london, capped):
        make_embassy_user(f"{post.code}-1", post.code)
    PostReminderPreference.objects.create(post=digest, daily_digest=True)
    for post in (digest, nobody, tokyo, london):
        make_task(first, post, due=DUE)
    nagged = make_task(capped_demarche, capped, due=DUE)
    stamp = datetime(2026, 12, 18, 9, tzinfo=timezone.utc)
    ReminderLog.objects.create(task=nagged, kind="overdue", window_key="2026-12-18", status="sent",
                               claimed_at=stamp, updated_at=stamp, sent_at=stamp)
    out = StringIO()
    call_command("send_reminders", "--now", EIGHT_DAYS_LATE.isoformat(), stdout=out)

    report = out.getvalue()
    head = "kind         emailed  post digest  no recipient  skipped: capped  skipped: holiday  " \
           "skipped: outside working hours"
    assert report.splitlines()[0] == head, report
    assert re.search(r"^overdue +0 +1 +1 +1 +1 +1$", report, re.M), report
    assert re.search(r"^escalation +3 +0 +0 +0 +1 +1$", report, re.M), report
    assert "emails to people: 1 (1 digest, 0 single); posts' daily digests: 1" in report
    ledger = ReminderSweep.objects.get().counts
    assert ledger["emailed"] == {"escalation": 3} and ledger["post digest"] == {"overdue": 1}
    assert ledger["no recipient"] == {"overdue": 1}
    assert ledger["skipped"] == {"capped": {"overdue": 1}, "holiday": {"overdue": 1, "escalation": 1},
                                 "outside working hours": {"overdue": 1, "escalation": 1}}
    assert sorted(m.to[0] for m in mail.outbox) == ["desk@example.org", "rem-digest-1@example.org"]


def test_a_sweep_in_many_chunks_still_makes_one_email_per_person(desk_officer, manager):
    escalation_world(desk_officer, posts=12)
    result = sweep(now=EIGHT_DAYS_LATE, inline=True, chunk_size=5)
    assert sorted(m.to[0] for m in mail.outbox) == ["desk@example.org", "manager@example.org"]
    assert all(m.subject == "[Outreach] Reminders of 25 Dec 2026: 24 escalations" for m in mail.outbox)
    assert result.emails["digest"] == 2
