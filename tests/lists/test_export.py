"""Exports of the index: the same filtered rows, all of them, as CSV (with a BOM) or XLSX."""

import csv
import io
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils.translation import trans_real
from openpyxl import load_workbook

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
}


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


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_it_exports_xlsx_with_chinese_headers(client, office, lists, zh_catalogue):
    response = login(client, office).get(XLSX)  # no language chosen: the default, zh-hans
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f'attachment; filename="lists-{TODAY.isoformat()}.xlsx"'
    ws = read_xlsx(response)
    assert [c.value for c in ws[1]] == list(ZH.values())
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width >= 40
    assert ws.max_row == 4


def test_headers_follow_the_language(client, office, lists):
    response = english(login(client, office)).get(XLSX)
    assert [c.value for c in read_xlsx(response)[1]][:3] == ["Code", "Title", "Source"]


def test_xlsx_cells_are_typed_dates_and_numbers(client, office, lists):
    ws = read_xlsx(english(login(client, office)).get(XLSX))
    rows = {r[1]: r for r in ws.iter_rows(min_row=2, values_only=True)}
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
    assert ws["G2"].number_format == "yyyy-mm-dd"
    assert rows["榆中县供水工程"][8] == "Red"


def test_csv_starts_with_a_bom(client, office, lists):
    response = login(client, office).get(CSV)
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="lists-{TODAY.isoformat()}.csv"'
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
            [r[1] for r in read_xlsx(response).iter_rows(min_row=2, values_only=True)]
            if url == XLSX
            else [r[1] for r in read_csv(response)[1:]]
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
    with django_assert_max_num_queries(9):
        response = client.get(XLSX)
    assert read_xlsx(response).max_row == n + 1
