"""Reminder preferences: a demarche's effective reminder policy, and each post's choice of a daily digest."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import BooleanField, Value
from django.db.models.functions import Coalesce

from cables.models import Post, can_act_on

from ..models import Demarche, PersonReminderPreference, PostReminderPreference, ReminderLog
from ..reminders import Policy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PolicyLine:
    field: str
    label: str
    value: int
    default: int
    overridden: bool


# (demarche field, Policy attribute, label)
POLICY_LABELS = (
    ("remind_days_before", "days_before", "Remind this many days before due"),
    ("overdue_every_days", "overdue_every", "When overdue, remind every N days"),
    ("escalate_after_days", "escalate_after", "Escalate after N days overdue"),
    ("max_reminders", "max_reminders", "At most this many reminders per task"),
)


def reminder_policy(demarche: Demarche) -> list[PolicyLine]:
    """Return the demarche's effective reminder settings, each with the default from settings."""
    defaults = Policy.from_overrides()
    effective = Policy.from_overrides(**{name: getattr(demarche, name) for name, _, _ in POLICY_LABELS})
    return [
        PolicyLine(field=name, label=label, value=getattr(effective, attr), default=getattr(defaults, attr),
                   overridden=getattr(demarche, name) is not None)
        for name, attr, label in POLICY_LABELS
    ]


def digest_choices(user):
    """Return the user's posts, each annotated with `daily_digest` (False when the post never chose)."""
    return Post.objects.worked_by(user).annotate(
        daily_digest=Coalesce("reminder_preference__daily_digest", Value(False), output_field=BooleanField())
    ).order_by("name")


def set_daily_digest(post: Post, *, by, enabled: bool) -> PostReminderPreference:
    """Choose one daily digest (enabled) or one email per task for a post's reminders. Safe to call twice."""
    if not can_act_on(by, post):
        raise PermissionDenied("Only the post's staff or a desk officer may change its reminders.")
    with transaction.atomic():
        preference, _ = PostReminderPreference.objects.select_for_update().get_or_create(post=post)
        if preference.daily_digest != enabled:
            preference.daily_digest, preference.updated_by = enabled, by
            preference.save()
            log.info("%s: daily digest %s by %s", post.code, "on" if enabled else "off", by)
    return preference


def immediate_kinds(user) -> set[str]:
    """The reminder kinds a person gets one email each for; the rest come in one digest per sweep."""
    preference = PersonReminderPreference.objects.filter(user=user).first()
    return set(preference.immediate_kinds) if preference else set()


def set_immediate_kinds(user, *, kinds) -> PersonReminderPreference:
    """Choose which reminder kinds come one email each (the rest in one digest per sweep). Safe to call twice."""
    valid = set(ReminderLog.Kind.values)
    chosen = sorted(set(kinds))
    if not set(chosen) <= valid:
        raise ValueError(f"Unknown reminder kinds: {', '.join(sorted(set(chosen) - valid))}")
    preference, _ = PersonReminderPreference.objects.update_or_create(user=user, defaults={"immediate_kinds": chosen})
    return preference
