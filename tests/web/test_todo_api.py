"""GET /api/v1/me/todo: the same work as the home page, as JSON."""

from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from luoshi.duties import services as duty_services
from luoshi.web.todo import OFFICE_KINDS, UNIT_KINDS, todo_for
from tests.duties.conftest import at, make_urged, publish

ITEM_KEYS = {"kind", "title", "url", "due", "light", "owner_kind", "owner_id", "unit"}


@pytest.fixture(autouse=True)
def on_0316():
    """Monday 03-16: the urged scenario's unit_a has an urge notice and a supervision order open."""
    with time_machine.travel(at(date(2026, 3, 16), 11), tick=False):
        yield


def test_anonymous_gets_401(db):
    response = Client().get("/api/v1/me/todo")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_liaison_gets_its_units_work_with_counts(api, office, leader, unit_a, unit_b, liaison_a, liaison_b):
    rlist = make_urged(office, leader, unit_a, unit_b, liaison_b)
    body = api(liaison_a).get("/me/todo").json()
    assert set(body) == {"items", "counts", "lights"}
    assert list(body["counts"]) == list(UNIT_KINDS)
    assert body["counts"]["report_due"] == 1 and body["counts"]["urge"] == 1 and body["counts"]["order"] == 1
    first = body["items"][0]
    assert set(first) == ITEM_KEYS
    assert first["kind"] == "report_due" and first["light"] == "yellow"
    assert first["url"] == reverse("lists:report_page", args=[rlist.pk, unit_a.pk])
    assert first["due"] == "2026-03-09" and first["owner_kind"] == "list" and first["owner_id"] == rlist.pk
    assert first["unit"] == unit_a.name
    assert body["lights"] == {}


def test_it_answers_as_the_home_page_reads(api, office, leader, unit_a, unit_b, liaison_a, liaison_b):
    make_urged(office, leader, unit_a, unit_b, liaison_b)
    for person in (liaison_a, liaison_b, office, leader):
        body = api(person).get("/me/todo").json()
        t = todo_for(person, date(2026, 3, 16))
        assert [(i["kind"], i["url"]) for i in body["items"]] == [(i.kind, i.url) for i in t.items]
        assert body["counts"] == t.counts


def test_the_office_gets_its_decisions(api, office, unit_a, liaison_a):
    rlist = publish(office, unit_a)
    duty_services.do_report(
        liaison_a, rlist.duties.get(), progress=100, done="完成", request_completion=True, now=at(date(2026, 3, 12))
    )
    body = api(office).get("/me/todo").json()
    assert list(body["counts"]) == list(OFFICE_KINDS[:-1])
    (item,) = body["items"]
    assert item["kind"] == "completion_request" and item["due"] == "2026-03-12" and item["light"] is None
    assert item["url"].endswith(f"#completion-{unit_a.pk}")


def test_a_leader_gets_his_lists_by_light(api, office, leader, unit_a, unit_b, liaison_b):
    make_urged(office, leader, unit_a, unit_b, liaison_b)
    body = api(leader).get("/me/todo").json()
    assert body["counts"]["list"] == 1 and body["counts"]["order"] == 1
    assert body["lights"] == {"red": 0, "yellow": 1, "green": 0}
    assert [i["kind"] for i in body["items"]] == ["list", "order"]


def test_a_session_works_too(client, office, unit_a, liaison_a):
    publish(office, unit_a)
    client.force_login(liaison_a)
    body = client.get("/api/v1/me/todo").json()
    assert body["counts"]["report_due"] == 1


def test_the_schema_documents_the_operation(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/me/todo" in doc["paths"]
