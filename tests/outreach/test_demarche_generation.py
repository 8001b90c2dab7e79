"""The seed cable 09STATE4690 becomes a draft demarche with exactly the tasks the cable asks for."""

import json
from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from outreach.models import Demarche, DemarchePost, PostTask, TaskEvent
from outreach.services import create_demarche, draft_flags
from tests.outreach.seed import task_of

K = PostTask.Kind
WITH_POINTS = ["abu-dhabi", "ait-taipei", "astana", "amman", "bangkok", "beijing", "bratislava",
               "bucharest", "cairo", "islamabad", "kuala-lumpur"]
WITHOUT_POINTS = ["budapest", "kuwait", "ljubljana", "manama", "new-delhi", "nicosia", "panama-city", "riga",
                  "riyadh", "santiago", "singapore", "tallinn", "tel-aviv", "valletta", "vilnius", "zagreb",
                  "tripoli"]


def kinds(demarche, code, audience=""):
    return Counter(demarche.tasks.filter(post__code=code, audience=audience).values_list("kind", flat=True))


def test_it_tasks_every_action_post_and_no_info_addressee(demarche):
    codes = set(demarche.posts.values_list("post__code", flat=True))
    assert codes == set(WITH_POINTS) | set(WITHOUT_POINTS) | {"canberra", "hong-kong"}
    assert len(codes) == 30
    assert demarche.state == Demarche.State.DRAFT
    # Canberra shares the non-paper with the MTCR Chair instead: no delivery and no points of its own.
    assert demarche.tasks.count() == 92


@pytest.mark.parametrize("code", WITH_POINTS)
def test_it_gives_posts_with_points_delivery_points_and_report(demarche, code):
    assert kinds(demarche, code) == {K.DELIVER_NON_PAPER: 1, K.TALKING_POINTS: 1, K.REPORT_BACK: 1}
    points = task_of(demarche, code, K.TALKING_POINTS)
    assert points.talking_points and not points.needs_attention


@pytest.mark.parametrize("code", WITHOUT_POINTS)
def test_it_flags_action_posts_the_cable_gives_no_points(demarche, code):
    assert kinds(demarche, code) == {K.DELIVER_NON_PAPER: 1, K.TALKING_POINTS: 1, K.REPORT_BACK: 1}
    points = task_of(demarche, code, K.TALKING_POINTS)
    assert points.talking_points == []
    assert points.needs_attention
    assert "no post-specific talking points" in points.instruction


def test_it_gives_canberra_the_special_instruction_and_no_delivery(demarche):
    assert kinds(demarche, "canberra") == {K.SPECIAL: 1, K.REPORT_BACK: 1}
    special = task_of(demarche, "canberra", K.SPECIAL)
    assert "Australian MTCR Chair" in special.instruction
    assert special.due == demarche.deliver_by


def test_it_gives_hong_kong_separate_tasks_for_hong_kong_and_macau(demarche):
    assert set(demarche.tasks.filter(post__code="hong-kong").values_list("audience", flat=True)) == {"", "Macau"}
    for audience in ("", "Macau"):
        assert kinds(demarche, "hong-kong", audience) == {K.DELIVER_NON_PAPER: 1, K.TALKING_POINTS: 1,
                                                          K.REPORT_BACK: 1}
    host, macau = task_of(demarche, "hong-kong", K.TALKING_POINTS), task_of(demarche, "hong-kong",
                                                                             K.TALKING_POINTS, "Macau")
    assert host.tp_paragraph == 13 and macau.tp_paragraph == 14
    assert "keep Hong Kong informed" in host.talking_points[0]["text"]
    assert "Macau can make" in macau.talking_points[1]["text"]
    assert [r.upper() for r in macau.releasable_to] == ["MACAU"]


def test_it_carries_each_posts_own_points_with_conditionals(demarche):
    bratislava = task_of(demarche, "bratislava", K.TALKING_POINTS)
    assert bratislava.tp_paragraph == 10
    assert len(bratislava.talking_points) == 5
    assert [p["conditional"] for p in bratislava.talking_points] == [False, False, False, True, False]
    assert "Slovak Republic's membership" in bratislava.talking_points[3]["text"]
    assert len(task_of(demarche, "kuala-lumpur", K.TALKING_POINTS).talking_points) == 2


def test_no_spliced_quetta_text_reaches_any_task(demarche):
    for task in demarche.tasks.all():
        blob = json.dumps([task.instruction, task.talking_points, task.needs_attention]).lower()
        for word in ("quetta", "taliban", "baloch", "fakan"):
            assert word not in blob, (task, word)


def test_it_counts_due_dates_from_today_by_kind(demarche, settings):
    today = timezone.localdate()
    assert demarche.deliver_by == today + timedelta(days=settings.DEMARCHE_DELIVER_WITHIN_DAYS)
    assert demarche.report_by == today + timedelta(days=settings.DEMARCHE_REPORT_WITHIN_DAYS)
    assert set(demarche.tasks.filter(kind=K.REPORT_BACK).values_list("due", flat=True)) == {demarche.report_by}
    assert set(demarche.tasks.exclude(kind=K.REPORT_BACK).values_list("due", flat=True)) == {demarche.deliver_by}


def test_creating_twice_duplicates_nothing(demarche, seed_cable, desk_officer):
    counts = (Demarche.objects.count(), DemarchePost.objects.count(), PostTask.objects.count(),
              TaskEvent.objects.count())
    again = create_demarche(seed_cable, by=desk_officer)
    assert again.pk == demarche.pk
    assert (Demarche.objects.count(), DemarchePost.objects.count(), PostTask.objects.count(),
            TaskEvent.objects.count()) == counts


def test_it_records_the_creation_in_history(demarche, desk_officer):
    event = demarche.events.get(action="created")
    assert event.actor == desk_officer


def test_draft_flags_show_the_splice_to_the_desk_officer(demarche):
    flags = " ".join(draft_flags(demarche))
    assert "spliced" in flags


def test_a_cable_without_an_action_request_makes_no_demarche(db, desk_officer):
    from cables.services import ingest_cable
    from tests.conftest import read_cable

    cable = ingest_cable(read_cable("10KUWAIT88.txt")).cable
    with pytest.raises(ValidationError):
        create_demarche(cable, by=desk_officer)
    assert not Demarche.objects.exists()


def _demarche_of(name, desk_officer):
    from cables.services import ingest_cable
    from tests.conftest import read_cable

    return create_demarche(ingest_cable(read_cable(name)).cable, by=desk_officer)


def test_a_known_collective_is_tasked_through_its_members_and_an_unknown_one_is_flagged(db, desk_officer):
    from cables.models import Collective

    demarche = _demarche_of("10STATE9124.txt", desk_officer)
    eu = set(Collective.objects.get(key="eu-member-states").members.values_list("code", flat=True))
    assert eu <= set(demarche.posts.values_list("post__code", flat=True))
    assert demarche.posts.count() == len(eu | {"useu-brussels"}) + 14
    flags = " ".join(draft_flags(demarche))
    assert "IAEA MEMBER STATES COLLECTIVE is a collective the collectives table does not know" in flags
    assert f"EU MEMBER STATES COLLECTIVE is tasked through its {len(eu)} member posts" in flags
    assert [c["key"] for c in demarche.collectives] == [None, "eu-member-states"]
    points = task_of(demarche, "kuwait", K.TALKING_POINTS)
    # 41 general points: the 42nd is "FOR EU MEMBER STATES, USEU, AND TOKYO ONLY", not for Kuwait (parser 1.2)
    assert len(points.talking_points) == 41 and not points.needs_attention


def test_a_collective_draft_is_issued_only_after_the_desk_officer_confirms_its_posts(db, desk_officer):
    from outreach.services import confirm_posts, issue_demarche

    demarche = _demarche_of("10STATE4108.txt", desk_officer)
    assert demarche.needs_post_confirmation
    with pytest.raises(ValidationError, match="Confirm the post list"):
        issue_demarche(demarche, by=desk_officer)
    confirm_posts(demarche, by=desk_officer)
    confirm_posts(demarche, by=desk_officer)
    assert demarche.events.filter(action="posts_confirmed").count() == 1
    assert issue_demarche(demarche, by=desk_officer).state == Demarche.State.ISSUED


def test_a_cable_without_talking_points_gets_report_tasks_for_an_information_request(db, desk_officer):
    demarche = _demarche_of("09STATE15113.txt", desk_officer)
    assert demarche.posts.filter(post__code="tripoli").exists()
    assert set(demarche.tasks.values_list("kind", flat=True)) == {K.REPORT_BACK}
    assert "ALL DIPLOMATIC POSTS COLLECTIVE" in " ".join(draft_flags(demarche)).upper()


def test_the_report_date_a_cable_gives_is_the_due_date_and_says_where_it_came_from(db, desk_officer):
    from datetime import date

    demarche = _demarche_of("09STATE131801.txt", desk_officer)
    assert demarche.report_by == date(2010, 1, 19)
    assert demarche.report_by_source.startswith("from paragraph 16 of the cable")
    assert set(demarche.tasks.filter(kind=K.REPORT_BACK).values_list("due", flat=True)) == {date(2010, 1, 19)}


def test_general_and_country_points_both_apply(db, desk_officer):
    demarche = _demarche_of("09STATE131801.txt", desk_officer)
    riyadh = task_of(demarche, "riyadh", K.TALKING_POINTS)
    assert [s["paragraph"] for s in riyadh.sections if not s.get("background")] == [5, 6, 8]
    # Para 7 (S/NF) is Riyadh's background: shown apart, never among the points to make.
    assert [s["paragraph"] for s in riyadh.sections if s.get("background")] == [7]
    assert riyadh.tp_paragraph == 8
    assert "paragraphs 5, 6 and 8" in riyadh.instruction
    assert any("Saudi" in p["text"] for p in riyadh.talking_points)
    assert not any("Kuwaiti" in p["text"] for p in riyadh.talking_points)


def test_every_parser_warning_shows_in_the_draft(db, desk_officer):
    demarche = _demarche_of("09STATE122950.txt", desk_officer)
    flags = draft_flags(demarche)
    assert any("paragraph 4" in f and "does not hold what it announces" in f for f in flags)


def test_a_cable_without_non_paper_or_points_tasks_the_action_itself(db):
    from cables.models import Post
    from outreach.services import plan_tasks

    parsed = {
        "reference_id": "10STATE99999",
        "action_request": {"paragraph": 4, "requests": ["urge the host government to vote yes"]},
        "non_papers": [], "talking_points": [],
    }
    plans = plan_tasks(parsed, [Post.objects.get(code="riyadh")])

    assert [p.kind for p in plans] == [K.SPECIAL, K.REPORT_BACK]
    assert plans[0].instruction == (
        "Carry out the action request in paragraph 4: urge the host government to vote yes."
    )

def test_tasks_that_meet_officials_carry_the_level_the_cable_asks_for(db, desk_officer):
    demarche = _demarche_of("09STATE72112.txt", desk_officer)

    levels = dict(demarche.tasks.values_list("kind", "requested_level"))
    assert levels[K.REPORT_BACK] == ""
    assert {v for k, v in levels.items() if k != K.REPORT_BACK} == {"highest appropriate level"}
