"""What a task's page shows of its instruction cable: the parts addressed to the task's post, by paragraph.

A post acts from its task alone. The task holds the text to hand over and its talking-points sections
(generation.py); this adds the cable's classification, the action request, the post's special instruction
and the dates, each with the paragraph it comes from, and, for tasks made before tasks held their text,
the cable's non-paper. Releasability holds as on the task itself: embassy staff see a marked text only
when it is releasable to the task's audience.
"""

from __future__ import annotations

from accounts.roles import can_read_all

from ..models import PostTask
from .visibility import releasable_items, releasable_to_post

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
            elif not sees_all:
                texts[-1]["text"] = releasable_items(paper.get("text") or "", task.post, task.audience)
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
        "text_paragraph": next((p for p in request.get("non_paper_paragraphs") or [] if p), None),
        **_date_sources(task.demarche, deadline),
    }


def _date_sources(demarche, deadline: dict) -> dict:
    """Where each due date comes from, in words: the cable's paragraph, or the desk officer."""
    # report_by_source is set when the date was read from the cable and cleared when a person changes it.
    by_desk = "set by the desk officer" + ("" if deadline else "; the cable names no date")
    report = demarche.report_by_source or by_desk
    from_cable = bool(demarche.report_by_source) and demarche.deliver_by == demarche.report_by
    deliver = "the report date the cable gives" if from_cable else by_desk
    return {"report_source": report, "deliver_source": deliver}
