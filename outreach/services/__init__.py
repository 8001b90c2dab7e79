"""Demarches and their per-post tasks: generation from a cable's parse, the workflow, reply matching.

Every write goes through a function here; each one records a TaskEvent with {field: [old, new]}.
Task and demarche updates carry the `version` the user read: a stale one raises ConflictError.
"""

from .common import (  # noqa: F401
    NO_POINTS_FLAG,
    UNTASKABLE_KINDS,
    ConflictError,
    Kind,
    Status,
    TransitionError,
)
from .demarches import (  # noqa: F401
    acknowledge,
    add_post,
    bulk_acknowledge,
    bulk_extend,
    bulk_reassign,
    close_demarche,
    create_demarche,
    default_dates,
    issue_demarche,
    remove_post,
    report_offset,
    set_reminder_policy,
    update_demarche,
)
from .generation import (  # noqa: F401
    TaskPlan,
    action_posts,
    draft_flags,
    plan_tasks,
)
from .preferences import (  # noqa: F401
    PolicyLine,
    digest_choices,
    reminder_policy,
    set_daily_digest,
)
from .replies import (  # noqa: F401
    confirm_reply,
    match_replies,
    reject_reply,
)
from .reports import (  # noqa: F401
    DEMO_USERS,
    KIND_ORDER,
    DemoLogin,
    DemoResult,
    command_user,
    demarche_status,
    demo_password,
    describe,
    get_user_model_by_name,
    seed_demo,
)
from .visibility import (  # noqa: F401
    inbox_tasks,
    points_releasable,
    redact_for,
    task_for,
    tasks_for,
)
from .workflow import (  # noqa: F401
    can_work_on,
    mark_not_delivered,
    record_delivery,
    reopen,
    submit_report,
    update_task,
)
