"""The reminders' word on pages: which posts cannot be reminded (for desk officers)."""

from django import template

from accounts.roles import is_desk_officer

from ..reminders.recipients import unreachable_posts

register = template.Library()


@register.inclusion_tag("outreach/_unreachable_posts.html", takes_context=True)
def unreachable_posts_notice(context, demarche=None):
    """List the posts with open tasks that no one can be reminded at (no staff account with an email)."""
    user = context["request"].user
    if not is_desk_officer(user) or (demarche is not None and demarche.state != demarche.State.ISSUED):
        return {"posts": []}
    return {"posts": list(unreachable_posts(demarche=demarche))}
