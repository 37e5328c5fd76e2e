"""The closing record (销号单) of a struck-off list, for the office's archive: A4 PDF and DOCX.

`closing_fields` gathers what the record says from the list, its units' reports and its Event rows
(five queries whatever their number); `closing_pdf` lays it out through an HTML template and
WeasyPrint, `closing_docx` through python-docx, both with luoshi.printing. Like the urge notices it is
a document of the office, in Chinese whatever the reader's UI language, so its text is written here
directly rather than through gettext.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from luoshi import printing, sheets
from luoshi.duties.models import Duty, HandlingRole, Report
from luoshi.events.models import Event
from luoshi.events.services import record_export
from luoshi.lists import queries
from luoshi.lists.models import ListStatus, ResponsibilityList
from luoshi.org.models import Person, Unit, UnitKind

TITLE = "责任清单销号单"
DEFAULT_OFFICE = "督查室"
TEMPLATE = "lists/closing_record.html"
SYSTEM = "落实系统"  # the actor of the ladder's own steps
ROLES = {HandlingRole.LEAD: "牵头单位", HandlingRole.CO: "配合单位"}


@dataclass(frozen=True)
class ReportLine:
    date: str
    progress: str
    done: str
    difficulties: str
    author: str


@dataclass(frozen=True)
class UnitPart:
    name: str
    role: str
    rows: list[tuple[str, str]]  # (label, value): deadline, completion, lateness
    reports: list[ReportLine] = field(default_factory=list)


@dataclass(frozen=True)
class Decision:
    date: str
    what: str
    unit: str
    by: str
    note: str


@dataclass(frozen=True)
class ClosingRecord:
    title: str
    office: str
    code: str
    list_title: str
    rows: list[list[tuple[str, str]]]  # the list at a glance: rows of (label, value) cells
    content: str
    units: list[UnitPart]
    decisions: list[Decision]
    lateness: str
    closed: str
    footnote: str


class NotClosed(Exception):
    """Only a struck-off list has a closing record."""


def filename(rlist: ResponsibilityList, fmt: str) -> str:
    """销号单-2026-ZR-0001.pdf"""
    return f"销号单-{rlist.code or rlist.pk}.{fmt}"


def _day(at: datetime | None) -> date | None:
    return timezone.localdate(at) if at else None


def _lateness(days: int | None) -> str:
    return f"逾期{days}天" if days and days > 0 else "按期完成"


def _office_name() -> str:
    office = Unit.objects.filter(kind=UnitKind.OFFICE).order_by("id").values_list("name", flat=True).first()
    return office or DEFAULT_OFFICE


def _finished(ob: Duty, reports: list[Report]) -> datetime | None:
    """When the unit finished: its last completion request before the acceptance (as do_close counts it)."""
    asked = [
        r.filed_at for r in reports if r.request_completion and (not ob.completed_at or r.filed_at <= ob.completed_at)
    ]
    return asked[-1] if asked else ob.completed_at


def _unit_part(ob: Duty, reports: list[Report], original: date) -> UnitPart:
    finished = _day(_finished(ob, reports))
    deadline = printing.cn_date(ob.deadline)
    if ob.deadline != original:
        deadline += f"（原定{printing.cn_date(original)}，经批准延期）"
    late = (finished - ob.deadline).days if finished else None
    rows = [
        ("完成时限", deadline),
        ("申请完成", printing.cn_date(finished)),
        ("确认完成", printing.cn_date(_day(ob.completed_at))),
        ("完成情况", _lateness(late) if finished else "—"),
    ]
    lines = [
        ReportLine(
            date=printing.cn_date(_day(r.filed_at)),
            progress=f"{r.progress}%",
            done=r.done + ("（申请完成）" if r.request_completion else ""),
            difficulties=r.difficulties or "—",
            author=str(r.author),
        )
        for r in reports
    ]
    return UnitPart(name=ob.unit.name, role=ROLES.get(HandlingRole(ob.role), ""), rows=rows, reports=lines)


def _decision(e: Event, requested: dict[int, Event]) -> Decision | None:
    """An Event row as a line of the decisions table, or None for what is not a decision."""
    before, after = e.before or {}, e.after or {}
    old, new = printing.cn_date(_iso(before.get("deadline"))), printing.cn_date(_iso(after.get("deadline")))
    asked = requested.get(after.get("extension") or 0)
    what = {
        "list.published": f"发布清单，编号{after.get('code', '')}",
        "completion.accepted": "确认完成",
        "completion.returned": "退回完成申请",
        "extension.approved": f"批准延期：完成时限由{old}延至{new}",
        "extension.refused": "不予延期"
        + (f"（申请延至{printing.cn_date(_iso(asked.after.get('deadline')))}）" if asked else ""),
        "escalation.urge": f"发出催办通知{after.get('number', '')}（逾期{after.get('days_overdue', 0)}个工作日）",
        "escalation.order": f"发出督办单{after.get('number', '')}（逾期{after.get('days_overdue', 0)}个工作日）",
        "escalation.talk_proposal": "提出约谈建议",
        "escalation.talk_handled": "处理约谈建议",
        "list.closed": "销号" + (f"（{_lateness(after.get('days_late'))}）" if "days_late" in after else ""),
    }.get(e.kind)
    if what is None:
        return None
    note = e.note
    if e.kind == "extension.approved" and asked and asked.note:
        note = "申请理由：" + asked.note + (f"；意见：{e.note}" if e.note else "")
    return Decision(
        date=printing.cn_date(_day(e.at)),
        what=what,
        unit=e.unit.name if e.unit else "—",
        by=str(e.actor) if e.actor else SYSTEM,
        note=note or "—",
    )


def _iso(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def closing_fields(rlist: ResponsibilityList) -> ClosingRecord:
    """Everything the closing record says, in Chinese. Raises NotClosed unless the list is struck off."""
    rlist = ResponsibilityList.objects.select_related("leader").get(pk=rlist.pk)
    if rlist.status != ListStatus.CLOSED:
        raise NotClosed(rlist.pk)
    obligations = list(rlist.duties.select_related("unit").order_by("-role", "id"))
    reports: dict[int, list[Report]] = {ob.pk: [] for ob in obligations}
    for r in Report.objects.filter(duty__list=rlist).select_related("author").order_by("filed_at", "id"):
        reports[r.duty_id].append(r)
    events = list(Event.objects.filter(subject_type="list", subject_id=rlist.pk).select_related("actor", "unit"))
    requested = {e.after.get("extension"): e for e in events if e.kind == "extension.requested"}
    decisions = [d for e in events if (d := _decision(e, requested)) is not None]
    with translation.override("zh-hans"):
        source = str(rlist.get_source_display())
    lead = "、".join(ob.unit.name for ob in obligations if ob.role == HandlingRole.LEAD)
    co = "、".join(ob.unit.name for ob in obligations if ob.role == HandlingRole.CO) or "—"
    closed = printing.cn_date(_day(rlist.closed_at))
    rows = [
        [("清单编号", rlist.code or "—"), ("来源", source)],
        [("清单名称", rlist.title)],
        [("责任领导", str(rlist.leader) if rlist.leader else "—"), ("报送周期", f"每{rlist.report_every_days}天")],
        [("牵头单位", lead or "—"), ("配合单位", co)],
        [("完成时限", printing.cn_date(rlist.deadline)), ("发布日期", printing.cn_date(_day(rlist.published_at)))],
        [("销号日期", closed), ("销号时逾期", _lateness(rlist.days_late))],
    ]
    return ClosingRecord(
        title=TITLE,
        office=_office_name(),
        code=rlist.code or "—",
        list_title=rlist.title,
        rows=rows,
        content=rlist.content or "—",
        units=[_unit_part(ob, reports[ob.pk], rlist.deadline) for ob in obligations],
        decisions=decisions,
        lateness=_lateness(rlist.days_late),
        closed=closed,
        footnote=f"本销号单由落实系统生成，清单编号 {rlist.code or '—'}，生成于{printing.cn_date(timezone.localdate())}。",
    )


# --- PDF ------------------------------------------------------------------------------------------


def closing_pdf(rlist: ResponsibilityList) -> bytes:
    return printing.render_pdf(TEMPLATE, {"record": closing_fields(rlist)})


# --- DOCX -----------------------------------------------------------------------------------------


def _table(doc, header: list[str] | None, rows: list[list[str]], widths_mm: list[float], size: float = 10.5):
    """A grid table; a header row (shaded, repeated on every page) when given."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    table = doc.add_table(rows=0, cols=len(widths_mm))
    table.style = "Table Grid"
    for i, texts in enumerate(([header] if header else []) + rows):
        cells = table.add_row().cells
        for cell, width, text in zip(cells, widths_mm, texts, strict=True):
            cell.width = Mm(width)
            para = cell.paragraphs[0]
            para.paragraph_format.line_spacing = Pt(size * 1.5)
            is_header = header is not None and i == 0
            if is_header:
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if text:  # an empty cell keeps its one empty paragraph, so merging adds no blank lines
                font = printing.DOCX_HEADING_FONT if is_header else printing.DOCX_BODY_FONT
                printing.set_fonts(para.add_run(text), font, size)
        if header is not None and i == 0:
            tr_pr = table.rows[0]._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            tr_pr.append(repeat)
    return table


def _heading(doc, text: str) -> None:
    from docx.shared import Pt

    p = printing.paragraph(doc, text, printing.DOCX_HEADING_FONT, 14)
    p.paragraph_format.space_before = Pt(12)
    p.paragraph_format.space_after = Pt(6)


def closing_docx(rlist: ResponsibilityList) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    rec = closing_fields(rlist)
    doc = printing.new_document(f"{rec.title} {rec.code}", rec.office, margins_mm=(20, 18, 20, 20), line_pt=22)
    center = WD_ALIGN_PARAGRAPH.CENTER
    head = printing.paragraph(
        doc, rec.office, printing.DOCX_TITLE_FONT, 22, align=center, bold=True, color=RGBColor(0xC0, 0, 0)
    )
    printing.rule_below(head)
    title = printing.paragraph(doc, rec.title, printing.DOCX_TITLE_FONT, 20, align=center, bold=True)
    title.paragraph_format.space_before = Pt(12)
    title.paragraph_format.space_after = Pt(12)

    _heading(doc, "一、清单基本情况")
    glance = []
    for pairs in rec.rows:
        cells = [text for pair in pairs for text in pair]
        glance.append(cells if len(cells) == 4 else [cells[0], cells[1], "", ""])
    table = _table(doc, None, glance, [26, 60, 26, 60])
    for row, pairs in zip(table.rows, rec.rows, strict=True):
        if len(pairs) == 1:
            row.cells[1].merge(row.cells[3])
    _table(doc, None, [["内容及要求", rec.content]], [26, 146])

    _heading(doc, "二、各承办单位落实情况")
    for i, part in enumerate(rec.units, start=1):
        printing.paragraph(doc, f"（{i}）{part.name}（{part.role}）", printing.DOCX_BODY_FONT, 13, bold=True)
        _table(doc, None, [[label, value] for label, value in part.rows], [26, 146])
        if part.reports:
            lines = [[r.date, r.progress, r.done, r.difficulties] for r in part.reports]
            _table(doc, ["报送日期", "进度", "工作进展", "困难问题"], lines, [30, 14, 78, 50], size=10)
        else:
            printing.paragraph(doc, "无报送记录。", size=12)

    _heading(doc, "三、办理过程中的决定")
    decisions = [[d.date, d.what, d.unit, d.by, d.note] for d in rec.decisions]
    _table(doc, ["日期", "事项", "单位", "决定人", "说明"], decisions, [28, 52, 26, 22, 44], size=10)

    _heading(doc, "四、销号意见")
    printing.paragraph(
        doc, f"各承办单位均已完成并经确认，于{rec.closed}销号，{rec.lateness}。", size=printing.BODY_PT, indent=True
    )
    for text in ("经办人（签字）：", "负责人（签字）：", rec.office + "（印章）", rec.closed):
        sign = printing.paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        sign.paragraph_format.right_indent = Pt(printing.BODY_PT * 3)
    doc.paragraphs[-4].paragraph_format.space_before = Pt(18)
    note = printing.paragraph(doc, rec.footnote, size=9, color=RGBColor(0x66, 0x66, 0x66))
    note.paragraph_format.space_before = Pt(12)
    return printing.docx_bytes(doc)


# --- download (the web; the API's twin is lists/api_documents.py) --------------------------------

RENDERERS: dict[str, tuple[Callable[[ResponsibilityList], bytes], str]] = {
    "pdf": (closing_pdf, printing.PDF_TYPE),
    "docx": (closing_docx, printing.DOCX_TYPE),
}


def not_closed_message() -> str:
    return _("Only a struck-off list has a closing record.")


def attachment(rlist: ResponsibilityList, fmt: str, person: Person) -> HttpResponse:
    """The record as a download for `person` (an "export" event); raises NotClosed unless the list is
    struck off."""
    render, content_type = RENDERERS[fmt]
    response = sheets.attachment(render(rlist), content_type, filename(rlist, fmt))
    patch_cache_control(response, private=True, no_store=True)
    record_export(person, "closing_record", fmt, subject=("list", rlist.pk))
    return response


@login_required
@require_safe
def download(request: HttpRequest, list_id: int, fmt: str) -> HttpResponse:
    """Whoever may see the list prints its closing record (404 otherwise); 409 before it is struck off."""
    if fmt not in RENDERERS:
        raise Http404
    person = request.user
    assert isinstance(person, Person)  # login_required ran first
    rlist = get_object_or_404(queries.visible_lists(person), pk=list_id)
    try:
        return attachment(rlist, fmt, person)
    except NotClosed:
        return HttpResponse(not_closed_message(), status=409, content_type="text/plain; charset=utf-8")
