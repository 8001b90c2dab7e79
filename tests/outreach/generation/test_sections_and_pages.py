"""Letters, background sections, collectives and report dates as the generator plans them and the pages show them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from outreach.models import PostTask
from outreach.services import create_demarche, issue_demarche, plan_tasks, redact_for
from tests.outreach.seed import task_of

K = PostTask.Kind


def _demarche_of(name, desk_officer):
    from cables.services import ingest_cable
    from tests.conftest import read_cable

    return create_demarche(ingest_cable(read_cable(name), filename=name.split("/")[-1]).cable, by=desk_officer)


def _parse(**request):
    """A parse of the shape cables.parser gives (docs/contract.md), reduced to what generation reads."""
    return {
        "reference_id": "10STATE99999",
        "action_addressees": [{"code": "riyadh", "kind": "embassy"}, {"code": "kuwait", "kind": "embassy"}],
        "paragraphs": [{"number": 3, "marking": "C"}, {"number": 4, "marking": "S/NF"}],
        "action_request": {"paragraph": 2, "kind": "demarche", "non_paper_paragraphs": [3],
                           "talking_point_paragraphs": [4, 5], **request},
        "non_papers": [{"paragraph": 3, "kind": "letter", "title": "Begin Letter", "marking": "C/REL SAU",
                        "text": "Your Royal Highness, ...", "releasable_to": ["SAU"]}],
        "talking_points": [
            {"paragraph": 4, "code": "riyadh", "post": "Riyadh", "marking": "S/NF", "heading": "Background",
             "conditional": False, "background": True, "releasable_to": ["SAU"], "points": [{"text": "Not for them."}]},
            {"paragraph": 5, "code": None, "post": None, "marking": "C", "heading": "IF ASKED",
             "conditional": True, "background": False, "releasable_to": [], "points": [{"text": "Only if asked."}]},
        ],
    }


def test_a_letter_is_delivered_with_its_text_and_marking(db):
    from cables.models import Post

    plans = plan_tasks(_parse(), [Post.objects.get(code="riyadh")])
    deliver = plans[0]
    assert deliver.kind == K.DELIVER_NON_PAPER
    assert deliver.instruction.startswith("Deliver the letter in paragraph 3 ")
    assert (deliver.text, deliver.text_kind, deliver.marking) == ("Your Royal Highness, ...", "letter", "C/REL SAU")
    assert PostTask(kind=K.DELIVER_NON_PAPER, text_kind="letter").title == "Deliver the letter"


def test_a_background_section_is_its_posts_alone_and_never_points_to_make(db):
    from cables.models import Post

    riyadh, kuwait = Post.objects.get(code="riyadh"), Post.objects.get(code="kuwait")
    plans = plan_tasks(_parse(), [riyadh, kuwait])
    points = {p.post.code: p for p in plans if p.kind == K.TALKING_POINTS}
    assert [s["background"] for s in points["riyadh"].sections] == [False, True]
    background = points["riyadh"].sections[1]
    assert (background["marking"], background["releasable_to"]) == ("S/NF", [])
    assert all("Not for them" not in p["text"] for p in points["riyadh"].talking_points)
    assert points["riyadh"].talking_points == [{"text": "Only if asked.", "conditional": True}]
    assert not any(s["background"] for s in points["kuwait"].sections)


def test_a_department_action_or_guidance_tasks_no_post(db):
    from cables.models import Post

    posts = [Post.objects.get(code="riyadh")]
    assert plan_tasks(_parse(kind="department", department_action=True), posts) == []
    assert plan_tasks(_parse(kind="guidance"), posts) == []


def test_embassy_staff_see_their_background_and_another_post_gets_404(client, desk_officer, make_embassy_user):
    demarche = issue_demarche(_demarche_of("state/09STATE99488.txt", desk_officer), by=desk_officer)
    task = task_of(demarche, "bogota", K.REPORT_BACK)
    client.force_login(make_embassy_user("bogota-staff", "bogota"))
    page = client.get(reverse("outreach:task_detail", args=[task.pk])).content.decode()
    assert "Background for Bogota, not for delivery (paragraph 4)" in page
    assert "Answer these questions" in page
    client.force_login(make_embassy_user("lima-staff", "lima"))
    assert client.get(reverse("outreach:task_detail", args=[task.pk])).status_code == 404
    assert client.get(reverse("api:task-detail", args=[task.pk])).status_code == 404


def test_staff_get_the_sections_releasable_to_their_host_and_no_other(desk_officer, make_embassy_user):
    from cables.models import Post

    demarche = _demarche_of("09STATE131801.txt", desk_officer)
    riyadh = task_of(demarche, "riyadh", K.TALKING_POINTS)
    [redacted] = redact_for(make_embassy_user("riyadh-staff", "riyadh"), [PostTask.objects.get(pk=riyadh.pk)])
    # Paras 5-6 carry no REL; para 8 is REL USA, SAU: all three are Riyadh's to make. Para 7 (S/NF) is
    # Riyadh's background: shown to its staff as such, never as points.
    assert [(s["paragraph"], s.get("withheld")) for s in redacted.sections if not s["background"]] == [
        (5, False), (6, False), (8, False)]
    assert [(s["paragraph"], s["marking"]) for s in redacted.sections if s["background"]] == [(7, "S/NF")]
    assert redacted.talking_points == riyadh.talking_points and not redacted.points_withheld

    kuwait = Post.objects.get(code="kuwait")
    sections = [dict(s, releasable_to=["SAU"]) for s in riyadh.sections if not s["background"]]
    [other] = redact_for(make_embassy_user("kuwait-staff", "kuwait"), [PostTask(post=kuwait, sections=sections)])
    assert [s["withheld"] for s in other.sections] == [True, True, True]
    assert other.talking_points == [] and other.points_withheld
    assert all(s["points"] == [] for s in other.sections)


def test_the_draft_page_shows_the_expansion_the_source_of_the_date_and_confirms(client, desk_officer):
    demarche = _demarche_of("state/09STATE67207.txt", desk_officer)
    client.force_login(desk_officer)
    page = client.get(demarche.get_absolute_url()).content.decode()
    assert "AUSTRALIA GROUP COLLECTIVE" in page and "membership as of" in page
    assert "Report date from paragraph 4 of the cable" in page
    assert "Confirm the post list" in page and "Issue to posts" not in page
    response = client.post(reverse("outreach:demarche_confirm_posts", args=[demarche.reference_id]))
    assert response.status_code == 302
    page = client.get(demarche.get_absolute_url()).content.decode()
    assert "Issue to posts" in page and "Post list confirmed" in page


@pytest.mark.parametrize("name", ["generation/08LONDON1115.txt", "state/08STATE43817.txt"])
def test_a_cable_that_tasks_no_post_says_why_in_the_draft(client, desk_officer, name):
    demarche = _demarche_of(name, desk_officer)
    assert not demarche.posts.exists() and not demarche.tasks.exists()
    client.force_login(desk_officer)
    page = client.get(demarche.get_absolute_url()).content.decode()
    assert "no post is tasked" in page
    assert "This demarche has no posts" in page


def test_points_a_desk_officer_edits_replace_the_cables_sections(desk_officer):
    from outreach.services import update_task

    demarche_131801 = _demarche_of("09STATE131801.txt", desk_officer)
    task = task_of(demarche_131801, "riyadh", K.TALKING_POINTS)
    edited = [{"text": "Only this point.", "conditional": False}]
    update_task(task, by=desk_officer, version=task.version, talking_points=edited)
    task.refresh_from_db()
    assert [s["points"] for s in task.sections if not s["background"]] == [edited] and task.talking_points == edited
    assert [s["paragraph"] for s in task.sections if s["background"]] == [7]  # Riyadh's S/NF background stays


def test_each_post_hands_over_only_the_non_paper_bullets_released_to_its_host(db):
    """08STATE79112: the non-paper is REL seven hosts, but bullet 1 is REL CHINA only, bullet 2 REL all
    but China, bullet 3 REL Afghanistan, Kazakhstan and Tajikistan (para 7 says the same in words)."""
    from cables.models import Post
    from cables.parser import parse
    from tests.conftest import read_cable

    parsed = parse(read_cable("08STATE79112.txt")).to_dict()
    posts = [Post.objects.get(code=code) for code in ("beijing", "kabul", "bishkek")]
    texts = {p.post.code: p.text for p in plan_tasks(parsed, posts) if p.kind == K.DELIVER_NON_PAPER}
    china_only = "(S//REL CHINA) We would like to raise"
    all_but_china = "In the spirit of our cooperation under the Proliferation Security Initiative"
    three_hosts = "While our current information indicates that this flight will not cross"
    common = "We are concerned that this chartered, round-trip passenger flight"
    assert china_only in texts["beijing"] and all_but_china not in texts["beijing"]
    assert three_hosts not in texts["beijing"] and common in texts["beijing"]
    assert china_only not in texts["kabul"] and all_but_china in texts["kabul"] and three_hosts in texts["kabul"]
    assert all_but_china in texts["bishkek"] and three_hosts not in texts["bishkek"] and common in texts["bishkek"]
    assert texts["bishkek"].count("\n-- ") == 7  # ten bullets, less the two not released to Kyrgyzstan
