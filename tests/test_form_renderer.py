"""config.forms.FastWidgetRenderer writes exactly what Django's widget templates write."""

from datetime import date

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from config.forms import FastWidgetRenderer


class EveryWidget(forms.Form):
    q = forms.CharField(required=False, max_length=200, widget=forms.TextInput(attrs={"type": "search", "placeholder": 'Ref. "or" <subject>'}))
    text = forms.CharField(initial="a & b <c>", widget=forms.TextInput(attrs={"autofocus": True, "disabled": False}))
    safe = forms.CharField(initial=mark_safe("<b>safe</b>"))
    search = forms.CharField(widget=forms.widgets.SearchInput)
    day = forms.DateField(initial=date(2026, 12, 7), widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField(required=False)
    number = forms.IntegerField(initial=12345, min_value=0)
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    hidden = forms.CharField(widget=forms.HiddenInput, initial="x\"y")
    state = forms.ChoiceField(choices=[("", "Any state"), ("draft", "Draft"), ("issued", "Issued <now>")], initial="issued")
    grouped = forms.ChoiceField(
        choices=[("Europe", [("PAR", "Paris"), ("ROM", "Rome & Vatican")]), ("x", "Other"), (3, 4)], required=False
    )
    many = forms.MultipleChoiceField(choices=[(1, "One"), (2, "Two")], initial=[2], required=False)
    notes = forms.CharField(widget=forms.Textarea, required=False)
    flag = forms.BooleanField(required=False)
    radio = forms.ChoiceField(widget=forms.RadioSelect, choices=[("a", "A")], required=False)


@pytest.mark.parametrize("bound", [False, True])
def test_it_writes_what_the_templates_write(bound):
    data = {"q": "x<y", "text": "'quoted'", "day": "2026-02-30", "state": "draft", "grouped": "ROM", "many": ["1", "2"]}
    form = EveryWidget(data if bound else None)
    for name in form.fields:
        fast = form[name].as_widget()
        form.renderer = DjangoTemplates()
        slow = form[name].as_widget()
        form.renderer = FastWidgetRenderer()
        assert fast == slow, name


def test_it_is_the_projects_renderer(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FastWidgetRenderer)
