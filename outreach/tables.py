"""django-tables2 tables of the dashboards. Cells render badges with a symbol and a word; exports get plain values."""

import inspect
from datetime import date, datetime
from functools import lru_cache

import django_tables2 as tables
from django.forms.utils import flatatt
from django.urls import get_script_prefix, reverse
from django.utils.dateformat import format as _date_format
from django.utils.encoding import force_str
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django_tables2.utils import signature

from cables.models import Region

from .models import Demarche, PostTask

REGION_NAMES = dict(Region.choices)


def date_format(value, fmt: str) -> str:
    if isinstance(value, datetime):
        value = localtime(value)
    return _date_format(value, fmt)


class DateCol(tables.Column):
    """A date (or the date of a datetime) as Y-m-d; ISO in exports."""

    def __init__(self, *args, date_format: str = "Y-m-d", **kwargs):
        self.date_format = date_format
        super().__init__(*args, **kwargs)

    def render(self, value):
        return date_format(value, self.date_format)

    def value(self, value):
        return value.isoformat() if value else ""


# state -> (badge class, word); the class adds a symbol, so colour is never the only signal.
STEP_BADGES = {
    "done": ("ok", "Done"),
    "overdue": ("bad", "Overdue"),
    "open": ("open", "Open"),
    "not_delivered": ("warn", "Not delivered"),
    "cancelled": ("open", "Cancelled"),
}
STATE_BADGES = {
    Demarche.State.DRAFT: ("open", "Draft"),
    Demarche.State.ISSUED: ("info", "Issued"),
    Demarche.State.CLOSED: ("ok", "Closed"),
}


@lru_cache(maxsize=2048)  # a 300-post matrix draws ~1,200 badges from a handful of (state, word) pairs
def badge(state: str, word: str | None = None):
    css, default = STEP_BADGES.get(state, ("open", state.replace("_", " ").capitalize()))
    return format_html('<span class="badge {}">{}</span>', css, word or default)


def url_for(name: str, arg: str) -> str:
    """reverse(name, args=[arg]), remembered: a table links every row, and reverse() costs ~0.1 ms."""
    return _reverse(get_script_prefix(), name, arg)


@lru_cache(maxsize=8192)
def _reverse(prefix: str, name: str, arg: str) -> str:  # the prefix is part of the key: reverse() uses it
    return reverse(name, args=[arg])


def task_state(task: PostTask, today: date) -> str:
    return "overdue" if task.is_overdue(today) else task.status


def pct_bar(value):
    """A percentage with a thin bar; the number is always printed. SVG attributes, not inline styles (CSP)."""
    if value is None:
        return mark_safe('<span class="muted">—</span>')
    return format_html(
        '<span class="pct"><span class="pct-num">{}&nbsp;%</span>'
        '<svg class="pct-bar" width="72" height="6" aria-hidden="true" focusable="false">'
        '<rect width="72" height="6" class="pct-bg"/><rect width="{}" height="6" class="pct-fill"/></svg></span>',
        round(value),
        round(72 * max(0, min(100, value)) / 100, 1),
    )


def _round(value, digits=1):
    return None if value is None else round(value, digits)


class PctColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return pct_bar(value)

    def value(self, value):
        return _round(value)


class NumberColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        kwargs.setdefault("default", "—")
        super().__init__(*args, **kwargs)

    def render(self, value):
        return _round(value) if isinstance(value, float) else value

    def value(self, value):
        return _round(value) if isinstance(value, float) else value


class PostLinkColumn(tables.Column):
    """A post's name linking to its record; exports get the plain name."""

    def render(self, value, record):
        return format_html('<a href="{}">{}</a>', url_for("outreach:dash_post", record["post_code"]), value)

    def value(self, value):
        return value


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "responsive dash"}
        template_name = "django_tables2/outreach.html"

    def __init__(self, *args, today: date | None = None, **kwargs):
        # The day the figures were computed for, so that rows and badges agree.
        self.today = today or date.today()
        super().__init__(*args, **kwargs)

    def row_class(self, record) -> str:
        return ""

    def fast_body(self):
        """Render the body rows, skipping django-tables2's per-cell introspection.

        A 300-post matrix has 2,400 cells; the generic path spends ~0.1 ms on each.
        Same render_* methods, same column attributes, same empty values.
        """
        plan = []
        for bound in self.columns:
            column = bound.column
            render = getattr(self, f"render_{bound.name}", None)
            if render is None and type(column).render is not tables.Column.render:
                render = column.render
            params = set(inspect.signature(render).parameters) if render else set()
            td = bound.attrs["td"]
            td = {k: v for k, v in td.items() if v} if not callable(td) else {}
            plan.append((bound, render, params, flatatt(td), escape(bound.header)))
        rows = self.page.object_list if getattr(self, "page", None) else self.rows
        records = (row.record for row in rows)
        out = []
        for record in records:
            cells = []
            for bound, render, params, td, header in plan:
                value = bound.accessor.resolve(record, quiet=True)
                if value in bound.column.empty_values:
                    html = escape(bound.default)
                elif render:
                    kwargs = {
                        "value": value,
                        "record": record,
                        "table": self,
                        "column": bound.column,
                        "bound_column": bound,
                    }
                    html = conditional_escape(render(**{k: kwargs[k] for k in params if k in kwargs}))
                else:
                    html = escape(value)
                cells.append(f'<td data-label="{header}"{td}>{html}</td>')
            css = self.row_class(record)
            row_attr = f' class="{css}"' if css else ""
            out.append(f"<tr{row_attr}>{''.join(cells)}</tr>")
        return mark_safe("".join(out))

    def as_values(self, exclude_columns=None):
        """django-tables2's as_values (exports), with each column's value function inspected once, not per cell.

        inspect.signature for every cell was ~40 % of a CSV export. Same cells: the row still resolves the
        accessor, choices' display and empty values (BoundRow._get_and_render_with); a test compares the two.
        """
        columns = [
            bound
            for bound in self.columns.iterall()
            if not (bound.column.exclude_from_export or bound.name in (exclude_columns or ()))
        ]
        yield [force_str(bound.header, strings_only=True) for bound in columns]
        calls = {}
        for bound in columns:
            value = bound.value
            if getattr(value, "__func__", None) is tables.Column.value:
                value = bound.render  # what Column.value calls, with the same arguments
            calls[bound.name] = (value, *signature(value))
        for row in self.rows:

            def call(bound_column, value=None, row=row):
                function, wanted, catch_all = calls[bound_column.name]
                kwargs = row._optional_cell_arguments(bound_column, value)
                if not catch_all:
                    if any(name not in kwargs for name in wanted):
                        return None
                    kwargs = {name: kwargs[name] for name in wanted}
                return function(**kwargs)

            yield [
                force_str(row._get_and_render_with(bound, render_func=call, default=None), strings_only=True)
                for bound in columns
            ]


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
        return value

    def render_subject(self, value):
        return value[:110] + ("…" if len(value) > 110 else "")

    def render_overdue_count(self, value):
        return badge("overdue", f"{value} overdue") if value else badge("done", "None")

    def render_owner(self, value):
        return value.get_full_name() or value.username

    def value_owner(self, value):
        return value.get_full_name() or value.username

    def render_state(self, value, record):
        css, word = STATE_BADGES.get(value, ("open", value))
        return format_html('<span class="badge {}">{}</span>', css, word)


class StepColumn(tables.Column):
    """One step of the matrix: a badge and the relevant date (done on, or due)."""

    def __init__(self, prefix: str, *args, **kwargs):
        self.prefix = prefix
        kwargs.setdefault("accessor", f"{prefix}_state")
        kwargs.setdefault("order_by", (f"{prefix}_state",))
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        if value == "none":
            return mark_safe('<span class="muted" title="No such task for this post">n/a</span>')
        when = record[f"{self.prefix}_on"] if value == "done" else record[f"{self.prefix}_due"]
        label = "on" if value == "done" else "due"
        # Nothing to escape: a badge, a fixed word and an ISO date (format_html was a third of the matrix).
        return mark_safe(f"{badge(value)}<br><small>{label} {when.isoformat() if when else '—'}</small>")

    def value(self, value, record):
        if value == "none":
            return ""
        when = record[f"{self.prefix}_on"] if value == "done" else record[f"{self.prefix}_due"]
        return f"{value} {when.isoformat() if when else ''}".strip()


class MatrixTable(BaseTable):
    post_name = PostLinkColumn("Post")
    region = tables.Column("Region")
    audience = tables.Column("Audience", empty_values=())
    acknowledged_at = DateCol("Receipt")
    deliver = StepColumn("deliver", "Delivered")
    talking = StepColumn("talking", "Talking points")
    report = StepColumn("report", "Reported")
    response = tables.Column("Host government's response", empty_values=())

    class Meta(BaseTable.Meta):
        pass

    def row_class(self, record) -> str:
        return "overdue" if record["overdue"] else ""

    def render_audience(self, value):
        return value or "Host government"

    def value_audience(self, value):
        return value or "Host government"

    def render_acknowledged_at(self, value):
        if not value:
            return badge("open", "Not acknowledged")
        return format_html("{}<br><small>{}</small>", badge("done", "Acknowledged"), value.date().isoformat())

    def value_acknowledged_at(self, value):
        return value.isoformat() if value else ""

    def render_response(self, value, record):
        if not value:
            return mark_safe('<span class="muted">—</span>')
        word = dict(PostTask.Response.choices).get(value, value)
        text = record.get("response_text") or ""
        return format_html(
            "<strong>{}</strong>{}{}",
            word,
            format_html("<br>{}", text[:200]) if text else "",
            format_html('<br><small class="mono">{}</small>', record["reply_reference_id"])
            if record.get("reply_reference_id")
            else "",
        )

    def value_response(self, value, record):
        word = dict(PostTask.Response.choices).get(value, value) if value else ""
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

    def value_kind(self, value, record):
        return record.kind

    def value_response(self, value, record):
        return record.response

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
        return task_state(record, self.today)

    def render_done_on(self, value, record):
        done = value or (record.completed_at.date() if record.completed_at else None)
        return done.isoformat() if done else "—"

    def value_done_on(self, value, record):
        done = value or (record.completed_at.date() if record.completed_at else None)
        return done.isoformat() if done else ""

    def render_response(self, value, record):
        return record.get_response_display()


class OverdueTable(BaseTable):
    demarche = tables.Column("Demarche", accessor="demarche__reference_id", attrs={"td": {"class": "mono"}})
    post = tables.Column("Post", accessor="post__name")
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

    def value_kind(self, value, record):
        return record.kind

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


class SlowPostsTable(BaseTable):
    post_name = PostLinkColumn("Post")
    region = tables.Column("Region")
    median_days_to_deliver = NumberColumn("Median days to deliver")
    median_days_to_report = NumberColumn("Median days to report")
    tasks = NumberColumn("Tasks")
    overdue = NumberColumn("Overdue")
    late = NumberColumn("Late")
    delivered_on_time_pct = PctColumn("Delivered on time")
    reported_on_time_pct = PctColumn("Reported on time")

    class Meta(BaseTable.Meta):
        pass


class UnacknowledgedTable(BaseTable):
    post_name = PostLinkColumn("Post")
    region = tables.Column("Region")
    demarches = NumberColumn("Demarches not acknowledged")
    oldest_issued = DateCol("Oldest issued")

    class Meta(BaseTable.Meta):
        pass
