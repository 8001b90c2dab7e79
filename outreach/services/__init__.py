"""Every write to demarches and their tasks, and the reads that apply an access rule.

    demarches.py   create, edit, issue, close a demarche; its reminder policy
    posts.py       a demarche's posts: add, remove, acknowledge, bulk actions
    generation.py  the tasks a cable's parse gives each action post
    drafting.py    the posts a cable tasks (collectives expanded), its report date, the draft's flags
    workflow.py    a task's transitions (deliver, not delivered, reopen, report) and their rules
    actions.py     the one dispatcher from a task action (page) or status (API) to its service
    replies.py     reply cables: receive a cable, match replies to report-back tasks
    visibility.py  what a user may read of a task (talking points' releasability)
    preferences.py a demarche's effective reminder policy, a post's daily digest
    notify.py      in-app notifications to a post's staff
    history.py     the TaskEvent every write leaves; errors.py the errors services raise
    status.py      the demarche_status JSON; demo.py the seed_demo data

Each write records a TaskEvent with {field: [old, new]}. Task and demarche updates carry the `version`
the user read: a stale one raises ConflictError.
"""

from .actions import TASK_ACTIONS, act_on_task, action_for_status, can_attempt
from .demarches import (
    close_demarche,
    confirm_posts,
    create_demarche,
    default_dates,
    issue_demarche,
    reopen_demarche,
    report_offset,
    set_reminder_policy,
    update_demarche,
)
from .demo import DEMO_USERS, DemoLogin, DemoResult, demo_password, seed_demo
from .drafting import action_posts, cable_report_date, collective_rows, draft_flags, expand_collectives
from .errors import ConflictError, TransitionError
from .generation import NO_POINTS_FLAG, TaskPlan, handed_texts, plan_tasks
from .posts import acknowledge, add_post, bulk_acknowledge, bulk_extend, bulk_reassign, remove_post
from .preferences import PolicyLine, digest_choices, reminder_policy, set_daily_digest
from .replies import confirm_reply, match_replies, receive_cable, reject_reply
from .status import KIND_ORDER, demarche_status, describe
from .visibility import inbox_tasks, inbox_unacknowledged, points_releasable, redact_for, task_for, tasks_for
from .workflow import can_work_on, mark_not_delivered, record_delivery, reopen, submit_report, update_task

__all__ = [
    "TASK_ACTIONS",
    "act_on_task",
    "action_for_status",
    "can_attempt",
    "DEMO_USERS",
    "KIND_ORDER",
    "NO_POINTS_FLAG",
    "ConflictError",
    "DemoLogin",
    "DemoResult",
    "PolicyLine",
    "TaskPlan",
    "TransitionError",
    "acknowledge",
    "action_posts",
    "add_post",
    "bulk_acknowledge",
    "bulk_extend",
    "bulk_reassign",
    "can_work_on",
    "cable_report_date",
    "close_demarche",
    "collective_rows",
    "confirm_posts",
    "confirm_reply",
    "create_demarche",
    "default_dates",
    "demarche_status",
    "demo_password",
    "describe",
    "digest_choices",
    "draft_flags",
    "expand_collectives",
    "handed_texts",
    "inbox_tasks",
    "inbox_unacknowledged",
    "issue_demarche",
    "mark_not_delivered",
    "match_replies",
    "plan_tasks",
    "points_releasable",
    "record_delivery",
    "redact_for",
    "receive_cable",
    "reject_reply",
    "reminder_policy",
    "remove_post",
    "reopen",
    "reopen_demarche",
    "report_offset",
    "seed_demo",
    "set_daily_digest",
    "set_reminder_policy",
    "submit_report",
    "task_for",
    "tasks_for",
    "update_demarche",
    "update_task",
]
