"""Printed documents (A4 PDF through WeasyPrint, DOCX through python-docx): the machinery, no wording.

Used by the ladder's notices (escalation/documents.py) and the lists' closing record (lists/closing.py).
Documents are Chinese whatever the reader's UI language: templates render under zh-hans.

WeasyPrint's first document in a process costs seconds (importing it parses its C declarations and
loads fontTools; the first layout initialises fontconfig and Pango; the first subset loads HarfBuzz's
types). `warm_up_in_background()` pays that at server start instead of at a liaison's first click,
and a PDF printed once is kept (by its HTML's hash, bounded in bytes) for the next download of the
same document. bench/pdf.py measures each case.
"""

import hashlib
import io
import logging
import os
import threading
import time
from collections import OrderedDict
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

log = logging.getLogger(__name__)

PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The DOCX names Windows' standard 公文 fonts; Word maps them through w:eastAsia. The PDF embeds
# the Noto CJK fonts the server has (fonts-noto-cjk), so it prints the same everywhere.
DOCX_BODY_FONT = "仿宋"
DOCX_TITLE_FONT = "宋体"
DOCX_HEADING_FONT = "黑体"
DOCX_LATIN_FONT = "Times New Roman"
BODY_PT = 14
# What may follow w:pBdr in w:pPr (ECMA-376 CT_PPrBase order).
PBDR_SUCCESSORS = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def cn_date(d: date | None) -> str:
    """2026年3月10日 (no zero padding, as official documents write dates)."""
    return f"{d.year}年{d.month}月{d.day}日" if d else "—"


# --- PDF ------------------------------------------------------------------------------------------


def render_html(template: str, context: dict[str, Any]) -> str:
    with translation.override("zh-hans"):
        return render_to_string(template, context)


class _Rendered:
    """PDFs already printed in this process, keyed by their HTML: a document downloaded again (the
    office archives a record, then the leader opens it) costs a hash, not a layout. Bounded in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes, self.size = max_bytes, 0
        self.pdfs: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            pdf = self.pdfs.get(key)
            if pdf is not None:
                self.pdfs.move_to_end(key)
            return pdf

    def put(self, key: str, pdf: bytes) -> None:
        if len(pdf) > self.max_bytes // 4:
            return
        with self.lock:
            if key not in self.pdfs:
                self.pdfs[key] = pdf
                self.size += len(pdf)
            while self.size > self.max_bytes:
                self.size -= len(self.pdfs.popitem(last=False)[1])

    def clear(self) -> None:
        with self.lock:
            self.pdfs.clear()
            self.size = 0


rendered = _Rendered(max_bytes=32 * 1024 * 1024)


def html_to_pdf(html: str) -> bytes:
    key = hashlib.sha256(html.encode()).hexdigest()
    if (pdf := rendered.get(key)) is not None:
        return pdf
    from weasyprint import HTML  # heavy import: only when a document is printed (or warmed up)

    pdf = HTML(string=html).write_pdf()
    rendered.put(key, pdf)
    return pdf


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_html(template, context))


# Every face the templates use, so that warming loads each of them once.
_WARM_HTML = """<!doctype html><html lang="zh-CN"><head><style>@page { size: A4; }
.s { font-family: "Noto Serif CJK SC", serif; } .h { font-family: "Noto Sans CJK SC", sans-serif; }
</style></head><body><p class="s">落实 <b>督办</b></p><p class="h">催办 <b>销号</b> 2026</p></body></html>"""


def warm_up() -> float:
    """Import WeasyPrint and python-docx and print a small page in every face: the seconds it took."""
    start = time.perf_counter()
    from weasyprint import HTML

    HTML(string=_WARM_HTML).write_pdf()  # not through the cache: the point is to print
    import docx  # noqa: F401  (its import is the DOCX's only cold cost)

    return time.perf_counter() - start


def warm_up_in_background() -> threading.Thread | None:
    """Warm up in a daemon thread (server start); LUOSHI_PRINT_WARMUP=false turns it off."""
    if os.environ.get("LUOSHI_PRINT_WARMUP", "true").strip().lower() in {"0", "false", "no", "off"}:
        return None

    def run() -> None:
        try:
            log.info("printing warmed up in %.2f s", warm_up())
        except Exception:  # no Pango or fonts on this server: the first document will say so itself
            log.warning("printing could not warm up", exc_info=True)

    thread = threading.Thread(target=run, name="luoshi-print-warmup", daemon=True)
    thread.start()
    return thread


# --- DOCX -----------------------------------------------------------------------------------------


def set_fonts(
    target: Any, east_asian: str, size_pt: float | None = None, bold: bool | None = None, color: Any = None
) -> None:
    """Set a run's (or style's) fonts: Latin via w:ascii/w:hAnsi, Chinese via w:eastAsia."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = target.font
    font.name = DOCX_LATIN_FONT
    rfonts = target.element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), east_asian)
    if size_pt:
        font.size = Pt(size_pt)
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = color


def paragraph(
    doc: Any,
    text: str,
    east_asian: str = DOCX_BODY_FONT,
    size: float = BODY_PT,
    *,
    align: Any = None,
    bold: bool = False,
    color: Any = None,
    indent: bool = False,
) -> Any:
    """A paragraph of one run; `doc` is a Document or a table cell."""
    from docx.shared import Pt

    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)  # 首行缩进两字
    set_fonts(p.add_run(text), east_asian, size, bold, color)
    return p


def new_document(
    title: str,
    author: str,
    margins_mm: tuple[float, float, float, float] = (25, 26, 22, 28),
    line_pt: float = 25,
    landscape: bool = False,
) -> Any:
    """An A4 Document (margins top, right, bottom, left) whose Normal style is 四号仿宋 in Chinese."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.author = author
    doc.core_properties.language = "zh-CN"
    section = doc.sections[0]
    width, height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.page_width, section.page_height = width, height
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
    top, right, bottom, left = margins_mm
    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    normal = doc.styles["Normal"]
    set_fonts(normal, DOCX_BODY_FONT, BODY_PT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = Pt(line_pt)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    return doc


def rule_below(p: Any, color: str = "C00000", size_eighths: int = 18) -> None:
    """A line under the paragraph (the red rule under a masthead)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in {"w:val": "single", "w:sz": str(size_eighths), "w:space": "6", "w:color": color}.items():
        bottom.set(qn(k), v)
    border.append(bottom)
    p._p.get_or_add_pPr().insert_element_before(border, *PBDR_SUCCESSORS)  # Word insists on the schema's order


def docx_bytes(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
