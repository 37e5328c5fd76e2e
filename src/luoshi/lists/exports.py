"""What the index shows per list, and the same rows as CSV or XLSX (the 责任清单台账).

The rows come from queries.index_rows (leader and handling units with their last report prefetched),
so building them costs no query of its own whatever their number. Cells are written through
luoshi.sheets: a title that looks like a formula stays text.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi import sheets
from luoshi.duties.lights import GREEN, RED, YELLOW
from luoshi.duties.models import Duty, DutyStatus, HandlingRole
from luoshi.lists import queries
from luoshi.lists.models import ListStatus, ResponsibilityList, Source
from luoshi.org.models import Person, Unit

FILE_STEM = "责任清单台账"  # Chinese whatever the UI language, like the import template's name
# Fill and font colours of the light cell (the page's .light-* colours).
LIGHT_COLOURS = {GREEN: ("2E7D32", "FFFFFF"), YELLOW: ("F9A825", "000000"), RED: ("C62828", "FFFFFF")}


def light_label(light: str | None) -> str:
    return {GREEN: _("Green"), YELLOW: _("Yellow"), RED: _("Red")}.get(light or "", "")


def _past_deadline(rlist: ResponsibilityList, duties: list[Duty], today: date) -> int:
    """Units still at work past their own deadline, on a list in progress."""
    if rlist.status != ListStatus.IN_PROGRESS:
        return 0
    return sum(1 for d in duties if d.status == DutyStatus.OPEN and d.deadline < today)


@dataclass
class IndexRow:
    """One list as the index, a leader's page and the exports show it: the list (from index_rows, so
    its units come prefetched) with its light, its dates, its lead and co-units and average progress."""

    rlist: ResponsibilityList
    light: str | None
    open_due: date | None  # the earliest report due of the units still working
    effective_deadline: date
    units_past_deadline: int  # units still at work past their own deadline
    handling: list[Duty]
    lead_obligations: list[Duty]
    co_obligations: list[Duty]
    avg_progress: int

    @classmethod
    def of(cls, rlist: ResponsibilityList, today: date) -> "IndexRow":
        obs = list(rlist.duties.all())  # prefetched
        return cls(
            rlist,
            light=queries.list_light(rlist, today),
            open_due=queries.open_dates(rlist)[0],
            effective_deadline=queries.effective_deadline(rlist),
            units_past_deadline=_past_deadline(rlist, obs, today),
            handling=obs,
            lead_obligations=[ob for ob in obs if ob.role == HandlingRole.LEAD],
            co_obligations=[ob for ob in obs if ob.role == HandlingRole.CO],
            avg_progress=round(sum(ob.progress for ob in obs) / len(obs)) if obs else 0,
        )


def decorate(rows: Iterable[ResponsibilityList], today: date) -> list[IndexRow]:
    return [IndexRow.of(r, today) for r in rows]


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
        _("Latest progress"),
        _("Difficulties"),
    ]


# Column widths in characters, one per header (Chinese characters count about double).
WIDTHS = [15, 40, 16, 12, 16, 24, 12, 10, 7, 9, 12, 16, 9, 9, 50, 36]
DATE_COLUMNS, TIME_COLUMN, LIGHT_COLUMN = (7, 11), 12, 9
WRAPPED = (2, 6, 15, 16)  # title, co-units, latest progress, difficulties


def _local(dt: datetime | None) -> datetime | None:
    """Excel knows no time zones: the local (Asia/Shanghai) wall time, naive."""
    return timezone.localtime(dt).replace(tzinfo=None, microsecond=0) if dt else None


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def _latest(obligations: Sequence[Duty]) -> tuple[str, str]:
    """Each unit's last report, one line a unit: what was done, and the difficulties it named."""
    done, difficulties = [], []
    for ob in obligations:
        r = ob.last_report
        if r is None:
            continue
        when = timezone.localdate(r.filed_at).isoformat()
        done.append(f"{ob.unit.name}（{when}，{r.progress}%）：{r.done}")
        if r.difficulties:
            difficulties.append(f"{ob.unit.name}：{r.difficulties}")
    return "\n".join(done), "\n".join(difficulties)


def values(row: IndexRow) -> list:
    """One list as typed cells: dates stay dates, numbers stay numbers."""
    latest, difficulties = _latest(row.handling)
    r = row.rlist
    return [
        r.code or "",
        r.title,
        r.get_source_display(),
        str(r.leader) if r.leader else "",
        "、".join(ob.unit.name for ob in row.lead_obligations),
        "、".join(ob.unit.name for ob in row.co_obligations),
        row.effective_deadline,  # after an approved extension, the latest of the open units'
        r.get_status_display(),
        light_label(row.light),
        row.avg_progress,
        row.open_due,
        _local(r.closed_at),
        _yes_no(r.closed_late),
        r.days_late,
        latest,
        difficulties,
    ]


def filename(fmt: str) -> str:
    """责任清单台账-2026-03-02.xlsx"""
    return f"{FILE_STEM}-{timezone.localdate().isoformat()}.{fmt}"


def filter_summary(f: queries.ListFilters, leaders: Iterable[Person], units: Iterable[Unit]) -> str:
    """The index filters in words, for the title rows: “Status: In progress; Unit: 市工信委”."""
    parts = []
    if f.status:
        parts.append(f"{_('Status')}：{ListStatus(f.status).label}")
    if f.source:
        parts.append(f"{_('Source')}：{Source(f.source).label}")
    if f.leader:
        parts.append(f"{_('Responsible leader')}：{next((str(p) for p in leaders if p.pk == f.leader), f.leader)}")
    if f.unit:
        parts.append(f"{_('Unit')}：{next((u.name for u in units if u.pk == f.unit), f.unit)}")
    if f.light:
        parts.append(f"{_('Light')}：{light_label(f.light)}")
    if f.year:
        parts.append(f"{_('Year')}：{f.year}")
    if f.overdue:
        parts.append(_("Overdue only"))
    if f.q:
        parts.append(f"{_('Search')}：“{f.q}”")
    return "；".join(parts) if parts else _("All lists")


def as_csv(rows: Iterable[IndexRow]) -> HttpResponse:
    content = sheets.csv_bytes([headers(), *(values(r) for r in rows)])
    return sheets.attachment(content, sheets.CSV_TYPE, filename("csv"))


def as_xlsx(rows: Iterable[IndexRow], summary: str = "") -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    rows = list(rows)
    last = get_column_letter(len(WIDTHS))
    wb = Workbook()
    ws = wb.active
    ws.title = _("Responsibility lists")[:31]
    # Two title rows above the header: what this is, when it was exported, which lists it holds.
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    sheets.set_cell(ws, 1, 1, _("Responsibility list ledger")).font = Font(bold=True, size=16)
    subtitle = _("Exported %(time)s · %(count)d lists · %(filters)s") % {
        "time": now,
        "count": len(rows),
        "filters": summary or _("All lists"),
    }
    sheets.set_cell(ws, 2, 1, subtitle).font = Font(color="555555")
    ws.merge_cells(f"A1:{last}1")
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[1].height = 26
    sheets.append_row(ws, headers())
    header_row = ws.max_row
    fills = {k: (PatternFill("solid", fgColor=bg), Font(bold=True, color=fg)) for k, (bg, fg) in LIGHT_COLOURS.items()}
    header_fill = PatternFill("solid", fgColor="F2F2F2")
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    top, wrap = Alignment(vertical="top"), Alignment(vertical="top", wrap_text=True)
    for r in rows:
        row = sheets.append_row(ws, values(r))
        for col in range(1, len(WIDTHS) + 1):
            ws.cell(row=row, column=col).alignment = wrap if col in WRAPPED else top
        for col in DATE_COLUMNS:
            ws.cell(row=row, column=col).number_format = "yyyy-mm-dd"
        ws.cell(row=row, column=TIME_COLUMN).number_format = "yyyy-mm-dd hh:mm"
        if r.light in fills:
            light = ws.cell(row=row, column=LIGHT_COLUMN)
            light.fill, light.font = fills[r.light]
            light.alignment = Alignment(horizontal="center", vertical="top")
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"A{header_row + 1}"  # the title rows and the header stay in view
    ws.auto_filter.ref = f"A{header_row}:{last}{max(ws.max_row, header_row)}"
    # Printable: A4 landscape, all columns on one page width, the header row repeated on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "&P / &N"
    return sheets.attachment(sheets.xlsx_bytes(wb), sheets.XLSX_TYPE, filename("xlsx"))
