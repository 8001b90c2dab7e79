"""What a long-lived process does once it has loaded: keep the garbage collector off what it loaded."""

import gc

from django.urls import get_resolver


def settle() -> None:
    """Load every view (URL patterns load lazily), collect once, then freeze what is left.

    A full collection walks every object the process holds. After startup that is ~140,000 objects
    (modules, URL patterns, reference data) that live as long as the process, and walking them took
    ~75 ms on the 2-core benchmark machine, about once every ten dashboard requests: it was the slowest
    request of most pages. Frozen (gc.freeze) they are no longer walked; what requests make later is
    collected as before.
    """
    get_resolver().url_patterns  # noqa: B018 - imports every view module now, not on the first request
    gc.collect()
    gc.freeze()
