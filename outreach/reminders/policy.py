"""Reminder policy: which reminders one task calls for at a given moment. Pure functions; the clock is an argument."""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_data
from django.conf import settings

from ..models import Demarche, PostTask, ReminderLog

log = logging.getLogger(__name__)

Kind = ReminderLog.Kind
# Why a reminder a task calls for was not sent in a sweep (the sweep's and the command's tally).
SKIP_HOURS = "outside working hours"
SKIP_HOLIDAY = "holiday"
SKIP_CAP = "capped"


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


@lru_cache(maxsize=None)
def country_holidays(country_code: str):
    """The host country's public holidays (the `holidays` package ships its data); None where it has none."""
    if not country_code:
        return None
    try:
        return holidays_data.country_holidays(country_code.upper(), language="en_US")
    except NotImplementedError:
        return None


@dataclass(frozen=True)
class Calendar:
    """A post's clock: its time zone, weekend (ISO weekdays), working hours [start, end) and host-country holidays."""

    tz: ZoneInfo
    weekend: frozenset[int]
    hours: tuple[int, int]
    country_code: str = ""

    @classmethod
    def for_post(cls, *, timezone_name: str, weekend, hours: tuple[int, int] | None = None,
                 country_code: str = "") -> "Calendar":
        try:
            tz = ZoneInfo(timezone_name or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("Unknown time zone %r; using UTC", timezone_name)
            tz = ZoneInfo("UTC")
        return cls(tz=tz, weekend=frozenset(weekend or ()), hours=tuple(hours or settings.REMINDER_WORKING_HOURS),
                   country_code=country_code or "")

    def local(self, now: datetime) -> datetime:
        return now.astimezone(self.tz)

    def holiday(self, day: date) -> str | None:
        """The name of the public holiday on that day in the host country, if any."""
        found = country_holidays(self.country_code)
        return found.get(day) if found is not None else None

    def is_working_day(self, day: date) -> bool:
        return day.isoweekday() not in self.weekend and not self.holiday(day)

    def closed_reason(self, now: datetime) -> str | None:
        """Why no reminder may go out at `now` (a holiday, or outside working hours), or None."""
        local = self.local(now)
        start, end = self.hours
        if local.isoweekday() in self.weekend or not start <= local.hour < end:
            return SKIP_HOURS
        if self.holiday(local.date()):
            return SKIP_HOLIDAY
        return None

    def is_working_time(self, now: datetime) -> bool:
        return self.closed_reason(now) is None

    def last_working_day(self, day: date) -> date:
        """The day itself if the post works then, else the working day before it (within a month)."""
        for back in range(31):
            candidate = day - timedelta(days=back)
            if self.is_working_day(candidate):
                return candidate
        return day


@dataclass(frozen=True)
class DueReminder:
    kind: str
    window: str


# Why a reminder a task calls for was not sent in a sweep (the sweep's and the command's tally).


@dataclass(frozen=True)
class Assessment:
    """What a task calls for at a moment: the reminders to send, and those held back with the reason."""

    due: list[DueReminder]
    skipped: list[tuple[DueReminder, str]]


def assess(
    *,
    due: date,
    now: datetime,
    calendar: Calendar,
    policy: Policy,
    nags_sent: int = 0,
    task_status: str = PostTask.Status.OPEN,
    demarche_state: str = Demarche.State.ISSUED,
) -> Assessment:
    """Return the reminders one task calls for at `now`, in the post's local time and working week.

    Windows: "before" and "due" are keyed by the due date (a new due date opens new windows);
    overdue reminders by the first day of each `overdue_every`-day period after the due date; the
    escalation once per due date. Nothing outside the post's working hours, on its weekend or on a
    host-country holiday: a window still open at the next working moment is sent then. A due date on a
    day the post does not work gets its "due today" reminder on the working day before. A zero setting
    turns that kind off; a task past `max_reminders` is skipped as capped.
    """
    if task_status != PostTask.Status.OPEN or demarche_state != Demarche.State.ISSUED:
        return Assessment([], [])
    today = calendar.local(now).date()
    days_left = (due - today).days
    nag = None
    if days_left == 0 or (days_left > 0 and today == calendar.last_working_day(due)):
        nag = DueReminder(Kind.DUE, due.isoformat())
    elif 0 < days_left <= policy.days_before:
        nag = DueReminder(Kind.BEFORE, due.isoformat())
    elif days_left < 0 and policy.overdue_every > 0:
        period = (-days_left - 1) // policy.overdue_every
        start = due + timedelta(days=1 + period * policy.overdue_every)
        nag = DueReminder(Kind.OVERDUE, start.isoformat())
    wanted, skipped = [], []
    if nag and policy.max_reminders > 0:
        if nags_sent < policy.max_reminders:
            wanted.append(nag)
        else:
            skipped.append((nag, SKIP_CAP))
    if days_left < 0 and policy.escalate_after > 0 and -days_left >= policy.escalate_after:
        wanted.append(DueReminder(Kind.ESCALATION, due.isoformat()))
    closed = calendar.closed_reason(now) if wanted else None
    if closed:
        return Assessment([], [(r, closed) for r in wanted])
    return Assessment(wanted, skipped)


def reminders_due(**kwargs) -> list[DueReminder]:
    """Return the reminders one task calls for at `now` (see assess)."""
    return assess(**kwargs).due


def days_between(due: date, today: date) -> int:
    """Days from today to the due date: negative when overdue."""
    return (due - today).days


def describe(kind: str, *, due: date, today: date) -> str:
    """Say in a few words why the reminder is sent, from the figures: never a negative "overdue"."""
    days = (due - today).days
    if days > 0:
        text = f"Due in {days} day{'s' if days != 1 else ''}"
    elif days == 0:
        text = "Due today"
    else:
        text = f"Overdue by {-days} day{'s' if days != -1 else ''}"
    return f"Escalation: {text[0].lower()}{text[1:]}" if kind == Kind.ESCALATION else text


def due_note(due: date, *, calendar: Calendar, country: str) -> str:
    """Say when a due date on a day the post does not work is reminded, e.g.
    "due Thursday (Friday is a holiday in Saudi Arabia: Eid al-Adha Holiday)"; empty when the post works that day."""
    earlier = calendar.last_working_day(due)
    if earlier == due:
        return ""
    when = f"{earlier:%A}" if (due - earlier).days < 7 else f"{earlier:%A} {earlier.day} {earlier:%b %Y}"
    holiday = calendar.holiday(due)
    why = f"a holiday in {country}: {holiday}" if holiday else f"a weekend day in {country}"
    return f"due {when} ({due:%A} is {why})"
