"""Roles: the three groups, and the checks every view makes on the server."""

from functools import wraps

from django.core.exceptions import PermissionDenied

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


def is_desk_officer(user) -> bool:
    return user.is_authenticated and (user.is_superuser or DESK_OFFICERS in roles_of(user))


def is_manager(user) -> bool:
    return MANAGERS in roles_of(user)


def is_embassy_staff(user) -> bool:
    return EMBASSY_STAFF in roles_of(user)


def can_read_all(user) -> bool:
    """Desk officers and managers see every post; embassy staff only their own."""
    return is_desk_officer(user) or is_manager(user)


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
