"""A small open ledger for the ledger's tests: one programme, a task with two sub-tasks (units a and b),
an indicator with a quarterly trajectory."""

from datetime import date
from decimal import Decimal

import pytest

from luoshi.ledger import services
from luoshi.ledger.models import Ledger, Programme, Task
from luoshi.ledger.services import IndicatorInput, TaskInput
from tests.conftest import TODAY

YEAR = TODAY.year


@pytest.fixture
def ledger(office) -> Ledger:
    return services.do_create_ledger(office, year=YEAR, title=f"{YEAR}年市级领导牵头任务总台账")


@pytest.fixture
def programme(ledger) -> Programme:
    return ledger.programmes.get(name="重大项目")


def task_input(programme: Programme, title: str, **kw) -> TaskInput:
    kw.setdefault("deadline", date(YEAR, 12, 31))
    return TaskInput(programme=programme, title=title, **kw)


@pytest.fixture
def tree(office, leader, ledger, programme, unit_a, unit_b) -> dict[str, Task]:
    """The parent and two leaves; the first leaf carries 投资 (亿元) planned by quarter."""
    parent = services.do_create_task(office, ledger, task_input(programme, "第二水源地建设", leader=leader))
    invest = IndicatorInput(
        name="年度完成投资",
        measure="亿元",
        target=Decimal("20"),
        trajectory=[
            (f"{YEAR}-Q1", Decimal(4)),
            (f"{YEAR}-Q2", Decimal(9)),
            (f"{YEAR}-Q3", Decimal(15)),
            (f"{YEAR}-Q4", Decimal(20)),
        ],
    )
    first = services.do_create_task(
        office,
        ledger,
        task_input(
            programme,
            "输水隧洞工程",
            parent=parent,
            leader=leader,
            lead_unit=unit_a,
            weight=Decimal(3),
            report_every_days=30,
            indicators=[invest],
        ),
    )
    second = services.do_create_task(
        office,
        ledger,
        task_input(
            programme,
            "水厂及配套管网",
            parent=parent,
            leader=leader,
            lead_unit=unit_b,
            co_units=[unit_a],
            weight=Decimal(1),
            report_every_days=30,
        ),
    )
    return {"parent": parent, "first": first, "second": second}


@pytest.fixture
def opened(office, ledger, tree) -> dict[str, Task]:
    services.do_open_ledger(office, ledger)
    return {k: Task.objects.get(pk=t.pk) for k, t in tree.items()}
