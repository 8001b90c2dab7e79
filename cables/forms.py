from django import forms
from django.conf import settings


class IngestForm(forms.Form):
    text = forms.CharField(
        label="Paste the cable", required=False, strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "mono"}),
    )
    file = forms.FileField(label="or upload a file", required=False)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > settings.CABLE_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1_048_576:.1f} MB; a cable may be at most "
                f"{settings.CABLE_MAX_BYTES / 1_048_576:.0f} MB."
            )
        return upload

    def clean_text(self):
        text = self.cleaned_data.get("text") or ""
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > settings.CABLE_MAX_BYTES:
            raise forms.ValidationError(
                f"The pasted text is {size / 1_048_576:.1f} MB; a cable may be at most "
                f"{settings.CABLE_MAX_BYTES / 1_048_576:.0f} MB."
            )
        return text

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError("Paste a cable or choose a file.")
        return data

    def payload(self) -> tuple[str | bytes, str | None]:
        """Return what to ingest and its file name; an upload wins over pasted text."""
        upload = self.cleaned_data.get("file")
        if upload:
            return upload.read(), upload.name
        return self.cleaned_data["text"], None


class CableSearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False)
