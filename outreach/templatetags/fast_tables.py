"""{% fast_table table %}: a dashboard table rendered by BaseTable.fast_html, not by the template engine."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def fast_table(context, table):
    return table.fast_html(context.get("request"))
