"""The rates page and the programmes' pages: the business reads, the office writes once, bad input names
its field, constant queries over two sizes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from luoshi.org.models import Unit
from luoshi.public import dispatch, handling, intake, programmes
from luoshi.public.models import Broadcast, Programme
from tests.public.conftest import submission


def _last_month():
    first = timezone.localtime().replace(day=1, hour=9, minute=0, second=0, microsecond=0)
    return (first - timedelta(days=1)).replace(day=1)


def _dispatched(office, unit, now):
    p = intake.do_accept(office, intake.do_submit(office, submission(), now=now)[0], now=now)
    dispatch.do_dispatch(office, p, unit.pk, now=now)
    return p


@pytest.fixture
def month(office, unit_a, unit_b, liaison_a):
    start = _last_month()
    p = _dispatched(office, unit_a, start)
    handling.do_sign(liaison_a, p, unit_a.pk, now=start + timedelta(hours=1))
    handling.do_reply(liaison_a, p, unit_a.pk, "已处理", now=start + timedelta(hours=2))
    handling.do_visit(office, p, "basically", False, now=start + timedelta(hours=3))
    _dispatched(office, unit_b, start)
    return f"{start:%Y-%m}"


def test_the_rates_page_shows_the_rankings_and_the_formula(as_, office, leader, liaison_b, month, unit_a, unit_b):
    for person in (office, leader, liaison_b):
        r = as_(person).get("/problems/rates/", {"month": month})
        assert r.status_code == 200
        html = r.content.decode()
        assert 'id="unit-ranking"' in html and 'id="district-ranking"' in html
        assert "Score = response rate × 10 + resolution rate × 45 + satisfaction rate × 45" in html
        assert "basically satisfied × 80%" in html
        assert "100.0%" in html and "0.0%" in html and "80.0%" in html  # response, resolution, satisfaction
        assert "—" in html  # unit_b has no visit: no resolution rate


def test_the_administrators_do_not_see_the_rates(as_, admin):
    assert as_(admin).get("/problems/rates/").status_code == 403


@pytest.mark.parametrize("bad", ["2026-13", "x", "2026-3"])
def test_a_bad_month_is_a_400(as_, office, bad):
    r = as_(office).get("/problems/rates/", {"month": bad})
    assert r.status_code == 400 and "YYYY-MM" in r.content.decode()


def test_the_rates_page_takes_constant_queries(as_, office, month):
    client = as_(office)
    client.get("/problems/rates/", {"month": month})
    with CaptureQueriesContext(connection) as small:
        assert client.get("/problems/rates/", {"month": month}).status_code == 200
    for i in range(5):
        _dispatched(office, Unit.objects.create(name=f"{i}区", kind="district"), _last_month())
    with CaptureQueriesContext(connection) as large:
        assert client.get("/problems/rates/", {"month": month}).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_office_adds_a_programme_once(as_, office):
    client = as_(office)
    page = client.get("/problems/programmes/")
    assert page.status_code == 200 and 'id="programme-add"' in page.content.decode()
    body = {"kind": "tv", "name": "落实进行时", "description": "", "submission_key": "k-1"}
    assert client.post("/problems/programmes/", body).status_code == 302
    assert client.post("/problems/programmes/", body).status_code == 302
    assert Programme.objects.count() == 1
    r = client.post("/problems/programmes/", {**body, "submission_key": "k-2"})
    assert r.status_code == 409


@pytest.mark.parametrize(("change", "field"), [({"kind": "radio"}, "kind"), ({"name": ""}, "name")])
def test_bad_programmes_are_400(as_, office, change, field):
    body = {"kind": "tv", "name": "落实进行时", "submission_key": "k", **change}
    r = as_(office).post("/problems/programmes/", body)
    assert r.status_code == 400 and f"id_{field}" in r.content.decode() and "is-invalid" in r.content.decode()


def test_a_unit_reads_programmes_but_does_not_write(as_, office, liaison_a):
    p, _ = programmes.do_create_programme(office, "newspaper", "兰州晚报·落实专栏")
    client = as_(liaison_a)
    page = client.get("/problems/programmes/")
    assert (
        page.status_code == 200 and "兰州晚报" in page.content.decode() and "programme-add" not in page.content.decode()
    )
    assert client.post("/problems/programmes/", {"kind": "tv", "name": "x"}).status_code == 403
    assert client.get(f"/problems/programmes/{p.pk}/").status_code == 200
    assert client.post(f"/problems/programmes/{p.pk}/", {"number": 1}).status_code == 403


def test_the_office_adds_an_episode_once_and_the_problems_are_counted(as_, office, unit_a, unit_b):
    p, _ = programmes.do_create_programme(office, "tv", "落实进行时")
    client = as_(office)
    body = {
        "number": 1,
        "aired_on": "2026-03-06",
        "title": "垃圾清运",
        "units": [unit_a.pk, unit_b.pk],
        "submission_key": "e1",
    }
    assert client.post(f"/problems/programmes/{p.pk}/", body).status_code == 302
    assert client.post(f"/problems/programmes/{p.pk}/", body).status_code == 302
    assert Broadcast.objects.count() == 1
    assert client.post(f"/problems/programmes/{p.pk}/", {**body, "submission_key": "e2"}).status_code == 409
    b = Broadcast.objects.get()
    intake.do_accept(office, intake.do_submit(office, submission(channel="tv", broadcast=b.pk))[0])
    intake.do_submit(office, submission(channel="tv", broadcast=b.pk))
    html = client.get(f"/problems/programmes/{p.pk}/").content.decode()
    assert "市工信委、城关区" in html and '<td class="text-end" data-taken>2</td>' in html
    assert '<td class="text-end" data-accepted>1</td>' in html


@pytest.mark.parametrize(
    ("change", "field"), [({"number": 0}, "number"), ({"aired_on": "x"}, "aired_on"), ({"units": [999999]}, "units")]
)
def test_bad_episodes_are_400(as_, office, unit_a, change, field):
    p, _ = programmes.do_create_programme(office, "tv", "落实进行时")
    body = {"number": 1, "aired_on": "2026-03-06", "title": "第一期", "units": [unit_a.pk], **change}
    r = as_(office).post(f"/problems/programmes/{p.pk}/", body)
    assert r.status_code == 400 and f"id_{field}" in r.content.decode()


def test_unknown_programme_is_404(as_, office):
    assert as_(office).get("/problems/programmes/999999/").status_code == 404


def test_the_programme_pages_take_constant_queries(as_, office, unit_a, unit_b):
    p, _ = programmes.do_create_programme(office, "tv", "落实进行时")
    client = as_(office)

    def add(n):
        programmes.do_add_episode(
            office, p, programmes.EpisodeInput(n, timezone.localdate(), f"第{n}期", [unit_a.pk, unit_b.pk])
        )

    add(1)
    client.get(f"/problems/programmes/{p.pk}/")
    with CaptureQueriesContext(connection) as small:
        client.get(f"/problems/programmes/{p.pk}/")
        client.get("/problems/programmes/")
    for n in range(2, 6):
        add(n)
        programmes.do_create_programme(office, "newspaper", f"专栏{n}")
    with CaptureQueriesContext(connection) as large:
        client.get(f"/problems/programmes/{p.pk}/")
        client.get("/problems/programmes/")
    assert len(large.captured_queries) == len(small.captured_queries)
