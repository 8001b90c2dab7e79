"""The outreach models, one module per concern; import them from here."""

from .dashboards import DemarcheStats, OverviewSnapshot
from .demarches import Demarche, DemarchePost, PostTask, PostTaskQuerySet
from .history import ReplyMatch, TaskEvent
from .notifications import CalendarFeed, Notification
from .reminders import DigestLog, PostReminderPreference, ReminderLog

__all__ = [
    "CalendarFeed",
    "Demarche",
    "DemarchePost",
    "DemarcheStats",
    "DigestLog",
    "Notification",
    "OverviewSnapshot",
    "PostReminderPreference",
    "PostTask",
    "PostTaskQuerySet",
    "ReminderLog",
    "ReplyMatch",
    "TaskEvent",
]
