"""Plan a demarche's per-post tasks from a cable's parse (the rules are in docs/demarches.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cables.models import Post

from ..models import PostTask

Kind = PostTask.Kind
NO_POINTS_FLAG = "The cable gives no post-specific talking points for this post."
# Action requests that task no post: the action lies with the Department, or the cable is guidance.
UNTASKED_KINDS = {"department", "guidance"}
# What a post hands over; background texts, press material and resolutions are not.
HANDED_KINDS = {"non-paper", "letter", "note", "points", "text"}
QUESTION_LIMIT = 40


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
    sections: list = field(default_factory=list)
    text: str = ""
    text_kind: str = ""
    marking: str = ""


def norm_name(name: str | None) -> str:
    """A place or authority's name as compared: upper case, no dots, single spaces."""
    return " ".join((name or "").upper().replace(".", "").split())


def _is_host(audience: str | None, post: Post) -> bool:
    """Tell whether a parsed audience is just the post's own host ("Hong Kong SAR", "Taiwan")."""
    if not audience:
        return True
    name = norm_name(audience)
    for suffix in (" AUTHORITIES", " AUTHORITY", " SAR", " GOVERNMENT"):
        name = name.removesuffix(suffix)
    # Not releasability_names: Hong Kong's include MACAU, which is a separate audience.
    hosts = {norm_name(post.country), norm_name(post.name), norm_name(post.city)}
    return name in hosts - {""}


def _audience_name(audience: str) -> str:
    name = " ".join(audience.split())
    for suffix in (" SAR Authorities", " Authorities", " SAR"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def _section_audience(section: dict, post: Post) -> str:
    return "" if _is_host(section.get("audience"), post) else _audience_name(section["audience"])


def _label(audience: str) -> str:
    return f"the {audience} authorities" if audience else "the host government"


def paragraph_words(numbers) -> str:
    """Name paragraph numbers in words: "paragraph 4", "paragraphs 4, 5 and 7" ("" for none)."""
    numbers = sorted({n for n in numbers if n})
    if not numbers:
        return ""
    if len(numbers) == 1:
        return f"paragraph {numbers[0]}"
    return "paragraphs " + ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"


def _clean_points(points: list[dict], conditional: bool = False) -> list[dict]:
    """Keep the points as parsed, minus empty ones (a trailing bare "--"); a conditional section's are conditional."""
    out = []
    for point in points or []:
        text = (point.get("text") or "").strip()
        if text and set(text) - {"-", " "}:
            out.append({"text": text, "conditional": bool(point.get("conditional") or conditional)})
    return out


def _section(raw: dict) -> dict:
    background = bool(raw.get("background"))
    return {
        "paragraph": raw.get("paragraph"), "heading": (raw.get("heading") or "").strip(" -:"),
        "marking": raw.get("marking") or "", "conditional": bool(raw.get("conditional")),
        "background": background,
        # A background section is never releasable, whatever a REL in it says.
        "releasable_to": [] if background else list(raw.get("releasable_to") or []),
        "points": _clean_points(raw.get("points"), bool(raw.get("conditional"))),
    }


def handed_texts(parsed: dict) -> list[dict]:
    """Return the texts the request hands over (non-papers, letters, notes), in paragraph order."""
    request = parsed.get("action_request") or {}
    wanted = request.get("non_paper_paragraphs") or []
    markings = {p.get("number"): p.get("marking") for p in parsed.get("paragraphs") or []}
    texts = [dict(n, marking=n.get("marking") or markings.get(n.get("paragraph")) or "")
             for n in parsed.get("non_papers") or []
             if n.get("paragraph") in wanted and (n.get("kind") or "non-paper") in HANDED_KINDS]
    return sorted(texts, key=lambda n: n.get("paragraph") or 0)


def _deliver(post: Post, audience: str, text: dict) -> TaskPlan:
    from .visibility import releasable_items  # visibility reads this module's names

    kind = text.get("kind") if text.get("kind") in {"letter", "note", "text"} else "non-paper"
    where = f" in paragraph {text['paragraph']}" if text.get("paragraph") else ""
    title = (text.get("title") or "").strip()
    about = f" ({title})" if kind == "letter" and title and "letter" not in title.lower()[:6] else ""
    return TaskPlan(post, audience, Kind.DELIVER_NON_PAPER,
                    f"Deliver the {kind}{where}{about} to appropriate officials of {_label(audience)}.",
                    text=releasable_items(text.get("text") or "", post, audience), text_kind=kind, marking=text.get("marking") or "",
                    releasable_to=list(text.get("releasable_to") or []))


def _action_instruction(request: dict) -> str:
    """Say what a post must do when the cable gives neither a text to hand over nor talking points."""
    where = f" in paragraph {request['paragraph']}" if request.get("paragraph") else ""
    asks = "; ".join(r.strip().rstrip(".") for r in request.get("requests") or [] if r.strip())
    return f"Carry out the action request{where}" + (f": {asks}." if asks else ".")


def _report_instruction(request: dict, reference_id: str, label: str, own: str) -> str:
    """Say what to report: the host's response, or for an information request, the answers it asks for."""
    lines = []
    if request.get("kind") == "report":
        where = f" in paragraph {request['paragraph']}" if request.get("paragraph") else ""
        asks = "; ".join(r.strip().rstrip(".") for r in request.get("requests") or [] if r.strip())
        lines.append(f"Find out and report by cable, citing {reference_id}, what the request{where} asks"
                     + (f": {asks}." if asks else "."))
        questions = [q.strip() for q in request.get("questions") or [] if q.strip()][:QUESTION_LIMIT]
        if questions:
            lines.append("Answer these questions:")
            lines += [f"{n}. {q}" for n, q in enumerate(questions, 1)]
    else:
        lines.append(f"Report the response of {label} by cable, citing {reference_id}.")
    if own:
        lines.append(f"For this post: {own[:1].upper()}{own[1:]}")
    if request.get("reporting_instructions"):
        lines.append(f"Reporting instructions: {request['reporting_instructions'].strip()}")
    return "\n".join(lines)


def _points_plan(post: Post, audience: str, deliverable: list[dict], own: list[dict]) -> TaskPlan:
    points = [p for s in deliverable for p in s["points"]]
    paragraph = (own or deliverable)[0]["paragraph"]
    releasable = list(dict.fromkeys(r for s in deliverable for r in s["releasable_to"]))
    where = paragraph_words(s["paragraph"] for s in deliverable)
    return TaskPlan(post, audience, Kind.TALKING_POINTS, f"Make the talking points of {where} to {_label(audience)}.",
                    talking_points=points, tp_paragraph=paragraph, releasable_to=releasable, sections=deliverable,
                    marking=" · ".join(dict.fromkeys(s["marking"] for s in deliverable if s["marking"])))


def _plans_for(post: Post, parsed: dict, request: dict, texts: list[dict], by_hand: bool) -> list[TaskPlan]:
    exception = next((e for e in request.get("exceptions") or [] if e.get("code") == post.code), None)
    own_instruction = ((exception or {}).get("instruction") or "").strip()
    # An excluded post does its own instruction instead of the request ("except Canberra", "FOR MOSCOW, PARIS
    # ...: posts may share the general tenor ... but do not need to deploy the points"): no text, no points.
    # Excluded from some paragraphs only ("(except for Embassies Warsaw and Prague) ... also ... paras 5-8"): the
    # post does the rest of the request; the general sections and texts of those paragraphs are not its own.
    partial = set(exception.get("paragraphs") or []) if exception and exception.get("excluded") else set()
    excluded = bool(exception and exception.get("excluded")) and not partial
    all_sections = parsed.get("talking_points") or []
    sections = [] if excluded else [s for s in all_sections if s.get("code") == post.code
                                    or (not s.get("code") and s.get("paragraph") not in partial)]
    texts = [t for t in texts if t.get("paragraph") not in partial]
    cable_has_points = any(not s.get("background") for s in all_sections)
    # Like the parser's no_talking_points: a post named in the header is owed points when other posts have
    # their own and none are for all; a collective's members and excluded posts are not.
    # Only when the request points at talking-point paragraphs of its own: "POINT FOR SINGAPORE ONLY" extras
    # inside the request paragraph owe nothing to the other posts.
    pointed = set(request.get("talking_point_paragraphs") or []) - {request.get("paragraph")}
    owed_points = (bool(pointed) and not excluded
                   and not any(not s.get("code") and not s.get("background") for s in all_sections)
                   and (by_hand or post.code in {a.get("code") for a in parsed.get("action_addressees") or []}))
    reference_id = parsed.get("reference_id") or "the tasking cable"
    is_report = request.get("kind") == "report"
    audiences = [""] + [_section_audience(s, post) for s in sections if s.get("code")]
    audiences += [_audience_name(a["also_for"]) for a in parsed.get("also_for") or []
                  if a.get("code") == post.code and a.get("also_for")]
    plans: list[TaskPlan] = []
    for audience in dict.fromkeys(audiences):
        label = _label(audience)
        # General sections (no post named) apply to every audience beside the post's own: both are made.
        mine = sorted((_section(s) for s in sections
                       if not s.get("code") or _section_audience(s, post) == audience), key=lambda s: s["paragraph"] or 0)
        own = [_section(s) for s in sections if s.get("code") and _section_audience(s, post) == audience]
        deliverable = [s for s in mine if not s["background"] and s["points"]]
        background = [s for s in mine if s["background"]]
        audience_plans: list[TaskPlan] = []
        if not excluded:
            audience_plans += [_deliver(post, audience, text) for text in texts]
        if not is_report and not audience and (request.get("kind") == "instruction" or not (texts or cable_has_points)):
            # Without this the post's only task would be to report on an action nobody named (or a vote).
            audience_plans.append(TaskPlan(post, audience, Kind.SPECIAL, _action_instruction(request)))
        if own_instruction and not audience and not is_report:
            audience_plans.append(TaskPlan(post, audience, Kind.SPECIAL, own_instruction[:1].upper() + own_instruction[1:]))
        points_plan = None
        if deliverable:
            points_plan = _points_plan(post, audience, deliverable, [s for s in own if not s["background"]])
        elif cable_has_points and owed_points and not is_report:
            points_plan = TaskPlan(
                post, audience, Kind.TALKING_POINTS,
                f"The cable gives no post-specific talking points for {post.name}"
                f"{f' ({audience})' if audience else ''}; the desk officer will advise.",
                needs_attention=NO_POINTS_FLAG)
        if points_plan:
            audience_plans.append(points_plan)
        report = TaskPlan(post, audience, Kind.REPORT_BACK,
                          _report_instruction(request, reference_id, label, own_instruction if is_report else ""))
        audience_plans.append(report)
        # Background goes with the points it explains, else with the report; never into points to make.
        (points_plan or report).sections = (points_plan.sections if points_plan else []) + background
        plans += audience_plans
    return plans


def plan_tasks(parsed: dict, posts: list[Post], *, by_hand: bool = False) -> list[TaskPlan]:
    """Turn a parse into the tasks of the given action posts (none when the cable tasks no post).

    by_hand: a desk officer added these posts, so a post the request owes points to and that has none is
    flagged like a header addressee."""
    request = parsed.get("action_request") or {}
    if not request or request.get("department_action") or request.get("kind") in UNTASKED_KINDS:
        return []
    texts = handed_texts(parsed)
    plans = [plan for post in posts for plan in _plans_for(post, parsed, request, texts, by_hand)]
    # Posts report whom they met against the level the cable asked for: carry it on the tasks that meet.
    level = (request.get("level") or "")[:255]
    for plan in plans:
        if plan.kind != Kind.REPORT_BACK:
            plan.requested_level = level
    return plans
