"""登台剖析's documents: each unit's dossier (what was late, what was found, what was urged, its talks and
its own reports in the period) and the meeting's agenda, as A4 PDF (WeasyPrint) and DOCX (analysis_docx).

`dossier_fields` and `agenda_fields` gather what a document says, in a fixed number of queries; the
renderers decide no wording. Like the ladder's notices and the lists' closing record these are the
office's documents, in Chinese whatever the reader's UI language, so their text is written here
directly rather than through gettext. The rows are read through the same querysets as the ranking's
facts (oversight.analysis), so a dossier lists what its unit's figures count.

Both documents hold restricted records (talks): analysis_files serves them, each download an audited
read and an export.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone, translation

from luoshi import printing
from luoshi.duties import owners
from luoshi.duties.models import Report, Step
from luoshi.events.models import Event
from luoshi.org.models import Unit, UnitKind
from luoshi.oversight import analysis
from luoshi.oversight.analysis import Period
from luoshi.oversight.analysis_queries import agenda_of, ordered_rows
from luoshi.oversight.models import Analysis, AnalysisUnit, CaseReason, Finding

DEFAULT_OFFICE = "督查室"
DOSSIER_TITLE = "登台剖析材料"
AGENDA_TITLE = "登台剖析会议议程"
ROW_CAP = 200  # rows per section of a dossier; beyond them the document says how many more there are
FACT_WORDS = {
    "late_days": ("逾期天数", "天"),
    "overdue_reports": ("逾期报送", "次"),
    "urges": ("催办通知", "次"),
    "orders": ("督办单", "份"),
    "unrectified_findings": ("逾期未整改问题", "个"),
    "talks": ("约谈", "次"),
}
TALK_WORDS = {"reminder": "提醒约谈", "admonition": "诫勉谈话", "inquiry": "函询", "criticism": "批评教育"}
SEVERITY_WORDS = {"minor": "一般", "major": "较重", "serious": "严重"}
REASON_WORDS = {
    "list": "责任清单",
    "finding": "督查问题",
    "talk_proposal": "约谈建议",
    "incident": "事故事件",
    "violation": "违反作风纪律",
    "talk": "前次约谈",
}
STEP_WORDS: dict[str, str] = {Step.URGE: "催办通知", Step.ORDER: "督办单"}
PROGRAMME = (
    "督查室通报上半年工作落实情况及计分排名办法",
    "各单位主要负责同志依次登台剖析，查找问题、分析原因、作出承诺",
    "市领导逐一点评",
    "市委主要领导讲话",
)


def cn(d: date | None) -> str:
    return printing.cn_date(d)


def _day(at: datetime | None) -> date | None:
    return timezone.localdate(at) if at else None


def office_name() -> str:
    office = Unit.objects.filter(kind=UnitKind.OFFICE).order_by("id").values_list("name", flat=True).first()
    return office or DEFAULT_OFFICE


def period_words(a: Analysis) -> str:
    return f"{cn(a.period_from)}至{cn(a.period_to)}"


def fact_table(facts: dict[str, int], weights: dict[str, int]) -> list[tuple[str, str, str, str]]:
    """(事项, 数量, 权重, 计分) per fact, as the score's sum."""
    rows = []
    for r in analysis.fact_rows(facts, weights):
        label, measure = FACT_WORDS[r["name"]]
        rows.append((label, f"{r['count']}{measure}", str(r["weight"]), str(r["points"])))
    return rows


def fact_summary(facts: dict[str, int]) -> str:
    """逾期12天、催办通知3次… (the facts it has, in the facts' order)."""
    parts = [f"{FACT_WORDS[n][0]}{facts[n]}{FACT_WORDS[n][1]}" for n in analysis.FACTS if facts.get(n)]
    return "、".join(parts) or "无"


def _kind_words(owner_type_id: int) -> str:
    kind = owners.kind_of(owner_type_id)
    if not kind:
        return ""
    with translation.override("zh-hans"):
        return str(owners.get(kind).label)


@dataclass(frozen=True)
class Section:
    title: str
    header: list[str]
    rows: list[list[str]]
    widths: list[int]  # per cent of the width (the PDF) and millimetres in proportion (the DOCX)
    empty: str = "无。"
    more: int = 0  # rows beyond ROW_CAP, not listed


@dataclass(frozen=True)
class Dossier:
    title: str
    office: str
    unit: str
    head: str
    analysis_title: str
    meeting: str
    period: str
    glance: list[list[tuple[str, str]]]
    facts: list[tuple[str, str, str, str]]
    score: str
    sections: list[Section]
    draft: bool
    footnote: str


def _capped(rows: list[list[str]]) -> tuple[list[list[str]], int]:
    return rows[:ROW_CAP], max(0, len(rows) - ROW_CAP)


def _late_section(row: AnalysisUnit, p: Period) -> Section:
    duties = analysis.late_duties(p).filter(unit_id=row.unit_id).order_by("deadline", "id")
    lines = []
    for d in duties:
        days = analysis.late_days_of(d, p)
        if days <= 0:
            continue
        finished = analysis.finished_on(d.status, d.deadline, d.days_late, d.completion_asked_at, d.completed_at)
        lines.append(
            [
                d.code or "—",
                d.title,
                _kind_words(d.owner_type_id),
                cn(d.deadline),
                cn(finished) if finished else "尚未完成",
                f"{days}天",
            ]
        )
    rows, more = _capped(lines)
    header = ["编号", "事项", "类别", "完成时限", "完成日期", "期内逾期"]
    return Section("一、逾期未完成的工作", header, rows, [16, 27, 11, 17, 17, 12], more=more)


def _report_section(row: AnalysisUnit, p: Period) -> Section:
    late = analysis.late_reports(p).filter(duty__unit_id=row.unit_id).select_related("duty").order_by("filed_at", "id")
    lines = [
        [
            r.duty.title,
            cn(r.due_date),
            cn(_day(r.filed_at)),
            f"逾期{(timezone.localdate(r.filed_at) - r.due_date).days}天",
        ]
        for r in late
        if r.due_date
    ]
    unfiled = analysis.unfiled_reports(p).filter(unit_id=row.unit_id).order_by("next_report_due", "id")
    lines += [[d.title, cn(d.next_report_due), "尚未报送", "—"] for d in unfiled]
    rows, more = _capped(lines)
    return Section("二、逾期报送情况", ["事项", "应报日期", "报送日期", "逾期"], rows, [40, 20, 20, 20], more=more)


def _finding_section(row: AnalysisUnit, p: Period) -> Section:
    counted = set(analysis.unrectified_findings(p).filter(unit_id=row.unit_id).values_list("pk", flat=True))
    found = (
        Finding.objects.filter(unit_id=row.unit_id)
        .filter(Q(found_on__gte=p.start, found_on__lte=p.end) | Q(pk__in=counted))
        .select_related("category", "inspection")
        .order_by("found_on", "id")
    )
    lines = []
    for f in found:
        if f.closed_at and f.closed_at < p.until:
            state = f"已整改销号（{cn(_day(f.closed_at))}）"
        elif f.pk in counted:
            state = "逾期未整改（计分）"
        else:
            state = "整改中"
        lines.append(
            [f.code, f.category.name, SEVERITY_WORDS.get(f.severity, f.severity), f.description, cn(f.deadline), state]
        )
    rows, more = _capped(lines)
    header = ["编号", "类别", "程度", "问题", "整改时限", "整改情况"]
    return Section("三、督查发现的问题", header, rows, [16, 11, 7, 32, 17, 17], more=more)


def _urge_section(row: AnalysisUnit, p: Period) -> Section:
    steps = analysis.escalations(p).filter(unit_id=row.unit_id).select_related("duty").order_by("created_at", "id")
    lines = [
        [
            cn(_day(e.created_at)),
            STEP_WORDS.get(e.step, e.step) + (f" {e.number}" if e.number else ""),
            e.duty.title,
            f"{e.days_overdue}个工作日",
        ]
        for e in steps
    ]
    rows, more = _capped(lines)
    return Section("四、催办督办情况", ["日期", "文书", "事项", "逾期"], rows, [18, 24, 42, 16], more=more)


def _talk_section(row: AnalysisUnit, p: Period) -> Section:
    held = list(
        analysis.talks(p).filter(unit_id=row.unit_id).select_related("person", "talked_by").order_by("held_on", "id")
    )
    causes: dict[int, list[str]] = {}
    reasons = CaseReason.objects.filter(case_type="talk", case_id__in=[t.pk for t in held]).order_by("id")
    for case_id, kind in reasons.values_list("case_id", "kind"):
        words = REASON_WORDS.get(kind, kind)
        if words not in causes.setdefault(case_id, []):
            causes[case_id].append(words)
    lines = [
        [
            cn(t.held_on),
            TALK_WORDS.get(t.kind, t.kind),
            str(t.person) if t.person_id else f"{row.unit.name}主要负责同志",
            "、".join(causes.get(t.pk, [])) or "—",
            t.record or "—",
        ]
        for t in held
    ]
    rows, more = _capped(lines)
    return Section("五、约谈情况", ["日期", "方式", "约谈对象", "事由", "记录"], rows, [17, 12, 16, 14, 41], more=more)


def _own_reports_section(row: AnalysisUnit, p: Period) -> Section:
    qs = Report.objects.filter(duty__unit_id=row.unit_id, filed_at__gte=p.since, filed_at__lt=p.until)
    total = qs.count()
    shown = qs.select_related("duty", "author").order_by("-filed_at", "-id")[:ROW_CAP]
    lines = [
        [
            cn(_day(r.filed_at)),
            r.duty.title,
            f"{r.progress}%",
            r.done + ("（申请完成）" if r.request_completion else ""),
            r.difficulties or "—",
        ]
        for r in shown
    ]
    header = ["报送日期", "事项", "进度", "工作进展", "困难问题"]
    return Section(
        "六、本单位期内报送情况", header, lines, [17, 22, 8, 31, 22], empty="期内无报送。", more=total - len(lines)
    )


def dossier_fields(a: Analysis, row: AnalysisUnit) -> Dossier:
    """Everything a unit's dossier says, in Chinese: fourteen queries at most, whatever its rows."""
    row = AnalysisUnit.objects.select_related("unit", "head").get(pk=row.pk)
    p = Period(a.period_from, a.period_to)
    ranked = a.ranked.count()
    head = str(row.head) if row.head_id else "—"
    place = (
        f"第{row.rank}位（共{ranked}个单位）"
        if analysis.has_facts(row.facts)
        else f"期内无计分事项（共{ranked}个单位）"
    )
    speaking = f"第{row.speaking_order}个发言" if row.chosen and row.speaking_order else "未列入议程"
    glance = [
        [("单位", row.unit.name), ("主要负责同志", head)],
        [("会议", a.title)],
        [("会议日期", cn(a.meeting_on)), ("统计期间", period_words(a))],
        [("计分排名", place), ("议程", speaking)],
    ]
    sections = [
        _late_section(row, p),
        _report_section(row, p),
        _finding_section(row, p),
        _urge_section(row, p),
        _talk_section(row, p),
        _own_reports_section(row, p),
    ]
    made = cn(_day(a.created_at))
    return Dossier(
        title=DOSSIER_TITLE,
        office=office_name(),
        unit=row.unit.name,
        head=head,
        analysis_title=a.title,
        meeting=cn(a.meeting_on),
        period=period_words(a),
        glance=glance,
        facts=fact_table(row.facts, a.weights),
        score=str(int(row.score)),
        sections=sections,
        draft=a.confirmed_at is None,
        footnote=(
            f"本材料由落实系统生成，计分为{made}排名时的记录，生成于{cn(timezone.localdate())}；"
            "内含约谈等限制性记录，仅供会议使用。"
        ),
    )


@dataclass(frozen=True)
class AgendaItem:
    order: str
    unit: str
    head: str
    rank: str
    score: str
    summary: str


@dataclass(frozen=True)
class Agenda:
    title: str
    office: str
    analysis_title: str
    meeting: str
    place: str
    period: str
    method: str
    weights: list[tuple[str, str]]
    items: list[AgendaItem]
    programme: list[str]
    adjustment: str
    draft: bool
    footnote: str


def _adjustment(a: Analysis, rows: Sequence[AnalysisUnit]) -> str:
    """What the office changed in the ranking's proposal, and why (its last agenda event), in words."""
    last = (
        Event.objects.filter(subject_type="analysis", subject_id=a.pk, kind="analysis.agenda_set")
        .order_by("-at", "-id")
        .first()
    )
    if last is None:
        return ""
    names = {r.unit_id: r.unit.name for r in rows}
    added = [names.get(u, str(u)) for u in last.after.get("added", [])]
    removed = [names.get(u, str(u)) for u in last.after.get("removed", [])]
    if not added and not removed:
        return ""
    words = "督查室调整了计分排名提出的议程单位："
    if added:
        words += f"列入{'、'.join(added)}"
    if removed:
        words += ("；" if added else "") + f"不再列入{'、'.join(removed)}"
    return words + (f"。说明：{last.note}" if last.note else "。")


def agenda_fields(a: Analysis) -> Agenda:
    """Everything the agenda says, in Chinese: four queries."""
    rows = ordered_rows(a)
    ranked = sum(1 for r in rows if analysis.has_facts(r.facts))
    items = [
        AgendaItem(
            order=str(i),
            unit=r.unit.name,
            head=str(r.head) if r.head_id else "—",
            rank=f"第{r.rank}位" if analysis.has_facts(r.facts) else "—",
            score=str(int(r.score)),
            summary=fact_summary(r.facts),
        )
        for i, r in enumerate(agenda_of(rows), start=1)
    ]
    weights = [(FACT_WORDS[n][0], f"每{FACT_WORDS[n][1]}计{a.weights.get(n, 0)}分") for n in analysis.FACTS]
    method = (
        f"依据落实系统记录的{period_words(a)}各单位逾期、逾期报送、催办督办、逾期未整改问题和约谈情况，"
        f"按下列权重计分（各项数量乘以权重后相加），共{ranked}个单位有计分事项，按得分由高到低排名。"
    )
    return Agenda(
        title=AGENDA_TITLE,
        office=office_name(),
        analysis_title=a.title,
        meeting=cn(a.meeting_on),
        place=a.place or "—",
        period=period_words(a),
        method=method,
        weights=weights,
        items=items,
        programme=list(PROGRAMME),
        adjustment=_adjustment(a, rows),
        draft=a.confirmed_at is None,
        footnote=f"本议程由落实系统生成，生成于{cn(timezone.localdate())}。"
        + ("议程尚未确认，为草案。" if a.confirmed_at is None else f"议程于{cn(_day(a.confirmed_at))}确认。"),
    )


# --- PDF ------------------------------------------------------------------------------------------

DOSSIER_TEMPLATE = "oversight/analysis_dossier_doc.html"
AGENDA_TEMPLATE = "oversight/analysis_agenda_doc.html"


def dossier_pdf(a: Analysis, row: AnalysisUnit) -> bytes:
    return printing.render_pdf(DOSSIER_TEMPLATE, {"doc": dossier_fields(a, row)})


def agenda_pdf(a: Analysis) -> bytes:
    return printing.render_pdf(AGENDA_TEMPLATE, {"doc": agenda_fields(a)})
