"""Pages write things one way: dates as "7 Dec 2026" (issue 13, section 5)."""

import re

import pytest
from django.urls import reverse

ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _visible(html: str) -> str:
    """The page's text as read: no tags (so no datetime= attributes), no scripts or styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.django_db
def test_it_writes_every_date_on_the_pages_one_way(client, issued, desk_officer, seed_cable):
    client.force_login(desk_officer)
    ref = issued.reference_id
    pages = [reverse("outreach:demarche_detail", args=[ref]), reverse("outreach:dash_demarche", args=[ref]),
             reverse("outreach:demarche_list"), reverse("cables:list"), reverse("cables:detail", args=[seed_cable.pk])]
    for url in pages:
        text = _visible(client.get(url).content.decode())
        assert not ISO_DAY.findall(text), url
    text = _visible(client.get(reverse("search"), {"q": "MTCR"}).content.decode())
    assert not ISO_DAY.findall(text)
    written = issued.deliver_by.strftime("%-d %b %Y")
    detail = client.get(reverse("outreach:demarche_detail", args=[ref])).content.decode()
    assert f'<span class="nowrap">{written}</span>' in detail


@pytest.mark.django_db
def test_it_sorts_ait_taipei_as_taipei(client, demarche, desk_officer):
    from cables.models import Post
    from outreach.services import add_post, issue_demarche

    names = list(Post.objects.values_list("name", flat=True))
    at = names.index("AIT Taipei")
    assert names[at - 1] < "Taipei" < names[at + 1].removeprefix("AIT ")  # among the T's, not the A's
    add_post(demarche, Post.objects.get(code="ait-taipei"), by=desk_officer)
    issue_demarche(demarche, by=desk_officer)
    client.force_login(desk_officer)
    rows = {"outreach:demarche_detail": r'data-label="Post"><strong>([^<]+)</strong>',
            "outreach:dash_demarche": r'<td[^>]*>\s*<a href="[^"]*/dashboards/posts/[^"]+/">([^<]+)</a>'}
    for name, row in rows.items():
        page = client.get(reverse(name, args=[demarche.reference_id])).content.decode()
        shown = re.findall(row, page.partition('id="h-matrix"')[2] or page)  # the matrix, not the map
        assert "AIT Taipei" in shown and len(shown) > 20
        assert shown == sorted(shown, key=lambda n: n.removeprefix("AIT ")), (name, shown)
    page = client.get(reverse("outreach:dash_demarche", args=[demarche.reference_id]), {"sort": "-post_name"})
    shown = re.findall(rows["outreach:dash_demarche"], page.content.decode().partition('id="h-matrix"')[2])
    assert shown == sorted(shown, key=lambda n: n.removeprefix("AIT "), reverse=True)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["09STATE4690.txt", "09STATE131801.txt"])
def test_the_cable_page_prints_no_none_and_no_name_twice(client, desk_officer, name):
    from cables.services import ingest_cable
    from tests.conftest import read_cable

    cable = ingest_cable(read_cable(name), filename=name).cable
    client.force_login(desk_officer)
    page = client.get(reverse("cables:detail", args=[cable.pk])).content.decode()
    assert not re.search(r"¶\d+ None\b", page)
    assert "None" not in re.findall(r"<h3>(.*?)</h3>", page, re.S).__str__()
    for item in re.findall(r"<li>(.*?)</li>", page.partition("<h2>From</h2>")[2].partition("</section>")[0], re.S):
        name_part, small, raw = item.partition('<small class="mono">')
        assert not small or raw.removesuffix("</small>").upper() not in name_part.upper(), item


@pytest.mark.django_db
def test_the_action_request_keeps_its_bullet_lines(client, desk_officer, make_embassy_user):
    from cables.services import ingest_cable
    from outreach.services import create_demarche, issue_demarche
    from tests.conftest import read_cable

    cable = ingest_cable(read_cable("08STATE128877.txt"), filename="08STATE128877.txt").cable
    demarche = issue_demarche(create_demarche(cable, by=desk_officer), by=desk_officer)
    bullet = re.compile(r"<br>\s*-- Present the non-paper at paragraph 5")
    client.force_login(desk_officer)
    page = client.get(reverse("cables:detail", args=[cable.pk])).content.decode()
    assert bullet.search(page.partition("<h2>Action request")[2].partition("</section>")[0])
    task = demarche.tasks.filter(post__code="riyadh").first()
    client.force_login(make_embassy_user("riyadh-staff", "riyadh"))
    assert bullet.search(client.get(task.get_absolute_url()).content.decode())


@pytest.mark.django_db
def test_no_page_prints_a_bare_none(client, issued, manager, abu_dhabi_staff):
    """Python's None never reaches a cell or a badge: "Nothing overdue", a dash, or nothing at all."""
    from tests.outreach.seed import task_of

    ref = issued.reference_id
    client.force_login(manager)
    pages = [reverse("outreach:dash_demarches"), reverse("outreach:dash_demarche", args=[ref]),
             reverse("outreach:demarche_list"), reverse("outreach:demarche_detail", args=[ref]),
             reverse("outreach:dashboard"), reverse("outreach:dash_post", args=["abu-dhabi"])]
    for url in pages:
        assert not re.findall(r">\s*None\s*<", client.get(url).content.decode()), url
    assert "Nothing overdue" in client.get(pages[0]).content.decode()
    client.force_login(abu_dhabi_staff)
    for kind in ("deliver_non_paper", "talking_points", "report_back"):
        page = client.get(task_of(issued, "abu-dhabi", kind).get_absolute_url()).content.decode()
        assert not re.findall(r">\s*None\s*<", page), kind
