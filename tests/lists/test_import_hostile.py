"""Hostile Excel files, made here: each is refused with a message (400), before it is unpacked or parsed, never a 500."""

import io
import struct
import zipfile
import zlib

import pytest
import time_machine
from django.test import Client
from openpyxl import Workbook, load_workbook

from luoshi import sheets
from luoshi.lists import import_file, imports
from luoshi.lists.models import ResponsibilityList
from tests.conftest import NOW
from tests.lists.test_import import URL, confirm, row, upload, xlsx

SHEET = "xl/worksheets/sheet1.xml"
HOSTILE_TITLE = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW):
        yield


@pytest.fixture
def city(office, leader, other_leader, unit_a, unit_b, unit_c):
    return office


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def rezip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def with_sheet_xml(xml: bytes) -> bytes:
    """A valid import sheet whose first worksheet is replaced by `xml`."""
    return rezip({**members(xlsx([row()])), SHEET: xml})


def error_of(response) -> str:
    assert response.status_code == 400
    return response.context["error"]


def test_a_dtd_entity_in_the_sheet_is_refused(as_, city):
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&a;</t></is></c></row></sheetData></worksheet>'
    )
    assert "entity or DTD" in error_of(upload(as_(city), with_sheet_xml(xml)))
    assert ResponsibilityList.objects.count() == 0


def test_an_external_entity_reads_no_file(as_, city):
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row></sheetData></worksheet>'
    )
    response = upload(as_(city), with_sheet_xml(xml))
    assert "entity or DTD" in error_of(response)
    assert "root:" not in response.content.decode()


def test_a_billion_laughs_is_refused_before_its_entities_expand(as_, city):
    lol = b'<!ENTITY l0 "lol">' + b"".join(
        b'<!ENTITY l%d "%s">' % (i, b"".join(b"&l%d;" % (i - 1) for _ in range(10))) for i in range(1, 10)
    )
    xml = b'<?xml version="1.0"?><!DOCTYPE x [' + lol + b"]><worksheet><sheetData>&l9;</sheetData></worksheet>"
    assert "entity or DTD" in error_of(upload(as_(city), with_sheet_xml(xml)))


@pytest.mark.parametrize(
    "xml",
    [
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row>',
        b"\xff\xfe not xml at all",
        b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&#x1B;[31m</t></is></c></row></sheetData>'
        b"</worksheet>",  # a terminal escape, which XML 1.0 cannot even hold
    ],
)
def test_malformed_xml_is_a_message_on_the_file(as_, city, xml):
    assert "damaged or not an Excel .xlsx file" in error_of(upload(as_(city), with_sheet_xml(xml)))


def test_a_broken_workbook_part_is_a_message_too(as_, city):
    parts = members(xlsx([row()]))
    parts["xl/workbook.xml"] = b"<workbook"
    assert "damaged or not an Excel .xlsx file" in error_of(upload(as_(city), rezip(parts)))


# --- a zip bomb: 400 MB of one cell in a file of about 400 KB -------------------------------------


def _zip(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip of (name, payload, method, crc, size) entries, payloads already compressed."""
    out, central = io.BytesIO(), []
    for name, payload, method, crc, size in entries:
        offset, encoded = out.tell(), name.encode()
        fields = (20, 0, method, 0, 0x21, crc, len(payload), size, len(encoded), 0)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + encoded + payload)
        fields = (20, 20, 0, method, 0, 0x21, crc, len(payload), size, len(encoded), 0, 0, 0, 0, 0, offset)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, *fields) + encoded)
    start, directory = out.tell(), b"".join(central)
    out.write(
        directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), start, 0)
    )
    return out.getvalue()


def bomb(cell_mb: int = 400) -> bytes:
    """The import template's parts with a first sheet of one cell of `cell_mb` MB, deflated by repeating
    one independent (fully flushed) block, so that making it takes no time."""
    head = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
    )
    tail = b"</t></is></c></row></sheetData></worksheet>"
    mb = b"A" * (1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(mb) + c.flush(zlib.Z_FULL_FLUSH)
    payload = first + block * cell_mb + c.compress(tail) + c.flush()
    crc = zlib.crc32(head)
    for _ in range(cell_mb):
        crc = zlib.crc32(mb, crc)
    crc = zlib.crc32(tail, crc)
    entries = [(n, d, 0, zlib.crc32(d), len(d)) for n, d in members(xlsx([row()])).items() if n != SHEET]
    return _zip([*entries, (SHEET, payload, 8, crc, len(head) + cell_mb * len(mb) + len(tail))])


def test_the_bomb_is_a_real_one():
    small = bomb(cell_mb=2)  # the same construction, small enough to unpack here
    with zipfile.ZipFile(io.BytesIO(small)) as z:
        assert len(z.read(SHEET)) > 2 * (1 << 20)
    assert len(load_workbook(io.BytesIO(small), read_only=True).worksheets[0]["A1"].value) == 2 * (1 << 20)


def test_a_400_mb_cell_in_a_small_file_is_refused_before_unpacking(as_, city):
    data = bomb()
    assert len(data) < 600 * 1024
    error = error_of(upload(as_(city), data))  # refused from the archive's directory: openpyxl never sees it
    assert "unpacks to more than 20 MB" in error


def test_a_file_of_too_many_parts_is_refused(as_, city):
    parts = members(xlsx([row()]))
    parts.update({f"xl/media/image{i}.png": b"" for i in range(import_file.MAX_MEMBERS)})
    assert "too many parts" in error_of(upload(as_(city), rezip(parts)))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "This is not an Excel .xlsx file"),  # a picture named .xlsx
        (rezip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}), "not an Excel .xlsx"),  # a .docx
        (b"PK\x03\x04" + b"\0" * 64, "This is not an Excel .xlsx file"),  # a zip's magic, no zip
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old Excel .xls file"),
    ],
)
def test_what_is_not_an_xlsx_is_refused_by_its_content_not_its_name(as_, city, data, message):
    assert message in error_of(upload(as_(city), data, name="台账.xlsx"))


def test_an_upload_declared_larger_than_the_limit_is_refused_before_it_is_read(as_, city):
    client = as_(city)
    response = client.post(URL, {"file": io.BytesIO(b"x")}, CONTENT_LENGTH=str(50 * 1024 * 1024))
    assert "larger than 5 MB" in error_of(response)


def test_the_upload_still_needs_the_csrf_token(city):
    client = Client(enforce_csrf_checks=True)
    client.force_login(city)
    assert client.post(URL, {"file": io.BytesIO(xlsx([row()]))}).status_code == 403


# --- cells ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        ({"title": "标" * 201}, "title", "At most 200 characters (this cell has 201)."),
        ({"content": "内" * 2001}, "content", "At most 2000 characters (this cell has 2001)."),
        ({"leader": "李" * 201}, "leader", "At most 200 characters"),
        ({"title": "\u202e整治背街小巷"}, "title", "(U+202E)"),  # a bidi override
        ({"content": "开始\x9b31m"}, "content", "(U+009B)"),  # a C1 control (the CSI of terminal escapes)
        ({"title": "\u200b\u200b"}, "title", "This field needs visible text."),
        ({"lead_unit": "市工\x85信委"}, "lead_unit", "(U+0085)"),
    ],
)
def test_each_cell_is_bounded_and_checked(as_, city, bad, field, message):
    response = upload(as_(city), xlsx([row(), row(**bad)]))
    assert response.status_code == 400
    (bad_row,) = response.context["rows"]
    assert bad_row.number == 3 and message in bad_row.errors[field]
    assert all(len(cell.text) <= imports.MAX_SHOWN + 1 for cell in bad_row.cells)  # long cells shown cut


def test_a_formula_like_title_is_imported_as_text_and_exported_as_text(as_, city):
    wb = Workbook()
    ws = wb.active
    sheets.append_row(ws, list(import_file.HEADERS_ZH))
    sheets.append_row(ws, row(title=HOSTILE_TITLE, content="@SUM(1)"))  # string cells, as Excel saves typed text
    client = as_(city)
    preview = upload(client, sheets.xlsx_bytes(wb))
    assert preview.status_code == 200
    assert confirm(client, preview).status_code == 302
    draft = ResponsibilityList.objects.get()
    assert (draft.title, draft.content) == (HOSTILE_TITLE, "@SUM(1)")  # data, kept as it was
    exported = load_workbook(io.BytesIO(client.get("/lists/export.xlsx?status=draft").content)).active
    assert sheets.formula_cells(exported) == []
    assert HOSTILE_TITLE in [c.value for c in exported["B"]]
    csv = client.get("/lists/export.csv?status=draft").content.decode("utf-8-sig")
    assert "'=HYPERLINK(" in csv and ",'@SUM(1)" not in csv  # content is not exported; the title is, quoted
