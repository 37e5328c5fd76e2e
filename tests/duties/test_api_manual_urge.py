"""The office's "urge now" (立即催办) through the API: `GET /escalations/urge` previews what would be sent,
`POST /escalations/urge` confirms that step and sends it, once per lateness, like the board's page."""

from datetime import date

import pytest
import time_machine

from luoshi.duties.models import Escalation
from luoshi.events.models import Event
from luoshi.notify.models import Notification
from tests.duties.conftest import at, publish
from tests.lists.test_concurrency import run_together

URGE = "/escalations/urge"


@pytest.fixture
def on_0316():
    """Mon 03-16, 11:00: unit_a's report (due 03-09) is 5 working days late; unit_b's is due on Fri 03-20."""
    with time_machine.travel(at(date(2026, 3, 16), 11), tick=False):
        yield


def manual_steps() -> list[tuple[str, str, int]]:
    return list(Escalation.objects.filter(manual=True).order_by("pk").values_list("step", "number", "unit_id"))


def test_the_office_previews_then_sends_an_urge_notice(api, office, urged, unit_a, liaison_a, head_a, on_0316):
    target = {"list": urged.pk, "unit": unit_a.pk}
    preview = api(office).get(URGE, **target)
    assert preview.status_code == 200
    body = preview.json()
    assert body["step"] == "urge" and body["late"] is True and body["kind"] == "report"
    assert (body["due_date"], body["days_overdue"], body["respond_by"]) == ("2026-03-09", 5, "2026-03-19")
    assert body["recipients"] == 2 and body["already_sent"] is False  # the unit's liaison and head
    assert urged.title in body["title"] and "2026-03-09" in body["body"]
    assert manual_steps() == []  # looking sends nothing

    sent = api(office).post(URGE, {**target, "step": "urge"})
    assert sent.status_code == 201
    esc = sent.json()
    assert (esc["step"], esc["number"], esc["unit"], esc["list"]) == ("urge", "2026-CB-0003", unit_a.pk, urged.pk)
    assert esc["manual"] is True and esc["open"] is True and esc["days_overdue"] == 5
    assert manual_steps() == [("urge", "2026-CB-0003", unit_a.pk)]
    received = Notification.objects.filter(kind="escalation.urge", title__contains="2026-CB-0003")
    assert set(received.values_list("recipient__username", flat=True)) == {"liaison_a", "head_a"}
    assert Event.objects.filter(kind="escalation.urge", after__manual=True, actor=office).count() == 1
    assert api(office).get(URGE, **target).json()["already_sent"] is True


def test_a_unit_not_yet_due_is_sent_a_reminder(api, office, urged, unit_b, liaison_b, on_0316):
    target = {"list": urged.pk, "unit": unit_b.pk}
    body = api(office).get(URGE, **target).json()
    assert (body["step"], body["late"], body["due_date"], body["days_overdue"]) == ("reminder", False, "2026-03-20", 0)
    assert body["respond_by"] is None and body["recipients"] == 1
    assert "overdue" not in body["body"]
    # Confirming an urge the preview did not offer sends nothing: the situation is not what the caller saw.
    refused = api(office).post(URGE, {**target, "step": "urge"})
    assert refused.status_code == 409 and "情况已有变化" in refused.json()["detail"]  # the situation changed
    assert manual_steps() == []
    sent = api(office).post(URGE, {**target, "step": "reminder"})
    assert sent.status_code == 201 and (sent.json()["step"], sent.json()["number"]) == ("reminder", "")
    (note,) = Notification.objects.filter(kind="escalation.reminder")
    assert note.recipient == liaison_b


def test_a_double_submission_sends_one_notice_with_one_number(api, office, urged, unit_a, on_0316):
    payload = {"list": urged.pk, "unit": unit_a.pk, "step": "urge"}
    client = api(office)
    first = client.post(URGE, payload)
    notes, events = Notification.objects.count(), Event.objects.count()
    again = client.post(URGE, payload)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert manual_steps() == [("urge", "2026-CB-0003", unit_a.pk)]
    assert (Notification.objects.count(), Event.objects.count()) == (notes, events)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_send_one_notice(api, office, leader, unit_a, liaison_a, head_a):
    rlist = publish(office, unit_a, leader=leader)  # first report due Mon 03-09
    clients = [api(office) for _ in range(3)]
    payload = {"list": rlist.pk, "unit": unit_a.pk, "step": "urge"}
    answers = []
    with time_machine.travel(at(date(2026, 3, 11)), tick=False):
        run_together(*[lambda c=c: answers.append(c.post(URGE, payload)) for c in clients])
    assert sorted(a.status_code for a in answers) == [200, 200, 201]
    assert len({a.json()["id"] for a in answers}) == 1
    assert list(Escalation.objects.values_list("number", flat=True)) == ["2026-CB-0001"]
    assert Notification.objects.filter(kind="escalation.urge").count() == 2  # the liaison and the head


def test_only_the_office_urges(api, office, urged, unit_a, liaison_a, head_a, leader, outsider, on_0316):
    target = {"list": urged.pk, "unit": unit_a.pk}
    for person in (liaison_a, head_a, leader):  # they see the list, but do not urge
        assert api(person).get(URGE, **target).status_code == 403
        assert api(person).post(URGE, {**target, "step": "urge"}).status_code == 403
    # A unit that does not handle the list does not learn that it exists.
    assert api(outsider).get(URGE, **target).status_code == 404
    assert api(outsider).post(URGE, {**target, "step": "urge"}).status_code == 404
    assert api(office).post(URGE, {"list": 99999, "unit": unit_a.pk, "step": "urge"}).status_code == 404
    assert api(office).get(URGE, list=99999, unit=unit_a.pk).status_code == 404
    assert manual_steps() == []


def test_work_that_is_not_open_is_not_urged(api, office, draft_list, unit_a, on_0316):
    target = {"list": draft_list.pk, "unit": unit_a.pk}
    preview = api(office).get(URGE, **target)
    assert preview.status_code == 409 and "推进中" in preview.json()["detail"]  # only lists in progress
    assert api(office).post(URGE, {**target, "step": "reminder"}).status_code == 409
    assert manual_steps() == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"unit": "UNIT", "step": "urge"}, "list"),
        ({"list": "LIST", "step": "urge"}, "unit"),
        ({"list": "LIST", "unit": "UNIT"}, "step"),
        ({"list": "LIST", "unit": "UNIT", "step": "order"}, "step"),  # the sweep's, not sent by hand
        ({"list": "LIST", "unit": "UNIT", "step": "talk_proposal"}, "step"),
        ({"list": "LIST", "unit": "UNIT", "step": ""}, "step"),
        ({"list": "x", "unit": "UNIT", "step": "urge"}, "list"),
        ({"list": 2**31, "unit": "UNIT", "step": "urge"}, "list"),
        ({"list": "LIST", "unit": 0, "step": "urge"}, "unit"),
        ({"list": "LIST", "unit": 99999999999999999999, "step": "urge"}, "unit"),
        ({"list": "LIST", "unit": "OTHER", "step": "urge"}, "unit"),  # a unit not on the list
    ],
)
def test_bad_input_is_400_with_the_field(api, office, urged, unit_a, unit_c, on_0316, body, field):
    ids = {"LIST": urged.pk, "UNIT": unit_a.pk, "OTHER": unit_c.pk}
    payload = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    answer = api(office).post(URGE, payload)
    assert answer.status_code == 400 and answer.json()["field"] == field
    if "step" in payload:  # the same ids in the preview's query string
        query = {k: v for k, v in payload.items() if k != "step"}
        preview = api(office).get(URGE, **query)
        assert preview.status_code == (200 if field == "step" else 400)
    assert manual_steps() == []


def test_a_body_that_is_not_an_object_is_400(api, office, urged, on_0316):
    caller = api(office)
    for raw in ("[null, null]", "5", '"urge"', "{", ""):
        answer = caller.client.post("/api/v1" + URGE, raw, content_type="application/json", headers=caller.headers)
        assert answer.status_code == 400 and answer.json()["detail"], raw
    assert manual_steps() == []


def test_the_openapi_document_declares_both_operations(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"][f"/api/v1{URGE}"]
    assert set(paths["get"]["responses"]) >= {"200", "400", "403", "404", "409"}
    assert set(paths["post"]["responses"]) >= {"200", "201", "400", "403", "404", "409"}
    document = client.get("/api/v1/openapi.json").json()
    ref = paths["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(body["required"]) == {"list", "unit", "step"}
    assert body["properties"]["step"]["enum"] == ["urge", "reminder"]
