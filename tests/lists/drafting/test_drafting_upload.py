"""An uploaded .docx, text PDF or .txt read to text; what cannot be used refused with a message on the file."""

import io
import zipfile

import pytest
from django.utils import translation

from luoshi.lists import drafting_upload
from luoshi.lists.drafting_upload import UploadError, read_upload


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


MINUTES = "市政府常务会议纪要\n一、市工信委牵头，6月30日前完成园区规划。\n二、城关区负责道路修缮。"


def docx_bytes(lines: list[str], table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def test_a_docx_is_read_with_its_paragraphs_and_tables():
    text, name = read_upload(docx_bytes(MINUTES.split("\n"), [["事项", "牵头单位"], ["园区", "市工信委"]]), "纪要.docx")
    assert name == "纪要.docx"
    assert text.startswith("市政府常务会议纪要\n一、市工信委牵头")
    assert "园区\t市工信委" in text


def test_a_text_pdf_is_read():
    html = "<html><body>" + "".join(f"<p>{line}</p>" for line in MINUTES.split("\n")) + "</body></html>"
    text, _ = read_upload(pdf_bytes(html), "minutes.pdf")
    assert "市工信委牵头" in text.replace(" ", "") and "城关区" in text


def test_a_pdf_without_text_is_refused_clearly():
    scan = pdf_bytes('<html><body><div style="width:100px;height:100px;background:#000"></div></body></html>')
    with pytest.raises(UploadError) as err:
        read_upload(scan, "scan.pdf")
    assert err.value.field == "file" and "no text" in err.value.message


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_plain_text_in_the_encodings_offices_save(encoding):
    text, _ = read_upload(MINUTES.encode(encoding), "批示.txt")
    assert text == MINUTES


def test_crlf_and_control_characters_are_tidied():
    text, _ = read_upload("一、甲\r\n二、乙\x0c\x01".encode(), "a.txt")
    assert text == "一、甲\n二、乙\n"


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"", "a.txt", "empty"),
        (b"   \n", "a.txt", "no text"),
        (b"\x00\x01\x02binary", "a.txt", "not text"),
        (b"\xd0\xcf\x11\xe0rest", "old.doc", ".doc"),
        (b"%PDF-1.4 broken", "a.pdf", "damaged"),
        (b"%PDF-1.4 broken", "a.docx", "does not match"),
        (b"GIF89a", "a.gif", "not an allowed file"),
        (b"hello", "a.exe", "not an allowed file"),
    ],
)
def test_what_cannot_be_read_is_refused_with_a_message(data, name, words):
    with pytest.raises(UploadError) as err:
        read_upload(data, name)
    assert words in err.value.message and err.value.field == "file"


def test_a_zip_that_is_not_a_docx_or_unpacks_too_far_is_refused(monkeypatch):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("x.txt", "x")
    with pytest.raises(UploadError, match="not a Word"):
        read_upload(out.getvalue(), "a.docx")
    monkeypatch.setattr(drafting_upload, "MAX_UNPACKED", 100)
    with pytest.raises(UploadError, match="unpacks"):
        read_upload(docx_bytes(["一、甲"]), "a.docx")


def test_a_file_too_large_or_too_long_is_refused(monkeypatch):
    with pytest.raises(UploadError, match="5 MB"):
        read_upload(b"a" * (drafting_upload.MAX_BYTES + 1), "a.txt")
    with pytest.raises(UploadError, match="longer than"):
        read_upload(("字" * 100_001).encode(), "a.txt")
