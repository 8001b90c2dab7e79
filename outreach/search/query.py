"""What a search asks for, checked and bounded before any query runs."""

import re
from dataclasses import dataclass
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from cables.models import Post, Region

MAX_QUERY_CHARS = 200
MAX_WORDS = 12
PAGE_SIZES = (10, 20, 50)
# Results are ranked among the first MAX_MATCHES matches of each kind: a word found in a million tasks
# would otherwise rank a million rows. The page says when a kind has more.
MAX_MATCHES = 2000
EARLIEST, LATEST = date(1970, 1, 1), date(2100, 12, 31)
TAG = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
WORD = re.compile(r"\w[\w'-]*")


class Kind:
    CABLES, DEMARCHES, TASKS = "cables", "demarches", "tasks"
    LABELS = {CABLES: "Cables", DEMARCHES: "Demarches", TASKS: "Tasks and reported responses"}


@dataclass(frozen=True)
class SearchRequest:
    """One search: its words, filters and page. Raises ValidationError when out of bounds."""

    q: str
    post: Post | None = None
    region: str = ""
    tag: str = ""
    start: date | None = None
    end: date | None = None
    kind: str = ""
    page: int = 1
    page_size: int = 20

    def __post_init__(self):
        object.__setattr__(self, "q", " ".join(self.q.split()))
        object.__setattr__(self, "tag", self.tag.strip().upper())
        if len(self.q) > MAX_QUERY_CHARS:
            raise ValidationError(f"Search for at most {MAX_QUERY_CHARS} characters.")
        if not self.words:
            raise ValidationError("Type a word to search for.")
        if len(self.words) > MAX_WORDS:
            raise ValidationError(f"Search for at most {MAX_WORDS} words.")
        if self.region and self.region not in Region.values:
            raise ValidationError("Choose a region from the list.")
        if self.tag and not TAG.match(self.tag):
            raise ValidationError("A TAG is 2 to 10 letters or digits, such as MTCRE.")
        for day in (self.start, self.end):
            if day and not EARLIEST <= day <= LATEST:
                raise ValidationError(f"Dates run from {EARLIEST:%Y} to {LATEST:%Y}.")
        if self.start and self.end and self.start > self.end:
            raise ValidationError("The start date is after the end date.")
        if self.kind and self.kind not in Kind.LABELS:
            raise ValidationError("Choose cables, demarches or tasks.")
        if self.page_size not in PAGE_SIZES:
            raise ValidationError("Show 10, 20 or 50 results a page.")
        if not 1 <= self.page <= self.max_page:
            raise ValidationError(f"Results stop at page {self.max_page}: add words or filters.")

    @property
    def words(self) -> list[str]:
        return WORD.findall(self.q)

    @property
    def max_page(self) -> int:
        return -(-MAX_MATCHES // self.page_size)


class DateInput(forms.DateInput):
    input_type = "date"


class QuickSelect(forms.Select):
    """A <select> built in Python. Django renders each option through a template: for the ~600 posts that
    took most of the search page's time (70 of 90 ms for a search that found nothing, under load)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = "".join(f'<option value="{escape(choice)}"{" selected" if str(choice) in chosen else ""}>'
                          f"{escape(label)}</option>" for choice, label in self.choices)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)),
                           mark_safe(options))


class SearchForm(forms.Form):
    """The search page's fields; the choices offered depend on what the user may see."""

    q = forms.CharField(label="Search for", max_length=MAX_QUERY_CHARS)
    kind = forms.ChoiceField(label="Show", required=False, widget=QuickSelect)
    post = forms.ModelChoiceField(queryset=Post.objects.none(), required=False, empty_label="Any post",
                                  to_field_name="code", widget=QuickSelect)
    region = forms.ChoiceField(choices=[("", "Any region"), *Region.choices], required=False, widget=QuickSelect)
    tag = forms.CharField(label="TAG", required=False, max_length=10,
                          widget=forms.TextInput(attrs={"placeholder": "e.g. MTCRE"}))
    start = forms.DateField(label="From", required=False, widget=DateInput)
    end = forms.DateField(label="To", required=False, widget=DateInput)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    page_size = forms.TypedChoiceField(label="Per page", choices=[(n, n) for n in PAGE_SIZES], coerce=int,
                                       required=False, widget=QuickSelect)

    def __init__(self, data, *, posts, kinds):
        super().__init__(data)
        self.fields["post"].queryset = posts  # what the field accepts
        # What the page offers: plain pairs, not a model instance per post.
        self.fields["post"].widget.choices = [("", "Any post"), *posts.values_list("code", "name")]
        self.fields["kind"].choices = [("", "Everything"), *((k, Kind.LABELS[k]) for k in kinds)]

    def to_request(self) -> SearchRequest:
        """Return the checked search; raises ValidationError when out of bounds."""
        data = self.cleaned_data
        return SearchRequest(
            q=data["q"], post=data["post"], region=data["region"], tag=data["tag"], start=data["start"],
            end=data["end"], kind=data["kind"], page=data["page"] or 1, page_size=data["page_size"] or 20,
        )
