"""The three kinds of result: what each searches, who may see it, how it is filtered, ranked and shown.

Access is the pages' own: cables and demarches are read by desk officers and managers only (their pages
check can_read_all); tasks come from PostTask.objects.visible_to, and a task's talking points count only
when points_releasable says its post may read them. Embassy staff cannot open a demarche, so their
tasks also match on their demarche's subject, which the task page shows.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField, Case, F, OuterRef, Prefetch, Q, Subquery, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat, Left
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString

from accounts.roles import can_read_all
from cables.models import Cable, CableAddressee
from cables.templatetags.page_dates import PAGE_DATE

from ..models import Demarche, DemarchePost, PostTask, ReplyMatch
from ..services.visibility import redact_for
from . import text
from .query import Kind, SearchRequest

# Text the snippet is cut from; ts_headline parses all of it, so it is bounded.
HEADLINE_CHARS = 60000
# The JSON strings joined as plain text (for headlines only: generated columns allow no subquery).
PARAGRAPHS_SQL = (
    "left(array_to_string(ARRAY(SELECT jsonb_path_query(\"cables_cable\".\"parsed\", '$.paragraphs[*].text') "
    "#>> '{}'), ' '), " + str(HEADLINE_CHARS) + ")"
)
# The tasks whose points redact_for might change (PostgreSQL), so that only those are loaded and checked:
# a REL marking on the task or on a section (releasable_to_post is true without one); anything shaped
# otherwise than generation writes; or points that differ from the sections' deliverable points, which is
# what redact_for leaves when nothing is withheld. The rest keep their points for every reader.
MAYBE_WITHHELD_SQL = """(
    "outreach_posttask"."releasable_to" <> '[]'::jsonb
    OR jsonb_typeof("outreach_posttask"."sections") <> 'array'
    OR "outreach_posttask"."sections" @? '$[*].releasable_to[*]'
    OR "outreach_posttask"."sections" @? '$[*] ? (exists(@.background) && @.background.type() != "boolean"
        && @.background.type() != "null")'
    OR "outreach_posttask"."sections" @? '$[*] ? (exists(@.points) && @.points.type() != "array")'
    OR ("outreach_posttask"."sections" <> '[]'::jsonb AND "outreach_posttask"."talking_points" IS DISTINCT FROM
        jsonb_path_query_array("outreach_posttask"."sections", '$[*] ? (!(@.background == true)).points[*]'))
)"""
# ts_headline parses all the text it is given (9 ms for an average bulk cable under load, 50 for the
# largest), so a cable's snippet is first cut from the SNIPPET_PARAGRAPHS paragraphs with the most words
# that begin like those searched for (a regular expression: cheap), and from all of it only when that
# marks nothing (a word found through its stem alone, "treaties" for "treaty").
SNIPPET_PARAGRAPHS = 4
MATCHING_PARAGRAPHS_SQL = (
    "left(array_to_string(ARRAY(SELECT p.text #>> '{}' FROM jsonb_path_query(\"cables_cable\".\"parsed\", "
    "'$.paragraphs[*].text') WITH ORDINALITY AS p(text, n) WHERE p.text #>> '{}' ~* ANY(%s::text[]) "
    "ORDER BY (SELECT count(*) FROM unnest(%s::text[]) w WHERE p.text #>> '{}' ~* w) DESC, p.n "
    f"LIMIT {SNIPPET_PARAGRAPHS}), ' '), {HEADLINE_CHARS})"
)
POINTS_SQL = (
    "array_to_string(ARRAY(SELECT jsonb_path_query(\"outreach_posttask\".\"talking_points\", '$[*].text') "
    "#>> '{}'), ' ')"
)


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    day: date | None
    facts: list[str]
    snippet: SafeString


def _tag_q(field: str, tag: str) -> Q:
    return Q(**{f"{field}__regex": rf"(^| ){tag}( |$)"})


def _any(qs) -> Subquery:
    """True when qs has a row. A scalar subquery, which PostgreSQL runs for each candidate and stops at
    the first row: an EXISTS is planned as a join, and a region's filter then read all 658,000 demarche
    posts (330 ms) to keep 1,740 demarches."""
    return Subquery(qs.order_by().values(found=Value(True))[:1], output_field=BooleanField())


def _dates(qs, field: str, req: SearchRequest):
    if req.start:
        qs = qs.filter(**{f"{field}__gte": req.start})
    if req.end:
        qs = qs.filter(**{f"{field}__lte": req.end})
    return qs


class CableKind:
    kind, model = Kind.CABLES, Cable
    fields = ["reference_id", "subject", "tags_text", "parsed__paragraphs"]
    day = F("sent_at")  # newest first among equal ranks

    def visible(self, user):
        return Cable.objects.current() if can_read_all(user) else None

    def prepare(self, req: SearchRequest, user) -> dict:
        return {}

    def matching(self, qs, req: SearchRequest, user, **prepared):
        qs = qs.filter(text.matches("search_vector", req.q) if text.full_text() else text.contains_all(req.words, self.fields))
        if req.post:
            qs = qs.filter(_any(CableAddressee.objects.filter(cable=OuterRef("pk"), post=req.post)))
        if req.region:
            qs = qs.filter(_any(CableAddressee.objects.filter(cable=OuterRef("pk"), post__region=req.region)))
        if req.tag:
            qs = qs.filter(_tag_q("tags_text", req.tag))
        return _dates(qs, "sent_at__date", req)

    def rank(self, req: SearchRequest, user, **prepared):
        return text.rank("search_vector", req.q)

    def hits(self, ids: list[int], req: SearchRequest, user) -> list[Hit]:
        rows = Cable.objects.filter(pk__in=ids).defer("raw_text", "raw_bytes").prefetch_related(
            Prefetch("reply_matches", ReplyMatch.objects.exclude(state=ReplyMatch.State.REJECTED)
                     .select_related("demarche", "post")))
        if text.full_text():
            starts = text.word_starts(req.words)
            rows = rows.annotate(headline=self._headline(RawSQL(MATCHING_PARAGRAPHS_SQL, [starts, starts]), req))
        by_id = {c.pk: c for c in rows}
        unmarked = [pk for pk, c in by_id.items() if text.full_text() and text.START not in c.headline]
        if unmarked:
            whole = Cable.objects.filter(pk__in=unmarked).annotate(h=self._headline(RawSQL(PARAGRAPHS_SQL, []), req))
            for pk, headline in whole.values_list("pk", "h"):
                by_id[pk].headline = headline
        return [self._hit(by_id[pk], req) for pk in ids]

    def _headline(self, paragraphs, req: SearchRequest):
        return text.headline(Concat("subject", Value(" "), paragraphs), req.q)

    def _hit(self, cable: Cable, req: SearchRequest) -> Hit:
        if text.full_text():
            snippet = text.marked(cable.headline)
        else:
            paragraphs = " ".join(p.get("text", "") for p in (cable.parsed or {}).get("paragraphs") or [])
            snippet = text.snippet(f"{cable.subject} {paragraphs}", req.words)
        facts = [f"from {cable.origin}" if cable.origin else "", cable.tags_text and f"TAGS {cable.tags_text}"]
        facts += [f"reply to {m.demarche.reference_id}" + (f" from {m.post.name}" if m.post else "")
                  for m in cable.reply_matches.all()]
        return Hit(self.kind, f"{cable.reference_id}: {cable.subject}", cable.get_absolute_url(),
                   cable.sent_at and cable.sent_at.date(), [f for f in facts if f], snippet)


class DemarcheKind:
    kind, model = Kind.DEMARCHES, Demarche
    fields = ["reference_id", "subject", "instructions"]
    day = Coalesce("issued_at", "created_at")

    def visible(self, user):
        # The demarche pages are for desk officers and managers; staff find their tasks instead.
        return Demarche.objects.visible_to(user) if can_read_all(user) else None

    def prepare(self, req: SearchRequest, user) -> dict:
        return {}

    def matching(self, qs, req: SearchRequest, user, **prepared):
        qs = qs.filter(text.matches("search_vector", req.q) if text.full_text() else text.contains_all(req.words, self.fields))
        if req.post:
            qs = qs.filter(_any(DemarchePost.objects.filter(demarche=OuterRef("pk"), post=req.post, removed=False)))
        if req.region:
            qs = qs.filter(_any(DemarchePost.objects.filter(
                demarche=OuterRef("pk"), post__region=req.region, removed=False)))
        if req.tag:
            qs = qs.filter(_tag_q("cable__tags_text", req.tag))
        return _dates(qs.annotate(day=Coalesce("issued_at", "created_at")), "day__date", req)

    def rank(self, req: SearchRequest, user, **prepared):
        return text.rank("search_vector", req.q)

    def hits(self, ids: list[int], req: SearchRequest, user) -> list[Hit]:
        rows = Demarche.objects.filter(pk__in=ids)
        if text.full_text():
            rows = rows.annotate(headline=text.headline(
                Concat("subject", Value(" "), Left("instructions", HEADLINE_CHARS), output_field=TextField()), req.q))
        by_id = {d.pk: d for d in rows}
        return [self._hit(by_id[pk], req) for pk in ids]

    def _hit(self, demarche: Demarche, req: SearchRequest) -> Hit:
        snippet = (text.marked(demarche.headline) if text.full_text()
                   else text.snippet(f"{demarche.subject} {demarche.instructions}", req.words))
        when = demarche.issued_at or demarche.created_at
        return Hit(self.kind, f"{demarche.reference_id}: {demarche.subject}", demarche.get_absolute_url(),
                   when.date(), [demarche.get_state_display()], snippet)


class TaskKind:
    kind, model = Kind.TASKS, PostTask
    fields = ["instruction", "response_text", "status_reason", "reply_reference_id", "officials"]
    day = F("issued_on")

    def visible(self, user):
        return PostTask.objects.visible_to(user)

    def prepare(self, req: SearchRequest, user) -> dict:
        """Find the ids of the user's tasks whose talking points match but are not theirs to read."""
        return {"withheld": self.withheld(req, user)}

    def withheld(self, req: SearchRequest, user) -> list[int]:
        # Any task whose points redact_for would change counts as withheld whole: never a leak, at the cost
        # of not matching the releasable sections of a partly withheld task.
        if can_read_all(user):
            return []
        tasks = self._points_match(PostTask.objects.visible_to(user), req)
        if text.full_text():
            tasks = tasks.filter(RawSQL(MAYBE_WITHHELD_SQL, [], output_field=BooleanField()))
        tasks = list(tasks.select_related("post").only(
            "talking_points", "sections", "releasable_to", "audience", "post__country", "post__releasability_names"))
        original = {t.pk: list(t.talking_points) for t in tasks}
        return [t.pk for t in redact_for(user, tasks) if t.talking_points != original[t.pk]]

    def _points_match(self, qs, req):
        if text.full_text():
            return qs.filter(text.matches("points_vector", req.q))
        return qs.filter(text.contains_all(req.words, ["talking_points"]))

    def matching(self, qs, req: SearchRequest, user, *, withheld: list[int]):
        if text.full_text():
            found = text.matches("search_vector", req.q) | (text.matches("points_vector", req.q) & ~Q(pk__in=withheld))
        else:
            found = (text.contains_all(req.words, self.fields)
                     | (text.contains_all(req.words, ["talking_points"]) & ~Q(pk__in=withheld)))
        if not can_read_all(user):  # staff cannot open the demarche: its subject finds its tasks
            # Any demarche: qs holds only the user's visible tasks, so their demarches are visible too
            # (Demarche.visible_to here re-checked each matching demarche's tasks: 7,000 for "outreach").
            demarches = Demarche.objects.all()
            if text.full_text():
                demarches = demarches.filter(text.heading_matches("search_vector", req.q))
            else:
                demarches = demarches.filter(text.contains_all(req.words, ["reference_id", "subject"]))
            found |= Q(demarche__in=demarches.values("pk"))
        qs = qs.filter(found)
        if req.post:
            qs = qs.filter(post=req.post)
        if req.region:
            qs = qs.filter(post__region=req.region)
        if req.tag:
            qs = qs.filter(_tag_q("demarche__cable__tags_text", req.tag))
        return _dates(qs, "issued_on", req)

    def rank(self, req: SearchRequest, user, *, withheld: list[int]):
        points = text.rank("points_vector", req.q)
        if withheld:
            points = Case(When(pk__in=withheld, then=Value(0.0)), default=points)
        return text.rank("search_vector", req.q) + points

    def hits(self, ids: list[int], req: SearchRequest, user) -> list[Hit]:
        rows = PostTask.objects.filter(pk__in=ids).select_related("post", "demarche")
        if text.full_text():
            base = Concat("instruction", Value(" "), "response_text", Value(" "), "status_reason",
                          output_field=TextField())
            rows = rows.annotate(headline=text.headline(base, req.q),
                                 points_headline=text.headline(RawSQL(POINTS_SQL, []), req.q))
        rows = list(rows)
        original = {t.pk: list(t.talking_points) for t in rows}
        by_id = {t.pk: t for t in redact_for(user, rows)}
        for task in rows:  # the points' headline is cut from all points: only for a task shown whole
            task.points_whole = task.talking_points == original[task.pk]
        return [self._hit(by_id[pk], req) for pk in ids]

    def _hit(self, task: PostTask, req: SearchRequest) -> Hit:
        points = " ".join(p.get("text", "") for p in task.talking_points)  # blank when withheld
        if text.full_text():
            use_points = (points and task.points_whole and text.START not in task.headline
                          and text.START in task.points_headline)
            snippet = text.marked(task.points_headline if use_points else task.headline)
        else:
            snippet = text.snippet(f"{task.instruction} {task.response_text} {task.status_reason} {points}",
                                   req.words)
        audience = f" (for {task.audience})" if task.audience else ""
        facts = [f"Demarche {task.demarche.reference_id}: {task.demarche.subject}", task.get_status_display(),
                 f"due {date_format(task.due, PAGE_DATE)}"]
        if task.response:
            facts.append(f"response: {task.get_response_display().lower()}")
        return Hit(self.kind, f"{task.get_kind_display()}: {task.post.name}{audience}", task.get_absolute_url(),
                   task.issued_on, facts, snippet)


KINDS = {k.kind: k for k in (CableKind(), DemarcheKind(), TaskKind())}
