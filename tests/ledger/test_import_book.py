"""Reading workbooks as offices make them, and CSV in the encodings they save: the rows by the sheet's
own numbers, keyed by column; files that cannot be used refused with their reason."""

import io
import zipfile
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from luoshi.ledger.import_book import BookFileError, read_book
from tests.ledger.fixtures.books import (
    HEADERS,
    csv_text,
    in_english,  # noqa: F401  (a fixture)
    row,
    xlsx,
)

pytestmark = pytest.mark.usefixtures("in_english")

ROWS = [
    row(编号="2026-TZ-0001", 专项="重大项目", 任务名称="第二水源地建设", 完成时限="2026-12-31"),
    row(上级编号="2026-TZ-0001", 任务名称="输水隧洞工程", 牵头单位="市工信委", 完成时限="2026年6月30日",
        指标名称="年度完成投资", 计量单位="万元", 年度目标="2.58亿"),
]  # fmt: skip


def test_a_title_row_puts_the_header_in_row_2_and_rows_keep_the_sheets_numbers():
    book = read_book(xlsx(ROWS))
    assert book.header_row == 2
    assert [line.number for line in book.lines] == [3, 4]
    assert book.lines[1].values["title"] == "输水隧洞工程"
    assert book.lines[1].values["target.1"] == "2.58亿"
    assert book.headers["report_every_days"] == "汇报周期（天）"


def test_without_a_title_row_the_header_is_row_1():
    book = read_book(xlsx(ROWS, title=None))
    assert book.header_row == 1 and [line.number for line in book.lines] == [2, 3]


def test_a_merged_programme_cell_counts_on_every_row_it_covers_and_blank_rows_are_skipped():
    rows = [*ROWS, None, row(任务名称="水厂及配套管网", 完成时限="2026-09-30"), None, None]
    rows.append(row(专项="民生实事", 任务名称="棚户区改造", 完成时限="2026-12-31"))
    book = read_book(xlsx(rows, merges=["C3:C6"]))
    assert [(line.number, line.values["programme"]) for line in book.lines] == [
        (3, "重大项目"),
        (4, "重大项目"),
        (6, "重大项目"),
        (9, "民生实事"),
    ]
    assert "programme" in book.lines[1].merged


def test_a_heading_row_merged_across_the_sheet_is_skipped():
    data = xlsx([row(编号="一、重大项目"), *ROWS], merges=["A3:N3"])
    book = read_book(data)
    assert [line.number for line in book.lines] == [4, 5]


def test_a_task_name_merged_over_two_rows_makes_the_second_row_one_more_indicator_of_it():
    rows = [
        row(专项="重大项目", 任务名称="第二水源地建设", 完成时限="2026-12-31", 指标名称="年度完成投资", 计量单位="亿元",
            年度目标="2.58亿"),
        row(指标名称="到位资金", 计量单位="亿元", 年度目标="1.2"),
    ]  # fmt: skip
    book = read_book(xlsx(rows, merges=["D3:D4", "C3:C4", "I3:I4"]))
    assert book.lines[1].title_from == 3
    assert book.lines[1].values["indicator.1"] == "到位资金"


def test_a_second_indicator_in_numbered_columns_or_repeated_headers():
    headers = [*HEADERS, "指标名称2", "计量单位2", "年度目标2"]
    book = read_book(xlsx([row(任务名称="x", 指标名称2="到位资金")], headers=headers))
    assert book.groups == 2 and book.lines[0].values["indicator.2"] == "到位资金"
    headers = [*HEADERS, "指标名称", "计量单位", "年度目标"]
    book = read_book(xlsx([row(任务名称="x")], headers=headers))
    assert book.groups == 2 and book.headers["indicator.2"] == "指标名称"


def test_a_two_row_header_reads_the_indicator_columns_from_the_second_row():
    wb = Workbook()
    ws = wb.active
    ws.append(["2026年总台账"])
    ws.append(["编号", "专项", "任务名称", "完成时限", "指标", None, None])
    ws.append([None, None, None, None, "指标名称", "计量单位", "年度目标"])
    ws.append(["", "重大项目", "输水隧洞", "2026-12-31", "投资", "亿元", "2.58"])
    ws.merge_cells("E2:G2")
    out = io.BytesIO()
    wb.save(out)
    book = read_book(out.getvalue())
    assert book.header_row == 3
    assert [(line.number, line.values["measure.1"]) for line in book.lines] == [(4, "亿元")]


def test_english_headers_are_read_too():
    headers = ["code", "parent code", "programme", "title", "deadline", "indicator", "measure", "target"]
    book = read_book(xlsx([{"title": "x", "deadline": "2026-12-31"}], headers=headers, title=None))
    assert book.lines[0].values["title"] == "x" and book.has("target.1")


def test_excel_dates_and_numbers_keep_their_types_and_percentages_are_marked():
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append(["", "", "重大项目", "x", "", "", "", "", datetime(2026, 6, 30), 2, 30, "优良天数比例", "%", 0.95])
    ws["N2"].number_format = "0%"
    out = io.BytesIO()
    wb.save(out)
    line = read_book(out.getvalue()).lines[0]
    assert line.values["deadline"] == datetime(2026, 6, 30)
    assert line.values["weight"] == 2 and "target.1" in line.percent


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_in_the_encodings_offices_save_reads_without_mojibake(encoding):
    book = read_book(csv_text(ROWS).encode(encoding), "台账.csv")
    assert book.header_row == 1
    assert [line.values["title"] for line in book.lines] == ["第二水源地建设", "输水隧洞工程"]
    assert book.lines[1].values["target.1"] == "2.58亿"


def test_a_gbk_csv_with_rare_characters_reads_as_gb18030():
    rows = [row(专项="民生实事", 任务名称="㐀䶵 罕见字地名改造，含“引号”", 完成时限="2026-12-31")]
    book = read_book(csv_text(rows).encode("gb18030"), "a.csv")
    assert book.lines[0].values["title"] == "㐀䶵 罕见字地名改造，含“引号”"


def test_a_csv_with_a_nul_is_refused_naming_the_row_and_column():
    data = csv_text([row(专项="重大项目", 任务名称="水厂\x00建设", 完成时限="2026-12-31")]).encode()
    with pytest.raises(BookFileError) as err:
        read_book(data, "a.csv")
    assert "Row 2, column 任务名称" in err.value.message and "U+0000" in err.value.message


def test_a_cell_escaping_a_control_character_is_refused():
    with pytest.raises(BookFileError, match=r"Row 3, column 工作要求.*U\+0007"):
        read_book(xlsx([row(任务名称="x", 工作要求="响铃_x0007_")]))


def test_excels_escaped_carriage_return_reads_as_one():
    book = read_book(xlsx([row(任务名称="x", 工作要求="第一条_x000D_\n第二条")]))
    assert book.lines[0].values["requirements"] == "第一条\r\n第二条"


def test_a_line_break_in_a_name_is_a_space():
    book = read_book(xlsx([row(任务名称="输水隧洞\n工程", 牵头单位="市工信委\n")]))
    assert book.lines[0].values["title"] == "输水隧洞 工程"


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, ".xls"),
        (_zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<Types/>"}), "not an Excel workbook"),
        (b"PK\x03\x04garbage", "not an Excel workbook"),
        (bytes(range(256)) * 20, "not an Excel workbook"),
        (csv_text([]).encode() + b"\n", "no rows"),
        ("名称,说明\n甲,乙\n".encode(), "No header row"),
    ],
)
def test_files_that_cannot_be_used_are_refused_with_their_reason(data, words):
    with pytest.raises(BookFileError) as err:
        read_book(data, "file")
    assert words in err.value.message


def test_a_workbook_with_macros_is_refused():
    parts = _parts(xlsx(ROWS))
    parts["xl/vbaProject.bin"] = b"\x00" * 64
    with pytest.raises(BookFileError, match="macros"):
        read_book(_zip(parts))


def test_a_dtd_entity_in_the_sheet_is_refused():
    parts = _parts(xlsx(ROWS))
    parts["xl/worksheets/sheet1.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&a;</t></is></c></row></sheetData></worksheet>'
    )
    with pytest.raises(BookFileError, match="entity or DTD"):
        read_book(_zip(parts))


def test_missing_columns_are_named():
    with pytest.raises(BookFileError, match="Columns missing: 专项、完成时限"):
        read_book(xlsx([row(任务名称="x")], headers=["编号", "任务名称", "牵头单位"]))


def test_the_templates_example_row_is_never_read():
    book = read_book(xlsx([row(编号="示例", 任务名称="例"), *ROWS]))
    assert [line.number for line in book.lines] == [4, 5]


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def handmade(sheet_rows: str, strings: list[str], *, date1904: bool = False, styles: str = "") -> bytes:
    """A workbook written part by part, as other programs than openpyxl write them."""
    sst = "".join(f"<si>{s}</si>" for s in strings)
    pr = '<workbookPr date1904="1"/>' if date1904 else ""
    return _zip(
        {
            "[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            "xl/workbook.xml": (
                f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}">{pr}<sheets><sheet name="台账" sheetId="1" r:id="rId9"/>'
                "</sheets></workbook>"
            ).encode(),
            "xl/_rels/workbook.xml.rels": (
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId9" Type="{RELS}/worksheet" Target="/xl/worksheets/data.xml"/>'
                f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="strings.xml"/>'
                f'<Relationship Id="rId3" Type="{RELS}/styles" Target="styles.xml"/></Relationships>'
            ).encode(),
            "xl/strings.xml": f'<sst xmlns="{MAIN}">{sst}</sst>'.encode(),
            "xl/styles.xml": (
                f'<styleSheet xmlns="{MAIN}"><numFmts><numFmt numFmtId="176" formatCode="0.0%"/></numFmts>'
                '<cellXfs><xf numFmtId="0"/><xf numFmtId="31"/><xf numFmtId="176"/><xf numFmtId="14"/></cellXfs>'
                f"{styles}</styleSheet>"
            ).encode(),
            "xl/worksheets/data.xml": f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_rows}</sheetData></worksheet>'.encode(),
        }
    )


HEAD = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
    '<c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c><c r="G1" t="s"><v>6</v></c></row>'
)
HEAD_STRINGS = [f"<t>{h}</t>" for h in ("专项", "任务名称", "完成时限", "年度目标", "权重", "指标名称", "计量单位")]


def test_a_workbook_from_another_program_reads_rich_text_formulas_cjk_dates_percentages_and_gaps():
    strings = [*HEAD_STRINGS, "<t>重大项目</t>", "<r><t>输水</t></r><r><rPr/><t>隧洞</t></r><rPh><t>しゅ</t></rPh>"]
    rows = (
        HEAD + '<row r="2"><c r="A2" t="s"><v>7</v></c><c r="B2" t="s"><v>8</v></c><c r="C2" s="1"><v>46203</v></c>'
        '<c r="D2" s="2"><v>0.85</v></c><c r="E2"><f>1+1</f><v>2</v></c></row>'
        '<row r="5"><c r="B5" t="str"><f>A2&amp;"二期"</f><v>重大项目二期</v></c><c r="A5" t="inlineStr"><is><t>民生实事</t></is></c>'
        '<c r="C5" t="d"><v>2026-09-30T00:00:00</v></c><c r="E5" t="b"><v>1</v></c></row>'
    )
    book = read_book(handmade(rows, strings))
    first, second = book.lines
    assert (first.number, second.number) == (2, 5)
    assert first.values == {
        "programme": "重大项目",
        "title": "输水隧洞",
        "deadline": datetime(2026, 6, 30),
        "target.1": 0.85,
        "weight": 2,
        "indicator.1": None,
        "measure.1": None,
    }
    assert first.percent == {"target.1"}
    assert (second.values["title"], second.values["programme"]) == ("重大项目二期", "民生实事")
    assert second.values["deadline"] == datetime(2026, 9, 30)


def test_dates_of_the_1904_calendar():
    rows = (
        HEAD
        + '<row r="2"><c r="A2" t="s"><v>7</v></c><c r="B2" t="s"><v>7</v></c><c r="C2" s="3"><v>44741</v></c></row>'
    )
    book = read_book(handmade(rows, [*HEAD_STRINGS, "<t>x</t>"], date1904=True))
    assert book.lines[0].values["deadline"] == datetime(2026, 6, 30)


def test_a_sheet_whose_xml_is_broken_is_refused_as_damaged():
    rows = HEAD + '<row r="2"><c r="A2" t="s"><v>99</v></c></row>'
    with pytest.raises(BookFileError, match="damaged"):
        read_book(handmade(rows, HEAD_STRINGS))
    with pytest.raises(BookFileError, match="damaged"):
        read_book(handmade(HEAD + "<row><c", HEAD_STRINGS))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_are_read_or_refused_with_a_message_never_an_error(data):
    try:
        read_book(data, "x")
    except BookFileError as err:
        assert err.message


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(["_x0000_", "<!DOCTYPE", "&amp;", "\u3000", "任务", "2.58亿", "", "=1+1", "a\nb"]), max_size=6
    )
)
def test_any_cell_text_is_read_or_refused_with_a_message(parts):
    text = "".join(parts)
    try:
        book = read_book(xlsx([row(专项="重大项目", 任务名称=text or "x", 工作要求=text, 完成时限="2026-12-31")]))
    except BookFileError as err:
        assert "U+0000" in err.message
    else:
        assert book.lines[0].values["requirements"] in (text, None) or text.strip() == ""
