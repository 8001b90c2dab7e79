"""A post works from its task page, and a desk officer closes and reopens, in a real headless Chromium."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cables.parser import parse
from outreach import services
from outreach.models import Demarche, PostTask
from outreach.services.bounds import post_today

from .test_dashboards_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
K = PostTask.Kind


@pytest.fixture
def issued(seed_cable, desk_officer):
    return services.issue_demarche(services.create_demarche(seed_cable, by=desk_officer), by=desk_officer)


def test_a_post_delivers_and_reports_from_its_task_and_gets_its_cable_drafted(
    page, live_server, issued, make_embassy_user, shoot
):
    make_embassy_user("ad-staff", "abu-dhabi")
    deliver = issued.tasks.get(post__code="abu-dhabi", kind=K.DELIVER_NON_PAPER, audience="")
    report = issued.tasks.get(post__code="abu-dhabi", kind=K.REPORT_BACK, audience="")
    login(page, live_server, "ad-staff")

    page.goto(f"{live_server.url}/tasks/{deliver.pk}/")
    assert "Action request" in page.locator("#h-instruction").locator("..").inner_text()
    assert "RELEASABLE TO BAHRAIN" in page.content()
    too_early = (timezone.localdate() - timedelta(days=20)).isoformat()
    # The field's min stops it in the browser; without it (an older browser, a script) the server refuses.
    assert page.get_attribute("#id_delivered_on", "min") == post_today(deliver.post).isoformat()
    page.eval_on_selector("#id_delivered_on", "e => e.removeAttribute('min')")
    page.fill("#id_delivered_on", too_early)
    page.check("input[name=method][value=meeting]")
    page.fill("#id_officials", "Dr. Anwar Gargash; Minister of State; MFA")
    page.click("form[action$='/deliver/'] button")
    page.wait_for_load_state()
    assert "before the demarche was issued" in page.content()
    assert page.input_value("#id_delivered_on") == too_early  # kept as typed
    assert page.input_value("#id_officials").startswith("Dr. Anwar Gargash")
    shoot(page, "task-delivery-refused")
    page.fill("#id_delivered_on", post_today(deliver.post).isoformat())
    page.click("form[action$='/deliver/'] button")
    page.wait_for_load_state()
    deliver.refresh_from_db()
    assert deliver.status == "done"

    page.goto(f"{live_server.url}/tasks/{report.pk}/")
    assert page.input_value("select#id_response") == ""  # nothing preselected
    assert "Dr. Anwar Gargash" in page.locator("#from-delivery").inner_text()
    assert page.locator("text=Could not deliver").count() == 0
    page.select_option("select#id_response", "welcomed")
    page.fill("#id_response_text", "The UAE welcomed the briefing and will consider adherence.")
    page.click("form[action$='/report/'] button")
    page.wait_for_load_state()
    assert page.locator("form[action$='/report/']").count() == 0  # the saved report, not an open form
    cable = page.input_value("#reporting-cable")
    parsed = parse(cable).to_dict()
    assert parsed["from"]["code"] == "abu-dhabi" and parsed["references"][0] == "09STATE4690"
    shoot(page, "task-report-saved-and-cable-drafted")
    assert page.csp_errors == []

    services.receive_cable(cable, filename="reply.txt")
    report.refresh_from_db()
    assert report.reply_reference_id == parsed["reference_id"]


def test_a_desk_officer_closes_after_confirming_and_reopens(page, live_server, issued, shoot):
    login(page, live_server, "desk")
    page.goto(f"{live_server.url}/demarches/{issued.reference_id}/")
    page.click("text=Close demarche…")
    page.wait_for_load_state()
    assert "become cancelled" in page.content() and "can reopen it" in page.content()
    shoot(page, "demarche-close-confirmation")
    page.click("button:has-text('Close the demarche')")
    page.wait_for_load_state()
    issued.refresh_from_db()
    assert issued.state == Demarche.State.CLOSED
    assert not issued.tasks.filter(status="open").exists()

    page.click("button:has-text('Reopen demarche')")
    page.wait_for_load_state()
    issued.refresh_from_db()
    assert issued.state == Demarche.State.ISSUED and issued.tasks.filter(status="open").exists()
    shoot(page, "demarche-reopened")

    page.click("text=Remove… >> nth=0")
    page.wait_for_load_state()
    assert "You can undo this" in page.content()
    shoot(page, "demarche-remove-post-confirmation")
    page.click("button.danger")
    page.wait_for_load_state()
    assert issued.posts.filter(removed=True).count() == 1
    page.click("button:has-text('Restore') >> nth=0")
    page.wait_for_load_state()
    assert not issued.posts.filter(removed=True).exists()
    shoot(page, "demarche-post-restored")
    assert page.csp_errors == []
