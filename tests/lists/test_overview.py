"""The overview: lists issued / completed / in progress / overdue, in all, per leader and per unit."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import NOW, SHANGHAI, english, login
from tests.lists.test_index import close_list, make_list

OVERVIEW = reverse("lists:overview")


@pytest.fixture(autouse=True)
def travel():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def year_2026(office, leader, other_leader, unit_a, unit_b, unit_c, liaison_a):
    """leader: 1 closed, 1 overdue, 1 on time; other_leader: 1 on time; a draft; a list of 2025."""
    closed = make_list(office, title="已销号", lead_unit=unit_a, leader=leader, at=NOW - timedelta(days=40))
    close_list(office, closed, {unit_a.pk: liaison_a})
    make_list(office, title="逾期", lead_unit=unit_a, co_units=[unit_b], leader=leader, at=NOW - timedelta(days=30))
    make_list(office, title="按时", lead_unit=unit_b, leader=leader)
    make_list(office, title="其他领导", lead_unit=unit_c, leader=other_leader)
    make_list(office, title="草稿", lead_unit=unit_a, leader=leader, publish=False)
    make_list(office, title="去年", lead_unit=unit_c, leader=other_leader, at=datetime(2025, 10, 1, 9, tzinfo=SHANGHAI))


def by_name(rows):
    return {r["name"]: {k: r[k] for k in ("issued", "completed", "in_progress", "overdue")} for r in rows}


def test_overview_counts_match_the_records(client, office, year_2026):
    response = login(client, office).get(OVERVIEW)
    assert response.status_code == 200
    assert response.context["year"] == 2026
    assert response.context["totals"] == {
        "issued": 4,
        "completed": 1,
        "in_progress": 3,
        "overdue": 1,
        "suspended": 0,
        "cancelled": 0,
    }
    assert by_name(response.context["per_leader"]) == {
        "李副市长": {"issued": 3, "completed": 1, "in_progress": 2, "overdue": 1},
        "赵副市长": {"issued": 1, "completed": 0, "in_progress": 1, "overdue": 0},
    }
    assert by_name(response.context["per_unit"]) == {
        "市工信委": {"issued": 2, "completed": 1, "in_progress": 1, "overdue": 1},
        "城关区": {"issued": 2, "completed": 0, "in_progress": 2, "overdue": 1},
        "榆中县": {"issued": 1, "completed": 0, "in_progress": 1, "overdue": 0},
    }


def test_the_year_is_chosen_among_the_years_that_exist(client, office, year_2026):
    login(client, office)
    response = client.get(OVERVIEW, {"year": 2025})
    assert response.context["totals"] == {
        "issued": 1,
        "completed": 0,
        "in_progress": 1,
        "overdue": 1,
        "suspended": 0,
        "cancelled": 0,
    }
    assert response.context["years"] == [2026, 2025]
    response = client.get(OVERVIEW, {"year": "all"})
    assert response.context["totals"]["issued"] == 5
    assert '<option value="2025"' in response.content.decode()


def test_the_page_draws_its_charts_from_local_echarts_and_json_data(client, office, year_2026):
    html = login(client, office).get(OVERVIEW).content.decode()
    assert '<script id="overview-data" type="application/json">' in html
    assert "/static/vendor/echarts-6.1.0/echarts.min.js" in html
    assert "/static/luoshi/overview.js" in html
    # Every script and stylesheet from this server (the page's random CSRF token may spell "cdn").
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert all(u.startswith(("/", "#", "?")) for u in urls), urls
    assert "https://" not in html
    data = login(client, office).get(OVERVIEW).context["data"]
    assert data["leaders"]["names"] == ["李副市长", "赵副市长"]
    assert data["leaders"]["overdue"] == [1, 0]
    assert set(data["labels"]) == {"issued", "completed", "in_progress", "overdue"}


def test_unit_people_see_figures_of_their_units_lists_only(client, liaison_b, outsider, year_2026):
    response = login(client, liaison_b).get(OVERVIEW)
    assert response.context["totals"] == {
        "issued": 2,
        "completed": 0,
        "in_progress": 2,
        "overdue": 1,
        "suspended": 0,
        "cancelled": 0,
    }
    assert "已销号" not in response.content.decode()
    response = login(client, outsider).get(OVERVIEW)
    assert response.context["totals"]["issued"] == 1
    assert by_name(response.context["per_leader"]) == {
        "赵副市长": {"issued": 1, "completed": 0, "in_progress": 1, "overdue": 0}
    }


def test_a_leader_sees_own_and_supervised_figures(client, other_leader, year_2026):
    response = login(client, other_leader).get(OVERVIEW)
    # Their own list (on unit_c, which they also supervise); not leader's lists on unit_a and unit_b.
    assert response.context["totals"] == {
        "issued": 1,
        "completed": 0,
        "in_progress": 1,
        "overdue": 0,
        "suspended": 0,
        "cancelled": 0,
    }


@pytest.mark.parametrize("year", ["x", "20266", "1"])
def test_overview_refuses_a_bad_year_with_400(client, office, year_2026, year):
    response = login(client, office).get(OVERVIEW, {"year": year})
    assert response.status_code == 400
    assert year in response.content.decode()


def test_overview_needs_a_login(client, db):
    assert client.get(OVERVIEW).status_code == 302


def test_lists_without_a_leader_are_counted_apart(client, office, unit_a):
    make_list(office, title="无领导", lead_unit=unit_a)
    response = english(login(client, office)).get(OVERVIEW)
    assert by_name(response.context["per_leader"]) == {
        "No responsible leader": {"issued": 1, "completed": 0, "in_progress": 1, "overdue": 0}
    }


@pytest.mark.parametrize("n", [3, 15])
def test_overview_runs_a_constant_number_of_queries(
    client, office, leader, unit_a, unit_b, django_assert_max_num_queries, n
):
    for i in range(n):
        make_list(office, title=f"清单{i}", lead_unit=unit_a, co_units=[unit_b], leader=leader, every=2 + i)
    login(client, office)
    with django_assert_max_num_queries(10):
        assert client.get(OVERVIEW).status_code == 200
