"""Carrying over (挂账): every unfinished task goes to next year's ledger exactly once, linked to its
origin, with its place in the tree, units, leader, weight and indicators (targets, no actuals); a done
task never does. Nothing is silently dropped."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.ledger import cycle_close, services
from luoshi.ledger.models import Indicator, Task
from tests.conftest import NOW
from tests.ledger.conftest import YEAR, task_input
from tests.ledger.test_close import finish


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_carried_task_keeps_its_origin_place_units_and_plan(
    office, leader, liaison_a, ledger, opened, unit_a, unit_b
):
    services.do_report_task(
        liaison_a,
        opened["first"],
        unit_a,
        progress=40,
        done="完成投资8亿元",
        indicators=[(opened["first"].indicators.get(), Decimal("8"))],
    )
    closed = cycle_close.do_close_ledger(office, ledger)
    nxt = closed.next_ledger
    parent = nxt.tasks.get(origin=opened["parent"])
    first = nxt.tasks.get(origin=opened["first"])
    second = nxt.tasks.get(origin=opened["second"])
    assert first.parent == parent and second.parent == parent and parent.parent is None
    assert first.programme.name == opened["first"].programme.name and first.programme.ledger == nxt
    assert first.code.startswith(f"{YEAR + 1}-TZ-") and first.title == opened["first"].title
    assert first.lead_unit == unit_a and first.leader == leader and first.weight == Decimal(3)
    assert first.report_every_days == 30
    assert list(second.co_units.all()) == [unit_a] and second.lead_unit == unit_b
    assert first.deadline == date(YEAR + 1, 12, 31)
    ind = first.indicators.get()
    assert ind.name == "年度完成投资" and ind.target == Decimal(20) and ind.actual is None
    assert list(ind.trajectory.values_list("period", "planned")) == [
        (f"{YEAR + 1}-Q1", Decimal(4)),
        (f"{YEAR + 1}-Q2", Decimal(9)),
        (f"{YEAR + 1}-Q3", Decimal(15)),
        (f"{YEAR + 1}-Q4", Decimal(20)),
    ]
    assert not ind.actuals.exists()
    # The old task keeps its figure where it was reported.
    assert Indicator.objects.get(pk=opened["first"].indicators.get().pk).actual == Decimal(8)


def test_a_done_task_stays_behind_and_its_unfinished_sibling_is_carried(office, liaison_a, ledger, opened, unit_a):
    finish(office, liaison_a, opened["first"], unit_a)
    closed = cycle_close.do_close_ledger(office, ledger)
    assert closed.carried == 2
    origins = set(closed.next_ledger.tasks.values_list("origin_id", flat=True))
    assert origins == {opened["parent"].pk, opened["second"].pk}


def test_a_leader_who_lost_the_role_is_not_carried_with_the_task(office, leader, ledger, opened):
    leader.roles = []
    leader.save()
    closed = cycle_close.do_close_ledger(office, ledger)
    assert closed.carried == 3 and not closed.next_ledger.tasks.filter(leader__isnull=False).exists()


def test_the_deadline_moves_to_the_same_day_next_year(office, ledger, programme):
    leap = services.do_create_task(office, ledger, task_input(programme, "闰日任务", deadline=date(2028, 2, 29)))
    services.do_open_ledger(office, ledger)
    closed = cycle_close.do_close_ledger(office, ledger)
    assert closed.next_ledger.tasks.get(origin=leap).deadline == date(2029, 2, 28)


class Rollback(Exception):
    pass


# A tree as (parent index or None, finished?) per node; a node's parent comes before it.
trees = st.integers(1, 10).flatmap(
    lambda n: st.tuples(
        *[
            st.tuples(st.none() if i == 0 else st.one_of(st.none(), st.integers(0, i - 1)), st.booleans())
            for i in range(n)
        ]
    )
)


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=trees)
def test_every_unfinished_task_is_carried_exactly_once_and_no_done_one(
    office, liaison_a, unit_a, ledger, programme, tree
):
    try:
        with transaction.atomic():
            nodes: list[Task] = []
            for parent, _finished in tree:
                data = task_input(
                    programme, "节点", parent=nodes[parent] if parent is not None else None, lead_unit=unit_a
                )
                nodes.append(services.do_create_task(office, ledger, data))
            services.do_open_ledger(office, ledger)
            for node, (_parent, finished) in zip(nodes, tree, strict=True):
                node.refresh_from_db()
                if finished and not node.children.exists():
                    finish(office, liaison_a, node, unit_a)
            unfinished = set(ledger.tasks.filter(done=False).values_list("pk", flat=True))
            done = set(ledger.tasks.filter(done=True).values_list("pk", flat=True))
            closed = cycle_close.do_close_ledger(office, ledger)
            copies = list(
                Task.objects.filter(origin__ledger=ledger).values_list("origin_id", "parent__origin_id", "ledger_id")
            )
            origins = [o for o, _p, _l in copies]
            assert sorted(origins) == sorted(unfinished)  # each unfinished task exactly once
            assert not done & set(origins)
            assert closed.carried == len(unfinished) == closed.next_ledger.tasks.count()
            old_parent = dict(ledger.tasks.values_list("pk", "parent_id"))
            for origin, parent_origin, ledger_id in copies:
                assert ledger_id == closed.next_ledger.pk
                assert parent_origin == old_parent[origin]  # the tree stays whole
            raise Rollback
    except Rollback:
        pass


# ---- the carry-over list -----------------------------------------------------------------------------


def test_the_carry_over_list_shows_each_task_with_its_origin(as_, office, liaison_b, ledger, opened):
    cycle_close.do_close_ledger(office, ledger)
    page = as_(office).get(f"/ledger/{ledger.pk}/carried/").content.decode()
    for task in opened.values():
        assert task.code in page
    own = as_(liaison_b).get(f"/ledger/{ledger.pk}/carried/").content.decode()
    assert opened["second"].code in own and opened["first"].code not in own


def test_the_carry_over_list_reads_a_fixed_number_of_queries(
    as_, office, ledger, opened, programme, django_assert_max_num_queries
):
    services.do_create_task(office, ledger, task_input(programme, "另一项"), reason="新增")
    client = as_(office)
    cycle_close.do_close_ledger(office, ledger)
    client.get(f"/ledger/{ledger.pk}/carried/")
    with django_assert_max_num_queries(12):
        r = client.get(f"/ledger/{ledger.pk}/carried/")
    assert r.status_code == 200 and r.content.decode().count('<tr id="carried-') == 4
