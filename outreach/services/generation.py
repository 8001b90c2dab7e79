"""Plan a demarche's per-post tasks from a cable's parse."""

from __future__ import annotations

from dataclasses import dataclass, field

from cables.models import Cable, CableAddressee, Post

from ..models import Demarche, PostTask

Kind = PostTask.Kind
UNTASKABLE_KINDS = {"collective", "unknown", "", None}
NO_POINTS_FLAG = "The cable gives no post-specific talking points for this post."


@dataclass
class TaskPlan:
    post: Post
    audience: str
    kind: str
    instruction: str
    talking_points: list = field(default_factory=list)
    tp_paragraph: int | None = None
    releasable_to: list = field(default_factory=list)
    needs_attention: str = ""
    position: int = 0
    requested_level: str = ""


def _norm(name: str | None) -> str:
    return " ".join((name or "").upper().replace(".", "").split())


def _is_host(audience: str | None, post: Post) -> bool:
    """Tell whether a parsed audience is just the post's own host ("Hong Kong SAR", "Taiwan")."""
    if not audience:
        return True
    name = _norm(audience)
    for suffix in (" AUTHORITIES", " AUTHORITY", " SAR", " GOVERNMENT"):
        name = name.removesuffix(suffix)
    # Not releasability_names: Hong Kong's include MACAU, which is a separate audience.
    hosts = {_norm(post.country), _norm(post.name), _norm(post.city)}
    return name in hosts - {""}


def _audience_name(audience: str) -> str:
    name = " ".join(audience.split())
    for suffix in (" SAR Authorities", " Authorities", " SAR"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def _label(audience: str) -> str:
    return f"the {audience} authorities" if audience else "the host government"


def _clean_points(points: list[dict]) -> list[dict]:
    """Keep the points as parsed, minus empty ones (a trailing bare "--")."""
    out = []
    for point in points:
        text = (point.get("text") or "").strip()
        if text and set(text) - {"-", " "}:
            out.append({"text": text, "conditional": bool(point.get("conditional"))})
    return out


def _action_instruction(request: dict) -> str:
    """Say what a post must do when the cable gives neither a non-paper nor talking points."""
    where = f" in paragraph {request['paragraph']}" if request.get("paragraph") else ""
    asks = "; ".join(r.strip().rstrip(".") for r in request.get("requests") or [] if r.strip())
    return f"Carry out the action request{where}" + (f": {asks}." if asks else ".")


def plan_tasks(parsed: dict, posts: list[Post]) -> list[TaskPlan]:
    """Turn a parse into the tasks of the given action posts."""
    request = parsed.get("action_request") or {}
    has_non_paper = bool(parsed.get("non_papers") or request.get("non_paper_paragraphs"))
    np_paras = request.get("non_paper_paragraphs") or [n.get("paragraph") for n in parsed.get("non_papers") or []]
    np_where = f" in paragraph {np_paras[0]}" if np_paras and np_paras[0] else ""
    sections = parsed.get("talking_points") or []
    has_points = bool(sections)
    # A section naming no post holds points for every action post.
    general = [s for s in sections if not s.get("code")]
    exceptions = {e.get("code"): e for e in request.get("exceptions") or [] if e.get("code")}
    reference_id = parsed.get("reference_id") or "the tasking cable"
    plans: list[TaskPlan] = []
    for post in posts:
        own = [s for s in sections if s.get("code") == post.code]
        audiences = [""]
        for s in own:
            if not _is_host(s.get("audience"), post):
                audiences.append(_audience_name(s["audience"]))
        for also in parsed.get("also_for") or []:
            if also.get("code") == post.code and also.get("also_for"):
                audiences.append(_audience_name(also["also_for"]))
        audiences = list(dict.fromkeys(audiences))
        exception = exceptions.get(post.code)
        for audience in audiences:
            label = _label(audience)
            if has_non_paper and not (exception and exception.get("excluded")):
                plans.append(TaskPlan(post, audience, Kind.DELIVER_NON_PAPER,
                                      f"Deliver the non-paper{np_where} to appropriate officials of {label}."))
            if exception and exception.get("instruction") and not audience:
                text = exception["instruction"].strip()
                plans.append(TaskPlan(post, audience, Kind.SPECIAL, text[:1].upper() + text[1:]))
            if not has_non_paper and not has_points and not audience and not (
                exception and exception.get("instruction")
            ):
                # Without this the post's only task would be to report on an action nobody named.
                plans.append(TaskPlan(post, audience, Kind.SPECIAL, _action_instruction(request)))
            if has_points:
                section = next((s for s in own if (_audience_name(s["audience"]) if not _is_host(
                    s.get("audience"), post) else "") == audience), None)
                if section is None and general:
                    section = {
                        "paragraph": general[0].get("paragraph"),
                        "points": [p for g in general for p in g.get("points") or []],
                        "releasable_to": [r for g in general for r in g.get("releasable_to") or []],
                    }
                if section:
                    plans.append(TaskPlan(
                        post, audience, Kind.TALKING_POINTS,
                        f"Make the talking points of paragraph {section.get('paragraph')} to {label}.",
                        talking_points=_clean_points(section.get("points") or []),
                        tp_paragraph=section.get("paragraph"),
                        releasable_to=list(section.get("releasable_to") or []),
                    ))
                else:
                    plans.append(TaskPlan(
                        post, audience, Kind.TALKING_POINTS,
                        f"The cable gives no post-specific talking points for {post.name}"
                        f"{f' ({audience})' if audience else ''}; the desk officer will advise.",
                        needs_attention=NO_POINTS_FLAG,
                    ))
            plans.append(TaskPlan(post, audience, Kind.REPORT_BACK,
                                  f"Report the response of {label} by cable, citing {reference_id}."))
    # Posts report whom they met against the level the cable asked for: carry it on the tasks that meet.
    level = (request.get("level") or "")[:255]
    for plan in plans:
        if plan.kind != Kind.REPORT_BACK:
            plan.requested_level = level
    return plans


def action_posts(cable: Cable) -> list[Post]:
    """Return the cable's action addressees that are posts (collectives and unknowns cannot be tasked)."""
    rows = (
        CableAddressee.objects.filter(cable=cable, role=CableAddressee.Role.ACTION, post__isnull=False)
        .exclude(kind__in=["collective", "unknown"])
        .select_related("post")
        .order_by("position")
    )
    return list(dict.fromkeys(row.post for row in rows))


def draft_flags(demarche: Demarche) -> list[str]:
    """Return what the desk officer should look at before issuing: untaskable addressees, anomalies."""
    parsed = demarche.cable.parsed or {}
    flags = []
    for a in parsed.get("action_addressees") or []:
        if a.get("kind") == "collective":
            flags.append(f"{a.get('raw')} is a collective and cannot be tasked; add its member posts by hand.")
        elif a.get("kind") in UNTASKABLE_KINDS or not a.get("code"):
            flags.append(f"{a.get('raw')} is not a known post and was not tasked.")
    for a in parsed.get("anomalies") or []:
        if a.get("kind") in {"spliced", "missing_paragraphs", "truncated"}:
            where = f" (paragraph {a['paragraph']})" if a.get("paragraph") else ""
            flags.append(f"Parser warning {a['kind']}{where}: {a.get('detail')}")
    return flags
