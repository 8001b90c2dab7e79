"""django-tables2 tables of the dashboards. Cells render badges with a symbol and a word; exports get plain values."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..models import Demarche, PostTask
from .columns import (
    NO_VALUE,
    STATE_BADGES,
    STEP_BADGES,
    DateCol,
    LastMessageColumn,
    NumberColumn,
    PctColumn,
    PostLinkColumn,
    QuestionColumn,
    StepColumn,
    badge,
    html_text,
    page_date,
    task_state,
    url_for,
)
from .demarches import sorted_through_stored_keys
from .fastpath import BaseTable


class DemarcheTable(BaseTable):
    reference_id = tables.Column("Reference", attrs={"td": {"class": "mono"}})
    subject = tables.Column("Subject")
    posts_count = NumberColumn("Posts")
    delivered_pct = PctColumn("Delivered")
    reported_pct = PctColumn("Reported")
    overdue_count = NumberColumn("Overdue")
    deliver_by = DateCol("Deliver by")
    report_by = DateCol("Report by")
    owner = tables.Column("Owner", order_by=("owner__last_name", "owner__username"))
    state = tables.Column("State")

    class Meta(BaseTable.Meta):
        model = Demarche
        fields = ()
        sequence = (
            "reference_id",
            "subject",
            "posts_count",
            "delivered_pct",
            "reported_pct",
            "overdue_count",
            "deliver_by",
            "report_by",
            "owner",
            "state",
        )

    @property
    def order_by(self):
        return BaseTable.order_by.fget(self)

    @order_by.setter
    def order_by(self, value):
        BaseTable.order_by.fset(self, value)
        if {alias.lstrip("-") for alias in self.order_by or ()} & {"delivered_pct", "reported_pct"}:
            self.data.data = sorted_through_stored_keys(self.data.data)

    def row_class(self, record) -> str:
        return "overdue" if record.overdue_count else ""

    def render_reference_id(self, value, record):
        return format_html('<a href="{}">{}</a>', url_for("outreach:dash_demarche", value), value)

    def value_reference_id(self, value):
        return value

    def value_subject(self, value):
        return value

    def value_overdue_count(self, value):
        return value

    def value_state(self, value):
        return STATE_BADGES.get(value, ("", value))[1]

    def render_subject(self, value):
        return value[:110] + ("…" if len(value) > 110 else "")

    def render_overdue_count(self, value):
        return badge("overdue", f"{value} overdue") if value else badge("done", "Nothing overdue")

    def render_owner(self, value):
        return value.get_full_name() or value.username

    def value_owner(self, value):
        return value.get_full_name() or value.username

    def render_state(self, value, record):
        css, word = STATE_BADGES.get(value, ("open", value))
        return format_html('<span class="badge {}">{}</span>', css, word)


RESPONSE_WORDS = dict(PostTask.Response.choices)


class MatrixTable(BaseTable):
    post_name = PostLinkColumn("Post", order_by=("post_sort", "audience"))
    region = tables.Column("Region")
    audience = tables.Column("Audience", empty_values=())
    acknowledged_at = DateCol("Receipt")
    deliver = StepColumn("deliver", "Delivered")
    talking = StepColumn("talking", "Talking points")
    report = StepColumn("report", "Reported")
    response = tables.Column("Host government's response", empty_values=())
    question_pending = QuestionColumn("Question pending", empty_values=())
    last_message = LastMessageColumn("Last message", empty_values=(), order_by=("last_message_at",))

    class Meta(BaseTable.Meta):
        pass

    def row_class(self, record) -> str:
        return "overdue" if record["overdue"] else ""

    def row_id(self, record) -> str:
        # Escalation emails link to a post's row (the host government's: one per post).
        return "" if record.get("audience") else f"post-{record.get('post_code', '')}"

    def render_audience(self, value):
        return value or "Host government"

    def value_audience(self, value):
        return value or "Host government"

    def render_acknowledged_at(self, value):
        if not value:
            return badge("open", "Not acknowledged")
        return SafeString(f"{badge('done', 'Acknowledged')}<br><small>{page_date(value)}</small>")

    def value_acknowledged_at(self, value):
        return value or None

    def render_response(self, value, record):
        if not value:
            return NO_VALUE
        word = RESPONSE_WORDS.get(value, value)
        text = record.get("response_text") or ""
        reply = record.get("reply_reference_id")
        return SafeString(
            f"<strong>{html_text(word)}</strong>"
            + (f"<br>{html_text(text[:200])}" if text else "")
            + (f'<br><small class="mono">{html_text(reply)}</small>' if reply else "")
        )

    def value_response(self, value, record):
        word = RESPONSE_WORDS.get(value, value) if value else ""
        return f"{word}: {record.get('response_text') or ''}".strip(": ") if word else ""


class PostTaskTable(BaseTable):
    demarche = tables.Column("Demarche", accessor="demarche__reference_id", attrs={"td": {"class": "mono"}})
    kind = tables.Column("Task")
    audience = tables.Column("Audience", empty_values=())
    due = DateCol("Due")
    status = tables.Column("Status")
    done_on = tables.Column("Done on", accessor="delivered_on", empty_values=(), orderable=False)
    response = tables.Column("Response")

    class Meta(BaseTable.Meta):
        model = PostTask
        fields = ()
        sequence = ("demarche", "kind", "audience", "due", "status", "done_on", "response")

    def row_class(self, record) -> str:
        return "overdue" if record.is_overdue(self.today) else ""

    def render_demarche(self, value, record):
        return format_html('<a href="{}">{}</a>', url_for("outreach:dash_demarche", value), value)

    def value_demarche(self, value):
        return value

    def render_kind(self, value, record):
        return record.get_kind_display()

    def value_kind(self, value, record):
        return record.get_kind_display()

    def value_response(self, value, record):
        return record.get_response_display()

    def render_audience(self, value):
        return value or "Host government"

    def value_audience(self, value):
        return value or "Host government"

    def render_status(self, value, record):
        return badge(
            task_state(record, self.today),
            None
            if value != "open" or not record.is_overdue(self.today)
            else f"Overdue {(self.today - record.due).days} d",
        )

    def value_status(self, value, record):
        return STEP_BADGES.get(task_state(record, self.today), ("", value))[1]

    def render_done_on(self, value, record):
        return page_date(value or (record.completed_at.date() if record.completed_at else None))

    def value_done_on(self, value, record):
        return value or (record.completed_at.date() if record.completed_at else None)

    def render_response(self, value, record):
        return record.get_response_display()


class OverdueTable(BaseTable):
    demarche = tables.Column("Demarche", accessor="demarche__reference_id", attrs={"td": {"class": "mono"}})
    post = tables.Column("Post", accessor="post__name", order_by=("post__sort_name",))
    region = tables.Column("Region", accessor="post__region")
    kind = tables.Column("Task")
    due = DateCol("Due")
    days = tables.Column("Days overdue", accessor="days_overdue", attrs={"td": {"class": "num"}})

    class Meta(BaseTable.Meta):
        model = PostTask
        fields = ()
        sequence = ("demarche", "post", "region", "kind", "due", "days")

    def row_class(self, record) -> str:
        return "overdue"

    def render_demarche(self, value):
        return format_html('<a href="{}">{}</a>', url_for("outreach:dash_demarche", value), value)

    def value_demarche(self, value):
        return value

    def render_post(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', url_for("outreach:dash_post", record.post.code), value
        )

    def value_post(self, value):
        return value

    def value_region(self, value, record):
        return record.post.region

    def render_kind(self, value, record):
        return record.get_kind_display()

    def value_kind(self, value, record):
        return record.get_kind_display()

    def render_days(self, value):
        return badge("overdue", f"{value} days")

    def value_days(self, value):
        return value


class FiguresTable(BaseTable):
    """The late-tasking figure set; subclasses add what each row is (a region, a post)."""

    tasks = NumberColumn("Tasks")
    overdue = NumberColumn("Overdue")
    late = NumberColumn("Late")
    median_days_late = NumberColumn("Median days late")
    delivered_pct = PctColumn("Delivered")
    reported_pct = PctColumn("Reported")
    delivered_on_time_pct = PctColumn("Delivered on time")
    reported_on_time_pct = PctColumn("Reported on time")
    median_days_to_deliver = NumberColumn("Median days to deliver")
    median_days_to_report = NumberColumn("Median days to report")

    class Meta(BaseTable.Meta):
        pass


class RegionTable(FiguresTable):
    region = tables.Column("Region")
    posts = NumberColumn("Posts")

    class Meta(BaseTable.Meta):
        sequence = ("region", "posts", "...")

    def render_region(self, value, record):
        return format_html('<abbr title="{}">{}</abbr>', record["region_name"], value)

    def value_region(self, value, record):
        return f"{value} {record['region_name']}"


class SlowPostsTable(FiguresTable):
    """The slowest posts: FiguresTable's columns, but the late-days median and the plain percentages."""

    post_name = PostLinkColumn("Post")
    region = tables.Column("Region")

    class Meta(BaseTable.Meta):
        exclude = ("median_days_late", "delivered_pct", "reported_pct")
        sequence = (
            "post_name",
            "region",
            "median_days_to_deliver",
            "median_days_to_report",
            "tasks",
            "overdue",
            "late",
            "delivered_on_time_pct",
            "reported_on_time_pct",
        )


class UnacknowledgedTable(BaseTable):
    post_name = PostLinkColumn("Post")
    region = tables.Column("Region")
    demarches = NumberColumn("Demarches not acknowledged")
    oldest_issued = DateCol("Oldest issued")

    class Meta(BaseTable.Meta):
        pass
