"""The printable documents of the ladder: the urge notice (催办通知) and the supervision order (督办单).

One function, `notice_fields`, gathers what a document says; `notice_pdf` lays it out through an HTML
template and WeasyPrint, `notice_docx` through python-docx. Neither renderer decides any wording.

The text is fixed Chinese, written here directly rather than through gettext: these are official
documents (公文), issued in Chinese whatever the reader's UI language.
"""

from dataclasses import dataclass, field

from django.utils import timezone, translation

from luoshi import printing
from luoshi.duties import owners
from luoshi.duties.models import EpisodeKind, Escalation, HandlingRole, Step
from luoshi.org.models import Person, Role, Unit, UnitKind

PRINTABLE: dict[str, str] = {Step.URGE: "催办通知", Step.ORDER: "督办单"}
DEFAULT_OFFICE = "督查室"
TEMPLATE = "escalation/notice.html"

# Documents of the ladder re-export the printing machinery's names they used to define.
PDF_TYPE, DOCX_TYPE = printing.PDF_TYPE, printing.DOCX_TYPE
DOCX_BODY_FONT, DOCX_TITLE_FONT, DOCX_HEADING_FONT = (
    printing.DOCX_BODY_FONT,
    printing.DOCX_TITLE_FONT,
    printing.DOCX_HEADING_FONT,
)
BODY_PT = printing.BODY_PT
cn_date = printing.cn_date


def doc_number(number: str) -> str:
    """2026-CB-0001 → 〔2026〕CB-0001号, the 发文字号 form."""
    year, _sep, rest = number.partition("-")
    return f"〔{year}〕{rest}号" if rest else number


@dataclass(frozen=True)
class Notice:
    step: str
    title: str  # 催办通知 | 督办单
    office: str  # the issuing office, also the signature
    number: str  # 2026-CB-0001, as the system shows it
    doc_number: str  # 〔2026〕CB-0001号
    date: str  # 2026年3月10日
    unit: str
    addressee: str  # the salutation line, ending in "："
    rows: list[list[tuple[str, str]]] = field(default_factory=list)  # the matter: rows of (label, value) cells
    paragraphs: list[str] = field(default_factory=list)  # the body
    closing: str = ""  # 特此催办。
    copy_to: str = ""  # 抄报 line (orders: the responsible leader)
    footnote: str = ""


def is_printable(esc: Escalation) -> bool:
    return esc.step in PRINTABLE


def filename(esc: Escalation, fmt: str) -> str:
    """催办通知-2026-CB-0001.pdf"""
    return f"{PRINTABLE[esc.step]}-{esc.number}.{fmt}"


def _office_name() -> str:
    office = Unit.objects.filter(kind=UnitKind.OFFICE).order_by("id").values_list("name", flat=True).first()
    return office or DEFAULT_OFFICE


def _unit_heads(unit: Unit) -> list[str]:
    # roles is a JSON list: filtered here, portably, over the unit's few people.
    people = Person.objects.filter(unit=unit, is_active=True).order_by("id")
    return [str(p) for p in people if Role.UNIT_HEAD in p.roles]


def notice_fields(esc: Escalation) -> Notice:
    """Everything the document says, in Chinese, from the escalation's frozen facts."""
    if not is_printable(esc):
        raise ValueError(f"escalation {esc.pk} ({esc.step}) has no printable document")
    episode, duty, unit = esc.episode, esc.duty, esc.unit
    issued = timezone.localdate(esc.created_at)
    leader = str(duty.leader) if duty.leader_id else "—"
    heads = "、".join(_unit_heads(unit))
    role = "牵头单位" if duty.role == HandlingRole.LEAD else "配合单位"
    is_order = esc.step == Step.ORDER
    title = PRINTABLE[esc.step]
    code = duty.code or "—"
    with translation.override("zh-hans"):
        noun = str(owners.of(duty).label)
    short = noun.replace("责任清单", "清单")  # a table cell: 清单编号, 任务名称 …

    subject = f"你单位作为{role}承办的{noun}“{duty.title}”"
    # A unit that was not late (an urge by hand before the report was due, which the board once sent)
    # is reminded, not asked for reasons of lateness.
    reminder = not is_order and episode.kind == EpisodeKind.REPORT and esc.due_date >= issued
    if episode.kind == EpisodeKind.REPORT:
        lateness = f"{subject}，应于{cn_date(esc.due_date)}向督查室直报工作进展，"
        if reminder:
            lateness += "目前尚未到报送时限。"
        elif esc.days_overdue > 0:
            lateness += f"截至{cn_date(issued)}已逾期{esc.days_overdue}个工作日，仍未报送。"
        else:
            lateness += f"截至{cn_date(issued)}仍未报送。"
    else:
        lateness = (
            f"{subject}，完成时限为{cn_date(esc.due_date)}，截至{cn_date(issued)}已超过完成时限"
            f"{esc.days_overdue}个工作日，仍未完成。"
        )
    by = cn_date(esc.respond_by) if esc.respond_by else ""

    paragraphs = [lateness]
    if is_order:
        paragraphs.append(
            ("该事项经催办后仍未报送，" if episode.kind == EpisodeKind.REPORT else "该事项逾期未完成，")
            + "现列入督办。请你单位主要负责同志亲自过问、督促落实，"
            + (f"于{by}前" if by else "尽快")
            + "通过落实系统直报工作进展，并书面说明未按期落实的原因及整改措施。"
        )
        paragraphs.append("逾期仍未落实的，督查室将按规定提出提醒约谈建议，并依规依纪严肃问责。")
        addressee = f"{unit.name}主要负责同志" + (f"（{heads}）" if heads else "") + "："
        closing = "特此督办。"
    elif reminder:
        paragraphs.append(
            f"请你单位高度重视、抓紧推进，于{cn_date(esc.due_date)}前按时通过落实系统直报工作进展，"
            "如实反映工作推进情况和存在的困难。"
        )
        paragraphs.append("逾期未报送的，督查室将按规定催办。")
        addressee = f"{unit.name}："
        closing = "特此提醒。"
    else:
        paragraphs.append(
            "请你单位高度重视，"
            + (f"于{by}前" if by else "尽快")
            + "通过落实系统直报工作进展，如实反映工作推进情况和存在的困难，并说明未按时报送的原因。"
        )
        paragraphs.append("逾期仍未报送的，督查室将下发督办单，抄报责任领导。")
        addressee = f"{unit.name}："
        closing = "特此催办。"

    # The matter at a glance: table rows of one or two (label, value) cells.
    handling = ("承办单位", f"{unit.name}（{role}）")
    if episode.kind == EpisodeKind.REPORT:
        dates = [("完成时限", cn_date(duty.deadline)), ("应报日期", cn_date(esc.due_date))]
    else:
        dates = [("完成时限", cn_date(esc.due_date))]  # the deadline as it was when the step was taken
    rows = [
        [(f"{short}编号", code), ("责任领导", leader)],
        [(f"{short}名称", duty.title)],
        [handling, ("单位负责人", heads or "—")] if is_order else [handling],
        dates,
        [
            ("逾期情况", "尚未逾期" if reminder else f"逾期{esc.days_overdue}个工作日" if esc.days_overdue else "—"),
            ("反馈时限", f"{cn_date(esc.due_date)}前" if reminder else f"{by}前" if by else "—"),
        ],
    ]
    return Notice(
        step=esc.step,
        title=title,
        office=_office_name(),
        number=esc.number,
        doc_number=doc_number(esc.number),
        date=cn_date(issued),
        unit=unit.name,
        addressee=addressee,
        rows=rows,
        paragraphs=paragraphs,
        closing=closing,
        copy_to=f"抄报：{leader}同志" if is_order and duty.leader_id else "",
        footnote=f"本{title}由落实系统生成，系统编号 {esc.number}。",
    )


def _fields(esc: Escalation) -> Notice:
    # The related rows are read once here, whether the caller selected them or not.
    esc = Escalation.objects.select_related("episode", "duty__leader", "unit").get(pk=esc.pk)
    return notice_fields(esc)


# --- PDF ------------------------------------------------------------------------------------------


def notice_html(esc: Escalation) -> str:
    return printing.render_html(TEMPLATE, {"notice": _fields(esc)})


def notice_pdf(esc: Escalation) -> bytes:
    return printing.html_to_pdf(notice_html(esc))


# --- DOCX -----------------------------------------------------------------------------------------


def notice_docx(esc: Escalation) -> bytes:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    _paragraph, _set_fonts = printing.paragraph, printing.set_fonts

    n = _fields(esc)
    red = RGBColor(0xC0, 0x00, 0x00)
    # A4, with the page, sizes and spacing of the PDF (notice.html), so that a notice fits one page.
    doc = printing.new_document(f"{n.title} {n.doc_number}", n.office, margins_mm=(25, 26, 22, 28), line_pt=25)

    center = WD_ALIGN_PARAGRAPH.CENTER
    # The red masthead (版头) and the red rule under it.
    head = _paragraph(doc, n.office, DOCX_TITLE_FONT, 28, align=center, bold=True, color=red)
    head.paragraph_format.line_spacing = Pt(40)
    number = _paragraph(doc, n.doc_number, DOCX_BODY_FONT, BODY_PT, align=center)
    number.paragraph_format.space_before = Pt(10)
    printing.rule_below(number)

    title = _paragraph(doc, n.title, DOCX_TITLE_FONT, 22, align=center, bold=True)  # 二号小标宋
    title.paragraph_format.space_before = Pt(16)
    title.paragraph_format.space_after = Pt(12)
    title.paragraph_format.line_spacing = Pt(36)

    table = doc.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Mm(24), Mm(54), Mm(24), Mm(54))
    for pairs in n.rows:
        cells = table.add_row().cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
        if len(pairs) == 1:
            cells = [cells[0], cells[1].merge(cells[3])]
        texts = [text for pair in pairs for text in pair]
        for i, (cell, text) in enumerate(zip(cells, texts, strict=False)):
            para = cell.paragraphs[0]
            para.paragraph_format.line_spacing = Pt(18)
            if i % 2 == 0:
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _set_fonts(para.add_run(text), DOCX_HEADING_FONT if i % 2 == 0 else DOCX_BODY_FONT, 12)

    _paragraph(doc, n.addressee, DOCX_BODY_FONT, BODY_PT).paragraph_format.space_before = Pt(12)
    for text in n.paragraphs:
        _paragraph(doc, text, DOCX_BODY_FONT, BODY_PT, indent=True)
    _paragraph(doc, n.closing, DOCX_BODY_FONT, BODY_PT, indent=True)

    # The signature, where the office stamps its seal.
    for text in (n.office + "（印章）", n.date):
        sign = _paragraph(doc, text, DOCX_BODY_FONT, BODY_PT, align=WD_ALIGN_PARAGRAPH.RIGHT)
        sign.paragraph_format.right_indent = Pt(BODY_PT * 3)
    doc.paragraphs[-2].paragraph_format.space_before = Pt(24)
    if n.copy_to:
        cc = _paragraph(doc, n.copy_to, DOCX_BODY_FONT, 13)
        cc.paragraph_format.space_before = Pt(24)
    footnote = _paragraph(doc, n.footnote, DOCX_BODY_FONT, 9, color=RGBColor(0x66, 0x66, 0x66))
    footnote.paragraph_format.space_before = Pt(12)

    return printing.docx_bytes(doc)
