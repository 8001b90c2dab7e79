"""Who receives a reminder: the named officer, else the post's staff; escalations go to headquarters."""

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model

from accounts.roles import MANAGERS
from cables.models import Post

from ..models import Demarche, PersonReminderPreference, PostReminderPreference, PostTask, ReminderLog

if TYPE_CHECKING:
    from .candidates import TaskRow

Kind = ReminderLog.Kind


class Directory:
    """Who gets what, loaded in bulk and cached for one sweep."""

    def __init__(self):
        self.staff_of: dict[int, list[int]] = {}
        self.emails: dict[int, str] = {}
        self.managers = list(
            get_user_model().objects.filter(groups__name=MANAGERS, is_active=True).values_list("id", flat=True)
        )
        self.digest_posts = set(
            PostReminderPreference.objects.filter(daily_digest=True).values_list("post_id", flat=True)
        )
        # Who wants which kinds one email each instead of in the sweep's digest.
        self.immediate: dict[int, set[str]] = {
            user_id: set(kinds or ())
            for user_id, kinds in PersonReminderPreference.objects.values_list("user_id", "immediate_kinds")
        }

    def load_staff(self, post_ids) -> None:
        missing = {p for p in post_ids if p not in self.staff_of}
        if not missing:
            return
        for p in missing:
            self.staff_of[p] = []
        for post_id, user_id in Post.objects.staff_pairs(missing):
            self.staff_of[post_id].append(user_id)

    def load_emails(self, user_ids) -> None:
        missing = {u for u in user_ids if u not in self.emails}
        if missing:
            for u in missing:
                self.emails[u] = ""
            users = get_user_model().objects.filter(id__in=missing, is_active=True)
            self.emails.update(users.values_list("id", "email"))

    def addresses(self, user_ids) -> str:
        return ", ".join(sorted({self.emails.get(u, "") for u in user_ids} - {""}))

    def recipients(self, row: "TaskRow", kind: str) -> list[int]:
        """The named officer if one is assigned, else the post's staff; escalations go to owner and managers."""
        if kind == Kind.ESCALATION:
            return sorted({row.owner_id, *self.managers})
        if row.assigned_to_id:
            return [row.assigned_to_id]
        if row.officer_id:
            return [row.officer_id]
        return list(self.staff_of.get(row.post_id, []))


def unreachable_posts(*, demarche: Demarche | None = None):
    """The posts with open tasks of issued demarches (or of one) that no reminder can reach."""
    tasks = PostTask.objects.filter(status=PostTask.Status.OPEN, demarche__state=Demarche.State.ISSUED)
    if demarche is not None:
        tasks = tasks.filter(demarche=demarche)
    return Post.objects.filter(pk__in=tasks.values("post_id")).unreachable().only("code", "name").order_by("name")
