"""Reminder policy: which reminders one task calls for at a given moment. Pure functions; the clock is an argument."""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

from ..models import Demarche, PostTask, ReminderLog

log = logging.getLogger(__name__)

Kind = ReminderLog.Kind


@dataclass(frozen=True)
class Policy:
    days_before: int
    overdue_every: int
    escalate_after: int
    max_reminders: int

    @classmethod
    def from_overrides(
        cls,
        *,
        remind_days_before: int | None = None,
        overdue_every_days: int | None = None,
        escalate_after_days: int | None = None,
        max_reminders: int | None = None,
    ) -> "Policy":
        """Build the policy of one demarche: its overrides, else the defaults from settings."""

        def pick(value, default):
            return default if value is None else value

        return cls(
            days_before=pick(remind_days_before, settings.REMINDER_DAYS_BEFORE),
            overdue_every=pick(overdue_every_days, settings.REMINDER_OVERDUE_EVERY_DAYS),
            escalate_after=pick(escalate_after_days, settings.REMINDER_ESCALATE_AFTER_DAYS),
            max_reminders=pick(max_reminders, settings.REMINDER_MAX_PER_TASK),
        )


@dataclass(frozen=True)
class Calendar:
    """A post's clock: its time zone, weekend (ISO weekdays) and working hours [start, end)."""

    tz: ZoneInfo
    weekend: frozenset[int]
    hours: tuple[int, int]

    @classmethod
    def for_post(cls, *, timezone_name: str, weekend, hours: tuple[int, int] | None = None) -> "Calendar":
        try:
            tz = ZoneInfo(timezone_name or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("Unknown time zone %r; using UTC", timezone_name)
            tz = ZoneInfo("UTC")
        return cls(tz=tz, weekend=frozenset(weekend or ()), hours=tuple(hours or settings.REMINDER_WORKING_HOURS))

    def local(self, now: datetime) -> datetime:
        return now.astimezone(self.tz)

    def is_working_time(self, now: datetime) -> bool:
        local = self.local(now)
        start, end = self.hours
        return local.isoweekday() not in self.weekend and start <= local.hour < end


@dataclass(frozen=True)
class DueReminder:
    kind: str
    window: str


def reminders_due(
    *,
    due: date,
    now: datetime,
    calendar: Calendar,
    policy: Policy,
    nags_sent: int = 0,
    task_status: str = PostTask.Status.OPEN,
    demarche_state: str = Demarche.State.ISSUED,
) -> list[DueReminder]:
    """Return the reminders one task calls for at `now`, in the post's local time and working week.

    Windows: "before" and "due" are keyed by the due date (a new due date opens new windows);
    overdue reminders by the first day of each `overdue_every`-day period after the due date; the
    escalation once per due date. Nothing outside the post's working hours or on its weekend: a
    window still open at the next working moment is sent then. A zero setting turns that kind off.
    """
    if task_status != PostTask.Status.OPEN or demarche_state != Demarche.State.ISSUED:
        return []
    if not calendar.is_working_time(now):
        return []
    today = calendar.local(now).date()
    days_left = (due - today).days
    out = []
    if nags_sent < policy.max_reminders:
        if days_left == 0:
            out.append(DueReminder(Kind.DUE, due.isoformat()))
        elif 0 < days_left <= policy.days_before:
            out.append(DueReminder(Kind.BEFORE, due.isoformat()))
        elif days_left < 0 and policy.overdue_every > 0:
            period = (-days_left - 1) // policy.overdue_every
            start = due + timedelta(days=1 + period * policy.overdue_every)
            out.append(DueReminder(Kind.OVERDUE, start.isoformat()))
    if days_left < 0 and policy.escalate_after > 0 and -days_left >= policy.escalate_after:
        out.append(DueReminder(Kind.ESCALATION, due.isoformat()))
    return out


def describe(kind: str, *, due: date, today: date) -> str:
    """Say in a few words why the reminder is sent."""
    days = (due - today).days
    if kind == Kind.BEFORE:
        return f"Due in {days} day{'s' if days != 1 else ''}"
    if kind == Kind.DUE:
        return "Due today"
    late = f"overdue by {-days} day{'s' if days != -1 else ''}"
    return f"Escalation: {late}" if kind == Kind.ESCALATION else late.capitalize()
