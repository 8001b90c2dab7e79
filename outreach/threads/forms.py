"""The thread's forms; the services check the same bounds (outreach/services/bounds.py)."""

from django import forms

from ..forms import BoundedForm, VersionedForm
from ..services import bounds


class MessageForm(BoundedForm):
    body = forms.CharField(
        label="Message", required=False, widget=forms.Textarea(attrs={"rows": 4, "maxlength": bounds.MAX_TEXT}),
        help_text="Plain text; links become clickable.",
    )
    is_question = forms.BooleanField(label="This is a question for the desk", required=False)
    task = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EditMessageForm(VersionedForm):
    body = forms.CharField(label="Message", required=False,
                           widget=forms.Textarea(attrs={"rows": 3, "maxlength": bounds.MAX_TEXT}))
