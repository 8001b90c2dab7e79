"""Every table's CSV and XLSX (and JSON) export: cells that can never become formulas, dates as dates.

OWASP's CSV-injection guidance: a text cell that begins with =, +, -, @, a tab or a carriage return is
prefixed with a single quote, in CSV and in XLSX, and XLSX text cells are written as strings, never as
formulas. Numbers stay numbers. CSV writes dates and times in ISO 8601 (times in the server's zone,
without microseconds); XLSX writes them as date cells.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.timezone import is_aware, localtime
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """A text cell that no spreadsheet reads as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _local(value: datetime) -> datetime:
    value = localtime(value) if is_aware(value) else value
    return value.replace(microsecond=0, tzinfo=None)


def csv_cell(value) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value
    return safe_text(str(value))


def rows_of(table) -> list[list]:
    """The table's header and rows as export values (BaseTable.as_values); headers carry units."""
    rows = [list(row) for row in table.as_values()]
    units = [getattr(b.column, "export_unit", "") for b in table.columns.iterall() if not b.column.exclude_from_export]
    rows[0] = [f"{name} ({unit})" if unit else name for name, unit in zip(rows[0], units)]
    return rows


def to_csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    # A byte-order mark, so that Excel opens the UTF-8 text as UTF-8 (names such as "Brasília").
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: list[list], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31] or "Export"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, datetime):
                cell.value, cell.number_format = _local(value), "yyyy-mm-dd hh:mm:ss"
            elif isinstance(value, date):
                cell.value, cell.number_format = value, "yyyy-mm-dd"
            elif isinstance(value, bool) or value is None:
                cell.value = "" if value is None else ("yes" if value else "no")
            elif isinstance(value, (int, float)):
                cell.value = value
            else:
                cell.value = safe_text(str(value))
                cell.data_type = TYPE_STRING  # openpyxl makes any text starting with "=" a formula
            if r == 1:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_json(rows: list[list]) -> bytes:
    """Rows as objects keyed by the headers; JSON holds no formulas, so values stay as they are."""
    header, *body = rows
    return json.dumps([dict(zip(header, row)) for row in body], cls=DjangoJSONEncoder).encode("utf-8")


def export_response(table, fmt: str, filename: str) -> HttpResponse:
    """The table as a CSV, XLSX or JSON download (fmt already checked to be one of FORMATS)."""
    rows = rows_of(table)
    writers = {"csv": to_csv, "json": to_json, "xlsx": lambda r: to_xlsx(r, filename)}
    body = writers[fmt](rows)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
