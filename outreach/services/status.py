"""A demarche's posts and tasks as the demarche_status JSON contract (docs/contract.md) and as text."""

from __future__ import annotations

from ..models import Demarche, PostTask

Kind = PostTask.Kind
KIND_ORDER = [Kind.DELIVER_NON_PAPER, Kind.SPECIAL, Kind.TALKING_POINTS, Kind.REPORT_BACK]


def demarche_status(demarche: Demarche) -> dict:
    """Return the demarche_status JSON: posts with their tasks, per audience."""
    tasks = (
        demarche.tasks.filter(demarche_post__removed=False)
        .select_related("post")
        .order_by("post__sort_name", "post_id", "audience")
    )
    entries: dict = {}
    for task in tasks:
        entries.setdefault((task.post.name, task.post_id, task.audience), []).append(task)
    return {
        "reference_id": demarche.reference_id,
        "state": demarche.state,
        "posts": [
            {
                "post": name,
                "audience": audience or None,
                "tasks": [
                    {"kind": t.kind, "status": t.status, "instruction": t.instruction, "due": t.due.isoformat()}
                    for t in sorted(group, key=lambda t: (KIND_ORDER.index(t.kind), t.position))
                ],
            }
            for (name, _, audience), group in sorted(
                entries.items(), key=lambda item: (item[0][0].casefold(), item[0][1], item[0][2] != "", item[0][2])
            )
        ],
    }


def describe(demarche: Demarche, *, existed: bool) -> str:
    """Return a short text summary of a demarche for the commands."""
    status = demarche_status(demarche)
    total = sum(len(e["tasks"]) for e in status["posts"])
    posts = {e["post"] for e in status["posts"]}
    lines = [
        f"{demarche.reference_id}: {'exists' if existed else 'created'}, {demarche.state}; "
        f"deliver by {demarche.deliver_by}, report by {demarche.report_by}; "
        f"{len(posts)} posts, {total} tasks"
    ]
    for entry in status["posts"]:
        audience = f" (for {entry['audience']})" if entry["audience"] else ""
        kinds = ", ".join(t["kind"] for t in entry["tasks"])
        lines.append(f"  {entry['post']}{audience}: {len(entry['tasks'])} tasks ({kinds})")
    flagged = demarche.tasks.exclude(needs_attention="").select_related("post")
    if flagged:
        lines.append("Flagged for the desk officer: " + ", ".join(sorted({t.post.name for t in flagged})))
    return "\n".join(lines)
