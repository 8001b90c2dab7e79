"""Query parameters of the dashboard tables, bounded: whatever a URL says, a table pages and sorts sanely.

django-tables2 passes `?per_page=-1` straight to Django's Paginator (a 500) and any `?sort=` list as
long as the URL; here a page size is a whole number from 1 to MAX_PER_PAGE and a sort names at most
MAX_SORT columns.
"""

from django.core.exceptions import BadRequest
from django.core.paginator import EmptyPage, PageNotAnInteger

from .fastpath import FirstPagePaginator

MAX_PER_PAGE = 500
MAX_SORT = 3
EXPORT_FORMATS = ("csv", "xlsx", "json")


def _whole(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def configure(request, table, *, per_page: int, paginate: bool = True) -> None:
    """Sort and paginate one table from the query string, within bounds."""
    table.request = request
    order_by = [name for name in request.GET.getlist(table.prefixed_order_by_field)[:MAX_SORT] if name]
    if order_by:
        table.order_by = order_by
    if not paginate:
        return
    size = min(max(_whole(request.GET.get(table.prefixed_per_page_field), per_page), 1), MAX_PER_PAGE)
    number = _whole(request.GET.get(table.prefixed_page_field), 1)
    try:
        table.paginate(FirstPagePaginator, page=max(number, 1), per_page=size)
    except (EmptyPage, PageNotAnInteger):
        table.page = table.paginator.page(table.paginator.num_pages)


def export_format(request) -> str:
    """Return the ?_export format asked for ("" for none); an unknown one is a 400 that lists the known."""
    fmt = request.GET.get("_export", "")
    if fmt and fmt not in EXPORT_FORMATS:
        raise BadRequest(f"Unknown export format; use one of: {', '.join(EXPORT_FORMATS)}.")
    return fmt
