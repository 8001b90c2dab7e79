"""Rows for reminder tests, made directly so the tests need neither the parser nor the demarche services."""

import hashlib
import os
from datetime import date, datetime, timezone

from cables.models import Cable, Post
from outreach.models import Demarche, DemarchePost, PostTask

DUE = date(2026, 12, 17)  # a Thursday
DUE_DAY_9AM = datetime(2026, 12, 17, 9, 0, tzinfo=timezone.utc)


def make_post(code: str, *, timezone: str = "UTC", weekend=(6, 7), name: str | None = None) -> Post:
    post, _ = Post.objects.update_or_create(
        code=f"rem-{code}",
        defaults={"name": name or f"Rem {code.title()}", "kind": "embassy", "timezone": timezone,
                  "weekend": list(weekend)},
    )
    return post


def make_demarche(owner, *, reference_id: str = "26STATE100", state: str = Demarche.State.ISSUED,
                  classification: str = "UNCLASSIFIED", subject: str = "MTCR outreach", **policy) -> Demarche:
    text = f"cable {reference_id}"
    cable = Cable.objects.create(
        reference_id=reference_id, raw_text=text, raw_sha256=hashlib.sha256(text.encode()).hexdigest(),
        status=Cable.Status.PARSED, parser_version="test", is_action_request=True, classification=classification,
    )
    return Demarche.objects.create(
        cable=cable, reference_id=reference_id, subject=subject, owner=owner, state=state,
        deliver_by=date(2026, 12, 17), report_by=date(2026, 12, 24), **policy,
    )


def make_task(demarche: Demarche, post: Post, *, due: date, status: str = PostTask.Status.OPEN,
              kind: str = PostTask.Kind.DELIVER_NON_PAPER, assigned_to=None, position: int = 0) -> PostTask:
    dpost, _ = DemarchePost.objects.get_or_create(demarche=demarche, post=post)
    return PostTask.objects.create(
        demarche=demarche, demarche_post=dpost, post=post, kind=kind, due=due, status=status,
        status_reason="no appointment granted" if status == PostTask.Status.NOT_DELIVERED else "",
        assigned_to=assigned_to, position=position, instruction="Deliver the non-paper <b>today</b>.",
    )


def use_broker(app, url: str | None) -> str | None:
    """Point the in-process Celery app at another broker, dropping its cached connections; return the old URL."""
    old = app.conf.broker_url
    app.conf.broker_url = url
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    if url is None:
        os.environ.pop("CELERY_BROKER_URL", None)
    else:
        os.environ["CELERY_BROKER_URL"] = url
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    # kombu keeps producer pools per connection in a global registry; a closed one would be handed back.
    from kombu import pools

    pools.reset()
    return old
