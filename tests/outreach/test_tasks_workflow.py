"""Task transitions, demarche lifecycle, history and optimistic concurrency, through the services."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from outreach import services
from outreach.models import Demarche, PostTask
from outreach.services.bounds import post_today
from tests.outreach.seed import task_of

K, S = PostTask.Kind, PostTask.Status
OFFICIALS = [{"name": "Dr. Amal Saeed", "title": "Director", "ministry": "Foreign Affairs"}]


@pytest.fixture
def deliver(issued):
    return task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER)


@pytest.fixture
def report(issued):
    return task_of(issued, "abu-dhabi", K.REPORT_BACK)


def test_staff_mark_their_delivery_done_with_the_facts(deliver, abu_dhabi_staff):
    services.record_delivery(deliver, by=abu_dhabi_staff, version=deliver.version, delivered_on=post_today(deliver.post),
                             method="meeting", officials=OFFICIALS, requested_level="Director")
    deliver.refresh_from_db()
    assert deliver.status == S.DONE
    assert deliver.completed_by == abu_dhabi_staff and deliver.completed_at
    assert deliver.officials == OFFICIALS and deliver.method == "meeting"
    assert deliver.version == 2
    event = deliver.events.get(action="delivered")
    assert event.actor == abu_dhabi_staff
    assert event.changes["status"] == ["open", "done"]
    assert event.changes["delivered_on"] == [None, post_today(deliver.post).isoformat()]


def test_a_done_task_cannot_be_delivered_again(deliver, abu_dhabi_staff):
    services.record_delivery(deliver, by=abu_dhabi_staff, delivered_on=post_today(deliver.post), method="note")
    with pytest.raises(services.TransitionError):
        services.record_delivery(deliver, by=abu_dhabi_staff, delivered_on=post_today(deliver.post), method="note")
    with pytest.raises(services.TransitionError):
        services.mark_not_delivered(deliver, by=abu_dhabi_staff, reason="No appointment granted")


def test_not_delivered_needs_a_reason(deliver, abu_dhabi_staff):
    with pytest.raises(ValidationError):
        services.mark_not_delivered(deliver, by=abu_dhabi_staff, reason="  ")
    deliver.refresh_from_db()
    assert deliver.status == S.OPEN
    services.mark_not_delivered(deliver, by=abu_dhabi_staff, reason="Post advises against delivery")
    deliver.refresh_from_db()
    assert (deliver.status, deliver.status_reason) == (S.NOT_DELIVERED, "Post advises against delivery")


def test_only_desk_officers_reopen(deliver, abu_dhabi_staff, desk_officer):
    services.mark_not_delivered(deliver, by=abu_dhabi_staff, reason="No appointment granted")
    with pytest.raises(PermissionDenied):
        services.reopen(deliver, by=abu_dhabi_staff)
    services.reopen(deliver, by=desk_officer, reason="Try again next week")
    deliver.refresh_from_db()
    assert (deliver.status, deliver.status_reason, deliver.completed_by) == (S.OPEN, "", None)
    assert deliver.events.filter(action="reopened", actor=desk_officer).exists()


def test_an_open_task_cannot_be_reopened(deliver, desk_officer):
    with pytest.raises(services.TransitionError):
        services.reopen(deliver, by=desk_officer)


def test_report_back_takes_a_report_not_a_delivery(report, abu_dhabi_staff):
    with pytest.raises(services.TransitionError):
        services.record_delivery(report, by=abu_dhabi_staff, delivered_on=post_today(report.post), method="meeting")
    services.submit_report(report, by=abu_dhabi_staff, response="noted", response_text="Will study it.",
                           reply_reference_id="09 ABUDHABI 123")
    report.refresh_from_db()
    assert (report.status, report.response, report.reply_reference_id) == (S.DONE, "noted", "09ABUDHABI123")


def test_a_delivery_task_takes_no_report(deliver, abu_dhabi_staff):
    with pytest.raises(services.TransitionError):
        services.submit_report(deliver, by=abu_dhabi_staff, response="noted")


def test_the_second_of_two_concurrent_saves_gets_a_conflict(deliver, abu_dhabi_staff, desk_officer):
    read_version = deliver.version
    services.update_task(deliver, by=desk_officer, version=read_version, instruction="Deliver to the MFA.")
    with pytest.raises(services.ConflictError) as caught:
        services.record_delivery(deliver, by=abu_dhabi_staff, version=read_version,
                                 delivered_on=post_today(deliver.post), method="meeting")
    assert "someone else changed this task" in str(caught.value).lower()
    assert caught.value.current.instruction == "Deliver to the MFA."
    deliver.refresh_from_db()
    assert deliver.status == S.OPEN and deliver.instruction == "Deliver to the MFA."


def test_staff_cannot_touch_another_posts_task(issued, abu_dhabi_staff):
    other = task_of(issued, "cairo", K.DELIVER_NON_PAPER)
    with pytest.raises(PermissionDenied):
        services.record_delivery(other, by=abu_dhabi_staff, delivered_on=post_today(other.post), method="meeting")


def test_managers_change_nothing(deliver, manager):
    with pytest.raises(PermissionDenied):
        services.record_delivery(deliver, by=manager, delivered_on=post_today(deliver.post), method="meeting")
    with pytest.raises(PermissionDenied):
        services.close_demarche(deliver.demarche, by=manager)


def test_staff_cannot_work_a_draft(demarche, abu_dhabi_staff):
    task = task_of(demarche, "abu-dhabi", K.DELIVER_NON_PAPER)
    with pytest.raises(PermissionDenied):
        services.record_delivery(task, by=abu_dhabi_staff, delivered_on=post_today(task.post), method="meeting")


def test_issue_is_safe_twice_and_recorded_once(issued, desk_officer):
    services.issue_demarche(issued, by=desk_officer)
    assert issued.state == Demarche.State.ISSUED
    assert issued.events.filter(action="issued").count() == 1


def test_a_closed_demarche_is_read_only(issued, desk_officer, abu_dhabi_staff):
    services.close_demarche(issued, by=desk_officer)
    task = task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER)
    with pytest.raises(PermissionDenied):
        services.record_delivery(task, by=abu_dhabi_staff, delivered_on=post_today(task.post), method="meeting")
    with pytest.raises(services.TransitionError):
        services.update_task(task, by=desk_officer, instruction="x")
    with pytest.raises(services.TransitionError):
        services.update_demarche(issued, by=desk_officer, deliver_by=date(2030, 1, 1))


def test_amending_the_deadline_moves_tasks_that_kept_the_old_date(issued, desk_officer):
    edited = task_of(issued, "cairo", K.DELIVER_NON_PAPER)
    services.update_task(edited, by=desk_officer, due=issued.deliver_by + timedelta(days=3))
    new = issued.deliver_by + timedelta(days=10)
    services.update_demarche(issued, by=desk_officer, version=issued.version, deliver_by=new)
    issued.refresh_from_db()
    assert issued.deliver_by == new
    assert task_of(issued, "amman", K.DELIVER_NON_PAPER).due == new
    assert task_of(issued, "cairo", K.DELIVER_NON_PAPER).due == new - timedelta(days=7)
    event = issued.events.get(action="amended")
    assert event.changes["deliver_by"][1] == new.isoformat()


def test_a_stale_demarche_edit_conflicts(demarche, desk_officer):
    stale = demarche.version
    services.update_demarche(demarche, by=desk_officer, version=stale, subject="New subject")
    with pytest.raises(services.ConflictError):
        services.update_demarche(demarche, by=desk_officer, version=stale, subject="Other subject")


def test_adding_a_post_after_issue_gives_it_tasks_and_is_visible(issued, desk_officer):
    from cables.models import Post

    london = Post.objects.get(code="london")
    dpost = services.add_post(issued, london, by=desk_officer)
    assert dpost.added_after_issue
    assert sorted(issued.tasks.filter(post=london).values_list("kind", flat=True)) == sorted(
        [K.DELIVER_NON_PAPER, K.TALKING_POINTS, K.REPORT_BACK])
    assert issued.events.filter(action="post_added").exists()
    assert services.add_post(issued, london, by=desk_officer).pk == dpost.pk  # twice: same row


def test_removing_a_post_cancels_its_open_tasks_without_deleting(issued, desk_officer):
    dpost = issued.posts.get(post__code="cairo")
    services.remove_post(dpost, by=desk_officer, reason="Embassy closed")
    dpost.refresh_from_db()
    assert dpost.removed
    assert set(dpost.tasks.values_list("status", flat=True)) == {S.CANCELLED}
    assert dpost.tasks.count() == 3
    services.add_post(issued, dpost.post, by=desk_officer)
    assert set(dpost.tasks.values_list("status", flat=True)) == {S.OPEN}


def test_acknowledging_records_who_and_when_once(issued, abu_dhabi_staff):
    dpost = issued.posts.get(post__code="abu-dhabi")
    assert services.acknowledge(dpost, by=abu_dhabi_staff) is True
    dpost.refresh_from_db()
    first = dpost.acknowledged_at
    assert first and dpost.acknowledged_by == abu_dhabi_staff
    assert services.acknowledge(dpost, by=abu_dhabi_staff) is False
    dpost.refresh_from_db()
    assert dpost.acknowledged_at == first
    assert issued.events.filter(action="acknowledged").count() == 1


@pytest.mark.parametrize("step", ["delivered", "not_delivered", "reported"])
def test_a_post_that_records_a_step_has_acknowledged_its_tasking(issued, abu_dhabi_staff, step):
    dpost = issued.posts.get(post__code="abu-dhabi")
    if step == "delivered":
        task = task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER)
        services.record_delivery(task, by=abu_dhabi_staff, delivered_on=post_today(task.post), method="meeting")
    elif step == "not_delivered":
        services.mark_not_delivered(task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER), by=abu_dhabi_staff,
                                    reason="No appointment granted")
    else:
        services.submit_report(task_of(issued, "abu-dhabi", K.REPORT_BACK), by=abu_dhabi_staff, response="noted")
    dpost.refresh_from_db()
    assert dpost.acknowledged_at and dpost.acknowledged_by == abu_dhabi_staff
    assert issued.events.filter(action="acknowledged", changes__acknowledged=[None, "Abu Dhabi"]).count() == 1
    # A second step leaves the first acknowledgement as it was.
    first = dpost.acknowledged_at
    services.submit_report(task_of(issued, "abu-dhabi", K.REPORT_BACK), by=abu_dhabi_staff, response="welcomed")
    dpost.refresh_from_db()
    assert dpost.acknowledged_at == first and issued.events.filter(action="acknowledged").count() == 1


def test_a_desk_officer_recording_for_a_post_acknowledges_nothing(issued, desk_officer):
    task = task_of(issued, "cairo", K.DELIVER_NON_PAPER)
    services.record_delivery(task, by=desk_officer, delivered_on=post_today(task.post), method="meeting")
    assert issued.posts.get(post__code="cairo").acknowledged_at is None


def test_staff_cannot_acknowledge_for_another_post(issued, abu_dhabi_staff):
    with pytest.raises(PermissionDenied):
        services.acknowledge(issued.posts.get(post__code="cairo"), by=abu_dhabi_staff)


def test_bulk_actions_extend_reassign_and_acknowledge_with_reason(issued, desk_officer, abu_dhabi_staff):
    ids = list(issued.posts.filter(post__code__in=["abu-dhabi", "cairo"]).values_list("post_id", flat=True))
    later = issued.report_by + timedelta(days=7)
    assert services.bulk_extend(issued, post_ids=ids, by=desk_officer, report_by=later) == 2
    assert task_of(issued, "cairo", K.REPORT_BACK).due == later
    assert task_of(issued, "amman", K.REPORT_BACK).due == issued.report_by
    with pytest.raises(ValidationError):
        services.bulk_acknowledge(issued, post_ids=ids, by=desk_officer, reason="")
    assert services.bulk_acknowledge(issued, post_ids=ids, by=desk_officer, reason="Post confirmed by phone") == 2
    cairo = issued.posts.get(post__code="cairo")
    assert cairo.acknowledged_by == desk_officer and cairo.acknowledged_note == "Post confirmed by phone"
    ad_id = issued.posts.get(post__code="abu-dhabi").post_id
    assert services.bulk_reassign(issued, post_ids=[ad_id], officer=abu_dhabi_staff, by=desk_officer) == 1
    assert task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER).assigned_to == abu_dhabi_staff


@pytest.mark.parametrize(
    "values,field",
    [
        ({"delivered_on": None, "method": "meeting"}, "delivered_on"),
        ({"delivered_on": date(2009, 1, 20), "method": ""}, "delivered_on"),
        ({"delivered_on": date(2009, 1, 20), "method": "carrier pigeon"}, "method"),
        ({"delivered_on": date(2009, 1, 20), "method": "meeting", "response": "delighted"}, "response"),
    ],
)
def test_the_service_refuses_a_delivery_without_its_facts(deliver, abu_dhabi_staff, values, field):
    with pytest.raises(ValidationError) as refused:
        services.record_delivery(deliver, by=abu_dhabi_staff, **values)
    assert field in refused.value.message_dict
    deliver.refresh_from_db()
    assert (deliver.status, deliver.version) == (S.OPEN, 1)


def test_the_service_refuses_a_report_without_the_response(report, abu_dhabi_staff):
    with pytest.raises(ValidationError) as refused:
        services.submit_report(report, by=abu_dhabi_staff, response="")
    assert "response" in refused.value.message_dict
    assert not report.events.exists()


def test_the_dispatcher_calls_the_service_of_each_action_and_status(deliver, report, abu_dhabi_staff):
    assert services.action_for_status(deliver, "done") == "deliver"
    assert services.action_for_status(report, "done") == "report"
    assert services.action_for_status(report, "not_delivered") == "not_delivered"
    assert services.action_for_status(report, "open") == "reopen"
    services.act_on_task(report, "report", {"response": "noted", "reason": "ignored", "status": "done"},
                         by=abu_dhabi_staff, version=report.version)
    report.refresh_from_db()
    assert (report.status, report.response) == (S.DONE, "noted")
    assert not services.can_attempt(abu_dhabi_staff, report, "reopen")  # desk officers only
    with pytest.raises(ValueError):
        services.act_on_task(deliver, "delete", {}, by=abu_dhabi_staff)
