"""The world map of posts in a real headless Chromium: it draws, its countries link to their posts, it fits a phone."""

import re

import pytest

from cables.models import Post
from outreach import services
from tests.browser.test_dashboards_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def seed(seed_cable, desk_officer, make_embassy_user):
    demarche = services.issue_demarche(services.create_demarche(seed_cable, by=desk_officer), by=desk_officer)
    services.add_post(demarche, Post.objects.get(code="usnato"), by=desk_officer)
    staff = make_embassy_user("canberra-staff", "canberra")
    services.acknowledge(demarche.posts.get(post__code="canberra"), by=staff)
    return demarche


def test_the_map_draws_and_a_country_opens_its_post(page, live_server, seed, manager, shoot):
    login(page, live_server, "manager")
    page.goto(f"{live_server.url}/dashboards/demarches/{seed.reference_id}/")
    world = page.get_by_role("group", name=re.compile(r"^Map of posts of 09STATE4690"))
    assert world.count() == 1
    box = world.bounding_box()
    assert box["width"] > 600 and box["height"] > 250
    # Chromium painted the countries: Australia is drawn where its outline is, with its pattern.
    australia = page.locator('svg.worldmap a[data-country="AU"] path')
    assert australia.bounding_box()["width"] > 40
    assert page.locator('svg.worldmap a[data-country="AU"]').get_attribute("class") == "wm-acknowledged"
    assert "USNATO" in page.locator("aside.worldmap-elsewhere").inner_text()
    shoot(page, "worldmap-demarche")

    page.locator('svg.worldmap a[data-country="AU"]').click()
    page.wait_for_url("**/dashboards/posts/canberra/")
    assert "Canberra" in page.locator("h1").inner_text()
    assert page.csp_errors == []


def test_the_map_fits_a_phone_and_its_table_opens(page, live_server, seed, manager, shoot):
    page.set_viewport_size({"width": 375, "height": 812})
    login(page, live_server, "manager")
    page.goto(f"{live_server.url}/dashboards/")
    world = page.get_by_role("group", name=re.compile(r"^Map of posts"))
    box = world.bounding_box()
    assert 250 < box["width"] <= 375 and box["height"] > 100
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    page.locator("details.worldmap-data summary").click()
    assert page.get_by_role("cell", name="USNATO").is_visible()
    shoot(page, "worldmap-overview-phone")
    assert page.csp_errors == []
