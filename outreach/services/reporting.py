"""A post's reporting cable, drafted in telegram form from what it recorded, ready to paste and send.

The draft parses with the project's own parser (cables.parser) and, once received, attaches to the task it
reports on (replies.match_replies): it is FROM the post, cites the instruction in REF, and its SUBJECT names
the audience, which tells a post's two report-back tasks apart (Hong Kong and Macau).
"""

from __future__ import annotations

import re
import textwrap
from datetime import datetime
from datetime import timezone as dt_timezone

from django.utils import timezone

from ..models import PostTask, ReplyMatch

Kind, Status = PostTask.Kind, PostTask.Status
WIDTH = 66  # telegram lines
MARKS = {"SECRET": "S", "CONFIDENTIAL": "C", "UNCLASSIFIED": "U", "SENSITIVE BUT UNCLASSIFIED": "SBU"}


def audience_label(task: PostTask) -> str:
    """Whom the post addressed: the other authority, or the host government's country."""
    return task.audience or task.post.country or task.post.name


def subject_names(task: PostTask, subject: str) -> bool:
    """Whether a reply's SUBJECT names the task's audience (how the draft says whom it reports on)."""
    words = re.sub(r"[^A-Z0-9]+", " ", subject.upper())
    label = re.sub(r"[^A-Z0-9]+", " ", audience_label(task).upper()).strip()
    return bool(label) and f" {label} " in f" {words} "


def draft_reply(task: PostTask, *, now: datetime | None = None) -> str:
    """Draft the reporting cable of a task's post and audience from what the post recorded."""
    now = timezone.now() if now is None else now
    report = _sibling(task, Kind.REPORT_BACK) or task
    delivery = _delivery(task)
    demarche, post = task.demarche, task.post
    parsed = demarche.cable.parsed or {}
    classification = (parsed.get("classification") or "UNCLASSIFIED").upper()
    mark = next((m for name, m in MARKS.items() if classification.startswith(name)), "U")
    station = _station(post)
    number = f"{report.pk % 1_000_000:06d}"  # a placeholder: the post's messaging system numbers the cable
    done = delivery is not None and delivery.status == Status.DONE
    verb = "DELIVERED" if done else ("NOT DELIVERED" if _not_delivered(task) else "PENDING")
    subject = f"DEMARCHE {verb} TO {audience_label(task).upper()}: {(demarche.subject or parsed.get('subject') or '').upper()}"
    lines = [
        classification,
        "",
        f"P {now.astimezone(dt_timezone.utc):%d%H%MZ} {now.astimezone(dt_timezone.utc):%b %y}".upper(),
        f"FM {_routing_name(post)}",
        "TO SECSTATE WASHDC",
        "BT",
        f"{_spaced(classification)} {station} {number}",
        "",
        f"TAGS: {' '.join(parsed.get('tags') or [])}".rstrip(),
        *_wrap(f"SUBJECT: {subject}", indent=""),
        "",
        *_refs(task, demarche.reference_id),
        "",
    ]
    for number_, text in enumerate(_paragraphs(task, report, delivery, parsed), start=1):
        lines += _wrap(f"{number_}. ({mark}) {text}", indent="")
        lines.append("")
    lines.append("BT")
    return "\n".join(lines) + "\n"


def _sibling(task: PostTask, kind: str) -> PostTask | None:
    return PostTask.objects.filter(demarche_id=task.demarche_id, post_id=task.post_id, audience=task.audience,
                                   kind=kind).exclude(status=Status.CANCELLED).first()


def _delivery(task: PostTask) -> PostTask | None:
    """The post's delivery step for this audience: the non-paper, a special instruction, or the points."""
    steps = PostTask.objects.filter(demarche_id=task.demarche_id, post_id=task.post_id, audience=task.audience)
    steps = steps.exclude(kind=Kind.REPORT_BACK).exclude(status=Status.CANCELLED)
    done = steps.filter(status=Status.DONE).order_by("kind").first()  # deliver_non_paper, special, talking_points
    return done or steps.order_by("kind").first()


def _not_delivered(task: PostTask) -> bool:
    steps = PostTask.objects.filter(demarche_id=task.demarche_id, post_id=task.post_id, audience=task.audience)
    return steps.filter(status=Status.NOT_DELIVERED).exists()


def _station(post) -> str:
    """The station as a telegram names it: "ABU DHABI", "HONG KONG"."""
    return (post.city or post.name).upper()


def _routing_name(post) -> str:
    names = post.routing_names or []
    return names[0] if names else f"AMEMBASSY {_station(post)}"


def _spaced(classification: str) -> str:
    word = classification.split()[0] if classification else "UNCLASSIFIED"
    return "UNCLAS" if word.startswith("UNCLAS") else " ".join(word)


def _cable_ref(reference_id: str) -> str:
    """09STATE4690 as a REF line cites it: 09 STATE 4690."""
    match = re.fullmatch(r"(\d{2})([A-Z]+?)(\d+)", reference_id or "")
    return f"{match[1]} {match[2]} {int(match[3])}" if match else reference_id


def _refs(task: PostTask, instruction: str) -> list[str]:
    earlier = set(
        ReplyMatch.objects.filter(demarche_id=task.demarche_id, post_id=task.post_id)
        .exclude(state=ReplyMatch.State.REJECTED)
        .values_list("cable__reference_id", flat=True)
    )
    earlier |= set(
        PostTask.objects.filter(demarche_id=task.demarche_id, post_id=task.post_id)
        .exclude(reply_reference_id="").values_list("reply_reference_id", flat=True)
    )
    cited = [instruction, *sorted(earlier - {instruction})]
    if len(cited) == 1:
        return [f"REF: {_cable_ref(instruction)}"]
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [f"REF: A. {_cable_ref(cited[0])}"] + [
        f"     {letters[i]}. {_cable_ref(ref)}" for i, ref in enumerate(cited[1:26], start=1)
    ]


def _day(day) -> str:
    return f"{day.day} {day:%B} {day.year}"


def _officials(officials) -> str:
    people = []
    for o in officials or []:
        who = ", ".join(x for x in (o.get("name"), o.get("title")) if x)
        people.append(f"{who} ({o['ministry']})" if o.get("ministry") else who)
    return "; ".join(p for p in people if p)


def _paragraphs(task, report, delivery, parsed) -> list[str]:
    request = parsed.get("action_request") or {}
    whom = audience_label(task)
    out = []
    if delivery is not None and delivery.status == Status.DONE:
        what = {
            Kind.DELIVER_NON_PAPER: "delivered the non-paper" + _where(request.get("non_paper_paragraphs")),
            Kind.SPECIAL: "carried out the instruction" + _where([request.get("paragraph")]),
            Kind.TALKING_POINTS: "made the talking points" + _where([delivery.tp_paragraph]),
        }[delivery.kind]
        how = f" by {delivery.get_method_display().lower()}" if delivery.method else ""
        to = _officials(delivery.officials) or f"officials of {whom}"
        when = _day(delivery.delivered_on) if delivery.delivered_on else "a date not recorded"
        out.append(f"On {when}, post {what}{how} to {to}.")
        asked = delivery.requested_level or request.get("level") or "appropriate officials"
        out.append(f"LEVEL: Delivered at the level of {to}; the instruction asked for {asked}.")
    elif delivery is not None and delivery.status == Status.NOT_DELIVERED:
        out.append(f"Post could not deliver the demarche to {whom}: {delivery.status_reason}.")
    else:
        out.append(f"Post has not yet delivered the demarche to {whom}.")
    response = report.response or (delivery.response if delivery else "")
    words = (report.response_text or (delivery.response_text if delivery else "")).strip()
    if response:
        word = PostTask.Response(response).label
        out.append(f"RESPONSE: {word}." + (f" In their words: {words}" if words else ""))
    out.append("COMMENT: [Post's comment, if any.]")
    return out


def _where(paragraphs) -> str:
    numbers = [str(p) for p in paragraphs or [] if p]
    return f" (REF paragraph {numbers[0]})" if numbers else ""


def _wrap(text: str, *, indent: str) -> list[str]:
    lines = []
    for part in text.splitlines() or [""]:
        # Whole words only: a line broken after "non-" reads back as "non- paper" once the lines are joined.
        lines += textwrap.wrap(part, WIDTH, subsequent_indent=indent, break_long_words=False,
                               break_on_hyphens=False) or [""]
    return lines
