"""The user admin, with an action that lifts a login lockout (django-axes) at once."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .lockout import unlock

User = get_user_model()


@admin.action(description="Unlock login (forget failed sign-ins)")
def unlock_login(modeladmin, request, queryset):
    names = list(queryset.values_list("username", flat=True))
    removed = unlock(names)
    modeladmin.message_user(
        request, f"Unlocked {', '.join(names)} ({removed} failed sign-in record(s) forgotten).", messages.SUCCESS
    )


class LockoutUserAdmin(UserAdmin):
    actions = [*UserAdmin.actions, unlock_login]


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, LockoutUserAdmin)
