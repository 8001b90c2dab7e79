"""The form renderer: Django's own, with the plainest widgets written in Python instead of templates.

Rendering a <select> through Django's templates includes one template per option and one per attribute
list: the demarche list's filter form (seven fields) cost ~5 ms a request, a quarter of the page. This
renderer writes the same bytes for <input> and <select> (tests/test_form_renderer.py compares them with
Django's templates) and leaves every other template, and any project override, to Django.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
# Templates that are exactly `{% include "django/forms/widgets/input.html" %}`.
INPUT_INCLUDES = frozenset(
    f"{WIDGETS}{name}.html"
    for name in ("text", "search", "date", "datetime", "time", "number", "email", "url", "tel", "hidden")
)


def _value(value) -> str:
    """{{ value|stringformat:'s' }} under autoescape."""
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def _text(value) -> str:
    """{{ value }} under autoescape, localized as the template engine does."""
    return str(conditional_escape(localize(value)))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_value(value)}"')
    return "".join(out)


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html."""
    value = f' value="{_value(widget["value"])}"' if widget["value"] is not None else ""
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _select(widget: dict) -> str | None:
    """django/forms/widgets/select.html and select_option.html; None if an option has its own template."""
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != f"{WIDGETS}select_option.html":
                return None
            out.append(
                f'\n  <option value="{_value(option["value"])}"{_attrs(option["attrs"])}>'
                f'{_text(option["label"])}</option>\n'
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


class FastWidgetRenderer(DjangoTemplates):
    """DjangoTemplates, with <input> and <select> written directly (same output)."""

    def render(self, template_name, context, request=None):
        # BaseRenderer.render strips what the template writes; these write nothing to strip.
        html = None
        if template_name in INPUT_INCLUDES or template_name == f"{WIDGETS}input.html":
            html = _input(context["widget"])
        elif template_name == f"{WIDGETS}select.html":
            html = _select(context["widget"])
        if html is None:
            return super().render(template_name, context, request)
        return mark_safe(html)
