"""The programmes' API: the office creates programmes and episodes once; everyone in the business reads;
bad input names its field; a repeated episode number is a 409."""

import pytest

from luoshi.events.models import Event
from luoshi.public import intake
from luoshi.public.models import Broadcast, Programme
from tests.public.conftest import submission

PROG = {"kind": "tv", "name": "落实进行时", "description": "每周五晚直播"}


def _programme(api, office) -> int:
    r = api(office).post("/programmes", PROG)
    assert r.status_code == 201, r.content
    return r.json()["id"]


def test_the_office_creates_a_programme_once_per_key(api, office):
    client = api(office)
    first = client.post("/programmes", PROG, headers={"Idempotency-Key": "p-1"})
    again = client.post("/programmes", PROG, headers={"Idempotency-Key": "p-1"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and Programme.objects.count() == 1
    assert Event.objects.filter(kind="programme.created").count() == 1
    assert client.post("/programmes", PROG).status_code == 409  # the same name without the key


def test_only_the_office_writes_and_the_business_reads(api, office, liaison_a, leader, admin):
    pid = _programme(api, office)
    assert api(liaison_a).post("/programmes", {**PROG, "name": "另一个"}).status_code == 403
    assert (
        api(liaison_a)
        .post(f"/programmes/{pid}/episodes", {"number": 1, "aired_on": "2026-03-06", "title": "第一期"})
        .status_code
        == 403
    )
    for person in (liaison_a, leader):
        r = api(person).get("/programmes")
        assert r.status_code == 200 and r.json()["items"][0]["name"] == "落实进行时"
    assert api(admin).get("/programmes").status_code == 403  # the three administrators see no business


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**PROG, "kind": "radio"}, "kind"),
        ({**PROG, "name": ""}, "name"),
        ({**PROG, "name": "a\x00b"}, "name"),
        ({**PROG, "name": "x" * 81}, "name"),
    ],
)
def test_bad_programmes_name_their_field(api, office, body, field):
    r = api(office).post("/programmes", body)
    assert r.status_code == 400 and r.json()["field"] == field


def test_episodes_with_units_on_air_and_the_problems_taken_in(api, office, unit_a, unit_b, liaison_b):
    pid = _programme(api, office)
    client = api(office)
    body = {"number": 1, "aired_on": "2026-03-06", "title": "垃圾清运专题", "units": [unit_a.pk, unit_b.pk]}
    first = client.post(f"/programmes/{pid}/episodes", body, headers={"Idempotency-Key": "e-1"})
    again = client.post(f"/programmes/{pid}/episodes", body, headers={"Idempotency-Key": "e-1"})
    assert first.status_code == 201 and again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Broadcast.objects.count() == 1
    assert client.post(f"/programmes/{pid}/episodes", body).status_code == 409
    eid = first.json()["id"]
    taken = [intake.do_submit(office, submission(channel="tv", broadcast=eid))[0] for _ in range(3)]
    intake.do_accept(office, taken[0])
    intake.do_reject(office, taken[1], "不属实")
    r = api(liaison_b).get(f"/programmes/{pid}/episodes")
    assert r.status_code == 200
    [ep] = r.json()
    assert ep["units"] == [unit_a.pk, unit_b.pk] and ep["problems"] == 3 and ep["accepted"] == 1
    p = api(liaison_b).get(f"/programmes/{pid}").json()
    assert (p["episodes"], p["problems"], p["accepted"]) == (1, 3, 1)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"number": 0}, "number"),
        ({"number": 40000}, "number"),
        ({"aired_on": "1999-01-01"}, "aired_on"),
        ({"aired_on": "soon"}, "aired_on"),
        ({"title": ""}, "title"),
        ({"units": [2**31]}, "units.0"),
        ({"units": [999999]}, "units"),
    ],
)
def test_bad_episodes_name_their_field(api, office, unit_a, change, field):
    pid = _programme(api, office)
    body = {"number": 1, "aired_on": "2026-03-06", "title": "第一期", "units": [unit_a.pk], **change}
    r = api(office).post(f"/programmes/{pid}/episodes", body)
    assert r.status_code == 400 and r.json()["field"] == field, r.content


def test_unknown_programmes_are_404(api, office):
    assert api(office).get("/programmes/999999/episodes").status_code == 404
    assert api(office).get(f"/programmes/{2**31}").status_code in (400, 404)


def test_the_list_takes_constant_queries(api, office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(office)
    _programme(api, office)
    with CaptureQueriesContext(connection) as one:
        client.get("/programmes")
    for i in range(4):
        client.post("/programmes", {**PROG, "name": f"栏目{i}", "kind": "newspaper"})
    with CaptureQueriesContext(connection) as five:
        assert len(client.get("/programmes").json()["items"]) == 5
    assert len(five.captured_queries) == len(one.captured_queries)
