"""GET /api/v1/duties: every duty a person may see, with its kind's light; its filters, bounds and cost."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from luoshi.duties.models import Duty, DutyStatus, Policy
from luoshi.duties.signing import do_sign
from luoshi.lists import services
from tests.duties.conftest import at, publish

FIELDS = {"id", "owner_kind", "owner_id", "title", "unit", "deadline", "next_report_due", "light", "url"}


def on(day: date, hour: int = 10):
    return time_machine.travel(at(day, hour), tick=False)


@pytest.fixture
def two_lists(office, leader, unit_a, unit_b, unit_c):
    """Published Mon 03-02: a weekly list for unit_a (lead) and unit_b (co), first reports due Mon 03-09;
    a monthly one for unit_c, first report due Wed 04-01, deadline 04-30."""
    weekly = publish(office, unit_a, [unit_b], leader=leader, title="推进兰州新区产业园区建设")
    once = publish(office, unit_c, title="整治老旧小区", every=30, deadline=date(2026, 4, 30))
    return weekly, once


def items(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_the_office_sees_every_duty_with_its_contract_fields(api, office, two_lists, unit_a):
    weekly, once = two_lists
    with on(date(2026, 3, 4)):
        body = api(office).get("/duties").json()
    assert body["count"] == 3
    first = body["items"][0]  # the earliest deadline first
    assert set(first) >= FIELDS
    mine = next(i for i in body["items"] if i["unit"] == unit_a.pk)
    assert mine["owner_kind"] == "list" and mine["owner_id"] == weekly.pk
    assert mine["title"] == "推进兰州新区产业园区建设" and mine["deadline"] == "2026-12-31"
    assert mine["next_report_due"] == "2026-03-09" and mine["light"] == "green"
    assert mine["url"] == f"/lists/{weekly.pk}/" and mine["signed_at"] is None
    assert first["owner_id"] == once.pk and first["next_report_due"] == "2026-04-01"


def test_people_see_only_the_duties_they_may_see(api, two_lists, liaison_a, liaison_b, leader, outsider):
    weekly, once = two_lists
    with on(date(2026, 3, 4)):
        assert {i["unit"] for i in items(api(liaison_a).get("/duties"))} == {liaison_a.unit_id}
        assert {i["unit"] for i in items(api(liaison_b).get("/duties"))} == {liaison_b.unit_id}
        # the leader: the list he is responsible for (both its units), not the other one
        assert {i["owner_id"] for i in items(api(leader).get("/duties"))} == {weekly.pk}
        # unit_c's liaison: its own unit's duty only
        assert {i["owner_id"] for i in items(api(outsider).get("/duties"))} == {once.pk}


def test_unauthenticated_callers_get_401(db):
    assert Client().get("/api/v1/duties").status_code == 401


def test_the_lights_follow_each_kinds_policy(api, office, two_lists, unit_a):
    def light_of_a() -> str:
        return next(i for i in items(api(office).get("/duties")) if i["unit"] == unit_a.pk)["light"]

    with on(date(2026, 3, 4)):
        assert light_of_a() == "green"  # due in 5 days
        Policy.objects.create(owner_kind="list", light_due_soon_days=5)
        Policy.forget()
        assert light_of_a() == "yellow"  # within the lists' own 5 days
    with on(date(2026, 3, 20)):
        assert light_of_a() == "red"  # 11 days overdue


@pytest.mark.figures_by_hand  # sets duty fields with UPDATE, not through the services
def test_no_light_while_nothing_is_owed(api, office, two_lists, draft_list, unit_a):
    weekly, once = two_lists
    Duty.objects.filter(owner_id=weekly.pk, unit=unit_a).update(paused_at=at(date(2026, 3, 3)))
    Duty.objects.filter(owner_id=once.pk).update(status=DutyStatus.WITHDRAWN)
    with on(date(2026, 3, 4)):
        rows = items(api(office).get("/duties"))
    lights = {(i["owner_id"], i["unit"]): i["light"] for i in rows}
    assert lights[(weekly.pk, unit_a.pk)] is None  # suspended
    assert lights[(once.pk, once.duties.get().unit_id)] is None  # withdrawn
    pending = [i for i in rows if i["owner_id"] == draft_list.pk]
    assert pending and all(i["light"] is None for i in pending)  # a draft: nothing owed yet


def test_the_filters(api, office, two_lists, unit_a, unit_b, unit_c, liaison_b):
    weekly, _once = two_lists
    client = api(office)

    def units(**params) -> set[int]:
        return {i["unit"] for i in items(client.get("/duties", **params))}

    with on(date(2026, 3, 20)):
        assert units(unit=unit_b.pk) == {unit_b.pk}
        assert units(owner_kind="list") == {unit_a.pk, unit_b.pk, unit_c.pk}
        assert units(light="red") == {unit_a.pk, unit_b.pk}  # reports 11 days overdue
        assert units(light="green") == {unit_c.pk}  # its report is due in 12 days
        assert units(light="yellow") == set()
        assert units(due_before="2026-03-10") == {unit_a.pk, unit_b.pk}
        assert units(due_before="2026-05-01") == {unit_a.pk, unit_b.pk, unit_c.pk}
        assert units(open="true") == {unit_a.pk, unit_b.pk, unit_c.pk}
        assert units(open="false") == set()
        assert units(unit="", light="") == {unit_a.pk, unit_b.pk, unit_c.pk}  # blank means no filter
        do_sign(liaison_b, weekly.duties.get(unit=unit_b), now=at(date(2026, 3, 20)))
        assert units(signed="false") == {unit_a.pk, unit_c.pk}
        assert units(signed="true") == {unit_b.pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"owner_kind": "ledger"}, "owner_kind"),
        ({"owner_kind": "x" * 300}, "owner_kind"),
        ({"light": "purple"}, "light"),
        ({"unit": "0"}, "unit"),
        ({"unit": str(2**31)}, "unit"),
        ({"due_before": "9999-12-31"}, "due_before"),
        ({"due_before": "soon"}, "due_before"),
        ({"open": "maybe"}, "open"),
        ({"signed": "maybe"}, "signed"),
        ({"limit": "1000"}, "limit"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, office, params, field):
    response = api(office).get("/duties", **params)
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_a_page_costs_the_same_queries_for_more_duties(api, office, leader, unit_a, unit_b, unit_c):
    client = api(office)

    def cost() -> int:
        with on(date(2026, 3, 20)), CaptureQueriesContext(connection) as ctx:
            assert client.get("/duties", light="red").status_code == 200
            assert client.get("/duties").status_code == 200
        return len(ctx.captured_queries)

    publish(office, unit_a, [unit_b], leader=leader)
    cost()  # warm: the token's person, the content types, the policy cache
    few = cost()
    for n in range(4):
        publish(office, unit_c, [unit_a, unit_b], title=f"任务{n}")
    services.do_create_list(
        office,
        source="meeting",
        title="草稿",
        content="",
        leader=None,
        lead_unit=unit_a,
        co_units=[],
        deadline=date(2026, 12, 31),
        report_every_days=7,
        now=at(date(2026, 3, 2)),
    )
    assert cost() == few
