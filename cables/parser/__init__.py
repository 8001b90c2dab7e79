"""Pure-Python parser of State Department cables (stdlib only, no Django).

    from cables.parser import parse
    cable = parse(text, filename="09STATE4690.txt")
    cable.to_dict()  # the JSON contract of `parse_cable --json`
"""

from .core import parse
from .formats import decode_bytes
from .model import (
    PARSER_VERSION,
    ActionException,
    ActionRequest,
    Addressee,
    AlsoFor,
    Anomaly,
    Cable,
    CableParseError,
    NonPaper,
    Paragraph,
    ParseError,
    Point,
    Precedence,
    TalkingPoints,
)

__all__ = [
    "PARSER_VERSION",
    "ActionException",
    "ActionRequest",
    "Addressee",
    "AlsoFor",
    "Anomaly",
    "Cable",
    "CableParseError",
    "NonPaper",
    "Paragraph",
    "ParseError",
    "Point",
    "Precedence",
    "TalkingPoints",
    "decode_bytes",
    "parse",
]
