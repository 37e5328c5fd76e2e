"""Spreadsheets that go out (XLSX and CSV): every text stays text, never a formula.

A title such as `=HYPERLINK("http://evil.example","x")` is data. openpyxl would store it as a live
formula (and "#N/A" as an error value); Excel and LibreOffice would also run a CSV cell that starts
with =, +, -, @, a tab or a carriage return. So XLSX text cells are written as strings (with Excel's
quote prefix where they look like a formula) and such CSV cells get the usual leading apostrophe.
Every export (lists, the league table, the import template) writes its cells through here.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def _storable(text: str) -> str:
    """XML 1.0 cannot hold most C0 controls; older rows may have them (new text is checked on the way in)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)


def _as_text(cell: Any, text: str) -> None:
    cell._value = text  # not through .value: openpyxl would guess "=…" a formula, "#N/A" an error
    cell.data_type = "s"
    if looks_like_formula(text):
        cell.quotePrefix = True  # Excel keeps it text even when someone edits the cell


def set_cell(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write one cell; a str is stored as a string whatever it starts with."""
    if isinstance(value, str):
        cell = ws.cell(row=row, column=column, value=_storable(value))
        _as_text(cell, _storable(value))
        return cell
    return ws.cell(row=row, column=column, value=value)


def append_row(ws: Any, values: Sequence[Any]) -> int:
    """Write the values as the sheet's next row (as ws.append does); returns its number."""
    ws.append([_storable(v) if isinstance(v, str) else v for v in values])
    row = ws.max_row
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            _as_text(ws.cell(row=row, column=column), _storable(value))
    return row


def write_only_row(ws: Any, values: Sequence[Any]) -> list[Any]:
    """The cells of one row for a write-only sheet (openpyxl's streaming mode, for long exports:
    ws.append(write_only_row(ws, values))), text kept text as set_cell keeps it."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(ws)
            _as_text(cell, _storable(value))
        else:
            cell = WriteOnlyCell(ws, value=value)
        cells.append(cell)
    return cells


def formula_cells(ws: Any) -> list[str]:
    """Coordinates of cells Excel would evaluate (for tests and checks)."""
    return [c.coordinate for line in ws.iter_rows() for c in line if c.data_type == "f"]


def xlsx_bytes(wb: Any) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- CSV ------------------------------------------------------------------------------------------


def csv_value(value: Any) -> str:
    """A cell as CSV text: dates in ISO form, numbers as they are, risky text behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if looks_like_formula(value) else value
    return str(value)


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    buf = io.StringIO()
    buf.write("\ufeff")  # the BOM: Excel then reads the file as UTF-8 and shows the Chinese correctly
    writer = csv.writer(buf)
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
    return buf.getvalue().encode("utf-8")


# --- responses ------------------------------------------------------------------------------------


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A download; a Chinese file name goes out as RFC 5987 filename*=utf-8''…"""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    return response
