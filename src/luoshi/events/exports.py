"""The audit trail as CSV or XLSX, for a period and an actor: read in chunks, so a long period never
sits in memory whole. The CSV is streamed as it is read; the XLSX is written row by row (openpyxl's
write-only mode) to a temporary file that is then streamed. Every cell is text or a number, never a
formula (luoshi.sheets). Headers are Chinese: the file goes to the assessor as it is."""

import csv
import io
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from luoshi import sheets
from luoshi.events import trail
from luoshi.events.models import Event

HEADERS = ("编号", "时间（北京时间）", "操作人账号", "操作人姓名", "地址", "类型", "对象", "结果", "序号", "摘要")
WIDTHS = (10, 20, 16, 14, 16, 24, 16, 8, 10, 66)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
CSV_CHUNK = 500  # rows per piece of the streamed CSV


def row(event: Event) -> list[Any]:
    """One event as the export's columns (the actor selected with it); the time as Beijing's wall clock."""
    actor = event.actor
    return [
        event.pk,
        event.at.astimezone(trail.SHANGHAI).replace(tzinfo=None),
        actor.username if actor else "",
        actor.name if actor else "",
        event.address or "",
        event.kind,
        f"{event.subject_type}:{event.subject_id}",
        event.result,
        event.seq,
        event.digest,
    ]


def filename(f: trail.TrailFilters, fmt: str) -> str:
    """审计日志-2026-03-02-2026-03-02.xlsx: the period's first and last days, as far as it has them."""
    first = f.start.astimezone(trail.SHANGHAI).date().isoformat() if f.start else "起"
    # the end is exclusive: its last day is the day of the moment just before it
    last = (f.end - timedelta(microseconds=1)).astimezone(trail.SHANGHAI).date().isoformat() if f.end else "今"
    actor = f"-{f.actor}" if f.actor else ""
    return f"审计日志-{first}-{last}{actor}.{fmt}"


def _attach(response: Any, name: str) -> Any:
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response


def _csv_pieces(f: trail.TrailFilters) -> Iterator[bytes]:
    buf = io.StringIO()
    writer = csv.writer(buf)
    buf.write("\ufeff")  # the BOM: Excel on Chinese Windows then reads UTF-8
    writer.writerow(HEADERS)
    for n, event in enumerate(trail.in_chunks(f), start=1):
        values = row(event)
        values[1] = values[1].strftime(TIME_FORMAT)
        writer.writerow([sheets.csv_value(v) for v in values])
        if n % CSV_CHUNK == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")


def as_csv(f: trail.TrailFilters) -> StreamingHttpResponse:
    return _attach(StreamingHttpResponse(_csv_pieces(f), content_type=sheets.CSV_TYPE), filename(f, "csv"))


def as_xlsx(f: trail.TrailFilters) -> FileResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计日志")
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    header = sheets.write_only_row(ws, HEADERS)
    for cell in header:
        cell.font = Font(bold=True)
    ws.append(header)
    for event in trail.in_chunks(f):
        cells = sheets.write_only_row(ws, row(event))
        cells[1].number_format = "yyyy-mm-dd hh:mm:ss"  # the time: a date Excel can sort and filter
        ws.append(cells)
    # Spooled: a short trail stays in memory, a long one goes to disk before it is streamed.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115  (FileResponse closes it)
    wb.save(out)
    out.seek(0)
    response = FileResponse(out, content_type=sheets.XLSX_TYPE)
    return _attach(response, filename(f, "xlsx"))
