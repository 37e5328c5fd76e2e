"""GET /stats/rates: a month's ranking of units or districts, for the whole business; a bad month names
"month"; constant queries over two sizes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from luoshi.org.models import Unit
from luoshi.public import dispatch, handling, intake
from tests.public.conftest import submission


def _dispatched(office, unit, now):
    p = intake.do_accept(office, intake.do_submit(office, submission(), now=now)[0], now=now)
    dispatch.do_dispatch(office, p, unit.pk, now=now)
    return p


def _last_month():
    """Nine o'clock on the first of last month: every sign-for limit of that month has passed."""
    first = timezone.localtime().replace(day=1, hour=9, minute=0, second=0, microsecond=0)
    return (first - timedelta(days=1)).replace(day=1)


@pytest.fixture
def month_of_work(office, unit_a, unit_b, liaison_a):
    start = _last_month()
    p = _dispatched(office, unit_a, start)
    handling.do_sign(liaison_a, p, unit_a.pk, now=start + timedelta(hours=1))
    handling.do_reply(liaison_a, p, unit_a.pk, "已处理", now=start + timedelta(hours=2))
    handling.do_visit(office, p, "satisfied", True, now=start + timedelta(hours=3))
    _dispatched(office, unit_b, start)
    return f"{start:%Y-%m}"


def test_the_ranking_for_the_office_leaders_and_units(api, office, leader, liaison_b, month_of_work, unit_a, unit_b):
    for person in (office, leader, liaison_b):
        r = api(person).get("/stats/rates", month=month_of_work)
        assert r.status_code == 200, r.content
        body = r.json()
        assert body["month"] == month_of_work and body["weights"]["resolution"] == 45
        first = body["units"][0]
        assert first["unit"] == unit_a.pk and first["unit_name"] == "市工信委" and first["rank"] == 1
        assert (first["response_rate"], first["resolution_rate"], first["satisfaction_rate"]) == (1.0, 1.0, 1.0)
        assert first["score"] == 100.0


def test_the_districts_ranking(api, office, month_of_work, unit_b):
    r = api(office).get("/stats/rates", month=month_of_work, districts="true")
    assert r.status_code == 200 and [u["unit_name"] for u in r.json()["units"]] == ["城关区"]
    assert r.json()["districts"] is True


def test_the_administrators_are_kept_out(api, admin, auditor):
    for person in (admin, auditor):
        assert api(person).get("/stats/rates").status_code == 403


@pytest.mark.parametrize("month", ["2026-13", "2026-3", "March", "1999-01", "2026-03-01x", "２０２６-03"])
def test_a_bad_month_names_the_field(api, office, month):
    r = api(office).get("/stats/rates", month=month)
    assert r.status_code == 400 and r.json()["field"] == "month"


def test_an_empty_month_is_an_empty_ranking(api, office):
    r = api(office).get("/stats/rates", month="2030-01")
    assert r.status_code == 200 and r.json()["units"] == []


def test_constant_queries_over_two_sizes(api, office, month_of_work):
    client = api(office)
    client.get("/stats/rates", month=month_of_work)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get("/stats/rates", month=month_of_work).json()["units"]) == 2
    now = _last_month()
    for i in range(4):
        _dispatched(office, Unit.objects.create(name=f"单位{i}", kind="department"), now)
    with CaptureQueriesContext(connection) as large:
        assert len(client.get("/stats/rates", month=month_of_work).json()["units"]) == 6
    assert len(large.captured_queries) == len(small.captured_queries)
