"""The one access rule of threads and their files.

A user reads the threads of the demarche posts they may see (DemarchePost.objects.visible_to: desk
officers and managers every post, embassy staff their own posts) and writes where they may act for the
post (cables.models.can_act_on: desk officers and the post's staff). Managers read and never write;
another post's thread or file answers as if it did not exist.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cables.models import can_act_on

from ..models import Attachment, Demarche, DemarchePost, Message

# A message may be corrected this long after it was written; after that it is history as written.
EDIT_WINDOW = timedelta(minutes=5)


# The largest id a database key holds: a bigger one in a URL names nothing (and SQLite cannot compare it).
MAX_ID = 2**63 - 1


def _ids(model, *values: int) -> None:
    if not all(0 < int(v) <= MAX_ID for v in values):
        raise model.DoesNotExist


def threads_visible_to(user):
    """The demarche posts whose threads the user may read (never a draft's)."""
    return DemarchePost.objects.visible_to(user).exclude(demarche__state=Demarche.State.DRAFT)


def thread_for(user, dpost_pk: int) -> DemarchePost:
    """Load one thread the user may read; another post's raises DoesNotExist."""
    _ids(DemarchePost, dpost_pk)
    return threads_visible_to(user).select_related("demarche__cable", "post").get(pk=dpost_pk)


def message_for(user, dpost_pk: int, pk: int) -> Message:
    _ids(Message, dpost_pk, pk)
    return Message.objects.select_related("demarche_post__demarche", "demarche_post__post", "task").get(
        pk=pk, demarche_post_id=dpost_pk, demarche_post__in=threads_visible_to(user))


def attachment_for(user, dpost_pk: int, pk: int) -> Attachment:
    """Load one attachment through the thread's rule; another post's raises DoesNotExist."""
    _ids(Attachment, dpost_pk, pk)
    return Attachment.objects.get(pk=pk, demarche_post_id=dpost_pk, demarche_post__in=threads_visible_to(user))


def can_write(user, dpost: DemarchePost) -> bool:
    """Whether the user may write in the thread: its post's staff and desk officers, while the demarche is issued."""
    return (dpost.demarche.state == Demarche.State.ISSUED and not dpost.removed
            and can_act_on(user, dpost.post))


def require_writer(user, dpost: DemarchePost) -> None:
    if not can_write(user, dpost):
        raise PermissionDenied("Only the post's staff and desk officers write here, while the demarche is issued.")


def can_edit(user, message: Message, *, now=None) -> bool:
    """Whether the user may still correct the message: its author, within EDIT_WINDOW."""
    now = now or timezone.now()
    return message.author_id == getattr(user, "pk", None) and now - message.created_at <= EDIT_WINDOW
