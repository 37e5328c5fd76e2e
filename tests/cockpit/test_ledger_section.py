# ruff: noqa: F401, F811 — the ledger's and oversight's fixtures are imported by name
"""The cockpit's ledger section: its counts equal the ledger tree's rows they link to, a leader's ledger is
his tasks and his supervised units' (another leader's not counted), the indicators against their plan, the
tasks completed by month, and a constant number of queries."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from luoshi.cockpit import figures_ledger
from luoshi.cockpit.scope import for_leader
from luoshi.duties import completion
from luoshi.duties import services as duty_services
from luoshi.ledger import services
from luoshi.ledger.models import Indicator
from tests.cockpit.drill import checked_links, drill_count
from tests.conftest import NOW, TODAY
from tests.ledger.conftest import YEAR, ledger, opened, programme, task_input, tree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def book(office, leader, other_leader, liaison_a, ledger, programme, tree, unit_a, unit_c):
    """The tree of the ledger's fixture (all the leader's), a task of the other leader's unit c; the first
    leaf reports 6亿元 invested and is completed (accepted today)."""
    other = ledger.programmes.get(name="民生实事")
    theirs = services.do_create_task(
        office,
        ledger,
        task_input(other, "棚户区改造", leader=other_leader, lead_unit=unit_c, report_every_days=30),
    )
    services.do_open_ledger(office, ledger)
    first = tree["first"]
    invest = Indicator.objects.get(task=first)
    services.do_report_task(
        liaison_a,
        first,
        unit_a,
        progress=100,
        done="全部完成",
        request_completion=True,
        indicators=[(invest, Decimal(6))],
    )
    completion.do_accept(office, services.reporting_duty(first, unit_a))
    return {**tree, "theirs": theirs}


def scope_of(viewer, leader=None):
    return for_leader(viewer, leader, date(YEAR, 1, 1), date(YEAR, 12, 31), TODAY)


def values(section) -> dict:
    return {f["key"]: f["value"] for f in section["figures"]}


def test_the_whole_city_counts_every_task_and_each_number_is_its_list(as_, office, book):
    section = figures_ledger.section(scope_of(office))
    v = values(section)
    assert v["tasks"] == 4
    assert v["done"] == 1  # the first leaf; its parent waits for the second
    assert v["done"] + v["on_track"] + v["at_risk"] + v["late"] == 4
    assert v["completed_in_period"] == 1
    assert v["project_investment"] == 6.0
    trend = section["trend"][0]
    assert trend["data"][TODAY.month - 1] == 1 and sum(trend["data"]) == 1
    by_programme = section["charts"][0]
    assert sorted(by_programme["labels"]) == sorted(["重大项目", "民生实事"])
    assert checked_links(as_(office), section) > 10


def test_a_leaders_ledger_is_his_tasks_and_his_units_not_another_leaders(as_, office, leader, other_leader, book):
    mine = figures_ledger.section(scope_of(leader, leader))
    assert values(mine)["tasks"] == 3 and values(mine)["done"] == 1
    assert checked_links(as_(leader), mine) > 0
    # The office looking at his cockpit drills to the same rows.
    assert checked_links(as_(office), figures_ledger.section(scope_of(office, leader))) > 0
    theirs = figures_ledger.section(scope_of(other_leader, other_leader))
    assert values(theirs)["tasks"] == 1 and values(theirs)["done"] == 0
    assert values(theirs)["completed_in_period"] == 0
    assert "project_investment" not in values(theirs)
    assert checked_links(as_(other_leader), theirs) > 0


def test_a_task_reported_through_a_list_is_completed_when_the_lists_duties_are(
    as_, office, liaison_a, liaison_b, book, published_list
):
    """Report once: the second leaf is linked to a list of units a and b; accepted in April, it counts then."""
    services.do_link_list(office, book["second"], published_list)
    with time_machine.travel(date(YEAR, 4, 10), tick=False):
        for liaison in (liaison_a, liaison_b):
            duty = published_list.duties.get(unit=liaison.unit)
            duty_services.do_report(liaison, duty, progress=100, done="全部完成", request_completion=True)
            completion.do_accept(office, duty)
        section = figures_ledger.section(
            for_leader(office, None, date(YEAR, 1, 1), date(YEAR, 12, 31), date(YEAR, 4, 10))
        )
        v = values(section)
        assert v["done"] == 3  # both leaves, and so their parent
        assert v["completed_in_period"] == 2  # the leaves: a parent carries no duty of its own
        assert section["trend"][0]["data"][2:4] == [1, 1]  # March (its own duty), April (the list's)
        assert checked_links(as_(office), section) > 10


def test_a_leader_sees_the_whole_citys_numbers_without_links(leader, book):
    section = figures_ledger.section(scope_of(leader))
    assert values(section)["tasks"] == 4
    assert all(f["url"] is None for f in section["figures"])
    assert all(u is None for s in section["trend"] for u in s["urls"])


def test_the_indicators_against_the_plan_passed(office, book):
    with time_machine.travel(date(YEAR, 7, 2), tick=False):
        section = figures_ledger.section(
            for_leader(office, None, date(YEAR, 1, 1), date(YEAR, 12, 31), date(YEAR, 7, 2))
        )
    v = values(section)
    assert v["project_investment"] == 6.0 and v["project_investment_planned"] == 9.0  # Q2's plan
    chart = section["charts"][1]
    assert chart["labels"] == ["年度完成投资 (亿元)"]
    assert [s["data"] for s in chart["series"]] == [[30.0], [45.0]]  # of the year's 20亿元
    assert all(not s["counted"] for s in chart["series"])


def test_no_open_ledger_no_figures(office, ledger):
    section = figures_ledger.section(scope_of(office))
    assert section["key"] == "ledger" and section["figures"] == []


def test_the_tree_takes_the_cockpits_parameters(as_, office, leader, ledger, book):
    base = reverse("ledger:tree", args=[ledger.pk])
    assert drill_count(as_(office), f"{base}?portfolio={leader.pk}&state=done") == 1
    assert drill_count(as_(office), f"{base}?from={YEAR}-03-01&to={YEAR}-03-31") == 1
    assert drill_count(as_(office), f"{base}?from={YEAR}-04-01") == 0
    client = as_(office)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    bad = client.get(f"{base}?from=2026-13-01")
    assert bad.status_code == 400 and "“from”" in bad.content.decode()
    bad = client.get(f"{base}?portfolio={office.pk}")
    assert bad.status_code == 400 and "“portfolio”" in bad.content.decode()
    bad = client.get(f"{base}?state=nowhere")
    assert bad.status_code == 400 and "“state”" in bad.content.decode()


@pytest.mark.parametrize("extra", [0, 30])
def test_the_section_reads_a_constant_number_of_queries(
    office,
    leader,
    ledger,
    programme,
    book,
    extra,
    django_assert_max_num_queries,
):
    for i in range(extra):
        services.do_create_task(office, ledger, task_input(programme, f"新增任务{i}", leader=leader), reason="年中增补")
    city, mine = scope_of(office), scope_of(leader, leader)
    # The ledger, the lights' policy (cached between requests), the counts, the programmes, the indicators
    # and the completions (the tasks' own duties, the links, the linked lists' duties).
    with django_assert_max_num_queries(9):
        figures_ledger.section(city)
    with django_assert_max_num_queries(10):  # his units, for the ledger's visibility rule
        figures_ledger.section(mine)
