"""The posts x steps matrix at phone width: cards, no sideways scrolling, every post readable (issue 13, §5)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "pw-for-tests-only"  # tests/conftest.py gives every fixture user this password


def test_the_seed_matrix_fits_a_phone(page, live_server, seed_cable, desk_officer, shoot):
    from outreach.services import create_demarche, issue_demarche

    demarche = issue_demarche(create_demarche(seed_cable, by=desk_officer), by=desk_officer)
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/dashboards/demarches/{demarche.reference_id}/")
    names = page.locator("section[aria-labelledby=h-matrix] table.dash tbody td:first-child a")
    assert names.count() >= 30
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 375
    for i in (0, names.count() - 1):
        names.nth(i).scroll_into_view_if_needed()
        box = names.nth(i).bounding_box()
        assert names.nth(i).is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= 375
    shoot(page, "matrix-phone")


def test_the_demarche_pages_posts_table_fits_a_phone_too(page, live_server, seed_cable, desk_officer, shoot):
    from outreach.services import create_demarche, issue_demarche

    demarche = issue_demarche(create_demarche(seed_cable, by=desk_officer), by=desk_officer)
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    for url, name in ((demarche.get_absolute_url(), "demarche-page-phone"), ("/demarches/", "demarche-list-phone")):
        page.goto(f"{live_server.url}{url}")
        wide = page.evaluate("""() => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > 375.5).slice(0, 5)
            .map(e => e.tagName + ' ' + (e.innerText || '').slice(0, 40))""")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 375, (url, wide)
        shoot(page, name)


def test_a_posts_task_pages_fit_a_phone(page, live_server, seed_cable, desk_officer, make_embassy_user, shoot):
    from outreach.services import create_demarche, issue_demarche

    demarche = issue_demarche(create_demarche(seed_cable, by=desk_officer), by=desk_officer)
    make_embassy_user("ad-phone", "abu-dhabi")
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "ad-phone")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    for task in demarche.tasks.filter(post__code="abu-dhabi", audience="").order_by("kind"):
        page.goto(f"{live_server.url}{task.get_absolute_url()}")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 375, task.kind
        shoot(page, f"task-phone-{task.kind}")


@pytest.mark.parametrize("width", [375, 1280])
def test_the_desk_and_manager_pages_never_scroll_sideways(page, live_server, seed_cable, desk_officer, width):
    from outreach.services import create_demarche, issue_demarche

    demarche = issue_demarche(create_demarche(seed_cable, by=desk_officer), by=desk_officer)
    page.set_viewport_size({"width": width, "height": 812})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
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
