"""Writing a checked workbook: the tree, codes, indicators and duties in bulk; all or nothing;
a re-import updates by code, and only what changed; an open ledger asks for a reason."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from luoshi.duties.models import Duty, DutyStatus
from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.ledger import import_apply, services
from luoshi.ledger.import_book import read_book
from luoshi.ledger.import_check import check_book
from luoshi.ledger.models import Indicator, Task
from tests.conftest import NOW, TODAY
from tests.ledger.fixtures.books import (
    in_english,  # noqa: F401  (a fixture)
    row,
    xlsx,
)

pytestmark = pytest.mark.usefixtures("in_english")

YEAR = TODAY.year


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def city(office, leader, other_leader, unit_a, unit_b, unit_c):
    return office


def run(actor, ledger, data: bytes, reason: str = ""):
    book = read_book(data, "台账.xlsx")
    plan = check_book(ledger, book, TODAY)
    return plan, import_apply.do_import(actor, ledger, plan, reason=reason, column=book.headers)


TREE = [
    row(编号="A-1", 专项="重大项目", 任务名称="第二水源地建设", 责任领导="李副市长", 完成时限="2026-12-31"),
    row(
        上级编号="A-1",
        专项="重大项目",
        任务名称="输水隧洞工程",
        牵头单位="市工信委",
        配合单位="城关区、榆中县",
        完成时限="2026年6月30日",
        权重=3,
        指标名称="年度完成投资",
        计量单位="万元",
        年度目标="2.58亿",
    ),
    row(
        上级编号="A-1",
        专项="重大项目",
        任务名称="水厂及配套管网",
        牵头单位="城关区",
        完成时限=date(2026, 9, 30),
        汇报周期="30",
    ),
    row(
        专项="民生实事",
        任务名称="棚户区改造",
        牵头单位="榆中县",
        完成时限="2026/12/31",
        指标名称="改造套数",
        计量单位="套",
        年度目标="7,623套",
    ),
]


def test_a_tree_is_created_with_codes_paths_indicators_and_a_duty_per_unit_of_each_leaf(
    city, ledger, unit_a, unit_b, unit_c
):
    _plan, applied = run(city, ledger, xlsx(TREE))
    assert (applied.created, applied.updated) == (4, 0)
    parent = Task.objects.get(code="A-1")
    kids = list(parent.children.order_by("path"))
    assert [k.code for k in kids] == ["A-1-01", "A-1-02"]
    assert [k.path for k in kids] == [parent.path + ".001", parent.path + ".002"]
    assert kids[0].weight == 3 and kids[0].deadline == date(2026, 6, 30)
    assert Indicator.objects.get(task=kids[0]).target == Decimal(25800)
    assert Task.objects.get(title="棚户区改造").code == f"{YEAR}-TZ-0002"
    duties = Duty.objects.filter(owner_id__in=[k.pk for k in kids], owner_type_id=services.task_type_id())
    assert sorted((d.owner_id, d.unit.name, d.role, d.status) for d in duties) == sorted(
        [
            (kids[0].pk, "市工信委", "lead", DutyStatus.PENDING),
            (kids[0].pk, "城关区", "co", DutyStatus.PENDING),
            (kids[0].pk, "榆中县", "co", DutyStatus.PENDING),
            (kids[1].pk, "城关区", "lead", DutyStatus.PENDING),
        ]
    )
    assert not Duty.objects.filter(owner_id=parent.pk, owner_type_id=services.task_type_id()).exists()
    created = Event.objects.filter(kind="ledger_task.created")
    assert created.count() == 4
    assert created.get(subject_id=kids[0].pk).after == services.task_state(kids[0])
    assert Event.objects.filter(kind="ledger.imported", subject_id=ledger.pk).get().after["created"] == 4
    parent.refresh_from_db()
    assert parent.next_child == 3


def test_a_reimport_of_the_same_rows_by_code_changes_nothing(city, ledger):
    run(city, ledger, xlsx(TREE))
    rows = [dict(r) for r in TREE]
    rows[1]["编号"], rows[2]["编号"], rows[3]["编号"] = "A-1-01", "A-1-02", f"{YEAR}-TZ-0002"
    events = Event.objects.count()
    _plan, applied = run(city, ledger, xlsx(rows))
    assert (applied.created, applied.updated) == (0, 0)
    assert Event.objects.count() == events + 1  # the import's own
    rows[2]["权重"] = 2
    rows[2]["汇报周期（天）"] = "14天"
    _plan, applied = run(city, ledger, xlsx(rows))
    assert (applied.created, applied.updated) == (0, 1)
    task = Task.objects.get(code="A-1-02")
    assert (task.weight, task.report_every_days) == (2, 14)
    assert Event.objects.filter(kind="ledger_task.changed", subject_id=task.pk).count() == 1


def test_an_indicator_with_reported_values_is_not_removed_and_nothing_is_written(city, opened, liaison_a, unit_a):
    first = opened["first"]
    indicator = first.indicators.get()
    services.do_report_task(liaison_a, first, unit_a, progress=10, done="开工", indicators=[(indicator, Decimal(3))])
    rows = [
        row(
            编号=first.code,
            上级编号=opened["parent"].code,
            专项="重大项目",
            任务名称=first.title,
            完成时限=first.deadline,
            牵头单位="市工信委",
        ),
        row(专项="重大项目", 任务名称="新任务", 完成时限="2026-12-31"),
    ]
    plan = check_book(first.ledger, read_book(xlsx(rows)), TODAY)
    assert [(p.row, p.column) for p in plan.problems] == [(3, "指标名称")]
    assert "reported values" in plan.problems[0].message
    with pytest.raises(import_apply.ImportRejected):
        import_apply.do_import(city, first.ledger, plan, reason="调整")
    assert Task.objects.count() == 3


def test_a_row_the_services_refuse_rolls_back_the_rows_already_written(city, ledger, monkeypatch):
    run(city, ledger, xlsx(TREE[:1]))
    rows = [
        dict(TREE[0], 任务名称="第二水源地建设（调整）"),
        row(专项="重大项目", 任务名称="新任务", 完成时限="2026-12-31"),
    ]
    plan = check_book(ledger, read_book(xlsx(rows)), TODAY)
    assert plan.ok and len(plan.changes) == 1 and len(plan.new) == 1

    def refuse(*args, **kwargs):
        raise InvalidInput("refused", "weight")

    monkeypatch.setattr(services, "do_update_task", refuse)
    monkeypatch.setattr(import_apply, "_in_place", lambda row, ledger: False)  # through the service
    with pytest.raises(import_apply.ImportRejected) as err:
        import_apply.do_import(city, ledger, plan)
    assert [p.as_dict() for p in err.value.problems] == [{"row": 3, "column": "weight", "message": "refused"}]
    assert list(Task.objects.values_list("title", flat=True)) == ["第二水源地建设"]


def test_only_the_office_imports(liaison_a, city, ledger):
    plan = check_book(ledger, read_book(xlsx(TREE)), TODAY)
    with pytest.raises(NotAllowed):
        import_apply.do_import(liaison_a, ledger, plan)


def test_an_open_ledger_asks_for_a_reason_and_its_new_units_start_work_at_once(city, office, ledger, opened):
    with pytest.raises(InvalidInput) as err:
        run(city, ledger, xlsx(TREE))
    assert err.value.field == "reason"
    _plan, applied = run(city, ledger, xlsx(TREE), reason="市委常委会新增任务")
    assert applied.created == 4
    leaf = Task.objects.get(code="A-1-01")
    duties = Duty.objects.filter(owner_id=leaf.pk, owner_type_id=services.task_type_id())
    assert {d.status for d in duties} == {DutyStatus.OPEN}
    assert all(d.next_report_due is not None or d.report_every_days is None for d in duties)
    started = Event.objects.filter(kind="duty.started", subject_id=leaf.pk)
    assert started.count() == 3 and {e.note for e in started} == {"市委常委会新增任务"}
    assert Event.objects.get(kind="ledger_task.created", subject_id=leaf.pk).note == "市委常委会新增任务"


def snapshot() -> dict:
    """Everything an update writes, without the ids a second run gives differently."""
    from luoshi.ledger.models import TrajectoryPoint

    return {
        "tasks": list(Task.objects.order_by("pk").values()),
        "duties": list(Duty.objects.order_by("pk").values()),
        "indicators": sorted(
            Indicator.objects.values_list("task_id", "name", "measure", "target", "kind", "position", "actual")
        ),
        "plans": sorted(
            TrajectoryPoint.objects.values_list("indicator__task_id", "indicator__name", "period", "planned")
        ),
        "events": sorted(
            (e.kind, e.subject_type, e.subject_id, str(e.before), str(e.after), e.note, e.unit_id)
            for e in Event.objects.exclude(kind="ledger.imported")
        ),
    }


EDITS = {
    "任务名称": "输水隧洞工程（一期）",
    "工作要求": "年底前通水",
    "责任领导": "赵副市长",
    "权重": "2.5",
    "汇报周期（天）": "14",
    "年度目标": "25亿",
    "计量单位": "亿元",
    "指标名称2": "到位资金",
    "计量单位2": "万元",
    "年度目标2": "3000万",
}


@pytest.mark.parametrize("opened_ledger", [False, True])
def test_rows_written_in_bulk_end_as_do_update_task_leaves_them(city, office, tree, ledger, monkeypatch, opened_ledger):
    from django.db import transaction

    from tests.ledger.fixtures.books import HEADERS

    if opened_ledger:
        services.do_open_ledger(office, ledger)
    first, second, parent = tree["first"], tree["second"], tree["parent"]
    headers = [*HEADERS, "指标名称2", "计量单位2", "年度目标2"]
    rows = [
        row(编号=parent.code, 专项="民生实事", 任务名称=parent.title, 责任领导="李副市长", 完成时限="2026-12-31"),
        row(编号=first.code, 上级编号=parent.code, 专项="重大项目", 牵头单位="市工信委", 完成时限="2026-12-31", 指标名称="年度完成投资", **EDITS),
        row(编号=second.code, 上级编号=parent.code, 专项="重大项目", 任务名称=second.title, 牵头单位="城关区",
            配合单位="市工信委", 完成时限="2026-12-31" if opened_ledger else "2026-11-30", 权重="1", 汇报周期="30"),
    ]  # fmt: skip
    rows[2]["汇报周期（天）"] = "30"
    plan = check_book(ledger, read_book(xlsx(rows, headers=headers)), TODAY)
    assert plan.ok, plan.problems
    assert len(plan.changes) == 3

    def run_with(in_place):
        with transaction.atomic():
            monkeypatch.setattr(import_apply, "_in_place", in_place)
            again = check_book(ledger, read_book(xlsx(rows, headers=headers)), TODAY)
            import_apply.do_import(office, ledger, again, reason="调整" if opened_ledger else "")
            state = snapshot()
            transaction.set_rollback(True)
        return state

    real = import_apply._in_place
    in_bulk = run_with(lambda r, lg: real(r, lg) or pytest.fail("not in place"))
    one_by_one = run_with(lambda r, lg: False)
    for key in in_bulk:
        assert in_bulk[key] == one_by_one[key], key
