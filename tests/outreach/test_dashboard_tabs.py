"""The dashboards' tabs name the posts a user works, read through Post's rule (never `user.posts`)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cables.models import Post

from .dashboard_world import build_world

pytestmark = pytest.mark.django_db


def post_tabs(page: str) -> list[str]:
    nav = re.search(r'<nav class="tabs".*?</nav>', page, re.S).group(0)
    return re.findall(r'href="/dashboards/posts/([^/]+)/"', nav)


@pytest.fixture
def world(desk_officer):
    return build_world(desk_officer, today=timezone.localdate())


def test_embassy_staff_get_a_tab_for_each_of_their_posts_and_no_other(client, world, make_embassy_user):
    client.force_login(make_embassy_user("two-posts", "t-paris", "t-hong-kong"))
    page = client.get(reverse("outreach:dash_overview")).content.decode()
    assert post_tabs(page) == ["t-hong-kong", "t-paris"]  # the posts' order: by place


def test_the_open_post_tab_is_marked_current(client, world, make_embassy_user):
    client.force_login(make_embassy_user("two-posts", "t-paris", "t-hong-kong"))
    page = client.get(reverse("outreach:dash_post", args=["t-paris"])).content.decode()
    assert re.search(r'href="/dashboards/posts/t-paris/" aria-current="page"', page)
    assert not re.search(r'href="/dashboards/posts/t-hong-kong/" aria-current="page"', page)


def test_a_desk_officer_on_a_posts_staff_gets_no_post_tabs(client, world, desk_officer):
    Post.objects.get(code="t-paris").staff.add(desk_officer)  # on the staff list, without the embassy role
    client.force_login(desk_officer)
    assert post_tabs(client.get(reverse("outreach:dash_overview")).content.decode()) == []
