"""What the index shows per list, and the same rows as CSV or XLSX.

The rows come from queries.index_rows (leader and handling units prefetched), so building them
costs no query of its own whatever their number.
"""

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.lists import queries
from luoshi.lists.lights import GREEN, RED, YELLOW
from luoshi.lists.models import HandlingRole, ResponsibilityList


def light_label(light: str | None) -> str:
    return {GREEN: _("Green"), YELLOW: _("Yellow"), RED: _("Red")}.get(light or "", "")


def decorate(rows: Iterable[ResponsibilityList], today: date) -> list[ResponsibilityList]:
    """Attach to each list (fetched with index_rows) its light, its lead and co-units and average progress."""
    out = []
    for r in rows:
        obs = list(r.obligations.all())  # prefetched
        r.open_due, r.open_deadline = queries.open_dates(r)
        r.light = queries.list_light(r, today)
        r.handling = obs
        r.lead_obligations = [ob for ob in obs if ob.role == HandlingRole.LEAD]
        r.co_obligations = [ob for ob in obs if ob.role == HandlingRole.CO]
        r.avg_progress = round(sum(ob.progress for ob in obs) / len(obs)) if obs else 0
        out.append(r)
    return out


def headers() -> list[str]:
    return [
        _("Code"),
        _("Title"),
        _("Source"),
        _("Responsible leader"),
        _("Lead unit"),
        _("Co-handling units"),
        _("Deadline"),
        _("Status"),
        _("Light"),
        _("Progress (%)"),
        _("Next report due"),
        _("Closed at"),
        _("Closed late"),
        _("Days late"),
    ]


def _local(dt: datetime | None) -> datetime | None:
    """Excel knows no time zones: the local (Asia/Shanghai) wall time, naive."""
    return timezone.localtime(dt).replace(tzinfo=None, microsecond=0) if dt else None


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def values(r: ResponsibilityList) -> list:
    """One list as typed cells: dates stay dates, numbers stay numbers."""
    return [
        r.code or "",
        r.title,
        r.get_source_display(),
        str(r.leader) if r.leader else "",
        "、".join(ob.unit.name for ob in r.lead_obligations),
        "、".join(ob.unit.name for ob in r.co_obligations),
        r.deadline,
        r.get_status_display(),
        light_label(r.light),
        r.avg_progress,
        r.open_due,
        _local(r.closed_at),
        _yes_no(r.closed_late),
        r.days_late,
    ]


def filename(fmt: str) -> str:
    return f"lists-{timezone.localdate().isoformat()}.{fmt}"


def _attachment(response: HttpResponse, fmt: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename(fmt)}"'
    return response


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def as_csv(rows: Iterable[ResponsibilityList]) -> HttpResponse:
    buf = io.StringIO()
    buf.write("\ufeff")  # the BOM: Excel then reads the file as UTF-8 and shows the Chinese correctly
    writer = csv.writer(buf)
    writer.writerow(headers())
    for r in rows:
        writer.writerow([_text(v) for v in values(r)])
    response = HttpResponse(buf.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    return _attachment(response, "csv")


# Column widths in characters, one per header (Chinese characters count about double).
WIDTHS = [16, 48, 22, 14, 20, 32, 12, 12, 8, 10, 14, 17, 10, 10]


def as_xlsx(rows: Iterable[ResponsibilityList]) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = _("Responsibility lists")[:31]
    ws.append(headers())
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(values(r))
        row = ws.max_row
        for col in (7, 11):  # deadline, next report due
            ws.cell(row=row, column=col).number_format = "yyyy-mm-dd"
        ws.cell(row=row, column=12).number_format = "yyyy-mm-dd hh:mm"
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(WIDTHS))}{max(ws.max_row, 1)}"
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return _attachment(response, "xlsx")
