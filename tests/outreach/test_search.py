"""Search (/search/): what each role finds, on PostgreSQL (full text) and SQLite (word match) alike.

The access tests search, as each role, for words that occur only in text the role may not read: another
post's reported response and talking points, points not releasable to the post's host, the demarche's
own instructions, a NOFORN paragraph, a reply cable, and a draft. They must find nothing.
"""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cables.models import Post
from outreach.models import PostTask
from outreach.search import services
from outreach.search.query import MAX_QUERY_CHARS, SearchRequest
from tests.conftest import read_cable
from tests.outreach.seed import ingest_reply, task_of

K = PostTask.Kind


def found(user, q: str, **filters) -> dict[str, list[str]]:
    """The titles found per kind."""
    return {s.kind: [h.title for h in s.hits] for s in services.search(user, SearchRequest(q=q, **filters))}


def withhold(task) -> None:
    """Make a task's talking points releasable to Jordan only, as a cable marks them."""
    PostTask.objects.filter(pk=task.pk).update(
        releasable_to=["JORDAN"], sections=[dict(s, releasable_to=["JORDAN"]) for s in task.sections])


def nothing(result: dict) -> bool:
    return all(not titles for titles in result.values())


@pytest.fixture
def users(desk_officer, manager, abu_dhabi_staff, hong_kong_staff):
    return {"desk": desk_officer, "manager": manager, "abu_dhabi": abu_dhabi_staff, "hong_kong": hong_kong_staff}


@pytest.fixture
def reported(issued, users):
    """Abu Dhabi and Hong Kong each recorded a response in their own words."""
    for code, words in (("abu-dhabi", "The minister was gruntled"), ("hong-kong", "Officials sounded zephyrine")):
        PostTask.objects.filter(pk=task_of(issued, code, K.REPORT_BACK).pk).update(response_text=words)
    return issued


# ---------------------------------------------------------------- access, as each role


@pytest.mark.parametrize("role,sees", [("desk", True), ("manager", True), ("abu_dhabi", False), ("hong_kong", True)])
def test_another_posts_response_is_found_only_by_its_post_and_readers_of_all(users, reported, role, sees):
    result = found(users[role], "zephyrine")
    assert bool(result["tasks"]) is sees
    assert result["tasks"] in ([], ["Report back: Hong Kong"])


@pytest.mark.parametrize("role,sees", [("desk", True), ("manager", True), ("abu_dhabi", True), ("hong_kong", False)])
def test_another_posts_talking_points_are_not_found(users, issued, role, sees):
    # "UAE" occurs only in Abu Dhabi's talking points (paragraph 4 of the seed cable) among the tasks.
    assert PostTask.objects.filter(talking_points__icontains="UAE").exclude(post__code="abu-dhabi").count() == 0
    assert bool(found(users[role], "UAE").get("tasks")) is sees


def test_points_not_releasable_to_the_host_are_not_found_by_its_staff(users, issued):
    task = task_of(issued, "abu-dhabi", K.TALKING_POINTS)
    assert found(users["abu_dhabi"], "UAE")["tasks"] == ["Make the talking points: Abu Dhabi"]
    withhold(task)
    assert found(users["abu_dhabi"], "UAE") == {"tasks": []}
    assert found(users["abu_dhabi"], "UAE nonproliferation") == {"tasks": []}
    assert found(users["desk"], "UAE")["tasks"] == ["Make the talking points: Abu Dhabi"]


def test_withheld_points_never_reach_a_snippet(client, users, issued):
    task = task_of(issued, "abu-dhabi", K.TALKING_POINTS)
    withhold(task)
    client.force_login(users["abu_dhabi"])
    page = client.get(reverse("search"), {"q": "paragraph 4"}).content.decode()
    assert "Make the talking points: Abu Dhabi" in page  # found by its instruction...
    assert "nonproliferation" not in page and "UAE" not in page  # ...but shown without its points


@pytest.mark.parametrize("role", ["abu_dhabi", "hong_kong"])
def test_staff_find_nothing_of_the_cable_or_the_demarches_instructions(users, issued, role):
    # "reftels" is in the action request (the demarche's instructions and the cable), in no task.
    assert "reftels" in issued.instructions
    assert not PostTask.objects.filter(instruction__icontains="reftels").exists()
    assert found(users[role], "reftels") == {"tasks": []}
    assert found(users["desk"], "reftels")["demarches"] == [f"09STATE4690: {issued.subject}"]


def test_staff_never_find_a_noforn_paragraph(users, make_embassy_user, desk_officer):
    from outreach.services import create_demarche, issue_demarche, receive_cable

    cable = receive_cable(read_cable("09STATE14070.txt"), filename="09STATE14070.txt").cable
    issue_demarche(create_demarche(cable, by=desk_officer), by=desk_officer)
    paragraphs = cable.parsed["paragraphs"]
    # "Kolomna" (where the Igla-S is made) is in the NOFORN paragraphs only.
    assert "Kolomna" in " ".join(p["text"] for p in paragraphs if "NF" in p["marking"])
    assert "Kolomna" not in " ".join(p["text"] for p in paragraphs if "NF" not in p["marking"]) + cable.subject
    moscow = make_embassy_user("moscow-staff", "moscow")
    assert found(moscow, "Igla")["tasks"]  # the subject, which the task page shows, finds Moscow's tasks
    assert found(moscow, "Kolomna") == {"tasks": []}
    assert found(desk_officer, "Kolomna")["cables"] == [f"09STATE14070: {cable.subject}"]


@pytest.mark.parametrize("role,sees", [("desk", True), ("manager", True), ("abu_dhabi", False)])
def test_a_reply_cable_is_found_by_readers_of_cables_only(users, issued, role, sees):
    reply = ingest_reply().cable
    assert "unstoppable" in reply.raw_text
    result = found(users[role], "unstoppable")
    assert bool(result.get("cables")) is sees and not result.get("tasks")


def test_a_reply_cable_says_which_demarche_and_post_it_answers(client, users, issued):
    ingest_reply()
    client.force_login(users["desk"])
    page = client.get(reverse("search"), {"q": "unstoppable", "post": "abu-dhabi"}).content.decode()
    assert "reply to 09STATE4690 from Abu Dhabi" in page


@pytest.mark.parametrize("role,sees", [("desk", True), ("manager", True), ("abu_dhabi", False)])
def test_drafts_stay_hidden_from_posts(users, demarche, role, sees):
    result = found(users[role], "MTCR plenary")
    assert nothing(result) is not sees


def test_staff_may_not_ask_for_cables_or_demarches(client, users, issued):
    client.force_login(users["abu_dhabi"])
    assert client.get(reverse("search"), {"q": "MTCR", "kind": "cables"}).status_code == 400
    assert client.get(reverse("search"), {"q": "MTCR", "kind": "demarches"}).status_code == 400
    page = client.get(reverse("search"), {"q": "MTCR"})
    assert page.status_code == 200 and "Cables" not in page.content.decode()


def test_staff_find_their_tasks_by_the_demarches_subject(users, issued):
    titles = found(users["abu_dhabi"], "Canberra plenary informing")["tasks"]
    assert sorted(titles) == ["Deliver the non-paper: Abu Dhabi", "Make the talking points: Abu Dhabi",
                              "Report back: Abu Dhabi"]


# ---------------------------------------------------------------- the page


def test_the_header_has_a_labelled_search_box_for_every_role(client, users):
    for user in users.values():
        client.force_login(user)
        page = client.get(reverse("outreach:notifications")).content.decode()
        assert '<label for="site-search">Search</label>' in page and 'action="/search/"' in page


def test_it_lists_results_with_headings_dates_and_marked_snippets(client, users, reported):
    client.force_login(users["desk"])
    page = client.get(reverse("search"), {"q": "gruntled"}).content.decode()
    assert re.search(r'<h2 id="results-tasks">Tasks and reported responses \(1\)</h2>', page)
    assert '<h3><a href="/tasks/' in page and "Report back: Abu Dhabi" in page
    assert "<mark>gruntled</mark>" in page
    assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4}</span> · Demarche 09STATE4690", page)


def test_a_snippet_is_escaped(client, users, issued):
    task = task_of(issued, "abu-dhabi", K.REPORT_BACK)
    PostTask.objects.filter(pk=task.pk).update(response_text="<script>alert(1)</script> nefarious reply")
    client.force_login(users["desk"])
    page = client.get(reverse("search"), {"q": "nefarious"}).content.decode()
    assert "<mark>nefarious</mark> reply" in page and "<script>" not in page


def test_marked_escapes_the_text_and_keeps_only_its_own_marks():
    from outreach.search.text import START, STOP, marked

    assert marked(f"a <b>{START}x{STOP}</b> & y") == "a &lt;b&gt;<mark>x</mark>&lt;/b&gt; &amp; y"
    assert marked(f"{START}unbalanced") == "unbalanced"


def test_it_refuses_out_of_bounds_searches(client, users):
    client.force_login(users["desk"])
    for params in ({"q": "x" * (MAX_QUERY_CHARS + 1)}, {"q": "MTCR", "start": "2026-02-01", "end": "2026-01-01"},
                   {"q": "MTCR", "page_size": "5000"}, {"q": "MTCR", "page": "100000", "kind": "tasks"},
                   {"q": "MTCR", "region": "XX"}, {"q": "MTCR", "tag": "<b>"}, {"q": "MTCR", "start": "1066-10-14"}):
        assert client.get(reverse("search"), params).status_code == 400, params


def test_the_service_checks_bounds_itself():
    with pytest.raises(ValidationError):
        SearchRequest(q=" ")
    with pytest.raises(ValidationError):
        SearchRequest(q="a " * 13)
    with pytest.raises(ValidationError):
        SearchRequest(q="MTCR", start=date(2026, 2, 1), end=date(2026, 1, 1))
    with pytest.raises(ValidationError):
        SearchRequest(q="MTCR", page_size=1000)


# ---------------------------------------------------------------- filters and freshness


def test_filters_by_post_region_tag_date_and_kind(users, reported):
    desk = users["desk"]
    abu_dhabi, hong_kong = Post.objects.get(code="abu-dhabi"), Post.objects.get(code="hong-kong")
    assert found(desk, "host government", post=abu_dhabi, kind="tasks")["tasks"]
    assert all("Abu Dhabi" in t for t in found(desk, "host government", post=abu_dhabi)["tasks"])
    assert found(desk, "gruntled", post=hong_kong)["tasks"] == []
    assert found(desk, "gruntled", region=abu_dhabi.region)["tasks"] == ["Report back: Abu Dhabi"]
    assert found(desk, "gruntled", region="WHA")["tasks"] == []
    assert found(desk, "MTCR", tag="MTCRE")["cables"] and found(desk, "MTCR", tag="MTCR")["cables"] == []
    assert found(desk, "MTCR", tag="MTCRE")["demarches"]
    assert found(desk, "MTCR", start=date(2009, 1, 1), end=date(2009, 1, 31))["cables"]
    assert found(desk, "MTCR", start=date(2010, 1, 1))["cables"] == []
    issued_on = task_of(reported, "abu-dhabi", K.REPORT_BACK).issued_on
    assert found(desk, "gruntled", start=issued_on, end=issued_on)["tasks"]
    assert list(found(desk, "MTCR", kind="demarches")) == ["demarches"]


def test_a_changed_response_is_found_at_once(users, issued):
    task = task_of(issued, "abu-dhabi", K.REPORT_BACK)
    assert found(users["desk"], "obstreperous")["tasks"] == []
    task.response_text = "The host was obstreperous."
    task.save(update_fields=["response_text"])
    assert found(users["desk"], "obstreperous")["tasks"] == ["Report back: Abu Dhabi"]


@pytest.mark.postgres_only("ranking by ts_rank; SQLite lists the newest first")
def test_a_word_in_the_subject_ranks_above_one_in_the_text(users, seed_cable):
    from cables.services import ingest_cable

    later = ingest_cable(read_cable("09STATE28302.txt"), filename="09STATE28302.txt").cable
    assert "MTCR" not in later.subject and later.sent_at > seed_cable.sent_at
    assert found(users["desk"], "MTCR")["cables"] == [f"09STATE4690: {seed_cable.subject}",
                                                     f"09STATE28302: {later.subject}"]


def test_it_pages_through_one_kind_and_links_to_the_rest(client, users, issued):
    desk = users["desk"]
    first = found(desk, "host government", kind="tasks", page_size=10)["tasks"]
    second = found(desk, "host government", kind="tasks", page_size=10, page=2)["tasks"]
    assert len(first) == len(second) == 10 and not set(first) & set(second)
    client.force_login(desk)
    page = client.get(reverse("search"), {"q": "host government"}).content.decode()
    assert "q=host+government&amp;kind=tasks" in page and "Show all tasks and reported responses" in page
    page = client.get(reverse("search"), {"q": "host government", "kind": "tasks", "page_size": 10}).content.decode()
    assert "Page 1 of" in page and "page=2" in page


@pytest.mark.postgres_only("which tasks the withheld-points check loads is chosen in SQL (jsonpath)")
def test_the_withheld_points_check_loads_every_task_whose_points_staff_may_not_read(users, issued):
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    from outreach.search.kinds import MAYBE_WITHHELD_SQL
    from outreach.services.visibility import redact_for

    shapes = {
        "as generated": lambda t: {},
        "no REL marking": lambda t: {"releasable_to": [], "sections": [dict(s, releasable_to=[]) for s in t.sections]},
        "REL on the task": lambda t: {"releasable_to": ["JORDAN"]},
        "REL on a section": lambda t: {"sections": [dict(s, releasable_to=["JORDAN"]) for s in t.sections]},
        "points not the sections'": lambda t: {"talking_points": [*t.talking_points, {"text": "x", "conditional": False}]},
        "background not a flag": lambda t: {"sections": [dict(s, background="yes") for s in t.sections]},
        "points not a list": lambda t: {"sections": [dict(s, points=None) for s in t.sections]},
    }
    points = PostTask.objects.filter(demarche=issued, kind=K.TALKING_POINTS)
    original = {t.pk: (t.talking_points, t.sections, t.releasable_to) for t in points}
    with_sections = {pk for pk, (_, sections, _) in original.items() if sections}
    assert with_sections
    for shape, change in shapes.items():
        for pk, (talking_points, sections, releasable_to) in original.items():
            task = PostTask(talking_points=talking_points, sections=sections, releasable_to=releasable_to)
            PostTask.objects.filter(pk=pk).update(**{"talking_points": talking_points, "sections": sections,
                                                     "releasable_to": releasable_to, **change(task)})
        tasks = list(points.select_related("post"))
        before = {t.pk: list(t.talking_points) for t in tasks}
        changed = {t.pk for t in redact_for(users["abu_dhabi"], tasks) if t.talking_points != before[t.pk]}
        loaded = set(points.filter(RawSQL(MAYBE_WITHHELD_SQL, [], output_field=BooleanField())).values_list("pk", flat=True))
        assert changed <= loaded, shape
        # Without a REL marking nothing is withheld and nothing is loaded; the shapes made here load every
        # task they touch (the section shapes touch only tasks with sections).
        expected = {"as generated": loaded, "no REL marking": set(), "REL on the task": set(original)}.get(
            shape, with_sections)
        assert loaded == expected, shape
    assert changed  # the last shapes did withhold points


def test_a_page_past_the_last_still_says_how_many_were_found(users, issued):
    first = services.search(users["desk"], SearchRequest(q="host government", kind="tasks", page_size=10))[0]
    past = services.search(users["desk"], SearchRequest(q="host government", kind="tasks", page_size=10,
                                                        page=first.pages + 1))[0]
    assert first.hits and not past.hits
    assert (past.count, past.more_than, past.pages) == (first.count, first.more_than, first.pages)


@pytest.mark.postgres_only("how common a word is comes from pg_stats; the newest-first scan is PostgreSQL's")
def test_a_search_of_common_words_ranks_the_newest_matches_and_only_for_readers_of_all(users, issued, monkeypatch):
    from django.db import connection

    from outreach.search import recent, text

    monkeypatch.setattr(services, "MAX_MATCHES", 5)
    monkeypatch.setattr(recent, "_stats", {})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE outreach_posttask")
    assert recent.every_word_common("host government", "outreach_posttask")
    assert not recent.every_word_common("host -government", "outreach_posttask")  # NOT: the GIN scan
    matching = PostTask.objects.filter(text.matches("search_vector", "host government")
                                       | text.matches("points_vector", "host government"))
    newest = {t.get_absolute_url() for t in matching.order_by("-pk")[:6]}
    assert newest != {t.get_absolute_url() for t in matching.order_by("pk")[:6]}  # the GIN scan's first six
    section = services.search(users["desk"], SearchRequest(q="host government", kind="tasks", page_size=10))[0]
    assert section.more_than and {hit.url for hit in section.hits} == newest
    # Staff search their own posts' tasks as before: every hit theirs.
    staff = services.search(users["abu_dhabi"], SearchRequest(q="host government", kind="tasks"))[0]
    assert staff.hits and all("Abu Dhabi" in hit.title for hit in staff.hits)
