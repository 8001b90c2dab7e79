"""What the thread pages and the other pages read of threads: a thread's messages, the pending
questions, and each post's last message (matrix, exports, lists, overview)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Subquery

from accounts.roles import is_desk_officer

from ..models import Attachment, DemarchePost, Message
from . import access
from .forms import EditMessageForm, MessageForm

ACCEPT = ".pdf,.png,.jpg,.jpeg,.gif,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.txt,.csv"


def messages_of(dpost: DemarchePost):
    """A thread's messages in order, with their earlier texts and files."""
    return (Message.objects.filter(demarche_post=dpost).select_related("author", "answered_by", "task")
            .prefetch_related("revisions", "attachments"))


# A page shows the latest messages, at most this many and about TEXT_ON_PAGE characters of text (the
# messages, their earlier texts, and the correction forms that repeat them); "Earlier messages" pages back.
# A thread grows, its page must not: 100 messages at the text limit once made a 16 MB page.
MESSAGES_ON_PAGE = 100
TEXT_ON_PAGE = 100_000


def _latest_within_budget(latest: list, user, writable: bool) -> list:
    """The newest messages (newest first) whose text fits TEXT_ON_PAGE; always at least one."""
    rows, total = [], 0
    for message in latest:
        editable = writable and access.can_edit(user, message)
        size = len(message.body) * (2 if editable else 1) + sum(len(r.body) for r in message.revisions.all())
        if rows and total + size > TEXT_ON_PAGE:
            break
        rows.append(message)
        total += size
    return rows


def thread_context(user, dpost: DemarchePost, *, form: MessageForm | None = None, task=None,
                   before: int | None = None) -> dict:
    """What a thread shows (its page, or a task page's section): messages, files, and the forms the user may use."""
    shown = messages_of(dpost).filter(pk__lt=before) if before else messages_of(dpost)
    writable = access.can_write(user, dpost)
    rows = _latest_within_budget(list(shown.order_by("-id")[:MESSAGES_ON_PAGE]), user, writable)[::-1]
    earlier = rows[0].pk if rows and shown.filter(pk__lt=rows[0].pk).exists() else None
    for message in rows:
        # One form per message on the page: ids of their own, or labels would point at the first one.
        message.edit_form = (EditMessageForm(initial={"body": message.body, "version": message.version},
                                             auto_id=f"id_message{message.pk}_%s")
                             if writable and access.can_edit(user, message) else None)
    return {
        "dpost": dpost, "thread_messages": rows, "can_write": writable,
        "message_form": (form or MessageForm(initial={"task": task.pk if task else None})) if writable else None,
        "pending": Message.objects.filter(demarche_post=dpost).pending().count(), "earlier": earlier,
        "can_resolve": writable and is_desk_officer(user),
        "task_files": Attachment.objects.filter(demarche_post=dpost, task__isnull=False).select_related("task"),
        "accept": ACCEPT, "thread_task": task,
    }


def pending_exists():
    """An expression: the demarche post (OuterRef "pk") has a question pending."""
    return Exists(Message.objects.pending().filter(demarche_post=OuterRef("pk")))


def pending_count(user) -> int:
    """Questions pending in the threads the user may read (the overview's figure)."""
    return Message.objects.pending().filter(demarche_post__in=access.threads_visible_to(user)).count()


def pending_per_demarche():
    """An expression for Demarche rows: how many of its posts have a question pending."""
    rows = (DemarchePost.objects.filter(demarche=OuterRef("pk")).filter(pending_exists()).order_by()
            .values("demarche").annotate(n=Count("pk")).values("n"))
    return Subquery(rows[:1])


def thread_summaries(demarche, user) -> dict[int, dict]:
    """{post id: {dpost_id, pending, last_message, last_at, last_by_desk}} for the posts of a demarche the user may see."""
    last = Message.objects.filter(demarche_post=OuterRef("pk")).order_by("-created_at", "-id")
    rows = (access.threads_visible_to(user).filter(demarche=demarche)
            .annotate(pending=pending_exists(), last_body=Subquery(last.values("body")[:1]),
                      last_at=Subquery(last.values("created_at")[:1]),
                      last_from_desk=Subquery(last.values("from_desk")[:1]))
            .values("pk", "post_id", "pending", "last_body", "last_at", "last_from_desk"))
    return {r["post_id"]: r for r in rows}


def list_context(user, *, limit: int = 100) -> dict:
    """The threads page: pending questions first, then the latest active threads."""
    last_at = Subquery(Message.objects.filter(demarche_post=OuterRef("pk")).order_by("-created_at")
                       .values("created_at")[:1])
    threads = (access.threads_visible_to(user).filter(Exists(Message.objects.filter(demarche_post=OuterRef("pk"))))
               .annotate(pending=pending_exists(), last_at=last_at)
               .select_related("demarche", "post").order_by("-pending", "-last_at")[:limit])
    return {"threads": threads, "pending_total": pending_count(user)}
