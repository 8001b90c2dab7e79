"""Every table's CSV and XLSX (and JSON) export: cells that can never become formulas, dates as dates.

OWASP's CSV-injection guidance: a text cell that begins with =, +, -, @, a tab or a carriage return is
prefixed with a single quote, in CSV and in XLSX, and XLSX text cells are written as strings, never as
formulas. Numbers stay numbers. CSV writes dates and times in ISO 8601 (times in the server's zone,
without microseconds); XLSX writes them as date cells.

Every export streams: the rows are read from the database in chunks (BaseTable.as_values over
QuerySet.iterator), CSV and JSON go out as they are written, and XLSX is written by openpyxl's write-only
workbook to a temporary file, then sent from it. Memory stays flat whatever the number of rows
(bench/bench_exports.py measures it).
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from itertools import chain, islice

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.timezone import is_aware, localtime
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font

from .fastpath import EXPORT_CHUNK

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


def rows_of(table) -> Iterator[list]:
    """The table's header and rows as export values (BaseTable.as_values), one at a time; headers carry units."""
    rows = iter(table.as_values())
    units = [getattr(b.column, "export_unit", "") for b in table.columns.iterall() if not b.column.exclude_from_export]
    yield [f"{name} ({unit})" if unit else name for name, unit in zip(next(rows), units)]
    for row in rows:
        yield list(row)


class _Line:
    """A file-like object for csv.writer that hands back what it was given."""

    def write(self, text: str) -> str:
        return text


def to_csv(rows: Iterable[list]) -> Iterator[bytes]:
    writer = csv.writer(_Line())
    # A byte-order mark, so that Excel opens the UTF-8 text as UTF-8 (names such as "Brasília").
    yield "\ufeff".encode()
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row]).encode("utf-8")


def _xlsx_cell(sheet, value, *, bold: bool) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet)
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
    if bold:
        cell.font = Font(bold=True)
    return cell


def to_xlsx(rows: Iterable[list], title: str, out) -> None:
    """Write the rows to the binary file `out` (write-only: openpyxl keeps no row in memory)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31] or "Export")
    sheet.freeze_panes = "A2"
    for r, row in enumerate(rows):
        sheet.append([_xlsx_cell(sheet, value, bold=r == 0) for value in row])
    book.save(out)


def to_json(rows: Iterable[list]) -> Iterator[bytes]:
    """Rows as objects keyed by the headers; JSON holds no formulas, so values stay as they are."""
    rows = iter(rows)
    header = next(rows)
    yield b"["
    for n, row in enumerate(rows):
        yield (b"," if n else b"") + json.dumps(dict(zip(header, row)), cls=DjangoJSONEncoder).encode("utf-8")
    yield b"]"


def export_response(table, fmt: str, filename: str):
    """The table as a CSV, XLSX or JSON download (fmt already checked to be one of FORMATS), streamed."""
    data = getattr(table.data, "data", None)
    if isinstance(data, QuerySet):
        # A streamed body is read after the view returns, outside read_from_replica: keep the database
        # the router chooses now (the replica for a dashboard), or the rows would come from the primary.
        table.data.data = data.using(data.db)
    rows = rows_of(table)
    if fmt == "xlsx":
        # A zip file is written whole before it can be read: spool it to disk, not to memory.
        spool = tempfile.TemporaryFile()
        to_xlsx(rows, filename, spool)
        spool.seek(0)
        response = FileResponse(spool, content_type=FORMATS[fmt])
    else:
        # The query runs here, in the view, and its first chunk is read: a replica that fails now is answered
        # from the primary (config/db_router.py); once the body has started, a failure can only cut the
        # download short. An export of one chunk (most) is read whole, so its cursor is closed before the
        # view returns rather than whenever the response is dropped.
        head = list(islice(rows, EXPORT_CHUNK + 2))  # the header, the chunk and one more row
        if len(head) < EXPORT_CHUNK + 2:
            rows.close()
            rows = iter(head)
        else:
            rows = chain(head, rows)
        body = to_csv(rows) if fmt == "csv" else to_json(rows)
        response = StreamingHttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
