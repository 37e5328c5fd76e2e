import pytest
import time_machine

from luoshi.duties import services as duty_services
from luoshi.duties.models import Report
from luoshi.lists.models import ListStatus
from tests.conftest import NOW, days


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def new_list_payload(leader_, unit_a, unit_b, **change):
    return {
        "source": "instruction",
        "title": "落实棚户区改造任务",
        "content": "年内完成2000户",
        "leader": leader_.pk,
        "lead_unit": unit_a.pk,
        "co_units": [unit_b.pk],
        "deadline": days(90).isoformat(),
        "report_every_days": 15,
        **change,
    }


def test_office_creates_a_draft_list(api, office, leader, unit_a, unit_b):
    r = api(office).post("/lists", new_list_payload(leader, unit_a, unit_b))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "draft" and body["id"] and body["code"] is None
    assert [(o["unit"], o["role"]) for o in body["obligations"]] == [(unit_a.pk, "lead"), (unit_b.pk, "co")]


def test_only_the_office_creates_lists(api, liaison_a, leader, unit_a, unit_b):
    r = api(liaison_a).post("/lists", new_list_payload(leader, unit_a, unit_b))
    assert r.status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"source": "rumour"}, "source"),
        ({"lead_unit": 99999}, "lead_unit"),
        ({"lead_unit": "x"}, "lead_unit"),
        ({"co_units": [99999]}, "co_units"),
        ({"deadline": "2026-13-45"}, "deadline"),
        ({"deadline": "2020-01-01"}, "deadline"),
        ({"report_every_days": 0}, "report_every_days"),
        ({"title": ""}, "title"),
        ({"leader": 99999}, "leader"),
    ],
)
def test_bad_list_input_gets_400_with_the_field(api, office, leader, unit_a, unit_b, change, field):
    r = api(office).post("/lists", new_list_payload(leader, unit_a, unit_b, **change))
    assert r.status_code == 400, r.content
    assert r.json()["field"] == field


def test_requests_without_a_valid_token_get_401(client, published_list):
    assert client.get("/api/v1/lists").status_code == 401
    r = client.get("/api/v1/lists", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401


def test_the_list_shows_each_units_obligation(api, published_list, liaison_b):
    body = api(liaison_b).get(f"/lists/{published_list.pk}").json()
    assert body["code"] == "2026-ZR-0001"
    assert body["status"] == "in_progress" and body["light"] == "green"
    ob = body["obligations"][0]
    assert set(ob) >= {"unit", "role", "status", "progress", "next_report_due", "light"}


def test_a_list_is_404_for_people_who_may_not_see_it(api, published_list, outsider, other_leader):
    for person in (outsider, other_leader):
        assert api(person).get(f"/lists/{published_list.pk}").status_code == 404
        assert api(person).get(f"/lists/{published_list.pk}/loop").status_code == 404
        r = api(person).post(
            f"/lists/{published_list.pk}/reports", {"unit": outsider.unit_id, "progress": 1, "done": "x"}
        )
        assert r.status_code == 404


def test_publish_then_publish_again_is_409(api, draft_list, office):
    c = api(office)
    r = c.post(f"/lists/{draft_list.pk}/publish")
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    r = c.post(f"/lists/{draft_list.pk}/publish")
    assert r.status_code == 409 and r.json()["detail"]


def test_a_unit_reports_directly(api, published_list, liaison_a, unit_a):
    r = api(liaison_a).post(
        f"/lists/{published_list.pk}/reports",
        {"unit": unit_a.pk, "progress": 35, "done": "完成选址", "difficulties": "资金缺口", "next_steps": "报审"},
    )
    assert r.status_code == 201, r.content
    assert r.json()["progress"] == 35
    assert Report.objects.get().difficulties == "资金缺口"


def test_it_rejects_report_from_other_unit(api, published_list, liaison_b, unit_a):
    r = api(liaison_b).post(f"/lists/{published_list.pk}/reports", {"unit": unit_a.pk, "progress": 35, "done": "x"})
    assert r.status_code == 403
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"progress": 150}, "progress"),
        ({"progress": "lots"}, "progress"),
        ({"done": ""}, "done"),
        ({"unit": 0}, "unit"),
    ],
)
def test_bad_reports_get_400_with_the_field(api, published_list, liaison_a, unit_a, change, field):
    data = {"unit": unit_a.pk, "progress": 35, "done": "x", **change}
    r = api(liaison_a).post(f"/lists/{published_list.pk}/reports", data)
    assert r.status_code == 400, r.content
    assert r.json()["field"] == field
    assert not Report.objects.exists()


def test_a_repeated_idempotency_key_stores_one_report(api, published_list, liaison_a, unit_a):
    c = api(liaison_a)
    data = {"unit": unit_a.pk, "progress": 35, "done": "x"}
    first = c.post(f"/lists/{published_list.pk}/reports", data, headers={"Idempotency-Key": "abc"})
    second = c.post(f"/lists/{published_list.pk}/reports", data, headers={"Idempotency-Key": "abc"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Report.objects.count() == 1


def test_the_whole_loop_through_the_api(api, published_list, office, liaison_a, liaison_b, unit_a, unit_b):
    lid = published_list.pk
    a, b, o = api(liaison_a), api(liaison_b), api(office)
    assert (
        a.post(
            f"/lists/{lid}/reports", {"unit": unit_a.pk, "progress": 100, "done": "完成", "request_completion": True}
        ).status_code
        == 201
    )
    r = o.post(f"/lists/{lid}/return", {"unit": unit_a.pk, "reason": "材料不全"})
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    assert o.post(f"/lists/{lid}/return", {"unit": unit_a.pk, "reason": "again"}).status_code == 409
    assert o.post(f"/lists/{lid}/return", {"unit": unit_a.pk, "reason": ""}).json()["field"] == "reason"
    r = b.post(f"/lists/{lid}/extensions", {"unit": unit_b.pk, "new_deadline": days(120).isoformat(), "reason": "征地"})
    assert r.status_code == 201
    ext_id = r.json()["id"]
    assert b.post(f"/extensions/{ext_id}/decide", {"approve": True}).status_code == 403
    r = o.post(f"/extensions/{ext_id}/decide", {"approve": True, "note": "同意"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    for c, unit in ((a, unit_a), (b, unit_b)):
        c.post(f"/lists/{lid}/reports", {"unit": unit.pk, "progress": 100, "done": "完成", "request_completion": True})
    r = o.post(f"/lists/{lid}/accept", {"unit": unit_a.pk})
    assert r.status_code == 200 and r.json()["status"] == "completed"
    r = o.post(f"/lists/{lid}/close")
    assert r.status_code == 409 and unit_b.name in r.json()["detail"]
    o.post(f"/lists/{lid}/accept", {"unit": unit_b.pk})
    r = o.post(f"/lists/{lid}/close")
    assert r.status_code == 200 and r.json()["status"] == ListStatus.CLOSED and r.json()["closed_late"] is False
    loop = o.get(f"/lists/{lid}/loop").json()
    assert set(loop) == {"list", "obligations", "timeline", "timeline_next"}
    kinds = [e["kind"] for e in loop["timeline"]]
    for kind in (
        "list.published",
        "report.filed",
        "completion.returned",
        "extension.approved",
        "completion.accepted",
        "list.closed",
    ):
        assert kind in kinds
    returned = next(e for e in loop["timeline"] if e["kind"] == "completion.returned")
    assert returned["note"] == "材料不全"
    assert loop["obligations"][0]["done"] == "完成"


def test_index_filters_and_paginates(api, published_list, draft_list, office):
    c = api(office)
    body = c.get("/lists", status="in_progress").json()
    assert body["count"] == 1 and body["items"][0]["id"] == published_list.pk
    assert c.get("/lists", limit=1, offset=0).json()["count"] == 1
    assert c.get("/lists", q="产业园区").json()["count"] == 1
    assert c.get("/lists", q="不存在的").json()["count"] == 0
    assert c.get("/lists", light="green").json()["count"] == 1
    assert c.get("/lists", year="x").status_code == 400


def test_unit_people_only_list_their_units_lists(api, published_list, outsider, liaison_b):
    assert api(outsider).get("/lists").json()["count"] == 0
    assert api(liaison_b).get("/lists").json()["count"] == 1


def test_the_index_runs_a_constant_number_of_queries(
    api, office, leader, liaison_a, unit_a, unit_b, django_assert_max_num_queries
):
    from luoshi.lists import services

    c = api(office)
    c.get("/me/todo")  # the token's first use is recorded once, before
    for n in (2, 12):
        while services.ResponsibilityList.objects.count() < n:
            rl = services.do_create_list(
                office,
                source="meeting",
                title="t",
                content="",
                leader=leader,
                lead_unit=unit_a,
                co_units=[unit_b],
                deadline=days(30),
                report_every_days=7,
                milestones=[services.MilestoneInput(days(10), "节点")],
            )
            services.do_publish(office, rl)
            duty_services.do_report(liaison_a, rl.duties.get(unit=unit_a), progress=10, done="x")
        # The light sort reads its four segments (red, yellow, green, the rest) in turn until the page is full.
        with django_assert_max_num_queries(11):
            body = c.get("/lists").json()
        assert body["count"] == n and body["items"][0]["obligations"][0]["last_report_at"]


def test_the_loop_runs_the_same_queries_however_many_people_reported(
    api, office, published_list, liaison_a, head_a, unit_a, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    """The timeline names each report's author: read with the reports, not one query per report."""
    c = api(office)
    duty = published_list.duties.get(unit=unit_a)
    duty_services.do_report(liaison_a, duty, progress=10, done="开工")
    c.get(f"/lists/{published_list.pk}/loop")  # the process's caches (content types, the policy) filled
    with CaptureQueriesContext(connection) as first:
        c.get(f"/lists/{published_list.pk}/loop")
    for person, progress in ((head_a, 20), (liaison_a, 30), (head_a, 40)):
        duty_services.do_report(person, duty, progress=progress, done="推进")
    with django_assert_num_queries(len(first.captured_queries)):
        body = c.get(f"/lists/{published_list.pk}/loop").json()
    assert next(e["report"]["author"] for e in body["timeline"] if e["report"]) == str(head_a)  # newest first


def test_overview_counts_lists(api, published_list, office):
    body = api(office).get("/stats/overview", year=2026).json()
    assert body["lists"] == {
        "issued": 1,
        "completed": 0,
        "in_progress": 1,
        "overdue": 0,
        "suspended": 0,
        "cancelled": 0,
    }


def test_the_openapi_document_names_the_contract(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for p in (
        "/api/v1/lists",
        "/api/v1/lists/{list_id}/reports",
        "/api/v1/lists/{list_id}/loop",
        "/api/v1/extensions/{extension_id}/decide",
        "/api/v1/stats/overview",
        "/api/v1/units",
    ):
        assert p in paths


def test_drafts_are_the_offices_until_published(api, draft_list, liaison_a, leader, office):
    assert api(office).get(f"/lists/{draft_list.pk}").status_code == 200
    for person in (liaison_a, leader):
        assert api(person).get(f"/lists/{draft_list.pk}").status_code == 404
