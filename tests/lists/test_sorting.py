"""Sorting the index, the leader page and the API: every column, both ways, a stable tie-break, bad keys
refused, a constant number of queries whatever the order."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from luoshi.duties import services as duty_services
from luoshi.lists import queries
from tests.conftest import NOW, SHANGHAI, ApiClient, english, login
from tests.lists.test_index import INDEX_QUERIES, close_list, make_list, titles

INDEX = reverse("lists:index")
LEADER = reverse("lists:leader")


@pytest.fixture(autouse=True)
def travel():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def city(office, leader, other_leader, unit_a, unit_b, unit_c):
    """As in test_index: green, yellow and red lists, a draft, and a red list of last year."""
    last_year = datetime(2025, 11, 3, 10, tzinfo=SHANGHAI)
    return {
        "green": make_list(office, title="绿灯清单", lead_unit=unit_a, co_units=[unit_b], leader=leader),
        "yellow": make_list(office, title="黄灯清单", lead_unit=unit_b, leader=leader, every=2, source="media"),
        "red": make_list(office, title="红灯清单", lead_unit=unit_c, leader=other_leader, at=NOW - timedelta(days=30)),
        "draft": make_list(office, title="草稿清单", lead_unit=unit_a, leader=leader, publish=False),
        "old": make_list(
            office, title="去年清单", lead_unit=unit_c, leader=other_leader, at=last_year, deadline_days=100, every=30
        ),
    }


def test_by_default_the_worst_light_comes_first_then_the_earliest_deadline(client, office, city):
    response = login(client, office).get(INDEX)
    # Red: last year's list (deadline in February) before this year's (deadline in April); drafts have no light.
    assert titles(response) == ["去年清单", "红灯清单", "黄灯清单", "绿灯清单", "草稿清单"]
    assert response.context["sort"] == "light"


def test_light_descending_puts_green_first_and_no_light_first_too(client, office, city):
    assert titles(login(client, office).get(INDEX, {"sort": "-light"})) == [
        "草稿清单",
        "绿灯清单",
        "黄灯清单",
        "去年清单",
        "红灯清单",
    ]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        # codes: the old list got 2025-ZR-0001, this year's 2026-ZR-0001..3; the draft has none, last either way
        ("code", ["去年清单", "绿灯清单", "黄灯清单", "红灯清单", "草稿清单"]),
        ("-code", ["红灯清单", "黄灯清单", "绿灯清单", "去年清单", "草稿清单"]),
        # source in the order of the choices: instructions before media; ties newest first
        ("source", ["去年清单", "草稿清单", "红灯清单", "绿灯清单", "黄灯清单"]),
        ("-source", ["黄灯清单", "去年清单", "草稿清单", "红灯清单", "绿灯清单"]),
        # the lead unit's name by code point: 城关区, 市工信委, 榆中县
        ("units", ["黄灯清单", "草稿清单", "绿灯清单", "去年清单", "红灯清单"]),
        ("status", ["草稿清单", "去年清单", "红灯清单", "黄灯清单", "绿灯清单"]),
        ("-status", ["去年清单", "红灯清单", "黄灯清单", "绿灯清单", "草稿清单"]),
        # next report due: the yellow list's in 2 days; drafts (none) last either way
        ("due", ["去年清单", "红灯清单", "黄灯清单", "绿灯清单", "草稿清单"]),
        ("deadline", ["去年清单", "红灯清单", "草稿清单", "黄灯清单", "绿灯清单"]),
        ("-deadline", ["草稿清单", "黄灯清单", "绿灯清单", "红灯清单", "去年清单"]),
    ],
)
def test_every_column_sorts(client, office, city, sort, expected):
    for name in ("green", "yellow", "red", "draft", "old"):
        city[name].refresh_from_db()
    assert titles(login(client, office).get(INDEX, {"sort": sort})) == expected


def test_sorting_by_title_leader_and_progress(client, office, leader, other_leader, unit_a, liaison_a):
    a = make_list(office, title="A 清单", lead_unit=unit_a, leader=other_leader)
    b = make_list(office, title="B 清单", lead_unit=unit_a, leader=leader)
    make_list(office, title="C 清单", lead_unit=unit_a)
    duty_services.do_report(liaison_a, b.duties.get(), progress=70, done="进展", now=NOW)
    duty_services.do_report(liaison_a, a.duties.get(), progress=30, done="进展", now=NOW)
    login(client, office)
    assert titles(client.get(INDEX, {"sort": "title"})) == ["A 清单", "B 清单", "C 清单"]
    assert titles(client.get(INDEX, {"sort": "-title"})) == ["C 清单", "B 清单", "A 清单"]
    # leader names: 李副市长 < 赵副市长 by code point; no leader last either way
    assert titles(client.get(INDEX, {"sort": "leader"})) == ["B 清单", "A 清单", "C 清单"]
    assert titles(client.get(INDEX, {"sort": "-leader"})) == ["A 清单", "B 清单", "C 清单"]
    assert titles(client.get(INDEX, {"sort": "progress"})) == ["C 清单", "A 清单", "B 清单"]
    assert titles(client.get(INDEX, {"sort": "-progress"})) == ["B 清单", "A 清单", "C 清单"]


def test_ties_are_broken_by_id_so_pages_never_repeat_or_skip(client, office, unit_a, settings):
    settings.LUOSHI_PAGE_SIZE = 2
    for i in range(5):
        make_list(office, title=f"清单{i}", lead_unit=unit_a)  # same light, deadline, source, unit
    login(client, office)
    seen = []
    for page in (1, 2, 3):
        seen += titles(client.get(INDEX, {"sort": "source", "page": page}))
    assert seen == ["清单4", "清单3", "清单2", "清单1", "清单0"]


@pytest.mark.parametrize("sort", ["id", "-", "--light", "light;drop", "Light", "-title "])
def test_an_unknown_sort_is_a_400_naming_the_choices(client, office, city, sort):
    response = english(login(client, office)).get(INDEX, {"sort": sort})
    if sort == "-title ":  # surrounding white space is forgiven, as for the other filters
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert "Unknown sort" in response.content.decode()
    assert "deadline" in response.content.decode()


def test_headings_link_to_their_sort_with_htmx_and_an_arrow(client, office, city):
    html = login(client, office).get(INDEX, {"sort": "deadline", "light": "red"}).content.decode()
    assert 'href="?sort=-deadline&amp;light=red"' in html  # the sorted column: the other way next
    assert 'hx-get="?sort=-deadline&amp;light=red" hx-target="#index-results" hx-push-url="true"' in html
    assert 'href="?sort=title&amp;light=red"' in html
    assert 'aria-sort="ascending"' in html and "▲" in html
    html = login(client, office).get(INDEX, {"sort": "-deadline"}).content.decode()
    assert 'aria-sort="descending"' in html and "▼" in html
    # The filter form sends the sort along, so filtering keeps the order.
    assert '<input type="hidden" name="sort" value="-deadline" form="index-filters">' in html
    assert 'id="index-filters"' in html


def test_the_export_follows_the_sort(client, office, city):
    response = login(client, office).get(reverse("lists:export", args=["csv"]), {"sort": "title"})
    body = response.content.decode("utf-8-sig")
    order = [t for t in ("去年清单", "红灯清单", "黄灯清单", "绿灯清单", "草稿清单") if t in body]
    assert sorted(order, key=body.index) == sorted(order)  # by code point, as the database sorts
    assert login(client, office).get(reverse("lists:export", args=["csv"]), {"sort": "nope"}).status_code == 400


# ---------------------------------------------------------------- the leader page


@pytest.fixture
def desk(office, leader, unit_a, unit_b, liaison_a, liaison_b):
    """The leader's lists: green, yellow, red, one struck off."""
    lists = {
        "green": make_list(office, title="绿", lead_unit=unit_b, leader=leader),
        "yellow": make_list(office, title="黄", lead_unit=unit_b, leader=leader, every=2),
        "red": make_list(office, title="红", lead_unit=unit_a, leader=leader, at=NOW - timedelta(days=30)),
        "closed": make_list(office, title="已销号", lead_unit=unit_a, leader=leader),
    }
    close_list(office, lists["closed"], {unit_a.pk: liaison_a})
    return lists


def test_the_leader_page_puts_red_first_and_keeps_struck_off_lists_apart(client, leader, desk):
    response = english(login(client, leader)).get(LEADER)
    assert titles(response) == ["红", "黄", "绿"]
    tabs = {t["value"]: (t["count"], t["active"]) for t in response.context["tabs"]}
    assert tabs == {"": (3, True), "closed": (1, False)}
    html = response.content.decode()
    assert "1 struck-off list is kept apart." in html
    assert "?status=closed" in html
    struck_off = login(client, leader).get(LEADER, {"status": "closed"})
    assert titles(struck_off) == ["已销号"]
    assert "kept apart" not in struck_off.content.decode()


def test_every_column_of_the_leader_page_sorts(client, leader, desk):
    login(client, leader)
    assert titles(client.get(LEADER, {"sort": "title"})) == sorted(["红", "黄", "绿"])
    assert titles(client.get(LEADER, {"sort": "-light"})) == ["绿", "黄", "红"]
    assert titles(client.get(LEADER, {"sort": "due"})) == ["红", "黄", "绿"]
    html = client.get(LEADER, {"sort": "title", "scope": "mine"}).content.decode()
    assert 'href="?sort=-title&amp;scope=mine"' in html and "hx-get" not in html.split("<table", 1)[1]
    assert client.get(LEADER, {"sort": "bogus"}).status_code == 400


# ---------------------------------------------------------------- the API


def test_the_api_sorts_with_the_same_keys(office, city):
    api = ApiClient(office)
    items = api.get("/lists").json()["items"]
    assert [i["title"] for i in items] == ["去年清单", "红灯清单", "黄灯清单", "绿灯清单", "草稿清单"]
    items = api.get("/lists", sort="-deadline").json()["items"]
    assert [i["title"] for i in items][:2] == ["草稿清单", "黄灯清单"]
    assert api.get("/lists", sort="").json()["items"][0]["title"] == "去年清单"
    r = api.get("/lists", sort="secret")
    assert r.status_code == 400
    assert r.json()["field"] == "sort"


# ---------------------------------------------------------------- constant queries


def add_lists(office, leader, unit_a, unit_b, liaison_a, n):
    for i in range(n):
        rlist = make_list(
            office, title=f"清单{i}", lead_unit=unit_a, co_units=[unit_b], leader=leader, every=2 + i % 20
        )
        if i % 3 == 0:
            duty_services.do_report(
                liaison_a, rlist.duties.get(unit=unit_a), progress=10 * (i % 10), done="进展", now=NOW
            )


@pytest.mark.parametrize("sort", [f"{d}{k}" for k in queries.SORTS for d in ("", "-")])
def test_the_sorted_index_runs_a_constant_number_of_queries(
    client, office, leader, liaison_a, unit_a, unit_b, django_assert_max_num_queries, sort
):
    login(client, office)
    counts = []
    for n in (3, 12):
        add_lists(office, leader, unit_a, unit_b, liaison_a, n)
        client.get(INDEX, {"sort": sort})  # warm the cached light policy
        with django_assert_max_num_queries(INDEX_QUERIES) as ctx:
            response = client.get(INDEX, {"sort": sort})
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert len(response.context["rows"]) == 15
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("sort", ["", "title", "-progress", "units"])
def test_the_sorted_leader_page_runs_a_constant_number_of_queries(
    client, office, leader, liaison_a, unit_a, unit_b, django_assert_max_num_queries, sort
):
    login(client, leader)
    counts = []
    for n in (3, 12):
        add_lists(office, leader, unit_a, unit_b, liaison_a, n)
        client.get(LEADER, {"sort": sort})
        with django_assert_max_num_queries(15) as ctx:
            response = client.get(LEADER, {"sort": sort})
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert len(response.context["rows"]) == 15
    assert counts[0] == counts[1], counts
