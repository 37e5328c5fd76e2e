"""The ledger as a workbook in the import's format: import(export(x)) changes nothing; a unit's or a
leader's rows; a unit's people get their unit's rows only; no live formulas; every export audited."""

import io
from datetime import date

import pytest
import time_machine
from django.utils import translation
from openpyxl import load_workbook

from luoshi import sheets
from luoshi.events.models import Event
from luoshi.ledger import export_book, import_apply, services
from luoshi.ledger.import_book import BookFileError, read_book
from luoshi.ledger.import_check import check_book
from luoshi.ledger.models import Task
from tests.conftest import NOW, TODAY, make_person
from tests.ledger.conftest import task_input
from tests.ledger.fixtures.books import HEADERS, in_english, row, xlsx  # noqa: F401  (a fixture)

pytestmark = pytest.mark.usefixtures("in_english")
YEAR = TODAY.year
HOSTILE = '=HYPERLINK("http://evil.example","点我")'


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def full(office, leader, other_leader, ledger, tree, unit_a, unit_b, unit_c):
    """The conftest tree (a plan by quarter) and an imported programme with every column filled."""
    headers = [*HEADERS, "开工日期", "竣工日期", "指标类型", "计划进度", "指标名称2", "计量单位2", "年度目标2"]
    rows = [
        row(编号="MS-1", 专项="民生实事", 任务名称="棚户区改造", 责任领导="赵副市长", 完成时限="2026-12-31", 权重="2.5"),
        row(上级编号="MS-1", 专项="民生实事", 任务名称=HOSTILE, 工作要求="第一条\n第二条", 责任领导="赵副市长",
            牵头单位="榆中县", 配合单位="城关区、市工信委", 完成时限="2026年9月30日", 汇报周期="14", 开工日期="2026-03-01",
            指标名称="改造套数", 计量单位="套", 年度目标="7,623套", 指标类型="累计", 计划进度="Q2：3000；Q4：7623",
            指标名称2="安置户数", 计量单位2="万户", 年度目标2="5127户"),
        row(上级编号="MS-1", 专项="民生实事", 任务名称="优良天数", 牵头单位="城关区", 完成时限="2026-12-31",
            指标名称="优良天数比例", 计量单位="%", 年度目标="85%", 指标类型="水平"),
    ]  # fmt: skip
    rows[1]["汇报周期（天）"] = "14"
    book = read_book(xlsx(rows, headers=headers))
    plan = check_book(ledger, book, TODAY)
    assert plan.ok, plan.problems
    import_apply.do_import(office, ledger, plan)
    return ledger


def workbook_of(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == sheets.XLSX_TYPE
    return b"".join(response.streaming_content) if response.streaming else response.content


def titles(data: bytes) -> list[str]:
    return [line.values["title"] for line in read_book(data).lines]


def test_importing_the_export_changes_nothing(office, full):
    data = export_book.workbook(full, export_book.export_tasks(office, full))
    plan = check_book(full, read_book(data), TODAY)
    assert plan.ok, plan.problems
    assert (plan.new, plan.changes) == ([], [])
    before = list(Task.objects.order_by("pk").values())
    events = Event.objects.filter(subject_type="ledger_task").count()
    applied = import_apply.do_import(office, full, plan)
    assert (applied.created, applied.updated) == (0, 0)
    assert list(Task.objects.order_by("pk").values()) == before
    assert Event.objects.filter(subject_type="ledger_task").count() == events


def test_the_export_holds_the_format_and_no_formula(office, full):
    data = export_book.workbook(full, export_book.export_tasks(office, full))
    ws = load_workbook(io.BytesIO(data)).active
    assert sheets.formula_cells(ws) == []
    assert [c.value for c in ws[2]][:11] == HEADERS[:11]
    values = {c.value for r in ws.iter_rows(min_row=3) for c in r}
    assert HOSTILE in values and "2026-Q2：3000；2026-Q4：7623" in values and 0.5127 in values
    assert ws["A1"].value.startswith(full.title)


def test_the_whole_ledger_for_the_office_and_leaders_a_units_rows_for_its_people(office, leader, liaison_b, full):
    services.do_open_ledger(office, full)
    everything = titles(export_book.workbook(full, export_book.export_tasks(office, full)))
    assert len(everything) == 6
    assert titles(export_book.workbook(full, export_book.export_tasks(leader, full))) == everything
    mine = titles(export_book.workbook(full, export_book.export_tasks(liaison_b, full)))
    assert mine == ["水厂及配套管网", HOSTILE, "优良天数"]  # 城关区 leads or co-handles these


def test_a_units_or_a_leaders_rows(office, other_leader, unit_c, full):
    tasks = export_book.export_tasks(office, full, unit=unit_c.pk)
    assert titles(export_book.workbook(full, tasks)) == [HOSTILE]
    tasks = export_book.export_tasks(office, full, leader=other_leader.pk)
    assert titles(export_book.workbook(full, tasks)) == ["棚户区改造", HOSTILE]


def test_leaders_of_one_name_are_exported_by_username_and_read_back(office, leader, ledger, programme):
    make_person("leader_li2", ["leader"], name="李副市长")
    services.do_create_task(office, ledger, task_input(programme, "一项", leader=leader))
    data = export_book.workbook(ledger, export_book.export_tasks(office, ledger))
    assert read_book(data).lines[0].values["leader"] == "leader"
    assert check_book(ledger, read_book(data), TODAY).changes == []


def test_the_export_reads_a_fixed_number_of_queries(office, full, django_assert_max_num_queries):
    for i in range(20):
        services.do_create_task(office, full, task_input(full.programmes.get(name="民生实事"), f"任务{i}"))
    with django_assert_max_num_queries(12):
        export_book.workbook(full, export_book.export_tasks(office, full))


def test_the_web_export_is_audited_with_its_filters(client, office, unit_a, full):
    client.force_login(office)
    response = client.get(f"/ledger/{full.pk}/export.xlsx", {"unit": unit_a.pk})
    assert "filename*=utf-8''" in response["Content-Disposition"]
    titles_a = titles(workbook_of(response))
    assert titles_a == ["输水隧洞工程", "水厂及配套管网", HOSTILE]
    event = Event.objects.get(kind="export")
    assert (event.actor, event.subject_type, event.subject_id) == (office, "ledger", full.pk)
    assert event.after == {"what": "ledger", "format": "xlsx", "unit": unit_a.pk}


def test_the_web_export_refuses_an_unknown_unit_and_a_ledger_being_built_to_others(client, office, liaison_a, full):
    client.force_login(office)
    assert client.get(f"/ledger/{full.pk}/export.xlsx", {"unit": 99999}).status_code == 400
    assert client.get(f"/ledger/{full.pk}/export.xlsx", {"unit": "x"}).status_code == 400
    client.force_login(liaison_a)
    assert client.get(f"/ledger/{full.pk}/export.xlsx").status_code == 404  # a draft is the office's alone


def test_the_api_export_gives_another_units_liaison_none_of_the_other_rows(api, office, outsider, liaison_a, full):
    services.do_open_ledger(office, full)
    response = api(outsider).get(f"/ledgers/{full.pk}/export.xlsx")
    assert titles(workbook_of(response)) == [HOSTILE]  # 榆中县's only row
    response = api(liaison_a).get(f"/ledgers/{full.pk}/export.xlsx", leader=99999)
    assert response.status_code == 400 and response.json()["field"] == "leader"
    assert Event.objects.filter(kind="export", actor=outsider).count() == 1


def test_the_template_has_the_headers_an_example_never_imported_and_the_instructions(
    client, office, liaison_a, unit_a, leader
):
    client.force_login(office)
    data = workbook_of(client.get("/ledger/import-template.xlsx"))
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["总台账", "说明", "选项"]
    ws = wb["总台账"]
    assert [c.value for c in ws[2]][:11] == HEADERS[:11]
    assert {"指标名称", "计量单位", "年度目标", "指标类型", "计划进度"} <= {c.value for c in ws[2]}
    assert (ws["A3"].value, ws["I3"].value.date()) == ("示例", date(YEAR, 12, 31))
    assert any("2.58亿" in (c.value or "") for c in wb["说明"]["A"])
    assert sheets.formula_cells(ws) == []
    with translation.override("en"), pytest.raises(BookFileError, match="no rows"):
        read_book(data)
    assert Event.objects.get(kind="export").after["what"] == "ledger_import_template"
    client.force_login(liaison_a)
    assert client.get("/ledger/import-template.xlsx").status_code == 403


def test_the_api_template_is_the_offices(api, office, liaison_a):
    assert api(office).get("/ledgers/import-template.xlsx").status_code == 200
    assert api(liaison_a).get("/ledgers/import-template.xlsx").status_code == 403


def test_a_units_workbook_imported_by_the_office_changes_nothing(office, unit_b, full):
    data = export_book.workbook(full, export_book.export_tasks(office, full, unit=unit_b.pk))
    plan = check_book(full, read_book(data), TODAY)
    assert plan.ok and len(plan.rows) == 3 and (plan.new, plan.changes) == ([], [])
