"""The printable urge notice (催办通知) and supervision order (督办单), as PDF and DOCX."""

import contextlib
import io
import os
import re
import shutil
import subprocess
import zipfile
import zlib
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from docx import Document

from luoshi.duties import documents
from luoshi.duties.models import Escalation
from luoshi.duties.sweep import sweep
from luoshi.org.models import Unit
from tests.conftest import login
from tests.duties.conftest import at, make_urged, publish


@pytest.fixture
def urged(office, leader, unit_a, unit_b, liaison_a, liaison_b, head_a):
    return make_urged(office, leader, unit_a, unit_b, liaison_b, reminders=True)


@pytest.fixture
def urge(urged, unit_a) -> Escalation:
    return Escalation.objects.get(step="urge", unit=unit_a)


@pytest.fixture
def order(urged, unit_a) -> Escalation:
    return Escalation.objects.get(step="order", unit=unit_a)


def url(esc: Escalation, fmt: str) -> str:
    return f"/escalation/notices/{esc.pk}.{fmt}"


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def inflated(pdf: bytes) -> bytes:
    """The PDF with its (object) streams decompressed, to look for the embedded fonts' names."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompressobj().decompress(pdf[match.end() :]))
    return b"".join(parts)


def needs(what: str, install: str) -> None:
    """A missing system package skips the test on a developer's machine and fails it in CI."""
    if os.environ.get("LUOSHI_REQUIRE_SYSTEM_PACKAGES") == "1":
        pytest.fail(f"{what} is not installed ({install})")
    pytest.skip(f"{what} is not installed ({install})")


def pdf_text(content: bytes, tmp_path: Path) -> str:
    """The PDF's text as pdftotext lays it out; without poppler-utils, skip (locally) or fail (CI)."""
    if not shutil.which("pdftotext"):
        needs("pdftotext", "apt-get install poppler-utils")
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_the_numbers_are_the_ladders(urge, order):
    assert (urge.number, order.number) == ("2026-CB-0001", "2026-DB-0001")
    assert urge.days_overdue == 1 and urge.respond_by == date(2026, 3, 13)


@pytest.mark.parametrize("who", ["office", "liaison_a", "head_a", "leader"])
def test_the_people_concerned_download_the_urge_notice_as_pdf(request, client, urge, who):
    r = login(client, request.getfixturevalue(who)).get(url(urge, "pdf"))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    assert r["Content-Disposition"] == "attachment; filename*=utf-8''" + quote("催办通知-2026-CB-0001.pdf")
    assert "no-store" in r["Cache-Control"]


@pytest.mark.parametrize("who", ["office", "liaison_a", "leader"])
def test_the_people_concerned_download_the_urge_notice_as_docx(request, client, urge, who):
    r = login(client, request.getfixturevalue(who)).get(url(urge, "docx"))
    assert r.status_code == 200
    assert r["Content-Type"] == documents.DOCX_TYPE
    assert r["Content-Disposition"].endswith(quote("催办通知-2026-CB-0001.docx"))
    assert zipfile.is_zipfile(io.BytesIO(r.content))
    text = docx_text(r.content)
    for expected in ("催办通知", "〔2026〕CB-0001号", "2026-CB-0001", "市工信委：", "推进兰州新区产业园区建设"):
        assert expected in text


def has_cjk_font() -> bool:
    fc_list = shutil.which("fc-list")
    return bool(fc_list and "Noto" in subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True).stdout)


def test_the_pdf_is_a_chinese_a4_notice_with_embedded_fonts(client, office, urge, tmp_path):
    if not has_cjk_font():
        needs("fonts-noto-cjk", "apt-get install fonts-noto-cjk")
    content = login(client, office).get(url(urge, "pdf")).content
    assert b"Noto-Serif-CJK-SC" in inflated(content)  # the CJK font is embedded (subset)
    assert b"/MediaBox [0 0 595.27" in inflated(content)  # A4: 210 x 297 mm
    text = pdf_text(content, tmp_path)
    assert text.count("\f") == 1  # one page
    squeezed = "".join(text.split())
    for expected in (
        "督查室",  # no office unit in the fixtures: the default issuer
        "催办通知",
        "〔2026〕CB-0001号",
        "市工信委：",
        "李副市长",
        "应于2026年3月9日",
        "已逾期1个工作日",
        "于2026年3月13日前",
        "特此催办。",
        "2026年3月10日",
    ):
        assert expected in squeezed, expected


def test_the_supervision_order_names_the_unit_head_and_the_responsible_leader(client, office, order, tmp_path):
    r = login(client, office).get(url(order, "docx"))
    assert r["Content-Disposition"].endswith(quote("督办单-2026-DB-0001.docx"))
    text = docx_text(r.content)
    for expected in ("督办单", "〔2026〕DB-0001号", "市工信委主要负责同志（工信委主任）：", "抄报：李副市长同志"):
        assert expected in text
    assert "逾期5个工作日" in text and "2026年3月19日前" in text
    pdf = login(client, office).get(url(order, "pdf")).content
    squeezed = "".join(pdf_text(pdf, tmp_path).split())
    assert "督办单" in squeezed and "工信委主任" in squeezed and "特此督办。" in squeezed


def test_the_issuer_is_the_office_unit_when_there_is_one(client, office, urge):
    Unit.objects.create(name="市委督查室", kind="office")
    text = docx_text(login(client, office).get(url(urge, "docx")).content)
    assert "市委督查室（印章）" in text


def test_the_document_is_chinese_whatever_the_ui_language(client, liaison_a, urge):
    client.cookies["django_language"] = "en"
    r = login(client, liaison_a).get(url(urge, "docx"), headers={"accept-language": "en"})
    assert "特此催办。" in docx_text(r.content)


def test_the_docx_sets_the_east_asian_font(client, office, urge):
    content = login(client, office).get(url(urge, "docx")).content
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        xml = z.read("word/document.xml").decode() + z.read("word/styles.xml").decode()
    assert f'w:eastAsia="{documents.DOCX_BODY_FONT}"' in xml
    assert 'w:w="11906"' in xml  # A4 width in twentieths of a point


def test_a_deadline_order_says_the_deadline_passed(office, leader, unit_a, liaison_a, head_a):
    rlist = publish(
        office, unit_a, leader=leader, title="清理违建", every=30, deadline=date(2026, 3, 13), source="assigned"
    )
    sweep(at(date(2026, 3, 17)))
    order = Escalation.objects.get(step="order", duty__list=rlist)
    notice = documents.notice_fields(
        Escalation.objects.select_related("episode__duty", "duty__leader", "unit").get(pk=order.pk)
    )
    body = "".join(notice.paragraphs)
    assert "完成时限为2026年3月13日" in body and "已超过完成时限2个工作日" in body
    assert [("完成时限", "2026年3月13日")] in notice.rows


def test_others_get_404(client, urge, outsider, office):
    assert login(client, outsider).get(url(urge, "pdf")).status_code == 404  # another unit's liaison
    client.force_login(office)
    assert client.get(url(urge, "xlsx")).status_code == 404
    assert client.get(url(urge, "PDF")).status_code == 404
    reminder = Escalation.objects.filter(step="reminder").first()
    assert client.get(url(reminder, "pdf")).status_code == 404
    assert client.get("/escalation/notices/999999.pdf").status_code == 404
    assert client.post(url(urge, "pdf")).status_code == 405


def test_anonymous_users_are_sent_to_log_in(client, urge):
    r = client.get(url(urge, "pdf"))
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_a_missing_pdftotext_fails_in_ci_and_skips_locally(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("LUOSHI_REQUIRE_SYSTEM_PACKAGES", "1")
    with pytest.raises(pytest.fail.Exception, match="pdftotext"):
        pdf_text(b"%PDF", tmp_path)
    monkeypatch.delenv("LUOSHI_REQUIRE_SYSTEM_PACKAGES")
    with pytest.raises(pytest.skip.Exception, match="poppler-utils"):
        pdf_text(b"%PDF", tmp_path)


def test_printing_warms_up_in_the_background_unless_turned_off(monkeypatch):
    from luoshi import printing

    monkeypatch.setenv("LUOSHI_PRINT_WARMUP", "false")
    assert printing.warm_up_in_background() is None
    monkeypatch.setenv("LUOSHI_PRINT_WARMUP", "true")
    calls = []
    monkeypatch.setattr(printing, "warm_up", lambda: calls.append(1) or 0.0)
    thread = printing.warm_up_in_background()
    assert thread is not None and thread.daemon
    thread.join(5)
    assert calls == [1]


def test_the_warm_up_prints_a_page():
    from luoshi import printing

    assert printing.warm_up() > 0


def test_a_pdf_printed_once_comes_from_the_content_cache(monkeypatch):
    import weasyprint

    from luoshi import printing

    printing.rendered.clear()
    html = "<p>落实</p>"
    first = printing.html_to_pdf(html)
    monkeypatch.setattr(weasyprint, "HTML", None)  # printing again would fail
    assert printing.html_to_pdf(html) is first
    with pytest.raises(TypeError):
        printing.html_to_pdf("<p>另一份</p>")  # other content is printed anew


def test_the_content_cache_is_bounded_in_bytes():
    from luoshi import printing

    cache = printing._Rendered(max_bytes=100)
    cache.put("a", b"x" * 20)
    cache.put("b", b"x" * 20)
    cache.put("too big", b"x" * 30)  # over a quarter of the budget: not kept
    assert cache.get("too big") is None
    cache.get("a")  # recently used
    for key in "cdef":
        cache.put(key, b"x" * 20)
    assert cache.get("a") is not None and cache.get("b") is None and cache.size <= 100
