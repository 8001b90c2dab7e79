"""The outreach models, one module per concern; import them from here."""

from .dashboards import DemarcheStats, OverviewSnapshot, TaskingTally
from .demarches import Demarche, DemarchePost, PostTask, PostTaskQuerySet
from .history import ReplyMatch, TaskEvent
from .notifications import CalendarFeed, Notification
from .reminders import (
    DigestLog,
    PersonReminderPreference,
    PostReminderPreference,
    ReminderEmail,
    ReminderLog,
    ReminderSweep,
)
from .threads import Attachment, Message, MessageEmail, MessageRevision, StoredFile

__all__ = [
    "Attachment",
    "Message",
    "MessageEmail",
    "MessageRevision",
    "StoredFile",
    "CalendarFeed",
    "Demarche",
    "DemarchePost",
    "DemarcheStats",
    "DigestLog",
    "Notification",
    "OverviewSnapshot",
    "PersonReminderPreference",
    "PostReminderPreference",
    "PostTask",
    "PostTaskQuerySet",
    "ReminderEmail",
    "ReminderLog",
    "ReminderSweep",
    "ReplyMatch",
    "TaskEvent",
    "TaskingTally",
]
