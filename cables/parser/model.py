"""Dataclasses of a parsed cable; `Cable.to_dict()` is the JSON contract (docs/contract.md)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Final

PARSER_VERSION: Final = "1.3"


class CableParseError(ValueError):
    """The input is not a cable at all (empty, binary, HTML, prose...)."""


ParseError = CableParseError


@dataclass
class Addressee:
    raw: str
    post: str | None
    code: str | None
    country: str | None
    kind: str  # embassy|consulate|mission|ait|office|department|collective|other|unknown
    collective: str | None = None  # a collective's key in cables/data/collectives.csv; None when not listed


@dataclass
class Paragraph:
    number: int | None
    marking: str | None
    text: str
    heading: str | None = None  # the section heading printed just above it; not exported


@dataclass
class Point:
    text: str
    conditional: bool = False


@dataclass
class TalkingPoints:
    paragraph: int | None
    post: str | None
    code: str | None
    audience: str | None
    releasable_to: list[str]
    points: list[Point]
    marking: str | None = None  # the section's own portion marking, else its paragraph's
    heading: str | None = None  # "CONTINGENCY POINTS", "IF RAISED TALKING POINTS", "Saudi Arabia talking points"
    conditional: bool = False  # contingency, if-asked, press guidance: used only when the subject comes up
    background: bool = False  # for the post's own use, never handed over: NOFORN, "BACKGROUND (NOT FOR DELIVERY)"


@dataclass
class NonPaper:
    paragraph: int | None
    releasable_to: list[str]
    text: str
    title: str | None = None
    kind: str = "non-paper"  # non-paper | letter | note | points | text | press
    marking: str | None = None


@dataclass
class ActionException:
    post: str | None
    code: str | None
    excluded: bool
    instruction: str | None
    # excluded only from what these paragraphs hold, not the whole request: "USNATO, Embassies in NATO Capitals
    # (except for Embassies Warsaw and Prague) ... are instructed also to deliver the tailored points in paras 5-8"
    paragraphs: list[int] = field(default_factory=list)


@dataclass
class Deadline:
    date: str | None  # ISO date, as report_by
    within_days: int | None  # "within seven business days" -> 7
    business_days: bool
    paragraph: int | None
    text: str  # the words that set it ("report by January 19")


@dataclass
class ActionRequest:
    paragraph: int | None
    text: str
    non_paper_paragraphs: list[int] = field(default_factory=list)
    talking_point_paragraphs: list[int] = field(default_factory=list)
    exceptions: list[ActionException] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    report_by: str | None = None  # ISO date the cable asks posts to report by
    level: str | None = None  # "highest appropriate level", "Ambassadors/Charge d'Affaires"
    kind: str = "demarche"  # demarche | report | instruction | guidance | department
    department_action: bool = False  # a post's cable asking Washington to act: no post tasks
    posts: list[tuple[str, str | None]] | None = None  # (post, code) when only some action posts are tasked
    questions: list[str] = field(default_factory=list)  # what a report request asks posts to find out
    reporting_instructions: str | None = None  # how replies must be labelled ("slug for ISN ...")
    deadline: Deadline | None = None  # where report_by (or a relative deadline) comes from


@dataclass
class Anomaly:
    kind: str
    paragraph: int | None
    detail: str


@dataclass
class Precedence:
    action: str | None
    info: str | None


@dataclass
class AlsoFor:
    post: str
    code: str | None
    also_for: str


@dataclass
class Cable:
    format: str
    reference_id: str | None = None
    cablegate_id: int | None = None
    date: str | None = None
    dtg: str | None = None
    precedence: Precedence | None = None
    classification: str | None = None
    origin: str | None = None
    references: list[str] = field(default_factory=list)
    ref_letters: dict[str, str] = field(default_factory=dict)
    sender: Addressee | None = None
    action_addressees: list[Addressee] = field(default_factory=list)
    info_addressees: list[Addressee] = field(default_factory=list)
    also_for: list[AlsoFor] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    subject: str | None = None
    eo: str | None = None
    declassify_on: str | None = None
    classified_by: str | None = None
    reasons: list[str] = field(default_factory=list)
    summary: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    action_request: ActionRequest | None = None
    non_papers: list[NonPaper] = field(default_factory=list)
    talking_points: list[TalkingPoints] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    other_references: list[str] = field(default_factory=list)  # non-cable REF items, kept out of JSON refs
    parser_version: str = PARSER_VERSION

    def warn(self, kind: str, paragraph: int | None, detail: str) -> None:
        self.anomalies.append(Anomaly(kind, paragraph, detail))

    def paragraph(self, number: int) -> Paragraph | None:
        return next((p for p in self.paragraphs if p.number == number), None)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON contract: exactly the documented keys, JSON-serialisable."""
        return {
            "parser_version": self.parser_version,
            "format": self.format,
            "reference_id": self.reference_id,
            "cablegate_id": self.cablegate_id,
            "date": self.date,
            "dtg": self.dtg,
            "precedence": _flat(self.precedence) if self.precedence else None,
            "classification": self.classification,
            "origin": self.origin,
            "references": list(self.references),
            "ref_letters": dict(self.ref_letters),
            "from": _addressee(self.sender) if self.sender else None,
            "action_addressees": [_addressee(a) for a in self.action_addressees],
            "info_addressees": [_addressee(a) for a in self.info_addressees],
            "also_for": [_flat(a) for a in self.also_for],
            "tags": list(self.tags),
            "subject": self.subject,
            "eo": self.eo,
            "declassify_on": self.declassify_on,
            "classified_by": self.classified_by,
            "reasons": list(self.reasons),
            "summary": self.summary,
            "paragraphs": [
                {"number": p.number, "marking": p.marking, "text": p.text} for p in self.paragraphs
            ],
            "action_request": _action_request(self.action_request) if self.action_request else None,
            "non_papers": [_flat(n, "releasable_to") for n in self.non_papers],
            "talking_points": [_talking_points(t) for t in self.talking_points],
            "anomalies": [_flat(a) for a in self.anomalies],
        }


# dataclasses.asdict() deep-copies every value recursively and was most of to_dict(); these build the same
# dicts directly, copying only the lists.
def _flat(item: Any, *lists: str) -> dict[str, Any]:
    """Fields of a dataclass of scalars; the named list fields are copied."""
    result = {f.name: getattr(item, f.name) for f in fields(item)}
    for name in lists:
        result[name] = list(result[name])
    return result


def _addressee(item: Addressee) -> dict[str, Any]:
    """raw, post, code, country, kind; a collective also names its key in the collectives table."""
    result = {"raw": item.raw, "post": item.post, "code": item.code, "country": item.country, "kind": item.kind}
    if item.kind == "collective":
        result["collective"] = item.collective
    return result


def _talking_points(section: TalkingPoints) -> dict[str, Any]:
    result = _flat(section, "releasable_to")
    result["points"] = [_flat(p) for p in section.points]
    return result


def _action_request(request: ActionRequest) -> dict[str, Any]:
    result = _flat(request, "non_paper_paragraphs", "talking_point_paragraphs", "requests", "questions")
    result["exceptions"] = [_flat(e, "paragraphs") for e in request.exceptions]
    result["posts"] = [{"post": p, "code": c} for p, c in request.posts] if request.posts is not None else None
    result["deadline"] = _flat(request.deadline) if request.deadline else None
    return result
