"""The reminders' word on pages: which posts cannot be reminded (for desk officers)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from accounts.roles import is_desk_officer

from ..dashboards.columns import html_text, url_for
from ..reminders.policy import Calendar, describe, due_note
from ..reminders.recipients import unreachable_posts

register = template.Library()


@register.inclusion_tag("outreach/_unreachable_posts.html", takes_context=True)
def unreachable_posts_notice(context, demarche=None):
    """List the posts with open tasks that no one can be reminded at (no staff account with an email)."""
    user = context["request"].user
    if not is_desk_officer(user) or (demarche is not None and demarche.state != demarche.State.ISSUED):
        return {"posts": []}
    posts = list(unreachable_posts(demarche=demarche))
    return {"posts": posts, "items": post_links(posts)}


def post_links(posts) -> SafeString:
    """Each post as a list item linking to its dashboard. Written in Python: where no post has staff yet
    (a new deployment, the benchmark's 300 posts) the template's loop reversed one URL per post, a few ms."""
    return mark_safe(
        "".join(
            f'<li><a href="{html_text(url_for("outreach:dash_post", p.code))}">{html_text(p.name)}</a></li>'
            for p in posts
        )
    )


def _calendar(post) -> Calendar:
    return Calendar.for_post(timezone_name=post.timezone, weekend=post.weekend, country_code=post.country_code)


@register.simple_tag
def task_due_note(task) -> str:
    """On the task page: when a due date the post does not work is reminded ("due Thursday (Friday is a holiday...)")."""
    post = task.post
    return due_note(task.due, calendar=_calendar(post), country=post.country or post.name)


@register.simple_tag
def reminder_figure(reminder) -> str:
    """A reminder's figure as at the sweep that claimed it ("Overdue by 8 days"), as its email said."""
    if reminder.sweep_id is None or reminder.due_on is None:
        return ""
    today = _calendar(reminder.task.post).local(reminder.sweep.now).date()
    return describe(reminder.kind, due=reminder.due_on, today=today)
