"""Exports of the index: the same filtered rows, all of them, as CSV (with a BOM) or XLSX."""

import csv
import io
from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.urls import reverse
from django.utils.translation import trans_real
from openpyxl import load_workbook

from luoshi import sheets
from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.lists.exports import headers
from tests.conftest import NOW, TODAY, english, login
from tests.lists.test_index import close_list, make_list

pytestmark = pytest.mark.usefixtures("travel")

XLSX = reverse("lists:export", args=["xlsx"])
CSV = reverse("lists:export", args=["csv"])

# What the zh-hans catalogue will say (it is produced later from the msgids); the test puts these in.
ZH = {
    "Code": "编号",
    "Title": "标题",
    "Source": "来源",
    "Responsible leader": "落实主体",
    "Lead unit": "牵头单位",
    "Co-handling units": "配合单位",
    "Deadline": "完成时限",
    "Status": "状态",
    "Light": "亮灯",
    "Progress (%)": "进度（%）",
    "Next report due": "下次报送",
    "Closed at": "销号时间",
    "Closed late": "逾期销号",
    "Days late": "逾期天数",
    "Latest progress": "最新进展",
    "Difficulties": "困难问题",
}
HEADER_ROW = 3  # below the title and the subtitle
XLSX_NAME = f"责任清单台账-{TODAY.isoformat()}.xlsx"
CSV_NAME = f"责任清单台账-{TODAY.isoformat()}.csv"


@pytest.fixture
def travel():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def zh_catalogue(monkeypatch):
    catalog = trans_real.translation("zh-hans")._catalog._catalogs[0]
    for msgid, msgstr in ZH.items():
        monkeypatch.setitem(catalog, msgid, msgstr)


@pytest.fixture
def lists(office, leader, unit_a, unit_b, unit_c, liaison_a):
    return {
        "ab": make_list(office, title="推进兰州新区产业园区建设", lead_unit=unit_a, co_units=[unit_b], leader=leader),
        "c": make_list(office, title="榆中县供水工程", lead_unit=unit_c, at=NOW - timedelta(days=30)),
        "closed": close_list(
            office,
            make_list(office, title="已销号清单", lead_unit=unit_a, at=NOW - timedelta(days=20), deadline_days=10),
            {unit_a.pk: liaison_a},
        ),
    }


def read_xlsx(response):
    return load_workbook(io.BytesIO(response.content)).active


def data_rows(ws):
    return list(ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True))


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_it_exports_xlsx_with_chinese_headers(client, office, lists, zh_catalogue):
    response = login(client, office).get(XLSX)  # no language chosen: the default, zh-hans
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote(XLSX_NAME)
    ws = read_xlsx(response)
    assert [c.value for c in ws[HEADER_ROW]] == list(ZH.values())
    assert all(c.font.b for c in ws[HEADER_ROW])
    assert ws.freeze_panes == "A4"
    assert ws.column_dimensions["B"].width >= 40
    assert ws.max_row == HEADER_ROW + 3


def test_headers_follow_the_language(client, office, lists):
    response = english(login(client, office)).get(XLSX)
    assert [c.value for c in read_xlsx(response)[HEADER_ROW]][:3] == ["Code", "Title", "Source"]


def test_xlsx_cells_are_typed_dates_and_numbers(client, office, lists):
    ws = read_xlsx(english(login(client, office)).get(XLSX))
    rows = {r[1]: r for r in data_rows(ws)}
    ab = rows["推进兰州新区产业园区建设"]
    assert ab[0] == lists["ab"].code
    assert ab[3] == "李副市长"
    assert ab[4] == "市工信委"
    assert ab[5] == "城关区"
    assert ab[6] == datetime(2026, 5, 1)  # the deadline, a real date (openpyxl reads dates back as datetimes)
    assert ab[8] == "Green"
    assert ab[9] == 0
    assert ab[10] == datetime.combine(TODAY + timedelta(days=14), datetime.min.time())
    closed = rows["已销号清单"]
    assert closed[7] == "Closed"
    assert closed[11] == datetime(2026, 3, 2, 10, 0)  # closed at, Shanghai wall time
    assert closed[12] == "Yes" and closed[13] == 10
    assert ws["G4"].number_format == "yyyy-mm-dd"
    assert rows["榆中县供水工程"][8] == "Red"


def test_csv_starts_with_a_bom(client, office, lists):
    response = login(client, office).get(CSV)
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote(CSV_NAME)
    rows = read_csv(response)
    assert len(rows) == 4
    assert len(rows[0]) == len(headers())
    ab = next(r for r in rows if r[1] == "推进兰州新区产业园区建设")
    assert ab[6] == "2026-05-01"
    assert ab[10] == (TODAY + timedelta(days=14)).isoformat()


def test_export_applies_the_filters_and_no_pagination(client, office, unit_a, unit_b, lists, settings):
    settings.LUOSHI_PAGE_SIZE = 1
    login(client, office)
    assert len(read_csv(client.get(CSV))) == 4  # every row, whatever the page size
    rows = read_csv(client.get(CSV, {"unit": unit_b.pk}))
    assert [r[1] for r in rows[1:]] == ["推进兰州新区产业园区建设"]
    rows = read_csv(client.get(CSV, {"light": "red"}))
    assert [r[1] for r in rows[1:]] == ["榆中县供水工程"]
    rows = read_csv(client.get(CSV, {"status": "closed", "q": "销号"}))
    assert [r[1] for r in rows[1:]] == ["已销号清单"]


def test_other_units_people_dont_see_the_list_in_export(client, liaison_b, lists):
    for url in (CSV, XLSX):
        response = english(login(client, liaison_b)).get(url)
        assert response.status_code == 200
        content = response.content if url == XLSX else response.content.decode("utf-8-sig")
        titles = (
            [r[1] for r in data_rows(read_xlsx(response))] if url == XLSX else [r[1] for r in read_csv(response)[1:]]
        )
        assert titles == ["推进兰州新区产业园区建设"]  # unit_b co-handles only this one
        assert "榆中县供水工程" not in str(content)


def test_unknown_format_is_404(client, office, lists):
    assert login(client, office).get(reverse("lists:export", args=["pdf"])).status_code == 404


@pytest.mark.parametrize("params", [{"leader": "abc"}, {"year": "x"}, {"light": "purple"}, {"unit": "999999"}])
def test_export_refuses_bad_filter_values_with_400(client, office, lists, params):
    response = login(client, office).get(XLSX, params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert next(iter(params.values())) in response.content.decode()


def test_export_needs_a_login(client, lists):
    assert client.get(CSV).status_code == 302


@pytest.mark.parametrize("n", [3, 20])
def test_export_runs_a_constant_number_of_queries(client, office, unit_a, unit_b, django_assert_max_num_queries, n):
    for i in range(n):
        make_list(office, title=f"清单{i}", lead_unit=unit_a, co_units=[unit_b])
    login(client, office)
    with django_assert_max_num_queries(10):  # the export is audited: one insert
        response = client.get(XLSX)
    assert read_xlsx(response).max_row == HEADER_ROW + n


HOSTILE = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture
def hostile(office, leader, unit_a, unit_b, liaison_a):
    rlist = make_list(office, title=HOSTILE, content="+cmd|' /C calc'!A0", lead_unit=unit_a, co_units=[unit_b])
    ob = rlist.duties.get(unit=unit_a)
    duty_services.do_report(liaison_a, ob, progress=40, done="@SUM(1+1)", difficulties="-2+3", now=NOW)
    return rlist


def test_a_title_that_looks_like_a_formula_stays_text_in_the_xlsx(client, office, hostile):
    ws = read_xlsx(login(client, office).get(XLSX))
    assert sheets.formula_cells(ws) == []
    (row,) = [line for line in ws.iter_rows(min_row=HEADER_ROW + 1) if line[1].value == HOSTILE]
    assert row[1].data_type == "s" and row[1].quotePrefix  # Excel keeps it text even when edited
    assert row[14].value == f"市工信委（{TODAY.isoformat()}，40%）：@SUM(1+1)"
    assert row[15].value == "市工信委：-2+3"


def test_a_title_that_looks_like_a_formula_gets_an_apostrophe_in_the_csv(client, office, hostile):
    content = login(client, office).get(CSV).content
    assert b'"\'=HYPERLINK(""http://evil.example"",""x"")"' in content  # the bytes Excel reads
    (row,) = [r for r in read_csv_bytes(content)[1:] if r[1].endswith(HOSTILE)]
    assert row[1] == "'" + HOSTILE  # the text itself intact behind the apostrophe
    assert row[14].endswith("：@SUM(1+1)") and row[15] == "市工信委：-2+3"
    assert row[9] == "20"  # numbers are numbers: no apostrophe


def read_csv_bytes(content: bytes):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "#N/A"])
def test_every_risky_start_is_neutralised(text):
    from openpyxl import Workbook

    wb = Workbook()
    sheets.append_row(wb.active, [text])
    ws = load_workbook(io.BytesIO(sheets.xlsx_bytes(wb))).active
    assert ws["A1"].value == text and ws["A1"].data_type == "s"
    assert sheets.csv_value(text) == ("'" + text if text[0] != "#" else text)


def test_the_xlsx_has_a_title_the_filters_and_the_date(client, office, unit_b, lists):
    ws = read_xlsx(english(login(client, office)).get(XLSX, {"unit": unit_b.pk, "status": "in_progress"}))
    assert ws["A1"].value == "Responsibility list ledger" and ws["A1"].font.b
    assert ws["A2"].value == "Exported 2026-03-02 10:00 · 1 lists · Status：In progress；Unit：城关区"
    assert "A1:P1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.print_title_rows == "$3:$3"  # the header repeats on every printed page


def test_the_xlsx_prints_on_a4_landscape_fitted_to_the_width(client, office, lists):
    ws = read_xlsx(login(client, office).get(XLSX))
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.auto_filter.ref.startswith("A3:")


def test_lights_are_coloured_and_reports_fill_the_progress_columns(client, office, lists, unit_a, liaison_a):
    ob = lists["ab"].duties.get(unit=unit_a)
    duty_services.do_report(liaison_a, ob, progress=60, done="完成规划", difficulties="资金未到位", now=NOW)
    ws = read_xlsx(english(login(client, office)).get(XLSX))
    by_title = {line[1].value: line for line in ws.iter_rows(min_row=HEADER_ROW + 1)}
    green, red = by_title["推进兰州新区产业园区建设"][8], by_title["榆中县供水工程"][8]
    assert (green.value, green.fill.fgColor.rgb) == ("Green", "002E7D32")
    assert (red.value, red.fill.fgColor.rgb) == ("Red", "00C62828")
    assert by_title["已销号清单"][8].fill.fgColor.rgb != "00C62828"  # struck off: no light
    assert by_title["推进兰州新区产业园区建设"][14].value == "市工信委（2026-03-02，60%）：完成规划"
    assert by_title["推进兰州新区产业园区建设"][14].alignment.wrap_text
    assert by_title["推进兰州新区产业园区建设"][15].value == "市工信委：资金未到位"
    assert by_title["榆中县供水工程"][14].value is None


def test_the_league_table_export_keeps_a_formula_like_unit_name_as_text(client, office, unit_a):
    from luoshi.org.models import Unit

    Unit.objects.create(name=HOSTILE, kind="district")
    response = login(client, office).get(reverse("escalation:league_export"))
    assert response.status_code == 200
    ws = read_xlsx(response)
    assert sheets.formula_cells(ws) == []
    assert HOSTILE in [c.value for c in ws["A"]]


def test_the_import_template_keeps_a_formula_like_unit_name_as_text(client, office, unit_a):
    from luoshi.org.models import Unit

    Unit.objects.create(name=HOSTILE, kind="district")
    response = login(client, office).get(reverse("lists:import_template"))
    wb = load_workbook(io.BytesIO(response.content))
    assert all(sheets.formula_cells(ws) == [] for ws in wb.worksheets)
    assert HOSTILE in [c.value for c in wb["选项"]["C"]]


def test_the_deadline_column_is_the_effective_deadline_after_an_extension(client, office, lists, unit_a, liaison_a):
    ob = lists["ab"].duties.get(unit=unit_a)
    ext = duty_completion.do_request_extension(liaison_a, ob, ob.deadline + timedelta(days=30), "征地延后", now=NOW)
    duty_completion.do_decide_extension(office, ext, approve=True, now=NOW)
    ws = read_xlsx(login(client, office).get(XLSX))
    row = next(r for r in data_rows(ws) if r[1] == "推进兰州新区产业园区建设")
    assert row[6] == datetime(2026, 5, 31)  # not the list's original 2026-05-01
    csv_row = next(r for r in read_csv(client.get(CSV)) if r[1] == "推进兰州新区产业园区建设")
    assert csv_row[6] == "2026-05-31"
