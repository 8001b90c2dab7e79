"""Roles: the three groups, the checks every view and service makes on the server, and the commands' user."""

from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

DESK_OFFICERS = "Desk officers"
EMBASSY_STAFF = "Embassy staff"
MANAGERS = "Managers"
ROLES = (DESK_OFFICERS, EMBASSY_STAFF, MANAGERS)


def roles_of(user) -> frozenset[str]:
    """Return the user's role names, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._role_names = cached
    return cached


def remember_roles(user, names) -> None:
    """Cache role names read with the user (config.auth reads them in the user's own query)."""
    user._role_names = frozenset(names)


def is_desk_officer(user) -> bool:
    return user.is_authenticated and (user.is_superuser or DESK_OFFICERS in roles_of(user))


def is_manager(user) -> bool:
    return MANAGERS in roles_of(user)


def is_embassy_staff(user) -> bool:
    return EMBASSY_STAFF in roles_of(user)


def can_read_all(user) -> bool:
    """Desk officers and managers see every post; embassy staff only their own."""
    return is_desk_officer(user) or is_manager(user)


def require_desk_officer(user) -> None:
    """Raise PermissionDenied unless the user is a desk officer (services call it before any write)."""
    if not is_desk_officer(user):
        raise PermissionDenied("Only desk officers may do this.")


def role_required(*checks):
    """Refuse the view with 403 unless one of the checks passes for the user."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(check(request.user) for check in checks):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def roles_context(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "is_desk_officer": is_desk_officer(user),
        "is_manager": is_manager(user),
        "is_embassy_staff": is_embassy_staff(user),
    }


def command_user(username: str | None = None):
    """Return the user commands act as: the named one, the first desk officer, or a system account."""
    User = get_user_model()
    if username:
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise ValidationError(f"No user {username}.")
    user = User.objects.filter(groups__name=DESK_OFFICERS, is_active=True).order_by("pk").first()
    if user:
        return user
    # No desk officer yet: an inactive account that cannot log in owns command-made demarches.
    user, created = User.objects.get_or_create(username="outreach-system", defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get_or_create(name=DESK_OFFICERS)[0])
    return user
