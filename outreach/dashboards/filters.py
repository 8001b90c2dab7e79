"""django-filter filters of the dashboards."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.roles import DESK_OFFICERS
from cables.models import Region

from ..models import Demarche, DemarchePost, PostTask


class DateInput(forms.DateInput):
    input_type = "date"


class DemarcheFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Ref. or subject"}),
    )
    state = django_filters.ChoiceFilter(choices=Demarche.State.choices, empty_label="Any state")
    # The list opens on the demarches being worked on; "Any state" (state=) shows all five years.
    DEFAULTS = {"state": Demarche.State.ISSUED}
    region = django_filters.ChoiceFilter(
        label="Region", choices=Region.choices, method="in_region", empty_label="Any region"
    )
    tag = django_filters.CharFilter(
        label="TAG", method="with_tag", widget=forms.TextInput(attrs={"placeholder": "e.g. MTCRE"})
    )
    due_after = django_filters.DateFilter(
        field_name="deliver_by", lookup_expr="gte", label="Deliver by from", widget=DateInput
    )
    due_before = django_filters.DateFilter(
        field_name="deliver_by", lookup_expr="lte", label="to", widget=DateInput
    )
    # A ChoiceFilter filled once per request (below): ModelChoiceFilter's widget reads its users through a
    # server-side cursor (DECLARE, FETCH, CLOSE) on every render, then again to validate the choice.
    owner = django_filters.ChoiceFilter(label="Owner", choices=(), empty_label="Any owner")

    class Meta:
        model = Demarche
        fields = ["q", "state", "region", "tag", "due_after", "due_before", "owner"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owners = get_user_model().objects.filter(groups__name=DESK_OFFICERS).order_by("username")
        self.filters["owner"].extra["choices"] = [
            (str(pk), username) for pk, username in owners.values_list("pk", "username")
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference_id__icontains=value.replace(" ", "")) | Q(subject__icontains=value)
        )

    def in_region(self, queryset, name, value):
        # Exists, not a join: a demarche with many posts in the region is listed once.
        return queryset.filter(
            Exists(DemarchePost.objects.filter(demarche=OuterRef("pk"), post__region=value, removed=False))
        )

    def with_tag(self, queryset, name, value):
        value = value.strip().upper()
        return queryset.filter(cable__tags_text__icontains=value) if value else queryset


class PostTaskFilter(django_filters.FilterSet):
    SHOW = (("open", "Open"), ("overdue", "Overdue"), ("done", "Done"), ("not_delivered", "Not delivered"))

    show = django_filters.ChoiceFilter(label="Show", choices=SHOW, method="by_state", empty_label="All tasks")
    kind = django_filters.ChoiceFilter(choices=PostTask.Kind.choices, empty_label="Any task")
    demarche = django_filters.CharFilter(
        label="Demarche", field_name="demarche__reference_id", lookup_expr="icontains"
    )

    class Meta:
        model = PostTask
        fields = ["show", "kind", "demarche"]

    def by_state(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(status=PostTask.Status.OPEN, due__lt=timezone.localdate())
        return queryset.filter(status=value)


class OverviewFilter(forms.Form):
    # Five years at once is a report, not a dashboard: the longest window is a year.
    PERIODS = (("30", "Last 30 days"), ("90", "Last 90 days"), ("365", "Last 12 months"))

    period = forms.ChoiceField(choices=PERIODS, required=False, label="Tasks due in")
    region = forms.ChoiceField(choices=[("", "All regions"), *Region.choices], required=False)

    def days(self) -> int | None:
        value = (self.cleaned_data.get("period") if self.is_valid() else "") or "30"
        return int(value)

    def region_code(self) -> str:
        return (self.cleaned_data.get("region") if self.is_valid() else "") or ""
