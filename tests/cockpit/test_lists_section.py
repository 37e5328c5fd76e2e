"""The cockpit's lists section: each number equals the count of the lists index it links to."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from luoshi.cockpit import figures_lists
from luoshi.cockpit.scope import for_leader
from tests.cockpit.drill import checked_links, drill_count
from tests.conftest import NOW, SHANGHAI, TODAY
from tests.lists.test_index import close_list, make_list

YEAR = (date(2026, 1, 1), date(2026, 12, 31))
INDEX = reverse("lists:index")


@pytest.fixture(autouse=True)
def travel():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


@pytest.fixture
def city(office, leader, other_leader, unit_a, unit_b, unit_c, liaison_a, liaison_b):
    """leader: green, yellow and one struck off today (published in January), a draft; other_leader: red, and a
    list of 2025 still on the books (red: past its deadline)."""
    closed = make_list(
        office, title="已销号", lead_unit=unit_a, co_units=[unit_b], leader=leader, at=NOW - timedelta(days=40)
    )
    close_list(office, closed, {unit_a.pk: liaison_a, unit_b.pk: liaison_b})
    return {
        "closed": closed,
        "green": make_list(office, title="绿灯清单", lead_unit=unit_a, co_units=[unit_b], leader=leader),
        "yellow": make_list(office, title="黄灯清单", lead_unit=unit_b, leader=leader, every=2),
        "red": make_list(office, title="红灯清单", lead_unit=unit_c, leader=other_leader, at=NOW - timedelta(days=30)),
        "draft": make_list(office, title="草稿清单", lead_unit=unit_a, leader=leader, publish=False),
        "old": make_list(
            office,
            title="去年清单",
            lead_unit=unit_c,
            leader=other_leader,
            at=datetime(2025, 11, 3, 10, tzinfo=SHANGHAI),
            deadline_days=100,
            every=30,
        ),
    }


def values(section) -> dict[str, int]:
    return {f["key"]: f["value"] for f in section["figures"]}


def chart(section, key):
    found = next(c for c in section["charts"] if c["key"] == key)
    return {
        s["color"] if "color" in s else s["name"]: dict(zip(found["labels"], s["data"], strict=True))
        for s in found["series"]
    }


def test_the_whole_city_counts_the_periods_lists_and_those_on_the_books(as_, office, city):
    section = figures_lists.section(for_leader(office, None, *YEAR, TODAY))
    assert values(section) == {"issued": 4, "completed": 1, "in_progress": 4, "overdue": 2}
    assert chart(section, "by_light") == {
        "red": {"In progress": 2},
        "yellow": {"In progress": 1},
        "green": {"In progress": 1},
    }
    by_leader = chart(section, "by_leader")
    assert by_leader["Issued"] == {"李副市长": 3, "赵副市长": 1}
    assert by_leader["Overdue"] == {"李副市长": 0, "赵副市长": 2}
    by_unit = chart(section, "by_unit")
    assert by_unit["Issued"] == {"市工信委": 2, "城关区": 3, "榆中县": 1}
    assert by_unit["In progress"] == {"市工信委": 1, "城关区": 2, "榆中县": 2}
    issued, completed = section["trend"]
    assert issued["data"] == [2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert completed["data"] == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert checked_links(as_(office), section) > 20


def test_a_leaders_scope_is_the_lists_he_is_responsible_for(as_, office, leader, city):
    section = figures_lists.section(for_leader(leader, leader, *YEAR, TODAY))
    assert values(section) == {"issued": 3, "completed": 1, "in_progress": 2, "overdue": 0}
    assert chart(section, "by_light") == {
        "red": {"In progress": 0},
        "yellow": {"In progress": 1},
        "green": {"In progress": 1},
    }
    assert set(chart(section, "by_unit")["Issued"]) == {"市工信委", "城关区"}  # not the other leader's 榆中县
    # the leader himself follows the links, and so does the office looking at his cockpit
    assert checked_links(as_(leader), section) > 10
    assert checked_links(as_(office), section) > 10


def test_the_red_segment_lands_on_exactly_the_red_lists(as_, office, other_leader, city):
    section = figures_lists.section(for_leader(office, other_leader, *YEAR, TODAY))
    red = next(
        s for s in next(c for c in section["charts"] if c["key"] == "by_light")["series"] if s.get("color") == "red"
    )
    assert red["data"] == [2]
    response = as_(office).get(red["urls"][0])
    assert {row.rlist.title for row in response.context["rows"]} == {"红灯清单", "去年清单"}


def test_a_past_week_counts_what_happened_in_it(as_, office, city):
    week = (TODAY - timedelta(days=7), TODAY - timedelta(days=1))
    section = figures_lists.section(for_leader(office, None, *week, TODAY))
    # nothing published nor struck off that week; on the books by its end: the red list and last year's
    assert values(section) == {"issued": 0, "completed": 0, "in_progress": 2, "overdue": 2}
    assert checked_links(as_(office), section) > 0


def test_the_index_takes_days_and_refuses_bad_ones_naming_them(as_, office, city):
    client = as_(office)
    assert drill_count(client, f"{INDEX}?from=2026-01-01&to=2026-01-31") == 2
    assert drill_count(client, f"{INDEX}?status=closed&closed_from=2026-03-02&closed_to=2026-03-02") == 1
    for name in ("from", "to", "closed_from", "closed_to"):
        response = client.get(INDEX, {name: "2026-02-30"})
        assert response.status_code == 400
        assert f"“{name}”" in response.content.decode()


def test_a_leader_without_lists_is_a_leader_to_filter_by(as_, office, city):
    from tests.conftest import make_person

    newcomer = make_person("leader3", ["leader"], name="钱副市长")
    section = figures_lists.section(for_leader(office, newcomer, *YEAR, TODAY))
    assert values(section) == {"issued": 0, "completed": 0, "in_progress": 0, "overdue": 0}
    assert checked_links(as_(office), section) > 0


@pytest.mark.parametrize("n", [1, 8])
def test_the_section_runs_a_constant_number_of_queries(
    office, leader, unit_a, unit_b, n, django_assert_max_num_queries
):
    for i in range(n):
        make_list(office, title=f"清单{i}", lead_unit=unit_a, co_units=[unit_b], leader=leader)
    for who in (None, leader):
        with django_assert_max_num_queries(6):
            figures_lists.section(for_leader(office, who, *YEAR, TODAY))
