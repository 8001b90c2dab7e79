"""The posts x steps matrix at phone width: cards, no sideways scrolling, every post readable (issue 13, §5)."""

import pytest

from .test_dashboards_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demarche(seed_cable, desk_officer):
    """The seed demarche, issued: 30 posts."""
    from outreach.services import create_demarche, issue_demarche

    return issue_demarche(create_demarche(seed_cable, by=desk_officer), by=desk_officer)


def open_at(page, live_server, username, width=375):
    page.set_viewport_size({"width": width, "height": 812})
    login(page, live_server, username)


def test_the_seed_matrix_fits_a_phone(page, live_server, demarche, shoot):
    open_at(page, live_server, "desk")
    page.goto(f"{live_server.url}/dashboards/demarches/{demarche.reference_id}/")
    names = page.locator("section[aria-labelledby=h-matrix] table.dash tbody td:first-child a")
    assert names.count() >= 30
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 375
    for i in (0, names.count() - 1):
        names.nth(i).scroll_into_view_if_needed()
        box = names.nth(i).bounding_box()
        assert names.nth(i).is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= 375
    shoot(page, "matrix-phone")


def test_the_demarche_pages_posts_table_fits_a_phone_too(page, live_server, demarche, shoot):
    open_at(page, live_server, "desk")
    for url, name in ((demarche.get_absolute_url(), "demarche-page-phone"), ("/demarches/", "demarche-list-phone")):
        page.goto(f"{live_server.url}{url}")
        wide = page.evaluate("""() => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > 375.5).slice(0, 5)
            .map(e => e.tagName + ' ' + (e.innerText || '').slice(0, 40))""")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 375, (url, wide)
        shoot(page, name)


def test_a_posts_task_pages_fit_a_phone(page, live_server, demarche, make_embassy_user, shoot):
    make_embassy_user("ad-phone", "abu-dhabi")
    open_at(page, live_server, "ad-phone")
    for task in demarche.tasks.filter(post__code="abu-dhabi", audience="").order_by("kind"):
        page.goto(f"{live_server.url}{task.get_absolute_url()}")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 375, task.kind
        shoot(page, f"task-phone-{task.kind}")


@pytest.mark.parametrize("width", [375, 1280])
def test_the_desk_and_manager_pages_never_scroll_sideways(page, live_server, demarche, seed_cable, width):
    open_at(page, live_server, "desk", width)
    ref = demarche.reference_id
    wide = {}
    for url in (seed_cable.get_absolute_url(), "/cables/", "/dashboards/", "/dashboards/demarches/",
                f"/dashboards/demarches/{ref}/", "/dashboards/posts/abu-dhabi/", f"/demarches/{ref}/",
                f"/tasks/{demarche.tasks.order_by('pk').first().pk}/", "/search/?q=MTCR"):
        page.goto(f"{live_server.url}{url}")
        scroll = page.evaluate("document.scrollingElement.scrollWidth")
        if scroll > width:
            wide[url] = (scroll, page.evaluate(f"""() => [...document.querySelectorAll('main *')]
                .filter(e => e.getBoundingClientRect().right > {width} + .5).slice(-3)
                .map(e => e.tagName + '.' + e.className + ' ' + (e.innerText || '').slice(0, 40))"""))
    assert wide == {}
