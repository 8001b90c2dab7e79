"""What a task's page shows of its instruction cable: the parts addressed to the task's post, by paragraph.

A post acts from its task alone: the action request, the non-paper or letter to hand over, every talking
point that applies (the task's own, as tasked, then the cable's other sections for the post: general,
contingency and background, with markings, "if raised" and background points marked),
its special instruction and the dates, each with the paragraph it comes from. Releasability holds as on
the task itself: embassy staff see a marked text only when it is releasable to the task's audience.
"""

from __future__ import annotations

from accounts.roles import can_read_all

from ..models import PostTask
from .generation import _audience_name, _is_host
from .visibility import releasable_to_post

Kind = PostTask.Kind
# The task kinds that hand over the cable's non-paper (Canberra's special task shares it with the Chair).
HANDS_OVER_TEXT = {Kind.DELIVER_NON_PAPER, Kind.SPECIAL}


def instruction_for(task: PostTask, user) -> dict:
    """The parts of the task's cable that its post needs, for the task page (redacted for embassy staff)."""
    parsed = task.demarche.cable.parsed or {}
    request = parsed.get("action_request") or {}
    sees_all = can_read_all(user)

    def shown(releasable: list) -> bool:
        return sees_all or releasable_to_post(releasable, task.post, task.audience)

    texts = []
    if task.kind in HANDS_OVER_TEXT:
        for paper in parsed.get("non_papers") or []:
            rel = list(paper.get("releasable_to") or [])
            texts.append({**paper, "releasable_to": rel, "withheld": not shown(rel),
                          "label": (paper.get("kind") or "non-paper").replace("-", " ").capitalize()})
            if texts[-1]["withheld"]:
                texts[-1]["text"] = ""
    sections, own_marking = [], ""
    if task.kind == Kind.TALKING_POINTS:
        for section in _sections_for(parsed, task):
            if section.get("paragraph") == task.tp_paragraph and not section.get("background"):
                # The task holds these points (as the desk officer may have edited them): shown from the task.
                own_marking = section.get("marking") or ""
                continue
            rel = list(section.get("releasable_to") or [])
            withheld = not shown(rel)
            sections.append({**section, "releasable_to": rel, "withheld": withheld,
                             "points": [] if withheld else _points(section.get("points"))})
    deadline = request.get("deadline") or {}
    exception = next((e for e in request.get("exceptions") or [] if e.get("code") == task.post.code), None)
    return {
        "classification": parsed.get("classification") or "",
        "reference_id": parsed.get("reference_id") or task.demarche.reference_id,
        "request": {"paragraph": request.get("paragraph"), "text": request.get("text") or "",
                    "level": request.get("level") or ""},
        "special": exception.get("instruction") if exception and exception.get("instruction") else "",
        "deadline": {"paragraph": deadline.get("paragraph"), "text": deadline.get("text") or ""},
        "texts": texts,
        "sections": sections,
        "own_marking": own_marking,
    }


def _points(points) -> list[dict]:
    out = []
    for point in points or []:
        text = (point.get("text") or "").strip()
        if text and set(text) - {"-", " "}:
            out.append({"text": text, "conditional": bool(point.get("conditional"))})
    return out


def _sections_for(parsed: dict, task: PostTask) -> list[dict]:
    """The talking-points sections for the task's post and audience: the general ones and its own."""
    out = []
    for section in parsed.get("talking_points") or []:
        code = section.get("code")
        if code and code != task.post.code:
            continue
        audience = section.get("audience")
        own_audience = "" if _is_host(audience, task.post) else _audience_name(audience)
        if code and own_audience != task.audience:
            continue
        out.append(section)
    return out
