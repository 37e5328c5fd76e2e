"""The cockpit's fieldwork section: leaders meeting and short of the rule this month, trips and days this
half year and in the period, the month's table, days per month; each counted number equals the page it
links to; a leader's scope is his own days; a constant number of queries."""

from datetime import date

import pytest
from django.utils import translation

from luoshi.cockpit import figures_fieldwork
from luoshi.cockpit.scope import for_leader
from tests.cockpit.drill import checked_links, drill_count
from tests.conftest import make_person
from tests.frontline.conftest import at
from tests.frontline.conftest import log_day as logged

YEAR = (date(2026, 1, 1), date(2026, 12, 31))
TODAY = date(2026, 3, 20)


def log_day(actor, leader, day, **kw):
    return logged(actor, leader, day, now=at(TODAY), **kw)


@pytest.fixture
def days(office, leader, other_leader, unit_a):
    """March: the leader meets the rule (5 grassroots days, two of them one day logged twice, 2 at his
    unit); the other leader is short (a 3-day trip). February: one day each; last year: one trip."""
    log_day(leader, leader, date(2026, 3, 2), days=4)  # 2–5 March
    log_day(leader, leader, date(2026, 3, 5))  # the 5th again: counted once
    log_day(leader, leader, date(2026, 3, 9))
    log_day(leader, leader, date(2026, 3, 10), kind="supervised_unit", unit=unit_a, days=2)
    log_day(office, other_leader, date(2026, 3, 16), days=3)
    log_day(office, other_leader, date(2026, 2, 2))
    log_day(leader, leader, date(2026, 2, 3))
    log_day(leader, leader, date(2025, 12, 30), days=4)  # 30, 31 December; 1, 2 January


def _figures(section):
    return {f["key"]: f["value"] for f in section["figures"]}


def test_the_city_figures_equal_their_pages(days, office, as_):
    with translation.override("en"):
        s = figures_fieldwork.section(for_leader(office, None, *YEAR, TODAY))
    f = _figures(s)
    assert (f["leaders_meeting"], f["leaders_short"]) == (1, 1)
    # the half year: 8 entries with a day in it (the one from December too); days 5 + 2 + 3 + 1 + 1 + 2
    assert (f["trips_half"], f["days_half"]) == (8, 14)
    assert (f["trips"], f["days"]) == (f["trips_half"], f["days_half"])
    (trend,) = s["trend"]
    assert trend["data"][:4] == [2, 2, 10, 0] and sum(trend["data"]) == 14
    (table,) = s["charts"]
    assert table["labels"] == ["李副市长", "赵副市长"] and table["series"][0]["data"] == [5, 3]
    assert checked_links(as_(office), s) == 18


def test_a_leaders_figures_are_his_own_days(days, leader, office, client, as_):
    s = figures_fieldwork.section(for_leader(leader, leader, *YEAR, TODAY))
    f = _figures(s)
    assert (f["leaders_meeting"], f["leaders_short"], f["trips_half"], f["days_half"]) == (1, 0, 6, 10)
    assert checked_links(as_(leader), s) == 18
    client.logout()
    # the office follows the same links to the same numbers
    assert checked_links(as_(office), figures_fieldwork.section(for_leader(office, leader, *YEAR, TODAY))) == 18


def test_the_pages_take_the_drill_downs_parameters(days, office, leader, other_leader, client, as_):
    c = as_(office)
    assert drill_count(c, "/frontline/compliance/?month=2026-03&ok=0") == 1
    assert drill_count(c, f"/frontline/compliance/?month=2026-03&ok=1&leader={other_leader.pk}") == 0
    assert drill_count(c, "/frontline/half-year/?from=2026-03-05&to=2026-03-10") == 3  # the 5th, 9th, 10th
    assert drill_count(c, "/frontline/half-year/?from=2026-03-05&to=2026-03-10&show=trips") == 4
    for bad, param in (("ok=2", "ok"), (f"leader={office.pk}", "leader")):
        response = c.get(f"/frontline/compliance/?{bad}")
        assert response.status_code == 400 and f"“{param}”" in response.content.decode(), bad
    for bad, param in (("from=2026-02-30", "from"), ("to=x", "to"), ("show=all", "show")):
        response = c.get(f"/frontline/half-year/?{bad}")
        assert response.status_code == 400 and f"“{param}”" in response.content.decode(), bad
    client.logout()
    mine = as_(leader)
    assert drill_count(mine, f"/frontline/compliance/?month=2026-03&leader={leader.pk}") == 1
    assert mine.get("/frontline/compliance/?month=2026-03").status_code == 403  # the table is the office's
    assert mine.get(f"/frontline/compliance/?leader={other_leader.pk}").status_code == 403
    assert mine.get(f"/frontline/half-year/?leader={other_leader.pk}").status_code == 403


def test_the_section_takes_a_constant_number_of_queries(days, office, django_assert_max_num_queries):
    scope = for_leader(office, None, *YEAR, TODAY)
    with django_assert_max_num_queries(2):
        figures_fieldwork.section(scope)
    for i in range(6):
        person = make_person(f"leader_y{i}", ["leader"], name=f"副市长{i}")
        log_day(office, person, date(2026, 3, 3), days=2)
    with django_assert_max_num_queries(2):
        assert _figures(figures_fieldwork.section(scope))["days_half"] == 26


def test_the_trips_list_takes_a_constant_number_of_queries(days, office, unit_a, as_):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = as_(office)
    url = "/frontline/half-year/?from=2026-01-01&to=2026-06-30&show=trips"
    with CaptureQueriesContext(connection) as few:
        assert drill_count(c, url) == 8
    for i in range(6):
        person = make_person(f"leader_z{i}", ["leader"], name=f"副市长{i}")
        person.supervised_units.add(unit_a)
        log_day(office, person, date(2026, 3, 3), kind="supervised_unit", unit=unit_a)
    with CaptureQueriesContext(connection) as many:
        assert drill_count(c, url) == 14
    assert len(many.captured_queries) == len(few.captured_queries)
