"""What a reminder email says: its items, grouped and worded from the sweep's moment, within EMAIL_MAX_CLASSIFICATION."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone

from accounts.roles import is_desk_officer
from cables.models import Post
from cables.templatetags.page_dates import PAGE_DATE

from ..models import ReminderEmail, ReminderLog
from .markings import may_email
from .policy import Calendar, describe

Kind = ReminderLog.Kind
NAG_KINDS = (Kind.BEFORE, Kind.DUE, Kind.OVERDUE)
DATE_FORMAT = PAGE_DATE  # the app's one date format, as on its pages
WITHHELD = "open the tracker to read it"


def day(value: date) -> str:
    return formats.date_format(value, DATE_FORMAT)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@dataclass
class Item:
    """One reminder as a person reads it."""

    kind: str
    reason: str  # "Escalation: overdue by 8 days"
    figure: str  # "overdue by 8 days"
    days_overdue: int
    reference_id: str
    subject: str  # empty when the demarche is marked above what email may carry
    post: str
    task_kind: str
    audience: str
    due: str
    url: str
    today: date | None = None  # the post's date at the sweep: what the figures count from
    instruction: str = ""
    matrix_url: str = ""
    bulk_url: str = ""
    contact_url: str = ""
    never_reminded: str = ""


def _item(entry: ReminderLog, *, as_at, unreachable: set[int], reminded: set[int], single: bool) -> Item:
    task, demarche, post = entry.task, entry.task.demarche, entry.task.post
    today = Calendar.for_post(timezone_name=post.timezone, weekend=post.weekend).local(as_at).date()
    due = entry.due_on or task.due
    open_text = may_email(demarche.cable.classification if demarche.cable_id else "")
    item = Item(
        kind=entry.kind, reason=describe(entry.kind, due=due, today=today),
        figure=describe(Kind.DUE, due=due, today=today).lower(), days_overdue=max(0, (today - due).days),
        reference_id=demarche.reference_id, subject=demarche.subject if open_text else "", post=post.name,
        task_kind=task.get_kind_display(), audience=task.audience if open_text else "", due=day(due),
        url=absolute(reverse("outreach:task_detail", args=[task.id])), today=today,
    )
    if entry.kind == Kind.ESCALATION:
        item.matrix_url = absolute(reverse("outreach:dash_demarche", args=[demarche.reference_id]) + f"#post-{post.code}")
        item.bulk_url = absolute(reverse("outreach:demarche_detail", args=[demarche.reference_id]) + "#bulk")
        if post.id not in unreachable:  # a thread message to a post with no account reaches no one
            item.contact_url = absolute(reverse("outreach:thread", args=[task.demarche_post_id]))
        if task.id not in reminded:
            item.never_reminded = ("never reminded: it has no staff account with an email address"
                                   if post.id in unreachable else "not reminded of this task")
    elif single and open_text:
        item.instruction = task.instruction
    return item


def items_of(email: ReminderEmail) -> list[Item]:
    """The email's reminders as items, every figure as at its sweep's moment."""
    entries = list(
        email.reminders.select_related("task__demarche__cable", "task__post").order_by("task__due", "id")
    )
    escalated = [e.task_id for e in entries if e.kind == Kind.ESCALATION]
    reminded = set(
        ReminderLog.objects.filter(task_id__in=escalated, kind__in=NAG_KINDS, status__in=["claimed", "sending", "sent"])
        .values_list("task_id", flat=True)
    )
    posts = {e.task.post_id for e in entries if e.kind == Kind.ESCALATION}
    unreachable = set(Post.objects.filter(pk__in=posts).unreachable().values_list("pk", flat=True))
    return [_item(e, as_at=email.sweep.now, unreachable=unreachable, reminded=reminded, single=email.single)
            for e in entries]


def subject_of(items: list[Item], *, on: str) -> str:
    if len(items) == 1:
        item = items[0]
        return f"[Outreach] {item.reason}: {item.reference_id} {item.post}, {item.task_kind}"
    counts = Counter("escalation" if i.kind == Kind.ESCALATION else "overdue" if i.days_overdue else "due soon"
                     for i in items)
    parts = [f"{counts['escalation']} escalation{'s' if counts['escalation'] != 1 else ''}" if counts["escalation"]
             else "", f"{counts['overdue']} overdue" if counts["overdue"] else "",
             f"{counts['due soon']} due soon" if counts["due soon"] else ""]
    return f"[Outreach] Reminders of {on}: {', '.join(p for p in parts if p)}"


def escalation_groups(items: list[Item]) -> list[dict]:
    """Escalations grouped by demarche, then by post: each post's row, bulk actions and thread linked once.

    A post says "never reminded" once when none of its tasks here was; otherwise each such task says it.
    """
    groups: dict[str, dict] = {}
    for item in items:
        if item.kind != Kind.ESCALATION:
            continue
        group = groups.setdefault(item.reference_id, {"reference_id": item.reference_id, "subject": item.subject,
                                                      "bulk_url": item.bulk_url, "posts": {}})
        post = group["posts"].setdefault(item.post, {"post": item.post, "matrix_url": item.matrix_url,
                                                     "contact_url": item.contact_url, "items": []})
        post["items"].append(item)
    out = []
    for group in groups.values():
        posts = [group["posts"][name] for name in sorted(group["posts"])]
        for post in posts:
            post["items"].sort(key=lambda i: (-i.days_overdue, i.task_kind))
            notes = {i.never_reminded for i in post["items"]}
            post["never_reminded"] = notes.pop() if len(notes) == 1 else ""
        out.append({**group, "posts": posts, "tasks": sum(len(p["items"]) for p in posts)})
    return out


def context_of(email: ReminderEmail) -> tuple[str, dict]:
    """Return the subject and the template context of one person's email."""
    items = items_of(email)
    # The posts' own date when they all share one (an embassy officer's digest), else the app's.
    dates = {i.today for i in items}
    on = day(dates.pop() if len(dates) == 1 else timezone.localtime(email.sweep.now).date())
    others = [i for i in items if i.kind != Kind.ESCALATION]
    overdue = sorted((i for i in others if i.days_overdue), key=lambda i: -i.days_overdue)
    upcoming = [i for i in others if not i.days_overdue]
    context = {
        "user": email.user, "on": on, "items": items, "escalations": escalation_groups(items),
        # Managers read escalations but change nothing: the next steps are the desk officer's.
        "can_act": is_desk_officer(email.user),
        "overdue": overdue, "upcoming": upcoming, "single": email.single, "withheld": WITHHELD,
        "any_withheld": any(not i.subject for i in items),
        "preferences_url": absolute(reverse("outreach:reminder_preferences")),
    }
    return subject_of(items, on=on), context
