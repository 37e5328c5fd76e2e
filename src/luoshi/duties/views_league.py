"""The league table of units (单位排名): on-time reporting, overdue work, urges and orders over a period.

Everyone signed in sees it; the same rows download as XLSX. A fixed number of queries.
"""

import io

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from luoshi import sheets
from luoshi.duties import owners, queries
from luoshi.duties.forms import LeagueForm
from luoshi.events.services import record_export
from luoshi.pages import Request, form_errors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (key, header, XLSX column width); the keys are those queries.sort_league accepts.
COLUMNS = [
    ("unit_name", gettext_lazy("Unit"), 28),
    ("reports", gettext_lazy("Reports filed"), 12),
    ("on_time", gettext_lazy("On time"), 10),
    ("on_time_rate", gettext_lazy("On-time rate (%)"), 14),
    ("overdue_now", gettext_lazy("Reports overdue now"), 16),
    ("urges", gettext_lazy("Urge notices"), 12),
    ("orders", gettext_lazy("Supervision orders"), 14),
    ("avg_days_late", gettext_lazy("Average days late"), 14),
]


def _rows(form: LeagueForm) -> list[dict]:
    data = form.cleaned_data
    rows = queries.league(data["start"], data["end"], timezone.localdate(), owner_kind=data["owner_kind"])
    return queries.sort_league(rows, data["sort"], data["descending"])


@login_required
@require_safe
def league(request: Request) -> HttpResponse:
    form = LeagueForm(request.GET)
    if not form.is_valid():
        # the dates' errors show under their fields; the rest (sort, order: hidden fields) above the table
        others = [str(e) for name, errors in form.errors.items() if name not in ("from", "to") for e in errors]
        return render(request, "escalation/league.html", {"form": form, "errors": others}, status=400)
    data = form.cleaned_data
    rows = _rows(form)
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    headers = []
    for key, label, _width in COLUMNS:
        active = key == data["sort"]
        # A click on the sorted column turns it round; a new column starts from its natural order.
        desc = (not data["descending"]) if active else key != "unit_name"
        headers.append({"key": key, "label": label, "active": active, "desc": "1" if desc else "0"})
    # The period shown in the date fields is the one counted, defaults included.
    shown = LeagueForm({**request.GET.dict(), "from": data["start"].isoformat(), "to": data["end"].isoformat()})
    context = {
        "form": shown,
        "rows": rows,
        "headers": headers,
        "start": data["start"],
        "end": data["end"],
        "sort": data["sort"],
        "descending": data["descending"],
        "owner_kind": data["owner_kind"],
    }
    return render(request, "escalation/league.html", context)


@login_required
@require_safe
def export(request: Request) -> HttpResponse:
    form = LeagueForm(request.GET)
    if not form.is_valid():
        return HttpResponse("\n".join(form_errors(form)) + "\n", status=400, content_type="text/plain; charset=utf-8")
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    data = form.cleaned_data
    rows = _rows(form)
    wb = Workbook()
    ws = wb.active
    with translation.override("zh-hans"):
        ws.title = _("League table")[:31]
        sheets.append_row(ws, [str(label) for _key, label, _width in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheets.append_row(ws, [row[key] for key, _label, _width in COLUMNS])  # unit names stay text
    for i, (_key, _label, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(ws.max_row, 1)}"
    out = io.BytesIO()
    wb.save(out)
    # Chinese like every other download (the office files it beside its other 台账).
    with translation.override("zh-hans"):  # one kind: its name in the file's, e.g. 单位排名-责任清单-…
        kind = f"{owners.get(data['owner_kind']).label}-" if data["owner_kind"] else ""
    response = sheets.attachment(
        out.getvalue(), XLSX, f"单位排名-{kind}{data['start'].isoformat()}-{data['end'].isoformat()}.xlsx"
    )
    record_export(request.user, "league", "xlsx", start=data["start"], end=data["end"], owner_kind=data["owner_kind"])
    return response
