"""The bulletin as a document (督查通报): A4 PDF (WeasyPrint) and DOCX (python-docx), through luoshi.printing.

`document_fields` turns the stored figures (bulletin_data.gather) into the document's parts — headings,
sentences and tables — and both renderers lay out the same parts, so the PDF and the DOCX say the same.
Like the ladder's notices, the closing record and the dossiers, the bulletin is the office's document, in
Chinese whatever the reader's UI language, so its words are written here rather than through gettext; the
cockpit's own labels come from the sections as they were stored."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from luoshi import printing
from luoshi.org.models import Unit, UnitKind

DEFAULT_OFFICE = "督查室"
MASTHEAD = "督查通报"
TEMPLATE = "cockpit/bulletin_document.html"
TALK_WORDS = {"reminder": "提醒约谈", "admonition": "诫勉谈话", "inquiry": "函询", "criticism": "批评教育"}
MEASURE_WORDS = {
    "inspection": "责令检查",
    "notice": "通报",
    "reorganisation": "改组",
    "admonition": "诫勉",
    "organisational": "组织调整或组织处理",
    "party_discipline": "党纪处分",
    "government_sanction": "政务处分",
}
NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[int]  # per cent of the text width


@dataclass(frozen=True)
class Part:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass(frozen=True)
class Document:
    office: str
    masthead: str
    number: str  # 2026年第N期
    issued: str  # 2026年12月7日
    title: str
    parts: list[Part]
    footnote: str


def number_label(year: int, number: int) -> str:
    return f"{year}年第{number}期"


def office_name() -> str:
    office = Unit.objects.filter(kind=UnitKind.OFFICE).order_by("id").values_list("name", flat=True).first()
    return office or DEFAULT_OFFICE


def _cn(iso: str | None) -> str:
    return printing.cn_date(date.fromisoformat(iso)) if iso else "—"


def _short(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.month}月{d.day}日"


def _value(v: Any, unit: str = "") -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"{v:,}{unit}" if isinstance(v, int) else f"{v}{unit}"


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _more(shown: int, count: int, what: str) -> list[str]:
    return [f"（表中列出{shown}{what}，共{count}{what}。）"] if count > shown else []


def _sections(f: dict[str, Any]) -> Part:
    rows = []
    for s in (f.get("sections") or {}).values():
        if not isinstance(s, dict):
            continue
        for fig in s.get("figures") or []:
            if isinstance(fig, dict) and "label" in fig:
                rows.append(
                    [
                        str(s.get("title", s.get("key", ""))),
                        str(fig["label"]),
                        _value(fig.get("value"), fig.get("unit", "")),
                    ]
                )
    text = ["本期各项工作落实数据均取自系统存储记录，与领导驾驶舱同期数据一致。"]
    return Part(
        "总体情况",
        text if rows else [*text, "暂无数据。"],
        [Table(["板块", "指标", "数值"], rows, [22, 50, 28])] if rows else [],
    )


def _list_table(rows: list[dict[str, Any]], last: str, cell: Callable[[dict[str, Any]], str]) -> Table:
    header = ["编号", "清单名称", "责任领导", "牵头单位", last]
    body = [[r["code"] or "—", r["title"], r["leader"] or "—", "、".join(r["units"]) or "—", cell(r)] for r in rows]
    return Table(header, body, [17, 33, 14, 20, 16])


def _lists(f: dict[str, Any]) -> Part:
    lists = f.get("lists") or {}
    new, done = lists.get("new") or {"count": 0, "rows": []}, lists.get("completed") or {"count": 0, "rows": []}
    text = [f"本期新发布责任清单{new['count']}项，完成销号{done['count']}项。"]
    tables = []
    if new["rows"]:
        tables.append(_list_table(new["rows"], "发布日期", lambda r: _short(r["published"]) if r["published"] else "—"))
        text += _more(len(new["rows"]), new["count"], "项新清单")
    if done["rows"]:
        late = lambda r: f"逾期{r['days_late']}天" if r.get("days_late") else "按期完成"  # noqa: E731
        tables.append(_list_table(done["rows"], "完成情况", late))
        text += _more(len(done["rows"]), done["count"], "项完成清单")
    return Part("责任清单落实情况", text, tables)


def _red(f: dict[str, Any]) -> Part:
    red = (f.get("lists") or {}).get("red") or {"count": 0, "rows": [], "as_of": None}
    text = [f"截至{_cn(red.get('as_of'))}，亮红灯的责任清单{red['count']}项，请责任领导和牵头单位抓紧推进。"]
    if not red["rows"]:
        return Part("红灯事项", [f"截至{_cn(red.get('as_of'))}，无亮红灯的责任清单。"])
    return Part(
        "红灯事项",
        text + _more(len(red["rows"]), red["count"], "项"),
        [_list_table(red["rows"], "完成时限", lambda r: _cn(r["deadline"]))],
    )


def _ranked(title: str, part: dict[str, Any], header: list[str], cells: Any, widths: list[int]) -> list[Table]:
    tables = []
    for key, word in (("best", "好"), ("worst", "差")):
        rows = part.get(key) or []
        if rows:
            tables.append(Table([f"{title}较{word}单位", *header], [[r["unit_name"], *cells(r)] for r in rows], widths))
    return tables


def _units(f: dict[str, Any]) -> Part:
    league, rates = f.get("league") or {}, f.get("rates") or {}
    text = [
        f"本期有{league.get('units', 0)}个单位报送清单进展，按按时报送率排名；"
        f"有{rates.get('units', 0)}个单位承办群众诉求，按响应率、解决率、满意率综合得分排名。"
    ]
    tables = _ranked(
        "报送",
        league,
        ["应报次数", "按时报送率", "当前逾期", "催办/督办"],
        lambda r: [str(r["reports"]), _pct((r["on_time_rate"] or 0) / 100 if r["on_time_rate"] is not None else None),
                   str(r["overdue_now"]), f"{r['urges']}/{r['orders']}"],
        [32, 14, 18, 16, 20],
    ) + _ranked(
        "三率",
        rates,
        ["响应率", "解决率", "满意率", "得分"],
        lambda r: [_pct(r["response_rate"]), _pct(r["resolution_rate"]), _pct(r["satisfaction_rate"]), _value(r["score"])],
        [32, 17, 17, 17, 17],
    )  # fmt: skip
    return Part("单位排名", text if tables else [*text, "本期暂无可排名的单位。"], tables)


def _findings(f: dict[str, Any]) -> Part:
    fd = f.get("findings") or {"new": 0, "rectified": 0, "late": 0, "units": []}
    text = [f"本期督查新发现问题{fd['new']}个，整改验收销号{fd['rectified']}个；逾期未整改问题{fd['late']}个。"]
    rows = [[u["unit_name"], str(u["new"]), str(u["rectified"]), str(u["late"])] for u in fd["units"]]
    return Part(
        "督查发现问题及整改",
        text,
        [Table(["单位", "新发现", "整改销号", "逾期未整改"], rows, [46, 18, 18, 18])] if rows else [],
    )


def _cases(f: dict[str, Any]) -> Part:
    c = f.get("cases") or {"talks": 0, "talks_by_kind": {}, "public_accountability": 0, "accountability": []}
    kinds = "，".join(f"{TALK_WORDS.get(k, k)}{n}次" for k, n in sorted(c["talks_by_kind"].items()) if n)
    text = [
        f"本期开展约谈{c['talks']}次"
        + (f"（{kinds}）" if kinds else "")
        + f"；公开问责{c['public_accountability']}起。"
    ]
    rows = [
        [a["unit_name"], a["person"] or "（单位）", "、".join(MEASURE_WORDS.get(m, m) for m in a["measures"]) or "—", a["body"], _cn(a["decided_on"])]
        for a in c["accountability"]
    ]  # fmt: skip
    tables = (
        [Table(["单位", "问责对象", "问责方式", "决定机关", "决定日期"], rows, [24, 16, 26, 18, 16])] if rows else []
    )
    return Part("约谈问责情况", text + _more(len(rows), c["public_accountability"], "起"), tables)


def _frontline(f: dict[str, Any]) -> Part:
    fl = f.get("frontline") or {"short": [], "short_count": 0, "rule": {}, "as_of": None, "month": ""}
    rule = fl.get("rule") or {}
    g, s = rule.get("grassroots_days", 5), rule.get("supervised_days", 2)
    month = int(fl["month"][5:]) if fl.get("month") else 0
    head = f"按照每月到基层不少于{g}天、到分管单位不少于{s}天的要求，截至{_cn(fl.get('as_of'))}，"
    if not fl["short"]:
        return Part("一线工作情况", [head + f"{month}月各位市领导一线工作均已达到要求。"])
    rows = [
        [r["name"], r["title"] or "—", f"{r['grassroots_days']}/{g}", f"{r['supervised_days']}/{s}"]
        for r in fl["short"]
    ]
    text = [head + f"{month}月尚有{fl['short_count']}位市领导一线工作天数未达要求。"]
    return Part(
        "一线工作情况", text, [Table(["市领导", "职务", "到基层天数", "到分管单位天数"], rows, [22, 38, 20, 20])]
    )


def document_fields(year: int, number: int, issued: date, f: dict[str, Any]) -> Document:
    period = f.get("period") or {}
    start, end = period.get("from"), period.get("to")
    parts = [_sections(f), _lists(f), _red(f), _units(f), _findings(f), _cases(f), _frontline(f)]
    parts = [Part(f"{NUMERALS[i]}、{p.heading}", p.paragraphs, p.tables) for i, p in enumerate(parts)]
    span = f"{_cn(start)}—{_short(end)}" if start and end and start[:4] == end[:4] else f"{_cn(start)}—{_cn(end)}"
    return Document(
        office=office_name(),
        masthead=MASTHEAD,
        number=number_label(year, number),
        issued=printing.cn_date(issued),
        title=f"全市工作落实情况通报（{span}）",
        parts=parts,
        footnote=f"本通报由落实系统根据存储记录生成，{number_label(year, number)}，统计期间{_cn(start)}至{_cn(end)}。",
    )


# --- PDF ------------------------------------------------------------------------------------------


def bulletin_pdf(doc: Document) -> bytes:
    return printing.render_pdf(TEMPLATE, {"doc": doc})


# --- DOCX -----------------------------------------------------------------------------------------

WIDTH_MM = 160  # the text width: 210 mm less the margins


def _table(d: Any, t: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    table = d.add_table(rows=0, cols=len(t.widths))
    table.style = "Table Grid"
    size = 10.5
    for i, texts in enumerate([t.header, *t.rows]):
        cells = table.add_row().cells
        for cell, width, value in zip(cells, t.widths, texts, strict=True):
            cell.width = Mm(WIDTH_MM * width / 100)
            para = cell.paragraphs[0]
            para.paragraph_format.line_spacing = Pt(size * 1.5)
            if i == 0:
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if value:
                font = printing.DOCX_HEADING_FONT if i == 0 else printing.DOCX_BODY_FONT
                printing.set_fonts(para.add_run(value), font, size)
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)


def bulletin_docx(doc: Document) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    red, center = RGBColor(0xC0, 0, 0), WD_ALIGN_PARAGRAPH.CENTER
    d = printing.new_document(f"{doc.masthead} {doc.number}", doc.office)
    printing.paragraph(d, doc.masthead, printing.DOCX_TITLE_FONT, 36, align=center, bold=True, color=red)
    printing.paragraph(d, doc.number, printing.DOCX_BODY_FONT, 16, align=center)
    line = printing.paragraph(d, f"{doc.office}　　　　　　　　{doc.issued}", printing.DOCX_BODY_FONT, 14, align=center)
    printing.rule_below(line)
    title = printing.paragraph(d, doc.title, printing.DOCX_TITLE_FONT, 20, align=center, bold=True)
    title.paragraph_format.space_before = Pt(18)
    title.paragraph_format.space_after = Pt(12)
    for part in doc.parts:
        h = printing.paragraph(d, part.heading, printing.DOCX_HEADING_FONT, 16)
        h.paragraph_format.space_before = Pt(12)
        for text in part.paragraphs:
            printing.paragraph(d, text, indent=True)
        for t in part.tables:
            _table(d, t)
            printing.paragraph(d, "", size=6)
    printing.paragraph(d, doc.footnote, printing.DOCX_BODY_FONT, 9, color=RGBColor(0x66, 0x66, 0x66))
    return printing.docx_bytes(d)


def render(year: int, number: int, issued: date, f: dict[str, Any]) -> tuple[bytes, bytes]:
    """(pdf, docx) of the bulletin numbered `number` of `year`."""
    doc = document_fields(year, number, issued, f)
    return bulletin_pdf(doc), bulletin_docx(doc)
