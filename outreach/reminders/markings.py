"""Which classification markings ordinary email may carry (EMAIL_MAX_CLASSIFICATION).

Fails closed: a marking it cannot read, or none at all, counts as above every setting.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Rank of each overall marking; caveated unclassified (SBU, FOUO, LOU) sits between.
LEVELS = {"UNCLASSIFIED": 0, "SENSITIVE BUT UNCLASSIFIED": 1, "CONFIDENTIAL": 2, "SECRET": 3, "TOP SECRET": 4}
UNKNOWN = max(LEVELS.values()) + 1


def level(marking: str) -> int:
    """Rank a cable's overall marking, e.g. "CONFIDENTIAL", "SECRET//NOFORN", "UNCLASSIFIED//FOR OFFICIAL USE ONLY"."""
    text = " ".join((marking or "").upper().replace("//", " // ").split())
    if text.startswith("TOP SECRET"):
        return LEVELS["TOP SECRET"]
    if text.startswith("SECRET"):
        return LEVELS["SECRET"]
    if text.startswith("CONFIDENTIAL"):
        return LEVELS["CONFIDENTIAL"]
    if text.startswith(("LIMITED OFFICIAL USE", "SENSITIVE BUT UNCLASSIFIED", "SBU")):
        return LEVELS["SENSITIVE BUT UNCLASSIFIED"]
    if text.startswith(("UNCLASSIFIED", "UNCLAS")):
        return LEVELS["UNCLASSIFIED"] if "//" not in text and "SENSITIVE" not in text else 1
    return UNKNOWN


def email_ceiling() -> int:
    """The highest rank EMAIL_MAX_CLASSIFICATION lets email carry; an unreadable setting is an error."""
    value = settings.EMAIL_MAX_CLASSIFICATION
    # One of the names exactly: a cable's marking is read by its start, but "SECRETISH" is a typo, not SECRET.
    name = " ".join((value or "").upper().split())
    if name not in LEVELS:
        raise ImproperlyConfigured(
            f"EMAIL_MAX_CLASSIFICATION={value!r}: use one of {', '.join(LEVELS)}"
        )
    return LEVELS[name]


def may_email(marking: str) -> bool:
    """Whether text under this marking may go into an ordinary email."""
    return level(marking) <= email_ceiling()
