"""Reply cables that cite a demarche are attached to the answering post's report-back task, or left to confirm."""

import pytest
from django.core.exceptions import PermissionDenied

from outreach import services
from outreach.models import PostTask, ReplyMatch
from tests.outreach.seed import ingest_reply, task_of

K, S = PostTask.Kind, PostTask.Status


def test_the_reply_cable_parses_as_a_reply_from_abu_dhabi(db):
    cable = ingest_reply().cable
    assert cable.reference_id == "09ABUDHABI123"
    assert cable.parsed["references"] == ["09STATE4690"]
    assert cable.parsed["from"]["code"] == "abu-dhabi"


def test_a_reply_from_an_action_post_is_attached_to_its_report_back(issued):
    cable = ingest_reply().cable
    report = task_of(issued, "abu-dhabi", K.REPORT_BACK)
    assert (report.status, report.reply_cable, report.reply_reference_id) == (S.DONE, cable, "09ABUDHABI123")
    match = ReplyMatch.objects.get(demarche=issued, cable=cable)
    assert (match.state, match.task) == (ReplyMatch.State.ATTACHED, report)
    event = report.events.get(action="reply_attached")
    assert event.changes["reply_reference_id"] == ["", "09ABUDHABI123"]
    # Other tasks of the post stay as they were.
    assert task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER).status == S.OPEN


def test_matching_twice_changes_nothing(issued):
    cable = ingest_reply().cable
    events = issued.events.count()
    services.match_replies(cable)
    assert ReplyMatch.objects.filter(cable=cable).count() == 1
    assert issued.events.count() == events


def test_staff_can_still_add_the_response_details_after_the_match(issued, make_embassy_user):
    ingest_reply()
    staff = make_embassy_user("ad2", "abu-dhabi")
    report = task_of(issued, "abu-dhabi", K.REPORT_BACK)
    services.submit_report(report, by=staff, version=report.version, response="welcomed",
                           response_text="The UAE will study adherence.")
    report.refresh_from_db()
    assert (report.status, report.response, report.reply_reference_id) == (S.DONE, "welcomed", "09ABUDHABI123")


def test_hong_kongs_two_report_backs_make_the_match_pending(issued, desk_officer):
    cable = ingest_reply(station="HONG KONG", sender="AMCONSUL HONG KONG", routing="RUEHHK", number=77).cable
    match = ReplyMatch.objects.get(cable=cable)
    assert match.state == ReplyMatch.State.PENDING and match.task is None
    assert "several report-back tasks" in match.reason
    assert set(issued.tasks.filter(post__code="hong-kong", kind=K.REPORT_BACK).values_list("status", flat=True)) \
        == {S.OPEN}
    macau = task_of(issued, "hong-kong", K.REPORT_BACK, "Macau")
    services.confirm_reply(match, task=macau, by=desk_officer)
    macau.refresh_from_db()
    match.refresh_from_db()
    assert (macau.status, macau.reply_cable) == (S.DONE, cable)
    assert (match.state, match.task, match.decided_by) == (ReplyMatch.State.ATTACHED, macau, desk_officer)
    assert task_of(issued, "hong-kong", K.REPORT_BACK).status == S.OPEN


def test_a_reply_from_a_post_that_was_not_tasked_waits_for_a_person(issued, desk_officer):
    cable = ingest_reply(station="LONDON", routing="RUEHLO", number=55).cable
    match = ReplyMatch.objects.get(cable=cable)
    assert match.state == ReplyMatch.State.PENDING
    assert "not an action post" in match.reason
    assert not issued.tasks.filter(reply_cable=cable).exists()
    services.reject_reply(match, by=desk_officer, reason="London only copied the reply")
    match.refresh_from_db()
    assert match.state == ReplyMatch.State.REJECTED


def test_embassy_staff_cannot_decide_a_pending_reply(issued, make_embassy_user):
    cable = ingest_reply(station="LONDON", routing="RUEHLO", number=55).cable
    staff = make_embassy_user("ldn", "london")
    with pytest.raises(PermissionDenied):
        services.reject_reply(ReplyMatch.objects.get(cable=cable), by=staff)


def test_a_reply_ingested_before_the_demarche_is_issued_is_matched_later(demarche, desk_officer):
    cable = ingest_reply().cable
    assert not ReplyMatch.objects.exists()  # drafts are not matched: posts have not been tasked yet
    services.issue_demarche(demarche, by=desk_officer)
    services.match_replies(cable)
    assert task_of(demarche, "abu-dhabi", K.REPORT_BACK).reply_cable == cable


def test_a_cable_citing_nothing_we_track_matches_nothing(issued):
    cable = ingest_reply(ref="08 STATE 129729").cable
    assert services.match_replies(cable) == []
    assert not ReplyMatch.objects.exists()


def test_the_real_kuwait_reply_is_matched_to_its_demarche(db, desk_officer):
    from cables.services import ingest_cable
    from tests.conftest import read_cable

    request = ingest_cable(read_cable("10STATE9124.txt")).cable
    # It tasks the EU collective's members: the desk officer confirms the post list before issuing.
    draft = services.confirm_posts(services.create_demarche(request, by=desk_officer), by=desk_officer)
    demarche = services.issue_demarche(draft, by=desk_officer)
    reply = services.receive_cable(read_cable("10KUWAIT88.txt")).cable
    assert "10STATE9124" in reply.parsed["references"]
    match = ReplyMatch.objects.get(cable=reply, demarche=demarche)
    assert match.state == ReplyMatch.State.ATTACHED
    assert task_of(demarche, "kuwait", K.REPORT_BACK).reply_cable == reply


def test_storing_a_cable_only_stores_it_and_receiving_it_attaches_the_reply(issued):
    from cables.services import ingest_cable
    from tests.outreach.seed import reply_cable_text

    stored = ingest_cable(reply_cable_text(number=124)).cable
    assert not ReplyMatch.objects.filter(cable=stored).exists()  # cables knows nothing of demarches
    received = services.receive_cable(reply_cable_text(number=125))
    assert received.outcome == "created"
    assert ReplyMatch.objects.get(cable=received.cable).state == ReplyMatch.State.ATTACHED
    assert services.receive_cable(reply_cable_text(number=125)).outcome == "unchanged"
    assert ReplyMatch.objects.filter(cable=received.cable).count() == 1


def test_the_ingest_page_and_the_command_receive_a_reply(issued, client, desk_officer, tmp_path):
    from django.core.management import call_command
    from django.urls import reverse

    from tests.outreach.seed import reply_cable_text

    client.force_login(desk_officer)
    response = client.post(reverse("outreach:cable_ingest"), {"text": reply_cable_text()})
    assert response.status_code == 302
    assert task_of(issued, "abu-dhabi", K.REPORT_BACK).reply_cable.reference_id == "09ABUDHABI123"
    path = tmp_path / "reply.txt"
    path.write_text(reply_cable_text(station="HONG KONG", routing="RUEHHK", number=7), encoding="utf-8")
    call_command("ingest_cable", str(path), stdout=__import__("io").StringIO())
    match = ReplyMatch.objects.get(cable__reference_id="09HONGKONG7")
    assert match.state == ReplyMatch.State.PENDING  # Hong Kong reports for two audiences: a person chooses


def test_a_failure_to_match_never_loses_the_cable(issued, monkeypatch):
    from outreach.services import replies
    from tests.outreach.seed import reply_cable_text

    def broken(cable):
        raise RuntimeError("matching is down")

    monkeypatch.setattr(replies, "match_replies", broken)
    result = services.receive_cable(reply_cable_text())
    assert result.outcome == "created" and result.cable.pk
    assert not ReplyMatch.objects.exists()
