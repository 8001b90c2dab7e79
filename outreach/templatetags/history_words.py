"""History in words: "Officials met: Amb. X (MFA)", "Response: Noted → Welcomed", never Python values."""

from datetime import date

from django import template

from ..models import Demarche, PostTask

register = template.Library()

ACTIONS = {
    "created": "Demarche created", "issued": "Issued to the posts", "closed": "Demarche closed",
    "reopened": "Reopened", "delivered": "Delivery recorded", "not_delivered": "Marked not delivered",
    "reported": "Report submitted", "task_updated": "Task edited", "task_cancelled": "Task cancelled",
    "task_restored": "Task opened again", "post_added": "Post added", "post_removed": "Post removed",
    "post_restored": "Post restored",
    "acknowledged": "Receipt acknowledged", "due_changed": "Due date changed", "reassigned": "Officer changed",
    "reminder_policy": "Reminder settings changed", "edited_in_admin": "Edited in the admin",
    "reply_attached": "Reply cable attached", "reply_rejected": "Reply cable rejected",
    "demarche_updated": "Demarche edited", "posts_confirmed": "Post list confirmed",
}
FIELDS = {
    "delivered_on": "Date delivered", "method": "How", "officials": "Officials met",
    "requested_level": "Level asked for", "response": "Response", "response_text": "Response in their words",
    "status": "Status", "status_reason": "Reason", "reply_reference_id": "Reply cable", "reply_cable": "Reply cable",
    "due": "Due", "deliver_by": "Deliver by", "report_by": "Report back by", "instruction": "Instruction",
    "instructions": "Instructions", "talking_points": "Talking points", "assigned_to": "Officer at post",
    "needs_attention": "Flag", "posts": "Post", "state": "State", "acknowledged": "Acknowledged for",
    "subject": "Subject", "reply": "Reply cable",
}
CHOICES = {
    "method": dict(PostTask.Method.choices), "response": dict(PostTask.Response.choices),
    "status": dict(PostTask.Status.choices), "state": dict(Demarche.State.choices),
}
EXCERPT = 300  # a long text shows its start; the task page shows it whole


@register.filter
def action_words(action: str) -> str:
    return ACTIONS.get(action, action.replace("_", " ").capitalize())


def _value(name: str, value) -> str:
    if value in (None, "", [], {}):
        return ""
    if name in CHOICES:
        return str(CHOICES[name].get(value, value)).capitalize()
    if name == "officials" and isinstance(value, list):
        people = []
        for o in value:
            if isinstance(o, dict):
                who = ", ".join(x for x in (o.get("name"), o.get("title")) if x)
                people.append(f"{who} ({o['ministry']})" if o.get("ministry") else who)
        return "; ".join(p for p in people if p)
    if name == "talking_points" and isinstance(value, list):
        return f"{len(value)} point{'s' if len(value) != 1 else ''}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            day = date.fromisoformat(value)
            return f"{day.day} {day:%b} {day.year}"
        except ValueError:
            pass
    if isinstance(value, (list, dict)):
        return f"{len(value)} item{'s' if len(value) != 1 else ''}"
    text = str(value)
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "…"


@register.filter
def change_lines(changes) -> list[tuple[str, str, str]]:
    """[(label, old, new)] in words; old is "" when the value was set for the first time."""
    if not isinstance(changes, dict):
        return []
    lines = []
    for name, pair in changes.items():
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        lines.append((FIELDS.get(name, name.replace("_", " ").capitalize()), _value(name, old), _value(name, new)))
    return lines
