"""Telling the other side of a thread: an in-app notification to each person, and one email per message
through the reminders' delivery (or, to a post that chose one, its next daily digest).

The post's side is its staff; the desk's side is the demarche's owner and every desk officer who has
written in the thread. The author is never told of their own message.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cables.models import Post

from ..broker import enqueue_on_commit
from ..models import Message, MessageEmail, Notification, PostReminderPreference


def thread_url(message: Message) -> str:
    return reverse("outreach:thread", args=[message.demarche_post_id]) + f"#message-{message.pk}"


def other_side(message: Message) -> list[int]:
    """The ids of the people the message is for."""
    dpost = message.demarche_post
    if message.from_desk:
        ids = {user_id for _, user_id in Post.objects.staff_pairs([dpost.post_id])}
    else:
        ids = {dpost.demarche.owner_id, *Message.objects.filter(demarche_post=dpost, from_desk=True)
               .values_list("author_id", flat=True)}
    ids.discard(message.author_id)
    return sorted(get_user_model().objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))


def headline(message: Message) -> str:
    dpost = message.demarche_post
    what = ("question for the desk" if message.is_question
            else "message from the desk" if message.from_desk else "message from the post")
    return f"{dpost.demarche.reference_id}, {dpost.post.name}: {what} from {message.author}"


def tell_other_side(message: Message) -> MessageEmail:
    """Notify each person of the other side in-app and claim the message's one email. Inside the writer's transaction."""
    user_ids = other_side(message)
    url = thread_url(message)
    Notification.objects.bulk_create(
        [Notification(user_id=user_id, text=headline(message)[:300], url=url) for user_id in user_ids])
    addresses = ", ".join(sorted(set(
        get_user_model().objects.filter(pk__in=user_ids).exclude(email="").values_list("email", flat=True))))
    via_digest = message.from_desk and PostReminderPreference.objects.filter(
        post_id=message.demarche_post.post_id, daily_digest=True).exists()
    now = timezone.now()
    status = MessageEmail.Status.CLAIMED if addresses or via_digest else MessageEmail.Status.NO_RECIPIENT
    email = MessageEmail.objects.create(message=message, recipient=addresses, status=status,
                                        via_digest=via_digest, claimed_at=now, updated_at=now)
    if status == MessageEmail.Status.CLAIMED and not via_digest:
        from .. import tasks

        enqueue_on_commit(tasks.send_message_email, email.pk)
    return email
