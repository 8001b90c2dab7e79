"""config.auth.PageUserBackend: the request's user, its roles and unread count in one query, never stale."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.roles import DESK_OFFICERS, EMBASSY_STAFF, MANAGERS, ROLES, roles_of
from config.auth import PageUserBackend
from outreach.models import Notification

pytestmark = pytest.mark.django_db


def _notify(user, *, read: bool = False):
    return Notification.objects.create(user=user, text="Note", read_at=timezone.now() if read else None)


def test_it_reads_the_user_roles_and_unread_count_in_one_query(desk_officer, django_assert_num_queries):
    _notify(desk_officer), _notify(desk_officer), _notify(desk_officer, read=True)

    with django_assert_num_queries(1):
        user = PageUserBackend().get_user(str(desk_officer.pk))
        assert roles_of(user) == {DESK_OFFICERS}  # no query of its own
    assert user == desk_officer and user._unread_notifications == 2


@pytest.mark.parametrize(
    "groups",
    [(), (DESK_OFFICERS,), (EMBASSY_STAFF,), (MANAGERS,), (DESK_OFFICERS, EMBASSY_STAFF), (DESK_OFFICERS, MANAGERS),
     (EMBASSY_STAFF, MANAGERS), ROLES, ("Auditors",), ("Auditors", EMBASSY_STAFF)],
)
def test_it_reads_every_combination_of_roles_and_no_other_group(groups, django_user_model):
    user = django_user_model.objects.create_user("someone")
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups])

    assert roles_of(PageUserBackend().get_user(user.pk)) == set(groups) & set(ROLES)


def test_it_refuses_what_is_not_an_active_user(manager, django_user_model):
    inactive = django_user_model.objects.create_user("gone", is_active=False)

    assert PageUserBackend().get_user(inactive.pk) is None
    assert PageUserBackend().get_user(10**9) is None
    assert PageUserBackend().get_user("not-an-id") is None
    assert roles_of(PageUserBackend().get_user(manager.pk)) == {MANAGERS}


def test_pages_show_the_unread_count_and_a_post_counts_again(client, desk_officer):
    note = _notify(desk_officer)
    _notify(desk_officer)
    client.force_login(desk_officer)

    assert 'aria-label="2 unread"' in client.get(reverse("outreach:dash_demarches")).content.decode()
    client.post(reverse("outreach:notification_open", args=[note.pk]))
    assert 'aria-label="1 unread"' in client.get(reverse("outreach:dash_demarches")).content.decode()
    Notification.objects.update(read_at=timezone.now())
    assert "unread" not in client.get(reverse("outreach:dash_demarches")).content.decode().split("<main")[0]


def test_a_role_taken_away_counts_at_the_next_request(client, desk_officer):
    client.force_login(desk_officer)
    assert client.get(reverse("outreach:dash_demarches")).status_code == 200

    desk_officer.groups.clear()

    assert client.get(reverse("outreach:dash_demarches")).status_code == 403
