"""Pages: forms keep what was typed, conflicts show the current state, the inbox sorts by due date."""

from datetime import timedelta

import pytest
from django.urls import reverse

from outreach import services
from outreach.models import PostTask
from outreach.services.bounds import post_today
from tests.outreach.seed import task_of

K, S = PostTask.Kind, PostTask.Status


def test_a_failed_delivery_form_keeps_what_was_typed(client, issued, abu_dhabi_staff):
    task = task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER)
    client.force_login(abu_dhabi_staff)
    response = client.post(reverse("outreach:task_action", args=[task.pk, "deliver"]), {
        "version": task.version, "delivered_on": "not a date", "method": "meeting",
        "officials": "Dr. Amal Saeed; Director of Arms Control; MFA", "response_text": "They will study it.",
    })
    assert response.status_code == 400
    page = response.content.decode()
    assert "Dr. Amal Saeed; Director of Arms Control; MFA" in page
    assert "They will study it." in page
    assert "Enter a valid date" in page
    task.refresh_from_db()
    assert task.status == S.OPEN


def test_not_delivered_without_a_reason_is_refused_on_the_page(client, issued, abu_dhabi_staff):
    task = task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER)
    client.force_login(abu_dhabi_staff)
    response = client.post(reverse("outreach:task_action", args=[task.pk, "not_delivered"]),
                           {"version": task.version, "reason": "Other", "detail": ""})
    assert response.status_code == 400
    task.refresh_from_db()
    assert task.status == S.OPEN


def test_a_stale_save_shows_the_conflict_and_the_current_state_and_keeps_the_input(
        client, issued, abu_dhabi_staff, desk_officer):
    task = task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER)
    stale = task.version
    # dated when posted, by the post's own day: a date taken at import goes stale when the run crosses midnight
    today = post_today(task.post).isoformat()
    services.update_task(task, by=desk_officer, version=stale, instruction="Deliver to the Minister of State.")
    client.force_login(abu_dhabi_staff)
    response = client.post(reverse("outreach:task_action", args=[task.pk, "deliver"]), {
        "version": stale, "delivered_on": today, "method": "note", "officials": "Dr. Saeed; Director; MFA",
    })
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this task; here is its current state." in page
    assert "Deliver to the Minister of State." in page
    assert "Dr. Saeed; Director; MFA" in page
    task.refresh_from_db()
    assert task.status == S.OPEN
    # The form now carries the current version: saving again goes through.
    assert f'name="version" value="{task.version}"' in page
    response = client.post(reverse("outreach:task_action", args=[task.pk, "deliver"]), {
        "version": task.version, "delivered_on": today, "method": "note"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == S.DONE


def test_a_stale_demarche_edit_shows_a_conflict(client, demarche, desk_officer):
    stale = demarche.version
    services.update_demarche(demarche, by=desk_officer, version=stale, subject="Edited elsewhere")
    client.force_login(desk_officer)
    response = client.post(reverse("outreach:demarche_update", args=[demarche.reference_id]), {
        "version": stale, "subject": "My subject", "deliver_by": "2027-01-01", "report_by": "2027-01-08"})
    assert response.status_code == 409
    assert "My subject" in response.content.decode()
    demarche.refresh_from_db()
    assert demarche.subject == "Edited elsewhere"


def test_the_demarche_form_keeps_input_when_dates_are_inverted(client, demarche, desk_officer):
    client.force_login(desk_officer)
    response = client.post(reverse("outreach:demarche_update", args=[demarche.reference_id]), {
        "version": demarche.version, "subject": "Typed subject", "deliver_by": "2027-01-09",
        "report_by": "2027-01-01"})
    assert response.status_code == 400
    assert "Typed subject" in response.content.decode()


def test_the_inbox_lists_own_open_tasks_soonest_due_first(client, issued, abu_dhabi_staff, desk_officer):
    report = task_of(issued, "abu-dhabi", K.REPORT_BACK)
    services.update_task(report, by=desk_officer, due=issued.deliver_by - timedelta(days=3))
    client.force_login(abu_dhabi_staff)
    response = client.get(reverse("outreach:inbox"))
    tasks = response.context["tasks"]
    assert [t.kind for t in tasks][0] == K.REPORT_BACK
    assert [t.due for t in tasks] == sorted(t.due for t in tasks)
    assert {t.post.code for t in tasks} == {"abu-dhabi"}
    assert len(tasks) == 3
    page = response.content.decode()
    assert 'class="responsive"' in page and 'data-label="Due"' in page
    assert "Acknowledge receipt" in page


def test_done_tasks_leave_the_inbox(client, issued, abu_dhabi_staff):
    task = task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER)
    services.mark_not_delivered(task, by=abu_dhabi_staff, reason="No appointment granted")
    client.force_login(abu_dhabi_staff)
    assert task.pk not in {t.pk for t in client.get(reverse("outreach:inbox")).context["tasks"]}


def test_the_demarche_page_shows_flags_history_and_replies(client, issued, desk_officer):
    from tests.outreach.seed import ingest_reply

    ingest_reply()
    client.force_login(desk_officer)
    page = client.get(issued.get_absolute_url()).content.decode()
    assert "no talking points" in page
    assert "09ABUDHABI123" in page
    assert "issued" in page and "Canberra" in page


def test_the_task_page_shows_its_history(client, issued, abu_dhabi_staff):
    task = task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER)
    services.mark_not_delivered(task, by=abu_dhabi_staff, reason="Post advises against delivery")
    client.force_login(abu_dhabi_staff)
    page = client.get(task.get_absolute_url()).content.decode()
    assert "Marked not delivered" in page and "Not delivered" in page and "not_delivered" not in page
    assert "Post advises against delivery" in page and "ad-staff" in page


@pytest.mark.parametrize("role,shown", [("desk", True), ("manager", False)])
def test_the_cable_page_offers_create_demarche_to_desk_officers(client, seed_cable, desk_officer, manager,
                                                                 role, shown):
    client.force_login(desk_officer if role == "desk" else manager)
    page = client.get(seed_cable.get_absolute_url()).content.decode()
    assert ("Create demarche" in page) is shown


def test_a_pending_reply_from_an_unknown_sender_shows_for_confirmation(client, issued, desk_officer):
    from outreach.models import ReplyMatch
    from tests.outreach.seed import ingest_reply

    cable = ingest_reply(station="LONDON", routing="RUEHLO", number=55).cable
    ReplyMatch.objects.filter(cable=cable).update(post=None)
    client.force_login(desk_officer)
    page = client.get(issued.get_absolute_url()).content.decode()
    assert "an unknown sender" in page and "Needs confirmation" in page
    match = ReplyMatch.objects.get(cable=cable)
    macau = task_of(issued, "hong-kong", K.REPORT_BACK, "Macau")
    response = client.post(reverse("outreach:reply_decide", args=[match.pk]),
                           {"decision": "confirm", "task": macau.pk})
    assert response.status_code == 302
    macau.refresh_from_db()
    assert macau.reply_cable == cable


def test_bulk_extension_through_the_page(client, issued, desk_officer):
    later = issued.report_by + timedelta(days=5)
    ids = list(issued.posts.filter(post__code__in=["cairo", "amman"]).values_list("post_id", flat=True))
    client.force_login(desk_officer)
    response = client.post(reverse("outreach:demarche_bulk", args=[issued.reference_id]),
                           {"action": "extend", "posts": ids, "report_by": later.isoformat()})
    assert response.status_code == 302
    assert task_of(issued, "cairo", K.REPORT_BACK).due == later
    assert task_of(issued, "abu-dhabi", K.REPORT_BACK).due == issued.report_by
