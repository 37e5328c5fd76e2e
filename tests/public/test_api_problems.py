"""The public problems' API, intake and reads: the office takes problems in (an Idempotency-Key stores
once, per person), bad input is a 400 naming the field, the index filters and pages in a constant number
of queries and never carries the reporter, a unit sees only its own problems (another's: 404), the
reporter is read by the office or a consenting handling unit only, each read audited."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.events.models import Event
from luoshi.public import dispatch, intake
from luoshi.public.models import Problem
from tests.conftest import NOW, SHANGHAI, make_person
from tests.public.conftest import EN, submission

BODY = {
    "channel": "hotline",
    "category": "市容环境",
    "content": "小区门口垃圾堆放三天无人清运。",
    "place": "城关区张掖路街道 58 号",
    "reporter_name": "李女士",
    "reporter_contact": "13900001111",
}


def key(k: str) -> dict:
    return {"Idempotency-Key": k, **EN}


def test_the_office_takes_a_problem_in_once_per_key(api, office):
    c = api(office)
    first = c.post("/problems", {**BODY, "lat": 36.061089, "lon": 103.834304, "urgent": True}, headers=key("p-1"))
    again = c.post("/problems", {**BODY, "lat": 36.061089, "lon": 103.834304, "urgent": True}, headers=key("p-1"))
    assert (first.status_code, again.status_code) == (201, 200), first.content
    assert first.json() == again.json()
    assert first.json()["status"] == "pending" and len(first.json()["code"]) == 24
    p = Problem.objects.get()
    assert p.urgent and str(p.lat) == "36.061089" and p.created_by == office
    assert Event.objects.filter(kind="problem.received").count() == 1
    # Another clerk's same key is his own: a second problem.
    other = make_person("office2", ["office"])
    assert api(other).post("/problems", BODY, headers=key("p-1")).status_code == 201
    assert Problem.objects.count() == 2


def test_without_a_key_each_submission_is_a_problem(api, office):
    c = api(office)
    assert [c.post("/problems", BODY).status_code for _ in range(2)] == [201, 201]
    assert Problem.objects.count() == 2


def test_only_the_office_takes_problems_in(api, liaison_a, head_a, leader):
    for person in (liaison_a, head_a, leader):
        assert api(person).post("/problems", BODY, headers=EN).status_code == 403
    assert not Problem.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"category": "没有这个"}, "category"),
        ({"category": ""}, "category"),
        ({"content": ""}, "content"),
        ({"content": "   "}, "content"),
        ({"content": "垃圾\x00"}, "content"),
        ({"content": "x" * 4001}, "content"),
        ({"place": "x" * 201}, "place"),
        ({"place": "路口\n2号"}, "place"),
        ({"reporter_name": "李\x07"}, "reporter_name"),
        ({"reporter_contact": "1" * 101}, "reporter_contact"),
        ({"lat": 91, "lon": 103}, "lat"),
        ({"lat": 36, "lon": -181}, "lon"),
        ({"lat": "north", "lon": 103}, "lat"),
        ({"lat": 36}, "lon"),
        ({"urgent": "maybe"}, "urgent"),
        ({"broadcast": 0}, "broadcast"),
        ({"broadcast": -1}, "broadcast"),
        ({"broadcast": 2**63}, "broadcast"),
        ({"broadcast": "abc"}, "broadcast"),
        ({"broadcast": 99999}, "broadcast"),
    ],
)
def test_a_bad_problem_is_a_400_naming_the_field(api, office, change, field):
    r = api(office).post("/problems", {**BODY, **change}, headers=EN)
    assert r.status_code == 400, r.content
    assert r.json()["field"] == field
    assert not Problem.objects.exists()


@pytest.mark.parametrize("raw", ["[null]", "5", '"x"', "{"])
def test_a_body_that_is_not_an_object_is_a_400(api, office, raw):
    c = api(office)
    r = c.client.post("/api/v1/problems", raw, content_type="application/json", headers=c.headers)
    assert r.status_code == 400


# ---------------------------------------------------------------- the index


def _at(day_offset: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(NOW.date() + timedelta(days=day_offset), datetime.min.time(), SHANGHAI).replace(
        hour=hour, minute=minute
    )


@pytest.fixture
def city(office, unit_a, unit_b):
    """Four problems: one dispatched to unit_a (hot), one to unit_b, one early in the morning of NOW's
    day (UTC's day before), one pending web problem of last week in another category."""
    a = intake.do_accept(office, intake.do_submit(office, submission(), now=_at(-1, 10))[0])
    dispatch.do_dispatch(office, a, unit_a.pk)
    Problem.objects.filter(pk=a.pk).update(hot=True)
    b = intake.do_accept(office, intake.do_submit(office, submission(channel="tv"), now=_at(-1, 11))[0])
    dispatch.do_dispatch(office, b, unit_b.pk)
    early = intake.do_submit(office, submission(), now=_at(0, 0, 30))[0]
    old = intake.do_submit(office, submission(channel="web", category="食品安全"), now=_at(-7, 9))[0]
    return {"a": a.pk, "b": b.pk, "early": early.pk, "old": old.pk}


def ids(r) -> list[int]:
    assert r.status_code == 200, r.content
    return [row["id"] for row in r.json()["items"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["early", "b", "a", "old"]),
        ({"status": "pending"}, ["early", "old"]),
        ({"status": ""}, ["early", "b", "a", "old"]),
        ({"channel": "tv"}, ["b"]),
        ({"category": "食品安全"}, ["old"]),
        ({"hot": "true"}, ["a"]),
        ({"hot": "false"}, ["early", "b", "old"]),
        ({"from": NOW.date().isoformat()}, ["early"]),
        ({"to": (NOW.date() - timedelta(days=1)).isoformat()}, ["b", "a", "old"]),
        (
            {"from": (NOW.date() - timedelta(days=1)).isoformat(), "to": (NOW.date() - timedelta(days=1)).isoformat()},
            ["b", "a"],
        ),
    ],
)
def test_the_index_filters(api, office, city, params, expected):
    assert ids(api(office).get("/problems", **params)) == [city[k] for k in expected]


def test_the_index_filters_by_unit_and_pages(api, office, city, unit_a):
    c = api(office)
    assert ids(c.get("/problems", unit=unit_a.pk)) == [city["a"]]
    page = c.get("/problems", limit=2, offset=1).json()
    assert [r["id"] for r in page["items"]] == [city["b"], city["a"]] and page["count"] == 4
    row = page["items"][1]
    assert row["lead_unit"] == unit_a.pk and row["lead_unit_name"] == "市工信委" and row["deadline"]
    assert row["hot"] and row["category"] == "市容环境" and row["title"].startswith("小区门口")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "open"}, "status"),
        ({"channel": "fax"}, "channel"),
        ({"category": "没有这个"}, "category"),
        ({"category": "a\x00"}, "category"),
        ({"unit": 0}, "unit"),
        ({"unit": -1}, "unit"),
        ({"unit": 2**63}, "unit"),
        ({"unit": "abc"}, "unit"),
        ({"unit": 99999}, "unit"),
        ({"from": "2026-13-01"}, "from"),
        ({"from": "1900-01-01"}, "from"),
        ({"to": "9999-12-31"}, "to"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "to"),
        ({"hot": "maybe"}, "hot"),
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"offset": -1}, "offset"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_field(api, office, params, field):
    r = api(office).get("/problems", **params, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400, r.content
    assert r.json()["field"] == field


def _problems(office, unit_a, unit_b, n: int) -> None:
    for i in range(n):
        p = intake.do_accept(office, intake.do_submit(office, submission(reporter_consents=bool(i % 2)))[0])
        dispatch.do_dispatch(office, p, unit_a.pk, [unit_b.pk])


@pytest.mark.parametrize("who", ["office", "liaison_a", "leader"])
def test_a_page_of_the_index_costs_the_same_queries_for_more_problems(api, request, office, unit_a, unit_b, who):
    c = api(request.getfixturevalue(who))
    c.get("/problems")  # the token's first use is recorded once
    counts = []
    for n in (2, 7):
        _problems(office, unit_a, unit_b, n if not counts else n - 2)
        with CaptureQueriesContext(connection) as ctx:
            r = c.get("/problems")
        assert r.json()["count"] == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_the_index_never_carries_the_reporter(api, office, liaison_a, unit_a, unit_b):
    _problems(office, unit_a, unit_b, 4)
    for person in (office, liaison_a):
        r = api(person).get("/problems")
        assert r.json()["count"] == 4
        assert "李女士" not in r.content.decode() and "13900001111" not in r.content.decode()
        assert all(not k.startswith("reporter") for row in r.json()["items"] for k in row)
    assert not Event.objects.filter(kind="record.read").exists()


# ---------------------------------------------------------------- who sees what


def test_a_unit_sees_only_its_own_problems(api, office, city, liaison_b, outsider, leader, unit_a):
    c = api(liaison_b)
    assert ids(c.get("/problems")) == [city["b"]]
    assert ids(c.get("/problems", unit=unit_a.pk)) == []
    assert c.get(f"/problems/{city['a']}").status_code == 404
    assert c.get(f"/problems/{city['early']}").status_code == 404
    assert c.get(f"/problems/{city['b']}").status_code == 200
    assert ids(api(outsider).get("/problems")) == []
    assert api(outsider).get(f"/problems/{city['b']}").status_code == 404
    assert sorted(ids(api(leader).get("/problems"))) == sorted(city.values())
    assert api(office).get("/problems/99999").status_code == 404


@pytest.mark.parametrize("bad", ["0", str(2**63)])
def test_a_bad_path_id_is_a_400(api, office, bad):
    r = api(office).get(f"/problems/{bad}")
    assert r.status_code == 400 and r.json()["field"] == "problem_id"


@pytest.mark.parametrize("bad", ["-1", "abc"])
def test_a_path_that_is_no_id_is_not_found(api, office, bad):
    assert api(office).get(f"/problems/{bad}").status_code == 404


def _reads(p: Problem) -> int:
    return Event.objects.filter(kind="record.read", subject_type="problem_reporter", subject_id=p.pk).count()


def test_the_detail_shows_the_office_the_reporter_and_audits_the_read(api, office, accepted, unit_a, unit_b):
    dispatch.do_dispatch(office, accepted, unit_a.pk, [unit_b.pk])
    d = api(office).get(f"/problems/{accepted.pk}").json()
    assert d["reporter"] == {"name": "李女士", "contact": "13900001111"}
    assert _reads(accepted) == 1
    read = Event.objects.get(kind="record.read", subject_type="problem_reporter")
    assert read.actor == office and read.subject_id == accepted.pk
    assert d["status"] == "dispatched" and d["lead_unit"] == unit_a.pk and d["category"] == "市容环境"
    assert [(u["unit"], u["role"]) for u in d["units"]] == [(unit_a.pk, "lead"), (unit_b.pk, "co")]
    assert d["duty"] == d["units"][0]["duty"] and d["units"][0]["respond_by"]
    assert d["reply"] is None and d["visit"] is None and d["send_backs"] == [] and d["list"] is None


def test_a_unit_reads_the_reporter_only_when_the_reporter_agreed(api, office, accepted, unit_a, liaison_a, leader):
    dispatch.do_dispatch(office, accepted, unit_a.pk)
    for person in (liaison_a, leader):
        r = api(person).get(f"/problems/{accepted.pk}")
        assert r.status_code == 200 and r.json()["reporter"] is None
        assert "李女士" not in r.content.decode() and "13900001111" not in r.content.decode()
    assert _reads(accepted) == 0
    Problem.objects.filter(pk=accepted.pk).update(reporter_consents=True)
    assert api(liaison_a).get(f"/problems/{accepted.pk}").json()["reporter"]["contact"] == "13900001111"
    assert _reads(accepted) == 1
    assert Event.objects.get(kind="record.read").actor == liaison_a


def test_the_openapi_document_lists_every_path(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/problems"]) == {"get", "post"}
    assert set(paths["/api/v1/problems/{problem_id}"]) == {"get"}
    steps = "accept reject duplicate dispatch sign send-back rule progress reply visit close expose to-list"
    for step in steps.split():
        assert "post" in paths[f"/api/v1/problems/{{problem_id}}/{step}"], step
        assert "Idempotency-Key" in [
            p["name"] for p in paths[f"/api/v1/problems/{{problem_id}}/{step}"]["post"]["parameters"]
        ]
    assert "get" in paths["/api/v1/problems/{problem_id}/suggestions"]
    listing = {p["name"] for p in paths["/api/v1/problems"]["get"]["parameters"]}
    assert listing >= {"status", "channel", "category", "unit", "from", "to", "hot", "limit", "offset"}
