"""Reading a ledger workbook (.xlsx) or CSV into rows keyed by column, warily, and without writing.
The rows are checked against the ledger by ledger.import_check; import_apply writes them.

Offices' own workbooks are the input: a title row (or a few) above the header row, Chinese headers
(English names too), merged cells (a 专项 cell over its tasks: its value counts on every row it covers;
a task's name merged over several rows: each further row adds one indicator to that task), blank
spacer rows and heading rows (one merged cell across the row) skipped, rows named by the sheet's own
numbers. CSV in UTF-8 (with or without BOM), GB18030 or UTF-16, told apart by charset-normalizer and
accepted only if its header row then reads as ours, so a wrong guess is an error, never mojibake.

A file is hostile until shown otherwise: size, a real zip with a workbook in it, unpacked size and
parts bounded before any XML is parsed, no macros, no encryption, no DTD or entity declarations (and
lxml told never to expand one or fetch anything); a character a cell may not hold (a NUL, a control)
refuses the file naming its row and column.
"""

import codecs
import csv
import io
import itertools
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from luoshi.errors import InvalidInput
from luoshi.lists.import_file import name_key
from luoshi.text import bad_character

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED = 120 * 1024 * 1024  # 10,000 rows with long requirements unpack to about 15 MB
MAX_MEMBERS = 300
MAX_ROWS = 20_000
MAX_GROUPS = 20  # indicators per task (the API's limit)
HEADER_SCAN = 10
EMPTY_RUN = 1000  # formatted but unused rows: stop after this many empty ones in a row
ZIP_MAGIC, OLE_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
Progress = Callable[[float], None]


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()


# The task's columns, in the order the export writes them. Chinese first: the office's own headers.
TASK_COLUMNS = (
    Column("code", "编号", "code", ("任务编号", "序号编码")),
    Column("parent", "上级编号", "parent code", ("上级任务编号", "parent")),
    Column("programme", "专项", "programme", ("专项名称", "所属专项")),
    Column("title", "任务名称", "title", ("任务", "工作任务", "task")),
    Column("requirements", "工作要求", "requirements", ("具体要求", "目标要求")),
    Column("leader", "责任领导", "leader", ("牵头领导", "责任市领导", "responsible leader")),
    Column("lead_unit", "牵头单位", "lead unit", ("责任单位",)),
    Column("co_units", "配合单位", "co units", ("协办单位", "co-units", "co-handling units")),
    Column("deadline", "完成时限", "deadline", ("完成时间", "时限")),
    Column("weight", "权重", "weight"),
    Column("report_every_days", "汇报周期（天）", "cadence", ("汇报周期", "报送周期（天）", "report every days")),
    Column("starts_on", "开工日期", "start date", ("开工时间",)),
    Column("completes_on", "竣工日期", "completion date", ("竣工时间",)),
)
# One indicator's columns; the n-th indicator's carry the number (指标名称2 …), or repeat in order.
INDICATOR_COLUMNS = (
    Column("indicator", "指标名称", "indicator", ("指标",)),
    Column("measure", "计量单位", "measure", ("unit of measure",)),
    Column("target", "年度目标", "target", ("目标值", "年度目标值", "annual target")),
    Column("kind", "指标类型", "kind"),
    Column("trajectory", "计划进度", "trajectory", ("planned",)),
)
# Written by the export for reading, ignored by the import.
READ_ONLY = ("当前进度（%）", "预警", "实际完成")
REQUIRED = ("programme", "title", "deadline")
EXAMPLE_CODE = "示例"  # the template's example row is coded so, and never imported
ONE_LINE = {"code", "parent", "programme", "title", "leader", "lead_unit", "indicator", "measure"}

_NAMES = {name_key(n): c.key for c in TASK_COLUMNS for n in (c.zh, c.en, *c.aliases)}
_INDICATOR_NAMES = {name_key(n): c.key for c in INDICATOR_COLUMNS for n in (c.zh, c.en, *c.aliases)}
_IGNORED = {name_key(n) for n in READ_ONLY} | {name_key("实际完成") + str(i) for i in range(2, MAX_GROUPS + 1)}
_NUMBERED = re.compile(r"(.*?)(\d{1,2})")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")  # OOXML's escape of characters XML cannot hold
_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]{1,3}\d+):([A-Z]{1,3}\d+)\"")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"[A-Z]{1,3}\d+:[A-Z]{1,3}(\d+)\"")
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_T, _R = _NS + "t", _NS + "r"
# The date formats Chinese, Japanese and Korean Excel writes by number only (yyyy年m月d日 …).
CJK_DATE_FORMATS = frozenset([*range(27, 37), *range(50, 59)])
MAX_COLUMNS = 200


def header(key: str) -> str:
    """The Chinese header of a key ("title", "target.2" → 任务名称, 年度目标2)."""
    base, _dot, group = key.partition(".")
    for c in (*TASK_COLUMNS, *INDICATOR_COLUMNS):
        if c.key == base:
            return c.zh + (group if group not in ("", "1") else "")
    return key


class BookFileError(InvalidInput):
    """The file as a whole cannot be read: no row is checked, nothing is imported (a 400)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "file")


@dataclass
class Line:
    """One row of the sheet that holds something, by the sheet's own number."""

    number: int
    values: dict[str, Any]  # key → the cell's value (text, number, date or None)
    percent: set[str] = field(default_factory=set)  # keys of numbers shown as percentages
    merged: set[str] = field(default_factory=set)  # keys whose value came from a merged cell above
    title_from: int | None = None  # this row's task name is merged down from that row's

    def text(self, key: str) -> str:
        return cell_text(self.values.get(key))


@dataclass
class Book:
    header_row: int
    headers: dict[str, str]  # key → the header as the sheet spells it, in the sheet's order
    groups: int  # indicator column groups
    lines: list[Line]

    def position(self, key: str) -> int:
        """Where the column stands in the sheet (a problem list reads left to right)."""
        return list(self.headers).index(key) if key in self.headers else len(self.headers)

    def has(self, key: str) -> bool:
        return key in self.headers

    def column(self, key: str) -> str:
        return self.headers.get(key) or header(key)


def cell_text(value: Any) -> str:
    """A cell as text: 12.0 as 12, an ideographic space as a space, stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\u3000", " ").strip()


# --- the file ----------------------------------------------------------------------------------------


def read_book(data: bytes, filename: str = "", on_progress: Progress | None = None) -> Book:
    """The rows of the workbook's first sheet (or the CSV); BookFileError if the file cannot be used."""
    if len(data) > MAX_BYTES:
        raise BookFileError(too_large())
    if not data.strip():
        raise BookFileError(_("The file is empty."))
    if data.startswith(OLE_MAGIC):
        raise BookFileError(_("This is an old Excel .xls file (or a protected one): save it as .xlsx."))
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data, on_progress)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise BookFileError(_("This is not an Excel .xlsx file, though its name says so."))
    text = _decode(data)
    return _rows_to_book(_csv_rows(text), text.count("\n") + 1, {}, set(), on_progress)


def too_large() -> str:
    return _("The file is larger than %(mb)d MB: split the workbook.") % {"mb": MAX_BYTES // (1024 * 1024)}


def _check_package(data: bytes) -> list[zipfile.ZipInfo]:
    not_xlsx = BookFileError(not_a_book())
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = z.infolist()
            types = z.read("[Content_Types].xml") if "[Content_Types].xml" in z.namelist() else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, KeyError):
        raise not_xlsx from None
    names = {m.filename for m in members}
    if not types or "xl/workbook.xml" not in names:
        raise not_xlsx  # another kind of zip: a .docx, an archive
    if any(m.flag_bits & 0x1 for m in members):
        raise BookFileError(_("The workbook is encrypted: save it without a password."))
    macros = ("vbaProject.bin", "xl/macrosheets/", "xl/activeX/", "xl/dialogsheets/")
    if b"macroEnabled" in types or any(any(part in n for part in macros) for n in names):
        raise BookFileError(
            _("The workbook contains macros, which are never imported: save it as a plain .xlsx workbook.")
        )
    if len(members) > MAX_MEMBERS:
        raise BookFileError(_("The workbook has too many parts (%(n)d) for a ledger.") % {"n": len(members)})
    # zipfile never inflates a member past its declared size (the CRC check fails instead).
    if sum(m.file_size for m in members) > MAX_UNPACKED:
        raise BookFileError(
            _("The workbook unpacks to more than %(mb)d MB: split it.") % {"mb": MAX_UNPACKED // (1024 * 1024)}
        )
    return members


def _damaged() -> BookFileError:
    return BookFileError(_("The file is damaged or not an Excel .xlsx workbook: open it in Excel and save it again."))


def _xml(z: zipfile.ZipFile, name: str) -> bytes:
    """A part's XML, refused if it declares a DTD or entities (Excel never writes them; no entity is
    ever expanded either way: the parser is told not to)."""
    try:
        xml = z.read(name)
    except KeyError:
        raise _damaged() from None
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:  # raw markup: a cell's text would hold them escaped
        raise BookFileError(
            _("The workbook contains XML entity or DTD declarations, which Excel never writes: it was refused.")
        )
    return xml


def _parse(xml: bytes, tag: str | tuple[str, ...]) -> Iterator[Any]:
    from lxml import etree

    parser = etree.iterparse(
        io.BytesIO(xml), events=("end",), tag=tag, resolve_entities=False, no_network=True, huge_tree=False
    )
    try:
        for _event, element in parser:
            yield element
            element.clear(keep_tail=False)
    except etree.XMLSyntaxError:
        raise _damaged() from None


def _text_of(element: Any) -> str:
    """A shared or inline string: its text, or its rich-text runs' (not its phonetic guide's)."""
    parts = []
    for child in element:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            parts.extend(t.text or "" for t in child.iter(_T))
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), "".join(parts))


def _read_xlsx(data: bytes, on_progress: Progress | None) -> Book:
    """The first sheet, read straight from its XML with lxml (openpyxl's reader takes several times as
    long for 10,000 rows): the workbook's relationships to find the sheet, the shared strings, the cell
    styles to tell dates and percentages, the merged ranges, then the rows as they stream."""
    _check_package(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet, strings_part, styles_part, epoch = _locate(z)
        strings = [_text_of(si) for si in _parse(_xml(z, strings_part), _NS + "si")] if strings_part else []
        styles = _styles(_xml(z, styles_part)) if styles_part else []
        xml = _xml(z, sheet)
    down, across = _merges(xml)
    total = int(m.group(1)) if (m := _DIMENSION.search(xml[:2000])) else MAX_ROWS
    return _rows_to_book(_xlsx_rows(xml, strings, styles, epoch), total, down, across, on_progress)


def _locate(z: zipfile.ZipFile) -> tuple[str, str | None, str | None, Any]:
    """The first sheet's part, the shared strings' and the styles' (or None), and the date epoch."""
    from lxml import etree
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    try:
        book = etree.fromstring(_xml(z, "xl/workbook.xml"), etree.XMLParser(resolve_entities=False, no_network=True))
        rels = etree.fromstring(
            _xml(z, "xl/_rels/workbook.xml.rels"), etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError:
        raise _damaged() from None
    first = book.find(f"{_NS}sheets/{_NS}sheet")
    pr = book.find(f"{_NS}workbookPr")
    epoch = CALENDAR_MAC_1904 if pr is not None and pr.get("date1904") in ("1", "true") else CALENDAR_WINDOWS_1900
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id")] = (rel.get("Type", "").rsplit("/", 1)[-1], path)
    if first is None or first.get(f"{_REL}id") not in targets:
        raise _damaged()
    by_type = dict(targets.values())
    return targets[first.get(f"{_REL}id")][1], by_type.get("sharedStrings"), by_type.get("styles"), epoch


def _styles(xml: bytes) -> list[str]:
    """Each cell style's kind: "date", "percent" or ""."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    formats: dict[int, str] = {}
    kinds: list[str] = []
    for element in _parse(xml, (_NS + "numFmt", _NS + "xf", _NS + "cellXfs")):
        if element.tag == _NS + "numFmt":
            formats[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
        elif element.tag == _NS + "xf" and element.getparent().tag == _NS + "cellXfs":
            fid = int(element.get("numFmtId", "0"))
            code = formats.get(fid, BUILTIN_FORMATS.get(fid, ""))
            date = fid in CJK_DATE_FORMATS or (bool(code) and is_date_format(code))
            kinds.append("date" if date else "percent" if "%" in code else "")
    return kinds


def _merges(xml: bytes) -> tuple[dict[tuple[int, int], tuple[int, int]], set[tuple[int, int]]]:
    """(row, column) → the top-left (row, column) of the merged range covering it, for ranges over
    several rows; and the top-left cells of ranges across several columns of one row (headings).
    <mergeCells> follows the rows in the sheet's XML, so it is read first, on its own."""
    from openpyxl.utils.cell import coordinate_to_tuple

    down: dict[tuple[int, int], tuple[int, int]] = {}
    across: set[tuple[int, int]] = set()
    for first, last in _MERGE_REF.findall(xml):
        (r1, c1), (r2, c2) = coordinate_to_tuple(first.decode()), coordinate_to_tuple(last.decode())
        if r2 > r1 and r2 - r1 <= MAX_ROWS + HEADER_SCAN:
            for r in range(r1 + 1, r2 + 1):
                down[(r, c1)] = (r1, c1)
        elif r1 == r2 and c2 - c1 >= 2:
            across.add((r1, c1))
    return down, across


_COLUMNS: dict[str, int] = {}


def _column(ref: str) -> int:
    """A cell reference's column, 0-based ("C12" → 2)."""
    letters = ref.rstrip("0123456789")
    if (index := _COLUMNS.get(letters)) is None:
        index = -1
        for ch in letters:
            index = (index + 1) * 26 + ord(ch) - 65 if "A" <= ch <= "Z" else MAX_COLUMNS + 1
        _COLUMNS[letters] = index
    return index


def _xlsx_rows(xml: bytes, strings: list[str], styles: list[str], epoch: Any) -> Iterator[tuple[list[Any], set[int]]]:
    """Each row's values (as Excel shows them: cached results of formulas, dates as datetimes), and the
    columns (0-based) whose number is shown as a percentage; rows the sheet skips come as empty ones."""
    from openpyxl.utils.datetime import from_excel

    v_tag, is_tag = _NS + "v", _NS + "is"
    expected = 1
    for row in _parse(xml, _NS + "row"):
        number = int(row.get("r") or expected)
        for _gap in range(expected, number):
            yield [], set()
        expected = number + 1
        values: list[Any] = []
        percent: set[int] = set()
        for c in row:
            ref = c.get("r")
            i = _column(ref) if ref else len(values)
            if not 0 <= i <= MAX_COLUMNS:
                continue
            if i >= len(values):
                values.extend([None] * (i + 1 - len(values)))
            kind = c.get("t")
            text, inline = None, None
            for child in c:  # <f> (a formula: its cached value is in <v>), <v>, <is>
                if child.tag == v_tag:
                    text = child.text
                elif child.tag == is_tag:
                    inline = child
            try:
                if kind == "s":
                    values[i] = strings[int(text)] if text is not None else None
                elif kind == "inlineStr":
                    values[i] = _text_of(inline) if inline is not None else None
                elif kind in ("str", "e") or text is None:
                    values[i] = text
                elif kind == "b":
                    values[i] = text == "1"
                elif kind == "d":
                    values[i] = datetime.fromisoformat(text)
                else:
                    style = c.get("s")
                    look = styles[int(style)] if style and int(style) < len(styles) else ""
                    if look == "date":
                        values[i] = from_excel(float(text), epoch)
                    else:
                        values[i] = int(text) if text.isdigit() else float(text)
                        if look == "percent":
                            percent.add(i)
            except (ValueError, IndexError, OverflowError, TypeError):
                raise _damaged() from None
        yield values, percent


def _decode(data: bytes) -> str:
    text = _text(data)
    controls = sum(1 for ch in text[:100_000] if ch < " " and ch not in "\t\r\n")
    if controls > max(len(text[:100_000]) // 100, 2):  # a binary file that happened to decode
        raise BookFileError(not_a_book())
    return text


def _text(data: bytes) -> str:
    """The CSV's text: a BOM decides; else UTF-8 if it is valid; else what charset-normalizer finds,
    of the encodings Chinese offices' files come in (GBK and GB2312 are read as GB18030, their superset)."""
    import charset_normalizer

    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise BookFileError(
                    _("The CSV file is damaged: it is not valid %(codec)s.") % {"codec": codec}
                ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data, cp_isolation=["utf_8", "gb18030", "big5"]).best()
    found = best.encoding if best else ""
    codec = {"gb2312": "gb18030", "gbk": "gb18030", "hz": "gb18030"}.get(found, found)
    if not codec:
        raise BookFileError(not_a_book())
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        raise BookFileError(_("The CSV file's encoding could not be told: save it as “CSV UTF-8”.")) from None


def not_a_book() -> str:
    return _("This is not an Excel workbook (.xlsx) or a CSV file. Use the template.")


def _csv_rows(text: str) -> Iterator[tuple[list[Any], set[int]]]:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            yield list(row), set()
    except csv.Error as err:
        raise BookFileError(_("The CSV file cannot be read: %(error)s.") % {"error": err}) from None


# --- the sheet -----------------------------------------------------------------------------------------


def _header_keys(line: list[Any]) -> dict[int, str]:
    """Column index → key for a header row; indicator groups by their number, or in order."""
    found: dict[int, str] = {}
    seen: dict[str, int] = {}
    for i, value in enumerate(line):
        if not isinstance(value, str) or not (k := name_key(value)) or k in _IGNORED:
            continue
        if k in _NAMES:
            found[i] = _NAMES[k]
            continue
        base, group = k, 0
        if k not in _INDICATOR_NAMES and (m := _NUMBERED.fullmatch(k)) and m.group(1) in _INDICATOR_NAMES:
            base, group = m.group(1), int(m.group(2))
        if base in _INDICATOR_NAMES:
            ind = _INDICATOR_NAMES[base]
            seen[ind] = group or seen.get(ind, 0) + 1
            found[i] = f"{ind}.{seen[ind]}"
    return found


def _rows_to_book(
    rows: Iterator[tuple[list[Any], set[int]]],
    total: int,
    down: dict[tuple[int, int], tuple[int, int]],
    across: set[tuple[int, int]],
    on_progress: Progress | None,
) -> Book:
    columns: dict[int, str] = {}
    header_line: list[Any] = []
    header_row = 0
    for header_row, (line, _percent) in enumerate(rows, start=1):
        keys = _header_keys(line)
        if "title" in keys.values() and len(keys) >= 3:
            columns, header_line = keys, line
            break
        if header_row >= HEADER_SCAN:
            break
    if not columns:
        raise BookFileError(
            _(
                "No header row found in the first %(n)d rows: the sheet needs columns named as in the template (编号, 专项, 任务名称 …). A CSV file must be UTF-8, UTF-8 with BOM or GB18030."
            )
            % {"n": HEADER_SCAN}
        )
    texts = {i: cell_text(header_line[i]) for i in columns}
    following = next(rows, None)
    if following is not None and (sub := _sub_header(following[0])):
        # A two-row header: "指标" merged over 指标名称 / 计量单位 / 年度目标 in the row below.
        columns.update(sub)
        texts.update({i: cell_text(following[0][i]) for i in sub})
        header_row += 1
    elif following is not None:
        rows = itertools.chain([following], rows)
    headers: dict[str, str] = {}
    for i, key in sorted(columns.items()):
        if key in headers:
            raise BookFileError(_("Two columns are headed “%(name)s”: keep one.") % {"name": header(key)})
        headers[key] = texts[i]
    if missing := [header(k) for k in REQUIRED if k not in headers]:
        raise BookFileError(_("Columns missing: %(names)s.") % {"names": "、".join(missing)})
    groups = max((int(k.partition(".")[2]) for k in headers if "." in k), default=0)
    if groups > MAX_GROUPS:
        raise BookFileError(_("At most %(n)d indicators per task.") % {"n": MAX_GROUPS})
    for g in range(1, groups + 1):
        if f"indicator.{g}" not in headers and any(k.endswith(f".{g}") for k in headers):
            raise BookFileError(_("The column %(name)s is missing.") % {"name": header(f"indicator.{g}")})
    progress = (lambda n: on_progress(min(n / max(total, 1), 1.0))) if on_progress else None
    lines = _lines(rows, header_row, columns, headers, down, across, progress)
    if not lines:
        raise BookFileError(_("The sheet has a header row but no rows to import."))
    return Book(header_row, headers, groups, lines)


def _sub_header(line: list[Any]) -> dict[int, str]:
    """The row below the header, if it is a second header row: at least two of our names, nothing else."""
    keys = _header_keys(line)
    filled = [v for v in line if cell_text(v)]
    return keys if len(keys) >= 2 and len(filled) == len(keys) else {}


def _lines(
    rows: Iterator[tuple[list[Any], set[int]]],
    header_row: int,
    columns: dict[int, str],
    headers: dict[str, str],
    down: dict[tuple[int, int], tuple[int, int]],
    across: set[tuple[int, int]],
    on_progress: Progress | None,
) -> list[Line]:
    lines: list[Line] = []
    wanted = set(down.values())
    tops: dict[tuple[int, int], Any] = {}  # the values of merged ranges' top-left cells
    empty = 0
    title_col = next(i for i, k in columns.items() if k == "title")
    for number, (line, percent) in enumerate(rows, start=header_row + 1):
        values: dict[str, Any] = {}
        own = 0
        item = Line(number, values)
        for i, key in columns.items():
            value = line[i] if i < len(line) else None
            if isinstance(value, str):
                _check_characters(value, number, headers[key])
                if key in ONE_LINE:  # a line break typed with Alt+Enter in a name
                    value = " ".join(value.split())
            if (number, i + 1) in down:
                value = tops.get(down[(number, i + 1)])
                item.merged.add(key)
            elif cell_text(value):
                own += 1
            if (number, i + 1) in wanted:
                tops[(number, i + 1)] = value
            values[key] = value
            if i in percent:
                item.percent.add(key)
        heading = own == 1 and any((number, i + 1) in across for i in columns)
        if not own or heading or item.text("code") == EXAMPLE_CODE:
            empty += 1  # a spacer row, a heading across the row ("一、民生实事"), the template's example
            if empty >= EMPTY_RUN:
                break
            continue
        empty = 0
        if (number, title_col + 1) in down:
            item.title_from = down[(number, title_col + 1)][0]
        lines.append(item)
        if len(lines) > MAX_ROWS:
            raise BookFileError(_("More than %(max)d rows: split the workbook.") % {"max": MAX_ROWS})
        if on_progress and number % 1000 == 0:
            on_progress(number)
    return lines


def _check_characters(value: str, number: int, column: str) -> None:
    ch = bad_character(value, multiline=True)
    if ch is not None:
        raise BookFileError(
            _(
                "Row %(row)d, column %(column)s: the cell holds a character that cannot be imported (U+%(code)04X). Delete it and upload the file again."
            )
            % {"row": number, "column": column, "code": ord(ch)}
        )
