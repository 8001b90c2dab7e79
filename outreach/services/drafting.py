"""What a draft demarche starts from: its action posts (collectives expanded), its report date, its flags."""

from __future__ import annotations

from datetime import date, timedelta

from cables.models import Cable, CableAddressee, Collective, Post

from ..models import Demarche
from .generation import UNTASKED_KINDS, paragraph_words

UNTASKABLE_KINDS = {"collective", "unknown", "other", "", None}
ANOMALY_WORDS = {
    "numbering_jump": "paragraph numbers jump",
    "numbering_restart": "paragraph numbers start again",
    "truncated": "the text is cut short",
    "spliced": "text from another cable is spliced in",
    "missing_paragraphs": "paragraphs are missing",
    "no_talking_points": "a post named in the request has no talking points",
    "unknown_addressee": "an addressee is not a known post",
    "unknown_collective": "a collective addressee is not in the collectives table",
    "reference_id_from_filename": "the reference id was taken from the file name",
    "reference_id_mismatch": "the reference id and the header disagree",
    "header_mismatch": "the header and the text seem to come from two cables",
    "garbled_header": "the header is garbled",
    "trailing_metadata": "database fields trail the text",
    "announced_paragraph_mismatch": "a paragraph the request points to does not hold what it announces",
}


def expand_collectives(parsed: dict) -> list[dict]:
    """Return each collective action addressee with the member posts the Collective table gives it today."""
    out = []
    for a in (parsed.get("action_addressees") or []):
        if a.get("kind") != "collective":
            continue
        row = Collective.objects.filter(key=a.get("collective")).first() if a.get("collective") else None
        members = list(row.members.order_by("name").values_list("code", flat=True)) if row else []
        out.append({"raw": a.get("raw") or "", "key": row.key if row else None, "name": row.name if row else "",
                    "as_of": row.as_of.isoformat() if row else None, "members": members})
    return out


def collective_rows(demarche: Demarche) -> list[dict]:
    """Return the draft's collectives for its page: the names of the posts each was expanded to."""
    codes = {code for c in demarche.collectives for code in c.get("members") or []}
    names = dict(Post.objects.filter(code__in=codes).values_list("code", "name"))
    return [{"raw": c.get("raw"), "name": c.get("name"), "as_of": c.get("as_of"), "known": bool(c.get("key")),
             "posts": [names.get(code, code) for code in c.get("members") or []]} for c in demarche.collectives]


def tasked_posts(cable: Cable, collectives: list[dict]) -> list[Post]:
    """Return the posts a cable tasks: its action posts and its collectives' members, narrowed to the posts
    the request names when it names some; none when the action lies with the Department or it is guidance."""
    request = (cable.parsed or {}).get("action_request") or {}
    if not request or request.get("department_action") or request.get("kind") in UNTASKED_KINDS:
        return []
    direct = [row.post for row in CableAddressee.objects.filter(
        cable=cable, role=CableAddressee.Role.ACTION, post__isnull=False,
    ).exclude(kind__in=["collective", "unknown"]).select_related("post").order_by("position")]
    codes = [code for c in collectives for code in c["members"]]
    members = {p.code: p for p in Post.objects.filter(code__in=codes)}
    posts = list(dict.fromkeys(direct + [members[c] for c in codes if c in members]))
    named = {p.get("code") for p in request.get("posts") or [] if p.get("code")}
    if named:
        posts = [p for p in posts if p.code in named]
    return posts


def action_posts(cable: Cable) -> list[Post]:
    """Return the posts a cable tasks, its collectives expanded with today's table."""
    return tasked_posts(cable, expand_collectives(cable.parsed or {}))


def _add_days(start: date, days: int, business: bool) -> date:
    if not business:
        return start + timedelta(days=days)
    current, left = start, days
    while left:
        current += timedelta(days=1)
        if current.isoweekday() < 6:
            left -= 1
    return current


def cable_report_date(parsed: dict, today: date) -> tuple[date | None, str]:
    """Return the report-by date the cable gives and where it comes from, in words; (None, "") when none."""
    request = parsed.get("action_request") or {}
    deadline = request.get("deadline") or {}
    where = f"paragraph {deadline['paragraph']} of the cable" if deadline.get("paragraph") else "the cable"
    quote = " ".join((deadline.get("text") or "").split())
    quote = f": “{quote[:200]}”" if quote else ""
    when = deadline.get("date") or request.get("report_by")
    if when:
        try:
            return date.fromisoformat(when), f"from {where}{quote}"
        except ValueError:
            return None, ""
    days = deadline.get("within_days")
    if days and 0 < days <= 365:
        business = bool(deadline.get("business_days"))
        unit = "business days" if business else "days"
        return _add_days(today, days, business), f"{days} {unit} from the day the draft was made, as {where} asks{quote}"
    return None, ""


def draft_flags(demarche: Demarche) -> list[str]:
    """Return what the desk officer should look at before issuing: whom the cable tasks, every parser warning."""
    parsed = demarche.cable.parsed or {}
    request = parsed.get("action_request") or {}
    flags = []
    if request.get("department_action") or request.get("kind") == "department":
        flags.append("The action lies with the Department: this cable asks Washington to act, so no post is tasked.")
    elif request.get("kind") == "guidance":
        flags.append("This cable is guidance (material to use if asked), not a tasking, so no post is tasked.")
    for c in demarche.collectives:
        if c.get("key"):
            flags.append(f"{c['raw']} is tasked through its {len(c['members'])} member posts ({c['name']}, membership "
                         f"as of {c['as_of']}).")
        else:
            flags.append(f"{c['raw']} is a collective the collectives table does not know: none of its posts was "
                         f"tasked. Add them by hand.")
    if demarche.needs_post_confirmation:
        flags.append("Confirm the post list (or edit it) before issuing: it includes posts of a collective.")
    named = {p.get("code") for p in request.get("posts") or []}
    for a in parsed.get("action_addressees") or []:
        if a.get("kind") == "collective":
            continue
        if a.get("kind") == "other":
            flags.append(f"{a.get('raw')} is not a diplomatic post (a military or agency addressee) and was not tasked.")
        elif a.get("kind") in UNTASKABLE_KINDS or not a.get("code"):
            flags.append(f"{a.get('raw')} is not a known post and was not tasked.")
        elif named and a.get("code") not in named:
            flags.append(f"{a.get('post')} is an action addressee the request does not name, so it was not tasked.")
    tasked = set(demarche.posts.filter(removed=False).values_list("post__code", flat=True))
    for e in request.get("exceptions") or []:
        if e.get("excluded") and e.get("code") in tasked and e.get("paragraphs"):
            flags.append(f"{e.get('post')} is excluded from {paragraph_words(e['paragraphs'])} only: it does the rest of"
                         " the request. Check this against the cable.")
        elif e.get("excluded") and e.get("code") in tasked:
            own = (e.get("instruction") or "").strip()
            flags.append(f"{e.get('post')} is excluded from the request: it hands nothing over and makes no points"
                         + (f"; its own instruction: {own}" if own else ", and the cable gives it no instruction")
                         + ". Check this against the cable.")
    for a in parsed.get("anomalies") or []:
        where = f" (paragraph {a['paragraph']})" if a.get("paragraph") else ""
        words = ANOMALY_WORDS.get(a.get("kind"), (a.get("kind") or "").replace("_", " "))
        flags.append(f"Parser warning{where}: {words}. {a.get('detail') or ''}".strip())
    if not tasked:
        flags.append("This demarche has no posts: add posts before issuing, or close it.")
    return flags
