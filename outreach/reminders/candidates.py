"""The sweep's one indexed query: the open tasks of issued demarches that can have a reminder, as rows."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Max

from ..models import Demarche, PostTask

# A due date after a run of holidays and a weekend (China's Spring Festival, Golden Week) is reminded on
# the working day before the run: look this much further ahead for such tasks.
HOLIDAY_REACH = 14


def candidate_tasks(*, now: datetime):
    """Select the open tasks of issued demarches that can have a reminder: the one indexed query."""
    widest = Demarche.objects.filter(state=Demarche.State.ISSUED).aggregate(m=Max("remind_days_before"))["m"]
    days_before = max(widest or 0, settings.REMINDER_DAYS_BEFORE)
    # Local dates run up to a day ahead of UTC.
    horizon = now.astimezone(ZoneInfo("UTC")).date() + timedelta(days=1 + max(days_before, HOLIDAY_REACH))
    return (
        PostTask.objects.filter(
            status=PostTask.Status.OPEN, due__lte=horizon, demarche__state=Demarche.State.ISSUED
        )
        .order_by()
        .values_list(
            "id", "due", "kind", "post_id", "post__name", "post__timezone", "post__weekend",
            "assigned_to_id", "demarche_post__assigned_officer_id", "demarche_id", "demarche__reference_id",
            "demarche__owner_id", "demarche__remind_days_before", "demarche__overdue_every_days",
            "demarche__escalate_after_days", "demarche__max_reminders", "post__country_code",
        )
    )


@dataclass(frozen=True)
class TaskRow:
    """One candidate task as the sweep reads it (candidate_tasks' columns, in order)."""

    id: int
    due: date
    task_kind: str
    post_id: int
    post_name: str
    post_tz: str
    post_weekend: list
    assigned_to_id: int | None
    officer_id: int | None
    demarche_id: int
    reference_id: str
    owner_id: int
    remind_days_before: int | None
    overdue_every_days: int | None
    escalate_after_days: int | None
    max_reminders: int | None
    post_country: str
