"""Reminders: which ones a task calls for (policy), who gets them (recipients), the sweep that claims them
(sweep) and the sending of each (delivery). docs/reminders.md tells the whole story.
"""

from .delivery import deliver_digest, deliver_email, deliver_message_email
from .ledger import DIGEST, SweepResult
from .policy import Calendar, DueReminder, Policy, assess, describe, reminders_due
from .sweep import Kind, candidate_tasks, requeue_stalled

# The sweep itself: `from outreach.reminders.sweep import sweep` (a re-export would hide the module).

__all__ = [
    "DIGEST",
    "Calendar",
    "DueReminder",
    "Kind",
    "Policy",
    "assess",
    "SweepResult",
    "candidate_tasks",
    "deliver_digest",
    "deliver_email",
    "deliver_message_email",
    "describe",
    "reminders_due",
    "requeue_stalled",
]
