"""What a post reads on its task pages, error pages, a draft's task, and a second audience's reporting cable,
in a real headless Chromium (issue 13, sections 1, 2 and 6). Screenshots go to var/screenshots/."""

import pytest

from cables.parser import parse
from outreach import services
from outreach.models import PostTask
from outreach.services.bounds import post_today
from tests.conftest import read_cable

from .test_dashboards_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
K = PostTask.Kind


def issue(name, desk_officer):
    from cables.services import ingest_cable

    cable = ingest_cable(read_cable(name), filename=name.split("/")[-1]).cable
    return services.issue_demarche(services.create_demarche(cable, by=desk_officer), by=desk_officer)


def card(page, heading: str) -> str:
    """The text of the card whose h2 starts with `heading`."""
    return page.locator("section.card", has=page.locator(f"h2:text-matches('^{heading}')")).first.inner_text()


def test_the_deliver_task_shows_the_non_paper_and_staff_meet_error_pages_in_the_layout(
    page, live_server, seed_cable, desk_officer, make_embassy_user, shoot
):
    demarche = services.issue_demarche(services.create_demarche(seed_cable, by=desk_officer), by=desk_officer)
    make_embassy_user("ad-reader", "abu-dhabi")
    deliver = demarche.tasks.get(post__code="abu-dhabi", kind=K.DELIVER_NON_PAPER)
    login(page, live_server, "ad-reader")

    page.goto(f"{live_server.url}/tasks/{deliver.pk}/")
    handover = page.locator("#handover").locator("..").inner_text()
    assert "The non-paper to hand over (paragraph 3)" in handover
    assert "SENSITIVE BUT UNCLASSIFIED/RELEASABLE TO BAHRAIN" in handover and "G. 2009 PLENARY" in handover
    instruction = page.locator("#h-instruction").locator("..").inner_text()
    assert "CONFIDENTIAL" in instruction and "Action request (paragraph 2)" in instruction
    assert "set by the desk officer" in instruction
    assert "{#" not in page.inner_text("main")
    # The marking names thirty countries: it wraps instead of widening the page.
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1280
    shoot(page, "task-deliver-non-paper")

    response = page.goto(f"{live_server.url}{seed_cable.get_absolute_url()}")
    assert response.status == 403
    assert page.locator("header a.brand").is_visible()
    assert "read the parts of an instruction cable addressed to their post on their tasks" in page.inner_text("main")
    shoot(page, "error-403-cable-for-embassy-staff")
    page.click("main >> text=your inbox")
    assert page.url.endswith("/inbox/")

    other_post = demarche.tasks.get(post__code="cairo", kind=K.DELIVER_NON_PAPER)
    response = page.goto(f"{live_server.url}/tasks/{other_post.pk}/")
    assert response.status == 404 and "There is nothing here for you" in page.inner_text("main")
    shoot(page, "error-404-another-posts-task")
    assert page.csp_errors == []


def test_talking_points_show_general_and_post_points_background_and_if_raised(
    page, live_server, desk_officer, make_embassy_user, shoot
):
    terror = issue("09STATE131801.txt", desk_officer)
    space = issue("state/08STATE1265.txt", desk_officer)
    make_embassy_user("riyadh-reader", "riyadh", "berlin")
    login(page, live_server, "riyadh-reader")

    page.goto(f"{live_server.url}/tasks/{terror.tasks.get(post__code='riyadh', kind=K.TALKING_POINTS).pk}/")
    general = card(page, "General talking points")
    assert "(paragraph 5)" in general and "Marking: SBU" in general
    saudi = card(page, "Saudi Arabia talking points")
    assert "(paragraph 8)" in saudi and "S/REL USA, SAU" in saudi
    background = page.locator("section.background").inner_text()
    assert "Background for Riyadh, not for delivery (paragraph 7)" in background
    assert "S/NF" in background and "never hand it over" in background
    facts = page.locator("#h-instruction").locator("..").inner_text()
    assert "from paragraph 16 of the cable" in facts
    shoot(page, "task-talking-points-general-post-background")

    page.goto(f"{live_server.url}/tasks/{space.tasks.get(post__code='berlin', kind=K.TALKING_POINTS).pk}/")
    raised = card(page, '"IF RAISED"')
    assert "use if raised" in raised and "(paragraph 6)" in raised
    assert page.locator("section.background").count() == 0
    shoot(page, "task-talking-points-if-raised")
    assert page.csp_errors == []


def test_a_drafts_task_shows_no_post_side_form(page, live_server, seed_cable, desk_officer, shoot):
    draft = services.create_demarche(seed_cable, by=desk_officer)
    login(page, live_server, "desk")
    for kind in (K.DELIVER_NON_PAPER, K.TALKING_POINTS, K.REPORT_BACK):
        page.goto(f"{live_server.url}/tasks/{draft.tasks.filter(kind=kind).first().pk}/")
        main = page.inner_text("main")
        for words in ("Mark delivered", "Record the points made", "Could not deliver", "Submit report"):
            assert words not in main, (kind, words)
    shoot(page, "draft-task-no-post-forms")


def test_hong_kong_reports_on_macau_and_the_drafted_cable_attaches_to_the_macau_task(
    page, live_server, seed_cable, desk_officer, make_embassy_user, shoot
):
    demarche = services.issue_demarche(services.create_demarche(seed_cable, by=desk_officer), by=desk_officer)
    staff = make_embassy_user("hk-reader", "hong-kong")
    macau = {k: demarche.tasks.get(post__code="hong-kong", kind=k, audience="Macau")
             for k in (K.DELIVER_NON_PAPER, K.REPORT_BACK)}
    services.record_delivery(macau[K.DELIVER_NON_PAPER], by=staff, delivered_on=post_today(macau[K.DELIVER_NON_PAPER].post),
                             method="meeting", officials=[{"name": "Ms. Chan", "title": "Director", "ministry": "DSEDT"}])
    login(page, live_server, "hk-reader")

    page.goto(f"{live_server.url}/tasks/{macau[K.REPORT_BACK].pk}/")
    assert "(for Macau)" in page.locator("h1").inner_text()
    assert "Ms. Chan" in page.locator("#from-delivery").inner_text()
    page.select_option("select#id_response", "noted")
    page.fill("#id_response_text", "Macau will study the non-paper.")
    page.click("form[action$='/report/'] button")
    page.wait_for_load_state()
    assert page.locator("form[action$='/report/']").count() == 0
    cable = page.input_value("#reporting-cable")
    assert "DEMARCHE DELIVERED TO MACAU" in " ".join(cable.split())
    assert "Macau will study the non-paper." in " ".join(cable.split())
    shoot(page, "task-report-macau-cable-drafted")

    services.receive_cable(cable, filename="macau-reply.txt")
    reference = parse(cable).to_dict()["reference_id"]
    assert PostTask.objects.get(pk=macau[K.REPORT_BACK].pk).reply_reference_id == reference
    host = demarche.tasks.get(post__code="hong-kong", kind=K.REPORT_BACK, audience="")
    assert host.reply_reference_id == ""  # Hong Kong's own report is not answered by Macau's cable
    assert page.csp_errors == []
