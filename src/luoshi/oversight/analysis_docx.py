"""登台剖析's documents as DOCX (python-docx): the same fields as the PDF (analysis_docs), laid out with the
printing machinery's A4 page and 公文 fonts."""

from collections.abc import Sequence
from typing import Any

from luoshi import printing
from luoshi.oversight.analysis_docs import agenda_fields, dossier_fields
from luoshi.oversight.models import Analysis, AnalysisUnit

WIDTH_MM = 172  # the text width of the page (210 mm less the margins)


def _table(doc: Any, header: Sequence[str] | None, rows: Sequence[Sequence[str]], widths: Sequence[float]) -> Any:
    """A grid table; the header row shaded and repeated on every page. `widths` in per cent."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    table = doc.add_table(rows=0, cols=len(widths))
    table.style = "Table Grid"
    size = 10.5
    for i, texts in enumerate(([list(header)] if header else []) + [list(r) for r in rows]):
        cells = table.add_row().cells
        is_header = header is not None and i == 0
        for cell, width, value in zip(cells, widths, texts, strict=True):
            cell.width = Mm(WIDTH_MM * width / 100)
            para = cell.paragraphs[0]
            para.paragraph_format.line_spacing = Pt(size * 1.5)
            if is_header:
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if value:
                font = printing.DOCX_HEADING_FONT if is_header else printing.DOCX_BODY_FONT
                printing.set_fonts(para.add_run(value), font, size)
        if is_header:
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            table.rows[0]._tr.get_or_add_trPr().append(repeat)
    return table


def _heading(doc: Any, words: str) -> None:
    from docx.shared import Pt

    p = printing.paragraph(doc, words, printing.DOCX_HEADING_FONT, 14)
    p.paragraph_format.space_before = Pt(12)
    p.paragraph_format.space_after = Pt(6)


def _masthead(doc: Any, office: str, restricted: str, title: str, subtitle: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    red = RGBColor(0xC0, 0, 0)
    center = WD_ALIGN_PARAGRAPH.CENTER
    head = printing.paragraph(doc, office, printing.DOCX_TITLE_FONT, 22, align=center, bold=True, color=red)
    printing.rule_below(head)
    printing.paragraph(doc, restricted, printing.DOCX_HEADING_FONT, 10, align=WD_ALIGN_PARAGRAPH.RIGHT, color=red)
    t = printing.paragraph(doc, title, printing.DOCX_TITLE_FONT, 20, align=center, bold=True)
    t.paragraph_format.space_before = Pt(8)
    sub = printing.paragraph(doc, subtitle, printing.DOCX_BODY_FONT, 14, align=center)
    sub.paragraph_format.space_after = Pt(8)


def _footnote(doc: Any, words: str) -> None:
    from docx.shared import Pt, RGBColor

    note = printing.paragraph(doc, words, size=9, color=RGBColor(0x66, 0x66, 0x66))
    note.paragraph_format.space_before = Pt(12)


def dossier_docx(a: Analysis, row: AnalysisUnit) -> bytes:
    d = dossier_fields(a, row)
    doc = printing.new_document(f"{d.title} {d.unit}", d.office, margins_mm=(20, 18, 20, 20), line_pt=22)
    _masthead(doc, d.office, "限会议使用" + (" · 议程未确认（草案）" if d.draft else ""), d.title, d.unit)

    _heading(doc, "基本情况")
    glance = []
    for pairs in d.glance:
        cells = [value for pair in pairs for value in pair]
        glance.append(cells if len(cells) == 4 else [cells[0], cells[1], "", ""])
    table = _table(doc, None, glance, [15, 35, 15, 35])
    for trow, pairs in zip(table.rows, d.glance, strict=True):
        if len(pairs) == 1:
            trow.cells[1].merge(trow.cells[3])
    facts = [list(f) for f in d.facts] + [["合计得分", "", "", d.score]]
    _table(doc, ["计分事项", "数量", "权重", "计分"], facts, [40, 20, 20, 20])

    for section in d.sections:
        _heading(doc, section.title)
        if section.rows:
            _table(doc, section.header, section.rows, section.widths)
            if section.more:
                printing.paragraph(doc, f"另有{section.more}条未列出。", size=10.5)
        else:
            printing.paragraph(doc, section.empty, size=12)
    _footnote(doc, d.footnote)
    return printing.docx_bytes(doc)


def agenda_docx(a: Analysis) -> bytes:
    g = agenda_fields(a)
    doc = printing.new_document(f"{g.title} {g.meeting}", g.office, margins_mm=(22, 20, 20, 22), line_pt=24)
    _masthead(doc, g.office, "限会议使用" + (" · 草案" if g.draft else ""), g.title, g.analysis_title)
    printing.paragraph(doc, f"时间：{g.meeting}")
    printing.paragraph(doc, f"地点：{g.place}")

    _heading(doc, "一、会议议程")
    for i, item in enumerate(g.programme, start=1):
        printing.paragraph(doc, f"{i}. {item}", indent=True)

    _heading(doc, "二、登台剖析单位及发言顺序")
    rows = [[i.order, i.unit, i.head, i.rank, i.score, i.summary] for i in g.items]
    _table(doc, ["顺序", "单位", "主要负责同志", "排名", "得分", "主要问题"], rows, [8, 20, 18, 10, 10, 34])
    if g.adjustment:
        printing.paragraph(doc, g.adjustment, indent=True)

    _heading(doc, "三、计分排名办法")
    printing.paragraph(doc, g.method, indent=True)
    _table(doc, ["计分事项", "权重"], [list(w) for w in g.weights], [50, 50])
    _footnote(doc, g.footnote)
    return printing.docx_bytes(doc)
