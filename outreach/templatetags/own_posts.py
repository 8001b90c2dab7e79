"""The posts a page's user works, for the dashboards' tabs: read through Post's own rule, not `user.posts`."""

from django import template

from cables.models import Post

register = template.Library()


@register.simple_tag
def posts_worked_by(user):
    """The posts the user works as embassy staff, in the posts' order (none without that role)."""
    return Post.objects.worked_by(user)
