"""Checking a workbook's rows against the ledger: every problem with its row (as the sheet numbers it)
and its column (by the sheet's own header), and a message that says what to write instead."""

from datetime import date
from decimal import Decimal

import pytest

from luoshi.ledger import services
from luoshi.ledger.import_book import read_book
from luoshi.ledger.import_check import check_book
from tests.conftest import TODAY, make_person
from tests.ledger.conftest import task_input
from tests.ledger.fixtures.books import HEADERS, in_english, row, xlsx  # noqa: F401  (a fixture)

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def city(office, leader, other_leader, unit_a, unit_b, unit_c):
    return office


def check(ledger, rows, **kw):
    return check_book(ledger, read_book(xlsx(rows, **kw)), TODAY)


def problems(plan):
    return [(p.row, p.column) for p in plan.problems]


def task(**cells):
    return row(**{"专项": "重大项目", "任务名称": "输水隧洞工程", "完成时限": "2026-12-31", **cells})


def test_a_good_row_becomes_the_tasks_fields(city, ledger, leader, unit_a, unit_b, unit_c):
    plan = check(
        ledger,
        [task(责任领导="李副市长", 牵头单位="市工信委", 配合单位="城关区；榆中县", 权重="1.5", 汇报周期="30天",
              指标名称="年度完成投资", 计量单位="万元", 年度目标="2.58亿", 工作要求="年底前贯通")],
        headers=[*HEADERS[:10], "汇报周期", *HEADERS[11:]],
    )  # fmt: skip
    assert plan.ok, plan.problems
    d = plan.rows[0].data
    assert (d.leader, d.lead_unit, list(d.co_units)) == (leader, unit_a, [unit_b, unit_c])
    assert (d.weight, d.report_every_days, d.deadline) == (Decimal("1.5"), 30, date(2026, 12, 31))
    assert [(i.name, i.measure, i.target, i.kind) for i in d.indicators] == [
        ("年度完成投资", "万元", Decimal(25800), "cumulative")
    ]


def test_an_unknown_programme_names_those_that_exist(city, ledger):
    plan = check(ledger, [task(专项="乡村振兴")])
    assert problems(plan) == [(3, "专项")]
    assert "No programme “乡村振兴”" in plan.problems[0].message and '"3341"项目工程' in plan.problems[0].message


def test_a_programme_is_matched_whatever_its_quotes(city, ledger):
    assert check(ledger, [task(专项="“3341”项目工程"), task(专项="3341 项目工程")]).ok


def test_a_leader_by_name_or_username_and_two_of_one_name_need_the_username(city, ledger, leader, liaison_a):
    assert check(ledger, [task(责任领导="李副市长"), task(责任领导="leader")]).ok
    twin = make_person("leader_li2", ["leader"], name="李副市长")
    plan = check(ledger, [task(责任领导="李副市长"), task(责任领导="leader_li2"), task(责任领导="工信委联络员"),
                          task(责任领导="王市长")])  # fmt: skip
    assert problems(plan) == [(3, "责任领导"), (5, "责任领导"), (6, "责任领导")]
    assert "write the username instead (leader、leader_li2)" in plan.problems[0].message
    assert "is not a city leader" in plan.problems[1].message
    assert "No city leader named “王市长”" in plan.problems[2].message
    assert plan.rows[0].data.leader == twin


def test_units_by_their_exact_names(city, ledger):
    plan = check(ledger, [task(牵头单位="工信委"), task(牵头单位="市工信委", 配合单位="城关区、市交通局,市水务局"),
                          task(牵头单位="市工信委", 配合单位="市工信委")])  # fmt: skip
    assert problems(plan) == [(3, "牵头单位"), (4, "配合单位"), (5, "配合单位")]
    assert "No unit named “市交通局”、“市水务局”" in plan.problems[1].message
    assert "cannot also be a co unit" in plan.problems[2].message


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        ({"完成时限": "6月底"}, "完成时限", "ambiguous"),
        ({"完成时限": ""}, "完成时限", "Give the deadline"),
        ({"完成时限": "3026-01-01"}, "完成时限", "years ahead"),
        ({"权重": "20000"}, "权重", "weight from 0 to"),
        ({"权重": "1.234"}, "权重", "two decimals"),
        ({"权重": "重要"}, "权重", "not a figure"),
        ({"汇报周期（天）": "每月"}, "汇报周期（天）", "number of days"),
        ({"汇报周期（天）": "400"}, "汇报周期（天）", "1 to 366"),
        ({"任务名称": ""}, "任务名称", "title"),
        ({"任务名称": "长" * 201}, "任务名称", "At most 200 characters"),
        ({"指标名称": "投资", "年度目标": "3"}, "计量单位", "unit of measure"),
        ({"指标名称": "投资", "计量单位": "亿元"}, "年度目标", "annual target"),
        ({"计量单位": "户", "年度目标": "7,623套"}, "指标名称", "indicator's name"),
        ({"指标名称": "安置", "计量单位": "户", "年度目标": "7,623套"}, "年度目标", "counted in 套"),
        ({"指标名称": "投资", "计量单位": "亿元", "年度目标": "约3亿"}, "年度目标", "approximate"),
        ({"编号": "2026 TZ 1"}, "编号", "no spaces"),
    ],
)
def test_a_cell_that_cannot_be_taken_as_it_is_says_why(city, ledger, cells, column, words):
    plan = check(ledger, [task(**cells)])
    assert problems(plan) == [(3, column)]
    assert words in plan.problems[0].message


def test_codes_twice_unknown_parents_loops_and_other_years_codes(city, ledger, office, programme):
    old = services.do_create_ledger(office, year=TODAY.year - 1, title="去年")
    services.do_create_task(office, old, task_input(old.programmes.get(name="重大项目"), "去年的任务"))
    plan = check(ledger, [
        task(编号="A"), task(编号="A"), task(编号="B", 上级编号="C"), task(编号="C", 上级编号="B"),
        task(上级编号="Z"), task(编号=f"{TODAY.year - 1}-TZ-0001"), task(上级编号=f"{TODAY.year - 1}-TZ-0001"),
    ])  # fmt: skip
    assert problems(plan) == [
        (4, "编号"),
        (5, "上级编号"),
        (6, "上级编号"),
        (7, "上级编号"),
        (8, "编号"),
        (9, "上级编号"),
    ]
    assert "also on row 3" in plan.problems[0].message
    assert "loop" in plan.problems[1].message
    assert "No task coded Z" in plan.problems[3].message
    assert "another year's ledger" in plan.problems[4].message


def test_a_parent_may_be_a_row_below_and_new_rows_are_written_parents_first(city, ledger):
    plan = check(ledger, [task(编号="A-1-1", 上级编号="A-1"), task(编号="A-1", 上级编号="A"), task(编号="A")])
    assert plan.ok
    assert [r.code for r in plan.new] == ["A", "A-1", "A-1-1"]


def test_a_row_under_a_merged_task_name_adds_an_indicator_and_nothing_else(city, ledger):
    rows = [
        task(指标名称="年度完成投资", 计量单位="亿元", 年度目标="2.58"),
        row(指标名称="到位资金", 计量单位="万元", 年度目标="3000万"),
        row(指标名称="开工项目", 计量单位="个", 年度目标="5", 牵头单位="城关区"),
    ]
    plan = check(ledger, rows, merges=["D3:D5", "C3:C5", "I3:I5"])
    assert problems(plan) == [(5, "牵头单位")]
    assert "continues the task of row 3" in plan.problems[0].message
    plan = check(ledger, rows[:2], merges=["D3:D4", "C3:C4", "I3:I4"])
    assert plan.ok
    assert [(i.name, i.target) for i in plan.rows[0].data.indicators] == [
        ("年度完成投资", Decimal("2.58")),
        ("到位资金", Decimal(3000)),
    ]


def test_two_indicators_of_one_name_are_refused(city, ledger):
    headers = [*HEADERS, "指标名称2", "计量单位2", "年度目标2"]
    rows = [task(指标名称="投资", 计量单位="亿元", 年度目标="1", 指标名称2="投资", 计量单位2="亿元", 年度目标2="2")]
    assert problems(check(ledger, rows, headers=headers)) == [(3, "指标名称")]


def test_a_row_of_an_existing_task_that_changes_nothing_is_left_alone(city, opened):
    first = opened["first"]
    same = task(编号=first.code, 上级编号=opened["parent"].code, 任务名称=first.title, 责任领导="李副市长",
                牵头单位="市工信委", 权重=3, 指标名称="年度完成投资", 计量单位="亿元", 年度目标=20)  # fmt: skip
    same["汇报周期（天）"] = "30"
    headers = [h for h in HEADERS if h != "工作要求"]
    plan = check(first.ledger, [same], headers=headers)
    assert plan.ok and plan.rows[0].task == first and plan.changes == []
    plan = check(first.ledger, [dict(same, 权重=2)], headers=headers)
    assert [r.task for r in plan.changes] == [first]
    # The sheet has no 计划进度 column: the indicator keeps its plan.
    assert plan.changes[0].data.indicators[0].trajectory == [
        (f"{TODAY.year}-Q1", Decimal(4)),
        (f"{TODAY.year}-Q2", Decimal(9)),
        (f"{TODAY.year}-Q3", Decimal(15)),
        (f"{TODAY.year}-Q4", Decimal(20)),
    ]


def test_a_plan_by_quarter_or_month_in_the_measure(city, ledger):
    headers = [*HEADERS, "指标类型", "计划进度"]
    rows = [task(指标名称="投资", 计量单位="万元", 年度目标="2.58亿", 指标类型="累计", 计划进度="Q1：1亿；2026-Q2：12000；9月:2亿"),
            task(指标名称="优良天数比例", 计量单位="%", 年度目标="85", 指标类型="水平", 计划进度="二季度：80"),
            task(指标名称="x", 计量单位="个", 年度目标="1", 计划进度="上半年:1"),
            task(指标名称="y", 计量单位="个", 年度目标="1", 指标类型="平均")]  # fmt: skip
    plan = check(ledger, rows, headers=headers)
    assert problems(plan) == [(5, "计划进度"), (6, "指标类型")]
    inds = [r.data.indicators[0] for r in plan.rows]
    assert inds[0].trajectory == [("2026-09", Decimal(20000)), ("2026-Q1", Decimal(10000)), ("2026-Q2", Decimal(12000))]
    assert (inds[1].kind, inds[1].trajectory) == ("level", [("2026-Q2", Decimal(80))])
