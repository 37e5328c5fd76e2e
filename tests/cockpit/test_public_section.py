"""The cockpit's public section: problems received (by channel), handled on time, solved, closed but not
solved, the month's three rates and rankings, the trend; each counted number equals the problems index it
links to; a leader's scope is his supervised units' problems; a constant number of queries."""

from datetime import date, timedelta

import pytest
from django.utils import translation

from luoshi.cockpit import figures_public
from luoshi.cockpit.scope import for_leader
from luoshi.public import dispatch, handling, intake
from tests.cockpit.drill import checked_links, drill_count
from tests.conftest import NOW, TODAY
from tests.public.conftest import submission

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def _accepted(office, at=NOW, **changes):
    return intake.do_accept(office, intake.do_submit(office, submission(**changes), now=at)[0], now=at)


def _handled(office, liaison, unit, *, sign_after: int, solved: bool, at=NOW, **changes):
    p = _accepted(office, at=at, **changes)
    dispatch.do_dispatch(office, p, unit.pk, now=at)
    handling.do_sign(liaison, p, unit.pk, now=at + timedelta(hours=sign_after))
    handling.do_reply(liaison, p, unit.pk, "已处理", now=at + timedelta(hours=sign_after + 1))
    handling.do_visit(
        office, p, "satisfied" if solved else "basically", solved, now=at + timedelta(hours=sign_after + 2)
    )
    return p


@pytest.fixture
def liaison_c(db, unit_c):
    from tests.conftest import make_person

    return make_person("liaison_c2", ["liaison"], unit_c, name="榆中县联络员乙")


@pytest.fixture
def city(office, leader, other_leader, unit_a, unit_c, liaison_a, liaison_c):
    """unit_a (the leader's): one solved on time, one signed late and not solved, one hotline problem still
    being handled; unit_c (the other leader's): one solved on time from the tip channel; one pending; one
    received last year."""
    _handled(office, liaison_a, unit_a, sign_after=3, solved=True)
    _handled(office, liaison_a, unit_a, sign_after=30, solved=False)
    p = _accepted(office)
    dispatch.do_dispatch(office, p, unit_a.pk, now=NOW)
    _handled(office, liaison_c, unit_c, sign_after=1, solved=True, channel="internet_supervision")
    intake.do_submit(office, submission(channel="newspaper"), now=NOW)
    intake.do_submit(office, submission(), now=NOW - timedelta(days=400))


def _figures(section):
    return {f["key"]: f for f in section["figures"]}


def test_the_city_figures_equal_their_lists(city, office, as_):
    scope = for_leader(office, None, *YEAR, TODAY)
    with translation.override("en"):
        s = figures_public.section(scope)
    f = _figures(s)
    assert s["key"] == "public"
    assert (f["received"]["value"], f["on_time"]["value"], f["solved"]["value"], f["unsolved"]["value"]) == (5, 2, 2, 1)
    channels = dict(zip(s["charts"][0]["labels"], s["charts"][0]["series"][0]["data"], strict=True))
    assert channels == {"Hotline (12345)": 3, "Newspaper column": 1, "Internet + supervision tip": 1}
    # March: unit_a responded to 1 of 3 in time (a late sign-for, one never signed), unit_c to 1 of 1.
    assert f["response_rate"]["value"] == 50.0 and not f["response_rate"]["counted"]
    assert f["resolution_rate"]["value"] == 66.7 and f["response_rate"]["url"].endswith("?month=2026-03")
    top = {c["key"]: c for c in s["charts"]}["ranking_top"]
    assert top["labels"][0] == "1. 榆中县" and not top["series"][0]["counted"]
    received, solved = s["trend"]
    assert received["data"][2] == 5 and sum(received["data"]) == 5 and solved["data"][2] == 2
    client = as_(office)
    assert checked_links(client, s) > 10


def test_a_leaders_figures_are_his_units_problems(city, office, leader, as_):
    with translation.override("en"):
        s = figures_public.section(for_leader(leader, leader, *YEAR, TODAY))
    f = _figures(s)
    assert (f["received"]["value"], f["on_time"]["value"], f["solved"]["value"], f["unsolved"]["value"]) == (3, 1, 1, 1)
    assert f["response_rate"]["value"] == 33.3 and f["resolution_rate"]["value"] == 50.0
    assert [r for c in s["charts"] if c["key"].startswith("ranking") for r in c["labels"]] == ["2. 市工信委"]
    assert f"leader={leader.pk}" in f["received"]["url"]
    assert checked_links(as_(leader), s) > 10


def test_the_index_takes_the_drill_downs_parameters(city, office, leader, as_):
    client = as_(office)
    assert drill_count(client, f"/problems/?from=2026-03-01&to=2026-03-31&leader={leader.pk}") == 3
    assert drill_count(client, "/problems/?visited_from=2026-03-01&visited_to=2026-03-31&on_time=0") == 1
    assert drill_count(client, "/problems/?outcome=solved") == 2
    for bad, param in (("from=2026-02-30", "from"), ("visited_to=x", "visited_to"), ("leader=999999", "leader")):
        response = client.get(f"/problems/?{bad}", headers={"Accept-Language": "en"})
        assert response.status_code == 400 and f"“{param}”" in response.content.decode(), bad
    response = client.get(f"/problems/?leader={office.pk}")  # not a leader
    assert response.status_code == 400


def test_the_section_takes_a_constant_number_of_queries(city, office, unit_a, liaison_a, django_assert_max_num_queries):
    scope = for_leader(office, None, *YEAR, TODAY)
    with django_assert_max_num_queries(9):
        figures_public.section(scope)
    for _i in range(5):
        _handled(office, liaison_a, unit_a, sign_after=2, solved=True)
    with django_assert_max_num_queries(9):
        assert _figures(figures_public.section(scope))["solved"]["value"] == 7


def test_the_index_with_the_drill_downs_takes_a_constant_number_of_queries(city, office, unit_a, liaison_a, as_):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = as_(office)
    url = f"/problems/?visited_from=2026-03-01&visited_to=2026-03-31&on_time=1&outcome=solved&leader={unit_a.supervisors.get().pk}"
    with CaptureQueriesContext(connection) as few:
        assert drill_count(c, url) == 1
    for _i in range(4):
        _handled(office, liaison_a, unit_a, sign_after=2, solved=True)
    with CaptureQueriesContext(connection) as many:
        assert drill_count(c, url) == 5
    assert len(many.captured_queries) == len(few.captured_queries)
