"""The dashboards in a real headless Chromium: each role logs in, reads, sorts, filters, exports, and acts."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from outreach.models import CalendarFeed, PostTask
from outreach.services.bounds import post_today
from tests.outreach.dashboard_world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "pw-for-tests-only"  # tests/conftest.py gives every fixture user this password


@pytest.fixture
def world(desk_officer):
    return build_world(desk_officer, today=timezone.localdate(), extra_demarches=3)


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url


def column(page, header: str) -> list[str]:
    headers = [h.strip() for h in page.locator("table.dash thead th").all_inner_texts()]
    index = next(i for i, h in enumerate(headers) if h.startswith(header))
    return [
        c.strip() for c in page.locator(f"table.dash tbody tr td:nth-child({index + 1})").all_inner_texts()
    ]


def test_a_manager_reads_sorts_filters_and_exports(page, live_server, world, manager, shoot):
    login(page, live_server, "manager")
    page.goto(f"{live_server.url}/dashboards/")
    assert page.locator("h1").inner_text() == "Outreach overview"
    assert page.locator("svg.chart[role=img] title").count() == 3  # by region, open tasks by due month, on time by month
    shoot(page, "manager-overview")

    page.click("nav.tabs >> text=Demarches")
    page.click("table.dash thead >> text=Overdue")
    assert "sort=overdue_count" in page.url
    page.click("table.dash thead >> text=Overdue")
    assert "sort=-overdue_count" in page.url
    overdue = [int(re.sub(r"\D", "", v) or 0) for v in column(page, "Overdue")]
    assert overdue == sorted(overdue, reverse=True) and overdue[0] == 16
    shoot(page, "manager-demarches-sorted")

    page.fill("#id_tag", "MTCRE")
    page.click("form.filters button[type=submit]")
    assert column(page, "Reference") == ["09STATE4690"]
    shoot(page, "manager-demarches-filtered")

    with page.expect_download() as csv_download:
        page.click("p.exports >> text=CSV")
    text = open(csv_download.value.path(), encoding="utf-8-sig").read()
    assert "09STATE4690" in text and "10STATE284" not in text  # the export keeps the filter
    with page.expect_download() as xlsx_download:
        page.click("p.exports >> text=Excel (XLSX)")
    assert open(xlsx_download.value.path(), "rb").read(2) == b"PK"

    page.click("table.dash >> text=09STATE4690")
    assert "2 of 5 posts reported" in page.locator("#n-of-n").inner_text()
    assert page.locator("table.dash tbody tr.overdue").count() == 4
    shoot(page, "manager-demarche-matrix")

    page.goto(f"{live_server.url}/calendar/")
    assert "read-only" in page.content() and page.locator("form[action$='/calendar/new/']").count() == 0
    assert page.csp_errors == []


def test_an_embassy_officer_marks_a_task_delivered_and_the_dashboard_changes(
    page, live_server, world, make_embassy_user, shoot
):
    make_embassy_user("hk-staff", "t-hong-kong")
    task = PostTask.objects.get(
        demarche__reference_id="09STATE4690",
        post__code="t-hong-kong",
        audience="Macau",
        kind=PostTask.Kind.DELIVER_NON_PAPER,
    )
    login(page, live_server, "hk-staff")
    matrix = f"{live_server.url}/dashboards/demarches/09STATE4690/"
    page.goto(matrix)
    macau = page.locator("table.dash tbody tr", has_text="Macau")
    assert "Overdue" in macau.locator("td[data-label=Delivered]").inner_text()
    assert page.locator("table.dash tbody tr", has_text="T Paris").count() == 0
    shoot(page, "embassy-matrix-before")

    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    page.fill("#id_delivered_on", post_today(task.post).isoformat())
    page.check("input[name=method][value=meeting]")
    page.click("form[action$='/deliver/'] button")
    page.wait_for_load_state()
    task.refresh_from_db()
    assert task.status == "done"

    page.goto(matrix)
    assert (
        "Done"
        in page.locator("table.dash tbody tr", has_text="Macau")
        .locator("td[data-label=Delivered]")
        .inner_text()
    )
    assert "1 of 1 posts delivered" in page.locator("#n-of-n").inner_text()
    shoot(page, "embassy-matrix-after")
    page.goto(f"{live_server.url}/dashboards/posts/t-paris/")
    assert "Not Found" in page.content() or page.locator("h1").inner_text() != "T Paris"
    assert page.csp_errors == []


def test_a_desk_officer_makes_and_revokes_a_calendar_link(page, browser, live_server, world, shoot):
    login(page, live_server, "desk")
    page.goto(f"{live_server.url}/dashboards/posts/t-paris/")
    assert page.locator("h1").inner_text().startswith("T Paris")
    shoot(page, "desk-post-record")
    page.goto(f"{live_server.url}/calendar/")
    page.click("text=Make a link to my demarches' deadlines")
    link = page.input_value("#new-link")
    shoot(page, "desk-calendar-link")

    outsider = browser.new_context()  # a calendar client: no session at all
    feed = outsider.request.get(link)
    assert feed.status == 200 and "BEGIN:VCALENDAR" in feed.text()
    page.click("button:has-text('Revoke')")
    assert outsider.request.get(link).status == 404
    assert CalendarFeed.objects.get().revoked_at is not None
    outsider.close()
    assert page.csp_errors == []


def test_the_dashboards_work_from_the_keyboard(page, live_server, world):
    login(page, live_server, "desk")
    page.goto(f"{live_server.url}/dashboards/demarches/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('th') !== null"):
            break
    assert page.evaluate("document.activeElement.textContent").startswith("Reference")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "sort=reference_id" in page.url
    assert page.locator("th[aria-sort=ascending]").count() == 1


def test_the_overview_reads_on_a_phone(page, live_server, world, manager, shoot):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "manager")
    page.goto(
        f"{live_server.url}/dashboards/demarches/?due_after={(timezone.localdate() - timedelta(days=30))}"
    )
    assert page.locator("table.dash thead").is_hidden()  # rows become labelled cards
    assert page.locator("td[data-label=Reference]").first.is_visible()
    shoot(page, "manager-demarches-phone")


def test_the_api_docs_render_offline_under_the_csp(page, live_server, world, shoot):
    login(page, live_server, "desk")
    external = []
    page.on(
        "request",
        lambda request: external.append(request.url) if not request.url.startswith(live_server.url) else None,
    )
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)
    assert "Outreach tracker API" in page.locator(".swagger-ui .info").inner_text()
    shoot(page, "api-docs")
    assert external == [] and page.csp_errors == []
