"""The closing record (销号单) of a struck-off list: A4 PDF and DOCX, on the web and through the API."""

import io
import shutil
import subprocess
import zipfile
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from docx import Document

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.lists import closing, completion
from luoshi.lists.models import ResponsibilityList
from tests.conftest import NOW, english, login
from tests.duties.test_documents import docx_text, inflated, needs
from tests.lists.test_index import close_list, make_list

DAY = timedelta(days=1)


def url(rlist: ResponsibilityList, fmt: str) -> str:
    return reverse("lists:closing_record", args=[rlist.pk, fmt])


def squeeze(text: str) -> str:
    return "".join(text.split())


def pdf_text(content: bytes, tmp_path) -> str:
    """The PDF's text in drawing order (-raw keeps a table cell's lines together)."""
    if not shutil.which("pdftotext"):
        needs("pdftotext", "apt-get install poppler-utils")
    pdf = tmp_path / "record.pdf"
    pdf.write_bytes(content)
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def struck_off(office, leader, published_list, unit_a, unit_b, liaison_a, liaison_b) -> ResponsibilityList:
    """Reports with difficulties, an approved extension, a returned completion, two acceptances, struck off."""
    a = published_list.duties.get(unit=unit_a)
    b = published_list.duties.get(unit=unit_b)
    duty_services.do_report(
        liaison_a, a, progress=30, done="完成规划审批", difficulties="资金缺口2000万元", now=NOW + DAY
    )
    ext = duty_completion.do_request_extension(liaison_a, a, a.deadline + 30 * DAY, "征地手续延后", now=NOW + 2 * DAY)
    duty_completion.do_decide_extension(office, ext, approve=True, note="同意延期一个月", now=NOW + 3 * DAY)
    duty_services.do_report(liaison_b, b, progress=100, done="完成配套道路", request_completion=True, now=NOW + 4 * DAY)
    duty_completion.do_return(office, b, "缺少验收材料", now=NOW + 5 * DAY)
    duty_services.do_report(liaison_b, b, progress=100, done="补齐验收材料", request_completion=True, now=NOW + 6 * DAY)
    duty_completion.do_accept(leader, b, now=NOW + 7 * DAY)
    duty_services.do_report(liaison_a, a, progress=100, done="园区一期建成", request_completion=True, now=NOW + 8 * DAY)
    duty_completion.do_accept(office, a, now=NOW + 9 * DAY)
    return completion.do_close(office, published_list, now=NOW + 10 * DAY)


EXPECTED = (
    "督查室",  # no office unit in the fixtures: the default issuer
    "责任清单销号单",
    "2026-ZR-0001",
    "领导批示",  # the source, in Chinese
    "推进兰州新区产业园区建设",
    "按市委要求，年底前完成园区一期建设。",
    "李副市长",
    "市工信委（牵头单位）",
    "城关区（配合单位）",
    "2026年5月1日",  # the list's deadline
    "2026年5月31日（原定2026年5月1日，经批准延期）",  # unit_a's, extended
    "2026年3月3日",  # the first report
    "完成规划审批",
    "资金缺口2000万元",
    "补齐验收材料（申请完成）",
    "发布清单，编号2026-ZR-0001",
    "批准延期：完成时限由2026年5月1日延至2026年5月31日",
    "申请理由：征地手续延后；意见：同意延期一个月",
    "退回完成申请",
    "缺少验收材料",
    "确认完成",
    "督查室王",  # who took the office's decisions
    "销号（按期完成）",
    "于2026年3月12日销号，按期完成",
)


def test_the_office_downloads_the_closing_record_as_a4_pdf(client, office, struck_off, tmp_path):
    r = login(client, office).get(url(struck_off, "pdf"))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"] == "attachment; filename*=utf-8''" + quote("销号单-2026-ZR-0001.pdf")
    assert "no-store" in r["Cache-Control"]
    assert b"/MediaBox [0 0 595.27" in inflated(r.content)  # A4
    text = squeeze(pdf_text(r.content, tmp_path))
    for expected in EXPECTED:
        assert squeeze(expected) in text, expected


def test_the_docx_says_the_same(client, office, struck_off):
    r = login(client, office).get(url(struck_off, "docx"))
    assert r.status_code == 200
    assert r["Content-Type"] == closing.printing.DOCX_TYPE
    assert r["Content-Disposition"].endswith(quote("销号单-2026-ZR-0001.docx"))
    text = squeeze(docx_text(r.content))
    for expected in EXPECTED:
        assert squeeze(expected) in text, expected
    doc = Document(io.BytesIO(r.content))
    assert doc.sections[0].page_width.mm == pytest.approx(210, abs=0.1)  # A4
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert 'w:eastAsia="仿宋"' in z.read("word/styles.xml").decode()
        assert "<w:tblHeader" in z.read("word/document.xml").decode()  # report tables repeat their header


def test_who_accepted_is_named_on_each_decision(struck_off, leader, office):
    record = closing.closing_fields(struck_off)
    accepted = [(d.unit, d.by) for d in record.decisions if d.what == "确认完成"]
    assert accepted == [("城关区", "李副市长"), ("市工信委", "督查室王")]
    assert record.decisions[0].what == "发布清单，编号2026-ZR-0001"
    assert record.decisions[-1].what == "销号（按期完成）"


@pytest.mark.parametrize("who", ["office", "leader", "liaison_a", "liaison_b", "head_a"])
def test_whoever_sees_the_list_may_print_it(request, client, struck_off, who):
    r = login(client, request.getfixturevalue(who)).get(url(struck_off, "docx"))
    assert r.status_code == 200


@pytest.mark.parametrize("who", ["outsider", "other_leader"])
def test_others_get_404(request, client, struck_off, who):
    client = login(client, request.getfixturevalue(who))
    assert client.get(url(struck_off, "pdf")).status_code == 404
    assert client.get(url(struck_off, "docx")).status_code == 404


def test_a_list_not_struck_off_has_no_closing_record_yet(client, office, published_list):
    r = login(client, office).get(url(published_list, "pdf"))
    assert r.status_code == 409
    assert "struck-off" in english(client).get(url(published_list, "docx")).content.decode()


def test_bad_requests(client, office, struck_off):
    login(client, office)
    assert client.get(url(struck_off, "xlsx")).status_code == 404
    assert client.get("/lists/999999/closing-record.pdf").status_code == 404
    assert client.post(url(struck_off, "pdf")).status_code == 405


def test_anonymous_visitors_are_sent_to_log_in(client, struck_off):
    r = client.get(url(struck_off, "pdf"))
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_the_record_is_chinese_whatever_the_ui_language(client, liaison_a, struck_off):
    r = english(login(client, liaison_a)).get(url(struck_off, "docx"), headers={"accept-language": "en"})
    text = docx_text(r.content)
    assert "责任清单销号单" in text and "领导批示" in text and "Leader" not in text


def test_the_lateness_at_strike_off_is_on_the_record(office, unit_c, outsider, tmp_path):
    rlist = make_list(office, title="榆中县供水工程", lead_unit=unit_c, deadline_days=1)
    close_list(office, rlist, {unit_c.pk: outsider}, at=NOW + 5 * DAY)
    record = closing.closing_fields(rlist)
    assert record.lateness == "逾期4天"
    assert ("销号时逾期", "逾期4天") in record.rows[-1]
    assert ("完成情况", "逾期4天") in record.units[0].rows
    assert record.decisions[-1].what == "销号（逾期4天）"


def test_the_loop_page_of_a_struck_off_list_links_to_it(as_, office, struck_off, unit_a):
    html = as_(office).get(reverse("lists:loop", args=[struck_off.pk])).content.decode()
    assert 'id="closing-record"' in html and url(struck_off, "pdf") in html and url(struck_off, "docx") in html
    in_progress = make_list(office, title="进行中", lead_unit=unit_a)
    other = as_(office).get(reverse("lists:loop", args=[in_progress.pk])).content.decode()
    assert 'id="closing-record"' not in other


def test_the_record_reads_a_fixed_number_of_queries(
    struck_off, office, unit_c, outsider, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        few = closing.closing_fields(struck_off)
    assert sum(len(u.reports) for u in few.units) == 4
    busy = make_list(office, title="月报事项", lead_unit=unit_c, deadline_days=60)
    ob = busy.duties.get()
    for i in range(12):
        duty_services.do_report(outsider, ob, progress=5 * i, done=f"第{i}次进展", now=NOW + i * DAY)
    close_list(office, busy, {unit_c.pk: outsider}, at=NOW + 20 * DAY)
    with django_assert_max_num_queries(6):
        many = closing.closing_fields(busy)
    assert len(many.units[0].reports) == 13


# --- the API --------------------------------------------------------------------------------------


def test_the_api_serves_both_formats(api, office, struck_off, tmp_path):
    client = api(office)
    pdf = client.get(f"/lists/{struck_off.pk}/closing-record.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "责任清单销号单" in pdf_text(pdf.content, tmp_path).replace(" ", "")
    docx = client.get(f"/lists/{struck_off.pk}/closing-record.docx")
    assert docx.status_code == 200 and docx["Content-Disposition"].endswith(quote("销号单-2026-ZR-0001.docx"))
    assert "退回完成申请" in docx_text(docx.content)


def test_the_api_refuses_others_unclosed_lists_and_bad_ids(api, outsider, office, struck_off, unit_a):
    assert api(outsider).get(f"/lists/{struck_off.pk}/closing-record.pdf").status_code == 404
    in_progress = make_list(office, title="进行中", lead_unit=unit_a)
    early = api(office).get(f"/lists/{in_progress.pk}/closing-record.docx")
    assert early.status_code == 409 and early.json()["detail"]
    assert api(office).get("/lists/99999999999/closing-record.pdf").status_code == 400
    assert api(office).get("/lists/999999/closing-record.pdf").status_code == 404


def test_the_openapi_document_describes_the_files(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    pdf = paths["/api/v1/lists/{list_id}/closing-record.pdf"]["get"]["responses"]
    assert "application/pdf" in pdf["200"]["content"] and {"404", "409"} <= set(pdf)
    docx = paths["/api/v1/lists/{list_id}/closing-record.docx"]["get"]["responses"]
    assert closing.printing.DOCX_TYPE in docx["200"]["content"]
