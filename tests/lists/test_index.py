"""The list index: visibility, filters, counts, htmx partial, bad input and a constant number of queries."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.lists import completion, services
from luoshi.lists.models import ResponsibilityList
from tests.conftest import NOW, SHANGHAI, TODAY, english, login

INDEX = reverse("lists:index")


def make_list(
    office,
    *,
    lead_unit,
    co_units=(),
    leader=None,
    at=NOW,
    deadline_days=60,
    every=14,
    title="推进重点项目",
    source="instruction",
    content="",
    publish=True,
) -> ResponsibilityList:
    """A list created (and published) at `at`: its first report falls `every` days later.

    Seen on TODAY: at=NOW, every=14 → green; every=2 → yellow (due soon);
    at=NOW-30 days → red (report 16 days overdue).
    """
    rlist = services.do_create_list(
        office,
        source=source,
        title=title,
        content=content,
        leader=leader,
        lead_unit=lead_unit,
        co_units=list(co_units),
        deadline=at.date() + timedelta(days=deadline_days),
        report_every_days=every,
        now=at,
    )
    return services.do_publish(office, rlist, now=at) if publish else rlist


def close_list(office, rlist, liaisons, at=NOW):
    """Every unit asks for completion, the office accepts each and strikes the list off."""
    for ob in rlist.duties.select_related("unit"):
        duty_services.do_report(liaisons[ob.unit_id], ob, progress=100, done="完成", request_completion=True, now=at)
        duty_completion.do_accept(office, ob, now=at)
    return completion.do_close(office, rlist, now=at)


def titles(response) -> list[str]:
    return [row.rlist.title for row in response.context["rows"]]


@pytest.fixture
def city(office, leader, other_leader, unit_a, unit_b, unit_c):
    """Green, yellow and red lists over three units and two leaders, a draft, and a list of last year."""
    return {
        "green": make_list(office, title="绿灯清单", lead_unit=unit_a, co_units=[unit_b], leader=leader),
        "yellow": make_list(office, title="黄灯清单", lead_unit=unit_b, leader=leader, every=2, source="media"),
        "red": make_list(office, title="红灯清单", lead_unit=unit_c, leader=other_leader, at=NOW - timedelta(days=30)),
        "draft": make_list(office, title="草稿清单", lead_unit=unit_a, leader=leader, publish=False),
        "old": make_list(
            office,
            title="去年清单",
            lead_unit=unit_c,
            leader=other_leader,
            at=datetime(2025, 11, 3, 10, tzinfo=SHANGHAI),
            deadline_days=100,  # past its deadline by now: red
            every=30,
        ),
    }


@pytest.fixture
def travel():
    with time_machine.travel(NOW, tick=False):
        yield


pytestmark = pytest.mark.usefixtures("travel")


def test_anonymous_people_are_sent_to_log_in(client, db):
    response = client.get(INDEX)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_office_sees_every_list_drafts_included(client, office, city):
    response = login(client, office).get(INDEX)
    assert response.status_code == 200
    assert set(titles(response)) == {"绿灯清单", "黄灯清单", "红灯清单", "草稿清单", "去年清单"}
    assert "红灯清单" in response.content.decode()


def test_unit_people_see_only_their_units_lists(client, liaison_b, city):
    response = login(client, liaison_b).get(INDEX)
    assert response.status_code == 200
    assert set(titles(response)) == {"绿灯清单", "黄灯清单"}  # lead of one, co-handling unit of the other


def test_other_units_people_dont_see_the_list_in_index(client, outsider, published_list):
    response = login(client, outsider).get(INDEX)
    assert response.status_code == 200
    assert titles(response) == []
    assert published_list.title not in response.content.decode()
    # Nor can they filter their way to it: the other units are not even among the choices.
    assert login(client, outsider).get(INDEX, {"unit": published_list.duties.first().unit_id}).status_code == 400


def test_a_leader_sees_own_lists_and_those_of_supervised_units(client, leader, other_leader, unit_a, office, city):
    theirs = make_list(office, title="赵领导的工信委清单", lead_unit=unit_a, leader=other_leader)
    response = login(client, leader).get(INDEX)
    assert set(titles(response)) == {
        "绿灯清单",
        "黄灯清单",
        theirs.title,
    }  # not the draft: the office's until published


def test_it_filters_by_light(client, office, city):
    login(client, office)
    assert titles(client.get(INDEX, {"light": "green"})) == ["绿灯清单"]
    assert titles(client.get(INDEX, {"light": "yellow"})) == ["黄灯清单"]
    assert set(titles(client.get(INDEX, {"light": "red"}))) == {"红灯清单", "去年清单"}


def test_it_filters_by_status_source_leader_unit_year_and_text(client, office, leader, unit_b, city):
    login(client, office)
    assert titles(client.get(INDEX, {"status": "draft"})) == ["草稿清单"]
    assert titles(client.get(INDEX, {"source": "media"})) == ["黄灯清单"]
    assert set(titles(client.get(INDEX, {"leader": leader.pk}))) == {"绿灯清单", "黄灯清单", "草稿清单"}
    assert set(titles(client.get(INDEX, {"unit": unit_b.pk}))) == {"绿灯清单", "黄灯清单"}
    assert titles(client.get(INDEX, {"year": 2025})) == ["去年清单"]
    assert titles(client.get(INDEX, {"q": "黄灯"})) == ["黄灯清单"]
    assert titles(client.get(INDEX, {"q": city["red"].code})) == ["红灯清单"]
    assert titles(client.get(INDEX, {"leader": leader.pk, "unit": unit_b.pk, "status": "in_progress"})) == [
        "黄灯清单",
        "绿灯清单",
    ]


def test_it_filters_overdue_lists(client, office, city):
    response = login(client, office).get(INDEX, {"overdue": "1"})
    assert set(titles(response)) == {"红灯清单", "去年清单"}
    assert len(titles(login(client, office).get(INDEX, {"overdue": ""}))) == 5


def test_status_counts_follow_every_filter_but_status(client, office, city):
    login(client, office)
    counts = {t["value"]: t["count"] for t in client.get(INDEX, {"status": "draft"}).context["tabs"]}
    assert counts == {"": 5, "draft": 1, "in_progress": 4, "suspended": 0, "closed": 0, "cancelled": 0}
    # Each list judged on its own dates: one red list this year, not every list of its status.
    counts = {t["value"]: t["count"] for t in client.get(INDEX, {"light": "red", "year": 2026}).context["tabs"]}
    assert counts == {"": 1, "draft": 0, "in_progress": 1, "suspended": 0, "closed": 0, "cancelled": 0}


def test_rows_show_light_units_progress_and_next_report_due(client, office, liaison_a, city):
    ob = city["green"].duties.get(unit__name="市工信委")
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        duty_services.do_report(liaison_a, ob, progress=60, done="完成规划")
    response = login(client, office).get(INDEX, {"q": "绿灯"})
    (row,) = response.context["rows"]
    assert row.light == "green"
    assert [o.unit.name for o in row.lead_obligations] == ["市工信委"]
    assert [o.unit.name for o in row.co_obligations] == ["城关区"]
    assert row.avg_progress == 30
    assert row.open_due == TODAY + timedelta(days=14)
    html = response.content.decode()
    assert reverse("lists:loop", args=[row.rlist.pk]) in html
    assert (TODAY + timedelta(days=14)).isoformat() in html
    assert "light-green" in html
    assert "60%" in html


def test_closed_lists_show_no_light(client, office, unit_a, liaison_a):
    rlist = make_list(office, title="已销号清单", lead_unit=unit_a)
    close_list(office, rlist, {unit_a.pk: liaison_a})
    response = login(client, office).get(INDEX, {"status": "closed"})
    (row,) = response.context["rows"]
    assert row.light is None
    assert row.avg_progress == 100


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"leader": "abc"}, "leader"),
        ({"leader": "999999"}, "leader"),
        ({"unit": "x"}, "unit"),
        ({"year": "x"}, "year"),
        ({"year": "99999"}, "year"),
        ({"light": "purple"}, "light"),
        ({"status": "done"}, "status"),
        ({"source": "gossip"}, "source"),
        ({"overdue": "maybe"}, "Overdue"),
        ({"q": "长" * 101}, "too long"),
        ({"page": "zero"}, "page"),
    ],
)
def test_it_refuses_bad_filter_values_with_400(client, office, city, params, message):
    response = english(login(client, office)).get(INDEX, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "rows" not in response.context
    assert response.context["errors"]


def test_a_bad_filter_from_htmx_gets_the_message_in_the_partial(client, office, city):
    response = login(client, office).get(
        INDEX, {"light": "purple"}, headers={"HX-Request": "true", "HX-Target": "index-results"}
    )
    assert response.status_code == 400
    assert "<html" not in response.content.decode()
    assert "purple" in response.content.decode()


def test_htmx_gets_only_the_table(client, office, city):
    response = login(client, office).get(
        INDEX, {"q": "", "status": "", "light": "yellow"}, headers={"HX-Request": "true", "HX-Target": "index-results"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "<table" in html
    assert "黄灯清单" in html and "绿灯清单" not in html
    assert "HX-Request" in response["Vary"]
    assert response["HX-Push-Url"] == f"{INDEX}?light=yellow"  # the form's empty fields left out


def test_the_page_has_the_htmx_filter_form_and_export_links_with_the_filters(client, office, leader, city):
    html = login(client, office).get(INDEX, {"leader": leader.pk, "light": "green"}).content.decode()
    assert 'hx-target="#index-results"' in html
    assert 'hx-push-url="true"' in html
    assert f"/lists/export.xlsx?leader={leader.pk}&amp;light=green" in html
    assert f"/lists/export.csv?leader={leader.pk}&amp;light=green" in html
    assert f'<option value="{leader.pk}" selected>' in html


def test_it_paginates(client, office, unit_a, settings):
    settings.LUOSHI_PAGE_SIZE = 2
    for i in range(5):
        make_list(office, title=f"清单{i}", lead_unit=unit_a)
    login(client, office)
    first = client.get(INDEX)
    assert titles(first) == ["清单4", "清单3"]
    assert first.context["page"].paginator.num_pages == 3
    assert titles(client.get(INDEX, {"page": 3})) == ["清单0"]
    assert titles(client.get(INDEX, {"page": 99})) == ["清单0"]  # past the end: the last page
    assert "page=2" in first.content.decode()


# The index's own queries: three filter choices, status counts, paginator count, the page's ids (one per
# light segment read, up to four: lists.paging), rows, handling units (10); the shell around it: session,
# user, the header's unread count, user.unit (up to 4); slack for the shell (1).
INDEX_QUERIES = 15


@pytest.mark.parametrize("who", ["office", "leader", "liaison_b"])
def test_index_runs_a_constant_number_of_queries(
    client, office, leader, liaison_a, liaison_b, unit_a, unit_b, django_assert_max_num_queries, who
):
    def add_lists(n):
        for i in range(n):
            rlist = make_list(office, title=f"清单{i}", lead_unit=unit_a, co_units=[unit_b], leader=leader)
            if i % 3 == 0:
                ob = rlist.duties.get(unit=unit_a)
                duty_services.do_report(liaison_a, ob, progress=50, done="进行中", now=NOW)

    login(client, {"office": office, "leader": leader, "liaison_b": liaison_b}[who])
    params = {"unit": unit_b.pk, "leader": leader.pk, "light": "green"}
    counts = []
    for n in (5, 25):  # 5 lists, then 30
        add_lists(n)
        client.get(INDEX, params)  # warm the cached light policy
        with django_assert_max_num_queries(INDEX_QUERIES) as ctx:
            response = client.get(INDEX, params)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert len(response.context["rows"]) == 30
    assert counts[0] == counts[1], counts
    print(f"{who}: {counts[1]} queries with 5 and with 30 lists")


# ---------------------------------------------------------------- a leader's page

LEADER = reverse("lists:leader")


@pytest.fixture
def portfolio(office, leader, other_leader, unit_a, unit_b, unit_c):
    """leader supervises unit_a; other_leader supervises unit_c."""
    return {
        "mine": make_list(office, title="我负责的清单", lead_unit=unit_b, leader=leader),
        "supervised": make_list(office, title="分管单位的清单", lead_unit=unit_a, leader=other_leader),
        "both": make_list(office, title="两者皆是", lead_unit=unit_a, leader=leader, every=2),
        "elsewhere": make_list(office, title="别人的清单", lead_unit=unit_c, leader=other_leader),
    }


def test_leader_page_shows_own_lists_and_those_of_supervised_units(client, leader, portfolio):
    response = login(client, leader).get(LEADER)
    assert response.status_code == 200
    assert set(titles(response)) == {"我负责的清单", "分管单位的清单", "两者皆是"}
    scopes = {s["value"]: s["count"] for s in response.context["scopes"]}
    assert scopes == {"all": 3, "mine": 2, "units": 2}
    assert {t["value"]: t["count"] for t in response.context["tabs"]}[""] == 3
    assert "市工信委" in response.content.decode()  # the supervised units are named


def test_leader_page_scopes(client, leader, portfolio):
    login(client, leader)
    assert set(titles(client.get(LEADER, {"scope": "mine"}))) == {"我负责的清单", "两者皆是"}
    assert set(titles(client.get(LEADER, {"scope": "units"}))) == {"分管单位的清单", "两者皆是"}
    assert titles(client.get(LEADER, {"status": "closed"})) == []


def test_another_leader_sees_nothing_of_it(client, other_leader, portfolio):
    response = login(client, other_leader).get(LEADER, {"scope": "mine"})
    assert set(titles(response)) == {"分管单位的清单", "别人的清单"}
    assert "我负责的清单" not in response.content.decode()


def test_leader_page_is_404_for_non_leaders(client, office, liaison_a, portfolio):
    assert login(client, office).get(LEADER).status_code == 404
    assert login(client, liaison_a).get(LEADER).status_code == 404


@pytest.mark.parametrize(
    ("params", "message"), [({"scope": "everyone"}, "everyone"), ({"status": "done"}, "done"), ({"page": "-1"}, "page")]
)
def test_leader_page_refuses_bad_input_with_400(client, leader, portfolio, params, message):
    response = login(client, leader).get(LEADER, params)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize("n", [3, 20])
def test_leader_page_runs_a_constant_number_of_queries(
    client, leader, office, unit_a, unit_b, django_assert_max_num_queries, n
):
    for i in range(n):
        make_list(office, title=f"清单{i}", lead_unit=unit_a, co_units=[unit_b], leader=leader)
    login(client, leader)
    with django_assert_max_num_queries(13):  # the page's ids read light segment by light segment (up to 4)
        response = client.get(LEADER)
    assert len(response.context["rows"]) == n
