"""The API of a published list's changes: units, transfers, transfer requests, PATCH, suspend, resume, cancel."""

import pytest
import time_machine

from luoshi.duties.models import DutyStatus
from luoshi.events.models import Event
from luoshi.lists.models import ListStatus, TransferRequest
from tests.conftest import NOW, days


@pytest.fixture(autouse=True)
def travel():
    with time_machine.travel(NOW, tick=False):
        yield


class Api:
    """The test client with a Bearer token, for the verbs the shared ApiClient lacks."""

    def __init__(self, api, person) -> None:
        self.inner = api(person)

    def post(self, path: str, data=None):
        return self.inner.post(path, data)

    def patch(self, path: str, data: dict):
        return self.inner.client.patch(
            f"/api/v1{path}", data, content_type="application/json", headers=self.inner.headers
        )


def units_of(body: dict) -> dict[int, str]:
    return {o["unit"]: o["status"] for o in body["obligations"] if o["status"] != "withdrawn"}


def test_the_office_adds_and_withdraws_a_unit(api, office, published_list, unit_a, unit_b, unit_c):
    base = f"/lists/{published_list.pk}"
    r = api(office).post(f"{base}/units", {"unit": unit_c.pk, "role": "co", "reason": "需要配合"})
    assert r.status_code == 201, r.json()
    assert units_of(r.json()) == {unit_a.pk: "in_progress", unit_b.pk: "in_progress", unit_c.pk: "in_progress"}
    again = api(office).post(f"{base}/units", {"unit": unit_c.pk, "role": "co"})
    assert again.status_code == 400 and again.json()["field"] == "unit"

    r = api(office).post(f"{base}/units/{unit_b.pk}/withdraw", {"reason": "不需要"})
    assert r.status_code == 200
    assert {o["unit"]: o["status"] for o in r.json()["obligations"]}[unit_b.pk] == "withdrawn"
    assert api(office).post(f"{base}/units/{unit_b.pk}/withdraw", {"reason": "不需要"}).status_code == 200
    assert Event.objects.filter(kind="duty.withdrawn").count() == 1


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("units", {"unit": 999}, "unit"),
        ("units", {"unit": 1, "role": "boss"}, "role"),
        ("units/{a}/withdraw", {"reason": "不需要"}, "unit"),  # the lead
        ("units/{b}/withdraw", {}, "reason"),
        ("units/{b}/withdraw", {"reason": "理由\u202e"}, "reason"),
        ("transfer", {"from_unit": "{a}", "to_unit": 999, "reason": "转办"}, "to_unit"),
        ("transfer", {"from_unit": "{a}", "to_unit": "{b}", "reason": "转办"}, "to_unit"),
        ("transfer", {"from_unit": "{a}", "to_unit": "{c}"}, "reason"),
        ("suspend", {"reason": ""}, "reason"),
        ("cancel", {}, "reason"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, office, published_list, unit_a, unit_b, unit_c, path, body, field):
    ids = {"a": unit_a.pk, "b": unit_b.pk, "c": unit_c.pk}
    path = path.format(**ids)
    body = {k: ids[v[1]] if isinstance(v, str) and v.startswith("{") else v for k, v in body.items()}
    r = api(office).post(f"/lists/{published_list.pk}/{path}", body)
    assert r.status_code == 400, r.json()
    assert r.json()["field"] == field


def test_others_are_refused(api, liaison_a, leader, outsider, published_list, unit_a, unit_b, unit_c):
    base = f"/lists/{published_list.pk}"
    writes = [
        ("units", {"unit": unit_c.pk}),
        (f"units/{unit_b.pk}/withdraw", {"reason": "x"}),
        ("transfer", {"from_unit": unit_a.pk, "to_unit": unit_c.pk, "reason": "x"}),
        ("suspend", {"reason": "x"}),
        ("resume", {}),
        ("cancel", {"reason": "x"}),
    ]
    for person in (liaison_a, leader):
        for path, body in writes:
            assert api(person).post(f"{base}/{path}", body).status_code == 403, (person, path)
    for path, body in writes:  # a unit not on the list does not see it
        assert api(outsider).post(f"{base}/{path}", body).status_code == 404
    published_list.refresh_from_db()
    assert published_list.status == ListStatus.IN_PROGRESS and published_list.duties.count() == 2


def test_the_office_transfers_the_lead(api, office, published_list, unit_a, unit_c):
    body = {"from_unit": unit_a.pk, "to_unit": unit_c.pk, "reason": "职能调整"}
    r = api(office).post(f"/lists/{published_list.pk}/transfer", body)
    assert r.status_code == 200
    lead = [o for o in r.json()["obligations"] if o["role"] == "lead" and o["status"] != "withdrawn"]
    assert [o["unit"] for o in lead] == [unit_c.pk]
    assert api(office).post(f"/lists/{published_list.pk}/transfer", body).status_code == 200  # stored once
    assert published_list.duties.filter(unit=unit_c).count() == 1


def test_a_unit_asks_for_a_transfer_and_the_office_decides(api, office, liaison_b, published_list, unit_b, unit_c):
    path = f"/lists/{published_list.pk}/transfer-requests"
    body = {"unit": unit_b.pk, "reason": "不属于本单位职责", "suggested_unit": unit_c.pk}
    r = api(liaison_b).post(path, body)
    assert r.status_code == 201, r.json()
    req = r.json()
    assert (req["status"], req["suggested_unit_name"]) == ("pending", "榆中县")
    assert api(liaison_b).post(path, body).status_code == 200  # the same request again: the waiting one
    assert TransferRequest.objects.count() == 1
    assert [x["id"] for x in api(liaison_b).get(path).json()] == [req["id"]]

    assert api(liaison_b).post(f"/transfer-requests/{req['id']}/decide", {"approve": True}).status_code == 403
    r = api(office).post(f"/transfer-requests/{req['id']}/decide", {"approve": True, "note": "同意"})
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["to_unit"]) == ("approved", unit_c.pk)
    assert api(office).post(f"/transfer-requests/{req['id']}/decide", {"approve": True}).status_code == 409
    assert published_list.duties.get(unit=unit_b).status == DutyStatus.WITHDRAWN
    assert api(office).post("/transfer-requests/99999/decide", {"approve": False}).status_code == 404


def test_a_transfer_request_is_the_units_own(api, liaison_a, outsider, published_list, unit_b, unit_c):
    path = f"/lists/{published_list.pk}/transfer-requests"
    assert api(liaison_a).post(path, {"unit": unit_b.pk, "reason": "x"}).status_code == 403
    assert api(outsider).post(path, {"unit": unit_c.pk, "reason": "x"}).status_code == 404
    r = api(liaison_a).post(path, {"unit": unit_b.pk})
    assert r.status_code == 400 and r.json()["field"] == "reason"


def test_patch_changes_a_published_list_with_a_reason(api, office, published_list, unit_a, unit_b):
    client = Api(api, office)
    path = f"/lists/{published_list.pk}"
    r = client.patch(path, {"deadline": days(80).isoformat()})
    assert r.status_code == 400 and r.json()["field"] == "reason"
    r = client.patch(path, {"deadline": days(80).isoformat(), "title": "新标题", "reason": "领导新指示"})
    assert r.status_code == 200, r.json()
    assert r.json()["title"] == "新标题" and {o["deadline"] for o in r.json()["obligations"]} == {"2026-05-21"}
    r = client.patch(path, {"co_units": [], "reason": "x"})
    assert r.status_code == 400 and r.json()["field"] == "co_units"
    r = client.patch(path, {"leader": None, "reason": "分工调整"})
    assert r.status_code == 200 and r.json()["leader"] is None
    assert Event.objects.filter(kind="list.changed").count() == 2


def test_suspend_resume_and_cancel(api, office, published_list):
    base = f"/lists/{published_list.pk}"
    r = api(office).post(f"{base}/suspend", {"reason": "等待省级批复"})
    assert r.status_code == 200 and r.json()["status"] == "suspended" and r.json()["suspended_at"]
    assert r.json()["light"] is None
    assert api(office).post(f"{base}/suspend", {"reason": "等待省级批复"}).status_code == 200
    r = api(office).post(f"{base}/resume")
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    r = api(office).post(f"{base}/cancel", {"reason": "上级叫停"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["cancelled_at"]
    assert {o["status"] for o in r.json()["obligations"]} == {"withdrawn"}
    assert api(office).post(f"{base}/suspend", {"reason": "x"}).status_code == 409
    assert api(office).get("/stats/overview", year=2026).json()["lists"]["cancelled"] == 1
