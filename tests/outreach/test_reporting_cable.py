"""The reporting cable, drafted from the task: telegram form, parsed by our parser, attached to its task."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cables.parser import parse
from outreach import services
from outreach.models import PostTask, ReplyMatch
from outreach.services.bounds import post_today
from outreach.services.reporting import draft_reply

from .seed import task_of

pytestmark = pytest.mark.django_db
K, S = PostTask.Kind, PostTask.Status


def deliver_and_report(issued, staff, code, audience=""):
    deliver = task_of(issued, code, K.DELIVER_NON_PAPER, audience)
    services.record_delivery(deliver, by=staff, delivered_on=post_today(deliver.post), method="meeting",
                             officials=[{"name": "Dr. Lee", "title": "Director", "ministry": "Foreign Affairs"}])
    report = task_of(issued, code, K.REPORT_BACK, audience)
    services.submit_report(report, by=staff, response="noted",
                           response_text="The authorities will study the non-paper carefully.")
    report.refresh_from_db()
    return report


def test_the_draft_is_a_telegram_from_the_post_citing_the_instruction(issued, abu_dhabi_staff):
    report = deliver_and_report(issued, abu_dhabi_staff, "abu-dhabi")

    text = draft_reply(report)
    parsed = parse(text).to_dict()

    assert text.splitlines()[0] == "CONFIDENTIAL"
    assert "FM AMEMBASSY ABU DHABI" in text and "TO SECSTATE WASHDC" in text
    assert parsed["from"]["code"] == "abu-dhabi"
    assert parsed["references"][0] == "09STATE4690"
    assert parsed["tags"] == (issued.cable.parsed or {}).get("tags")
    assert parsed["subject"].startswith("DEMARCHE DELIVERED TO UNITED ARAB EMIRATES: MISSILE TECHNOLOGY")
    assert parsed["classification"] == "CONFIDENTIAL"
    texts = [p["text"] for p in parsed["paragraphs"]]
    assert {p["marking"] for p in parsed["paragraphs"]} == {"C"}
    assert "delivered the non-paper (REF paragraph 3) by meeting to Dr. Lee, Director (Foreign Affairs)" in " ".join(
        texts).replace("\n", " ")
    assert any(t.startswith("RESPONSE: Noted. In their words: The authorities will study") for t in texts)
    assert any(t.startswith("COMMENT:") for t in texts)


def test_the_seed_draft_round_trips_and_attaches_to_its_task(issued, abu_dhabi_staff):
    report = task_of(issued, "abu-dhabi", K.REPORT_BACK)
    deliver = task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER)
    services.record_delivery(deliver, by=abu_dhabi_staff, delivered_on=post_today(deliver.post), method="meeting")

    result = services.receive_cable(draft_reply(report), filename="reply.txt")

    report.refresh_from_db()
    assert result.outcome == "created"
    assert report.reply_cable == result.cable and report.status == S.DONE
    assert ReplyMatch.objects.get(cable=result.cable).state == ReplyMatch.State.ATTACHED


@pytest.mark.parametrize("audience", ["", "Macau"])
def test_a_post_with_two_audiences_gets_each_reply_on_the_right_task(issued, hong_kong_staff, audience):
    report = deliver_and_report(issued, hong_kong_staff, "hong-kong", audience)
    other = task_of(issued, "hong-kong", K.REPORT_BACK, "" if audience else "Macau")

    result = services.receive_cable(draft_reply(report), filename="reply.txt")

    report.refresh_from_db()
    other.refresh_from_db()
    assert report.reply_cable == result.cable
    assert other.reply_cable is None
    assert ReplyMatch.objects.get(cable=result.cable).task == report


def test_a_later_draft_cites_the_posts_earlier_reply(issued, abu_dhabi_staff):
    report = deliver_and_report(issued, abu_dhabi_staff, "abu-dhabi")
    first = services.receive_cable(draft_reply(report), filename="reply.txt").cable

    again = parse(draft_reply(report, now=timezone.now().replace(year=2027))).to_dict()

    assert again["references"][:2] == ["09STATE4690", first.reference_id]


def test_the_task_page_shows_the_draft_and_offers_it_as_text(client, issued, abu_dhabi_staff, make_embassy_user):
    report = deliver_and_report(issued, abu_dhabi_staff, "abu-dhabi")
    client.force_login(abu_dhabi_staff)

    page = client.get(report.get_absolute_url()).content.decode()
    download = client.get(reverse("outreach:reporting_cable", args=[report.pk]))
    client.force_login(make_embassy_user("cairo-staff", "cairo"))

    assert "Your reporting cable, drafted" in page and "FM AMEMBASSY ABU DHABI" in page
    assert download.status_code == 200 and download["Content-Type"].startswith("text/plain")
    assert parse(download.content.decode()).to_dict()["from"]["code"] == "abu-dhabi"
    assert client.get(reverse("outreach:reporting_cable", args=[report.pk])).status_code == 404


def test_a_hyphenated_word_is_never_split_across_lines(issued, abu_dhabi_staff):
    report = deliver_and_report(issued, abu_dhabi_staff, "abu-dhabi")
    words = "The Minister of State said the non-paper was well-timed and the follow-up well-received. " * 4
    PostTask.objects.filter(pk=report.pk).update(response_text=words)
    report.refresh_from_db()

    text = draft_reply(report)
    response = next(p["text"] for p in parse(text).to_dict()["paragraphs"] if p["text"].startswith("RESPONSE:"))

    assert not any(line.endswith("-") for line in text.splitlines())
    assert " ".join(response.split()).count("non-paper was well-timed and the follow-up well-received") == 4
