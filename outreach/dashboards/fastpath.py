"""The base of every dashboard table: django-tables2's output, rendered and exported without per-cell introspection."""

import inspect
from collections import OrderedDict
from datetime import date
from functools import lru_cache
from html import escape as _escape

import django_tables2 as tables
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.encoding import force_str
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django_tables2.rows import BoundRow
from django_tables2.utils import signature

from .columns import html_text

EXPORT_CHUNK = 2000  # rows per fetch from the server-side cursor of an export


class FirstPagePaginator(Paginator):
    """Django's Paginator, but a first page that is not full is its own count: no COUNT(*) query.

    Most filtered lists fit on one page; the count is then the number of rows the page read. Otherwise it
    counts the table's rows as they were given, before any sort: sorting never changes how many there are,
    and a sort may join a table to reach its key (DemarcheTable), which the count need not read.
    """

    @cached_property
    def count(self) -> int:
        unsorted = getattr(getattr(self.object_list, "table", None), "unsorted", None)
        if isinstance(unsorted, QuerySet):
            return unsorted.count()
        return Paginator.count.func(self)

    def page(self, number):
        if str(number) != "1" or self.orphans or "count" in self.__dict__:
            return super().page(number)
        rows = self.object_list[: self.per_page]
        found = len(list(rows))  # reads the page once; django-tables2's rows keep what they read
        if found < self.per_page:
            self.__dict__["count"] = found  # Paginator.count is a cached_property
        return self._get_page(rows, 1, self)


@lru_cache(maxsize=512)
def _parameters(function) -> frozenset:
    """The argument names a render function takes: its signature, read once per function, not per page."""
    return frozenset(inspect.signature(function).parameters)


def _attributes(attrs: dict) -> str:
    """Django's flatatt for string values (True: the bare name), without its format_html_join per cell."""
    return "".join(f" {key}" if value is True else f' {key}="{escape(value)}"' for key, value in attrs.items())


def _attribute_html(attrs) -> str:
    """django-tables2's AttributeDict.as_html(), without format_html_join's lazy checks per attribute: the
    list's header spent ~0.5 ms of CPU in it."""
    return " ".join(f'{html_text(key)}="{html_text(value)}"' for key, value in attrs._iteritems())


class SharedColumns(OrderedDict):
    """A table class's columns, shared by its tables rather than deep-copied into each.

    django-tables2 deep-copies them per table in case one table changes a column (hide(), show()). Ours
    never do, and the copy was a few per cent of the demarche list's CPU.
    """

    def __deepcopy__(self, memo):
        return OrderedDict(self)


class BaseTable(tables.Table):
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.base_columns = SharedColumns(cls.base_columns)

    class Meta:
        attrs = {"class": "responsive dash"}
        template_name = "django_tables2/outreach.html"

    def __init__(self, *args, today: date | None = None, **kwargs):
        # The day the figures were computed for, so that rows and badges agree.
        self.today = today or date.today()
        self.unsorted = args[0] if args else kwargs.get("data")
        super().__init__(*args, **kwargs)

    def row_class(self, record) -> str:
        return ""

    def row_id(self, record) -> str:
        """An anchor for the row, when other pages or emails link to it."""
        return ""

    def fast_html(self, request):
        """The table as django_tables2/outreach.html renders it (header, body, pagination), in Python.

        render_table renders that template with a new RequestContext, which runs every context processor
        again, and walks the header per column: an eighth of the demarche list's CPU in process. Every
        dashboard table is a BaseTable without footers; a test holds this equal to the template's output.
        """
        query = dict(request.GET) if request else {}
        head = self._fast_head(query) if self.show_header else ""
        attrs = _attribute_html(self.attrs)
        return mark_safe(
            f'<div class="table-container"><table{" " if attrs else ""}{attrs}>{head}'
            f"<tbody>{self.fast_body()}</tbody></table>{self._fast_pagination(query)}</div>"
        )

    @staticmethod
    def _replace(query: dict, key: str, value) -> str:
        """What {% querystring_replace key=value %} gives: the page's query string, one parameter replaced."""
        return escape("?" + urlencode({**query, key: value}, doseq=True))

    def _fast_head(self, query: dict) -> str:
        cells = []
        for column in self.columns:
            th = _attribute_html(column.attrs["th"])
            th = f" {th}" if th else ""
            if column.is_ordered:
                descending = column.order_by_alias.is_descending
                th += f' aria-sort="{"descending" if descending else "ascending"}"'
                mark, said = (" ▼", ", sorted descending") if descending else (" ▲", ", sorted ascending")
            else:
                mark, said = " ↕", ", sort"
            header = conditional_escape(column.header)
            if column.orderable:
                href = self._replace(query, self.prefixed_order_by_field, column.order_by_alias.next)
                header = (
                    f'<a href="{href}" class="sort">{header}<span class="sort-mark" aria-hidden="true">{mark}</span>'
                    f'<span class="visually-hidden">{said}</span></a>'
                )
            cells.append(f'<th scope="col"{th}>{header}</th>')
        return f"<thead><tr>{''.join(cells)}</tr></thead>"

    def _fast_pagination(self, query: dict) -> str:
        page = getattr(self, "page", None)
        if not page or self.paginator.num_pages <= 1:
            return ""
        parts = ['<nav class="pagination" aria-label="Pages">']
        if page.has_previous():
            href = self._replace(query, self.prefixed_page_field, page.previous_page_number())
            parts.append(f'<a href="{href}" rel="prev">← Previous</a>')
        parts.append(f"<span>Page {page.number} of {self.paginator.num_pages} · {self.paginator.count} rows</span>")
        if page.has_next():
            href = self._replace(query, self.prefixed_page_field, page.next_page_number())
            parts.append(f'<a href="{href}" rel="next">Next →</a>')
        parts.append("</nav>")
        return "".join(parts)

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
            params = _parameters(getattr(render, "__func__", render)) if render else frozenset()
            fixed = {"table": self, "column": column, "bound_column": bound}
            fixed = {name: value for name, value in fixed.items() if name in params}
            td = bound.attrs["td"]
            td = {k: v for k, v in td.items() if v} if not callable(td) else {}
            opening = f'<td data-label="{escape(bound.header)}"{_attributes(td)}>'
            plan.append((bound.accessor, column.empty_values, render, fixed, "value" in params,
                         "record" in params, opening, escape(bound.default)))
        rows = self.page.object_list if getattr(self, "page", None) else self.rows
        records = (row.record for row in rows)
        out = []
        for record in records:
            cells = []
            for accessor, empty_values, render, fixed, wants_value, wants_record, opening, default in plan:
                value = accessor.resolve(record, quiet=True)
                if value in empty_values:
                    html = default
                elif render:
                    kwargs = dict(fixed)  # only the arguments the render function takes
                    if wants_value:
                        kwargs["value"] = value
                    if wants_record:
                        kwargs["record"] = record
                    html = html_text(render(**kwargs))
                else:
                    html = _escape(str(value))  # escape(), which escapes even safe strings
                cells.append(f"{opening}{html}</td>")
            css = self.row_class(record)
            row_attr = f' class="{css}"' if css else ""
            if anchor := self.row_id(record):
                row_attr += f' id="{escape(anchor)}"'
            out.append(f"<tr{row_attr}>{''.join(cells)}</tr>")
        if not out:  # here rather than in the template: `table.rows|length` would count the rows again
            text = escape(self.empty_text or "Nothing to show.")
            out.append(f'<tr><td colspan="{len(plan)}">{text}</td></tr>')
        return mark_safe("".join(out))

    def _export_rows(self):
        """The rows, read in chunks when a query gives them: an export may hold every row of years."""
        data = getattr(self.data, "data", None)  # the QuerySet, already sorted as the table is
        if isinstance(data, QuerySet):
            return (BoundRow(record, table=self) for record in data.iterator(chunk_size=EXPORT_CHUNK))
        return self.rows

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
        for row in self._export_rows():

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
