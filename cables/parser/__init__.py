"""Pure-Python parser of State Department cables (stdlib only, no Django).

    from cables.parser import parse
    cable = parse(text, filename="09STATE4690.txt")
    cable.to_dict()  # the JSON contract of `parse_cable --json`

NATIVE says whether the mypyc build of these same sources is in use (native.py).
"""

from . import native

NATIVE = native.attach(__path__)  # before any other submodule is imported: they come from the build if it matches

from .core import parse  # noqa: E402 - after attach, which chooses where the modules come from
from .formats import decode_bytes  # noqa: E402
from .model import (  # noqa: E402
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
    "NATIVE",
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
