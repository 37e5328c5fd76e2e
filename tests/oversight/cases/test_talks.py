"""Talks (约谈): recorded by the office or discipline inspection with their reasons; a follow-up is a duty
of the unit, which its liaison reports on and the office accepts. Bad input is a 400 naming the field,
a repeated Idempotency-Key or form stores once."""

import pytest
from django.urls import reverse

from luoshi.duties.models import Duty, DutyStatus
from luoshi.oversight.models import CaseReason, Talk
from tests.conftest import days
from tests.oversight.cases.conftest import talk_with

EN = {"Accept-Language": "en"}


def body(unit_, **extra) -> dict:
    return {"kind": "reminder", "unit": unit_.pk, "held_on": "2026-02-27", "record": "指出清单落实不到位", **extra}


def test_the_office_records_a_reminder_talk_citing_a_late_list(api, office, unit_a, published_list):
    r = api(office).post("/talks", body(unit_a, reasons=[{"kind": "list", "id": published_list.pk}]))
    assert r.status_code == 201, r.json()
    got = r.json()
    assert got["subject"] == "unit" and got["unit"] == unit_a.pk and got["person"] is None
    assert [(x["kind"], x["id"]) for x in got["reasons"]] == [("list", published_list.pk)]
    assert published_list.title in got["reasons"][0]["label"]
    assert got["duty"] is None


def test_discipline_inspection_records_a_talk_with_a_person_kept_under_his_unit(api, discipline, liaison_a, unit_a):
    r = api(discipline).post("/talks", {"kind": "admonition", "person": liaison_a.pk, "held_on": "2026-02-27"})
    assert r.status_code == 201
    assert (r.json()["subject"], r.json()["unit"], r.json()["person"]) == ("person", unit_a.pk, liaison_a.pk)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"kind": "chat"}, "kind"),
        ({"unit": 2**31}, "unit"),
        ({"unit": 999999}, "unit"),
        ({"unit": None}, "unit"),
        ({"person": 0}, "person"),
        ({"held_on": "2026-03-09"}, "held_on"),  # not yet held: the fixed day is 03-02
        ({"held_on": "1999-12-31"}, "held_on"),
        ({"record": "记录\x00"}, "record"),
        ({"record": "\x1b[31m"}, "record"),
        ({"reasons": [{"kind": "list", "id": 999999}]}, "reasons"),
        ({"reasons": [{"kind": "rumour", "id": 1}]}, "reasons.0.kind"),
        ({"reasons": [{"kind": "list", "id": 2**31}]}, "reasons.0.id"),
        ({"followup": "报送整改情况"}, "followup_deadline"),
        ({"followup_deadline": "2026-04-01"}, "followup"),
        ({"followup": "报送", "followup_deadline": "2026-02-01"}, "followup_deadline"),
        ({"talked_by": 999999}, "talked_by"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, office, unit_a, change, field):
    r = api(office).post("/talks", body(unit_a, **change), headers=EN)
    assert r.status_code == 400, r.json()
    assert r.json()["field"] == field
    assert not Talk.objects.exists()


def test_a_repeated_idempotency_key_stores_the_talk_once(api, office, unit_a):
    c = api(office)
    first = c.post("/talks", body(unit_a), headers={"Idempotency-Key": "k-1"})
    again = c.post("/talks", body(unit_a), headers={"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Talk.objects.count() == 1


def test_another_persons_key_is_refused(api, office, discipline, unit_a):
    api(office).post("/talks", body(unit_a), headers={"Idempotency-Key": "k-2"})
    assert api(discipline).post("/talks", body(unit_a), headers={"Idempotency-Key": "k-2"}).status_code == 409


def test_the_talks_list_filters_by_unit_kind_and_period(api, office, unit_a, unit_b, liaison_a):
    talk_with(office, unit=unit_a)
    talk_with(office, unit=unit_b, kind="criticism")
    old = talk_with(office, person=liaison_a, held_on=days(-40))
    c = api(office)
    assert [t["unit"] for t in c.get("/talks", unit=unit_b.pk).json()["items"]] == [unit_b.pk]
    assert c.get("/talks", kind="criticism").json()["count"] == 1
    assert [t["id"] for t in c.get("/talks", to=days(-30).isoformat()).json()["items"]] == [old.pk]
    assert c.get("/talks", **{"from": days(-30).isoformat()}).json()["count"] == 2
    assert c.get("/talks", person=liaison_a.pk).json()["count"] == 1
    assert c.get("/talks", unit=0).status_code == 400
    assert c.get("/talks", **{"from": "2026-02-30"}).status_code == 400


def test_a_follow_up_is_a_duty_the_units_liaison_reports_and_the_office_accepts(
    api, as_, client, office, head_a, liaison_a, unit_a
):
    r = api(office).post("/talks", body(unit_a, followup="十日内报送整改情况", followup_deadline=days(10).isoformat()))
    talk_id, duty_id = r.json()["id"], r.json()["duty"]
    duty = Duty.objects.get(pk=duty_id)
    assert (duty.unit_id, duty.status, duty.deadline, duty.owner_kind) == (unit_a.pk, DutyStatus.OPEN, days(10), "talk")
    # The liaison reads the follow-up (not the talk's record) and files the report.
    page = as_(liaison_a).get(reverse("oversight:talk", args=[talk_id]))
    assert page.status_code == 200 and not page.context["whole"]
    assert "指出清单落实不到位" not in page.content.decode() and "十日内报送整改情况" in page.content.decode()
    form = {"done": "已完成整改并建立长效机制", "submission_key": "s-1"}
    assert client.post(reverse("oversight:talk_followup", args=[talk_id]), form).status_code == 302
    assert client.post(reverse("oversight:talk_followup", args=[talk_id]), form).status_code in (302, 409)
    duty.refresh_from_db()
    assert duty.status == DutyStatus.COMPLETION_REQUESTED and duty.reports.count() == 1
    # The office accepts it.
    office_client = as_(office)
    assert office_client.get(reverse("oversight:talk", args=[talk_id])).context["decide_form"] is not None
    assert (
        office_client.post(reverse("oversight:talk_decide", args=[talk_id]), {"decision": "accept"}).status_code == 302
    )
    duty.refresh_from_db()
    assert duty.status == DutyStatus.COMPLETED
    assert api(office).get(f"/talks/{talk_id}").json()["duty_status"] == "completed"


def test_a_returned_follow_up_needs_a_reason(as_, office, liaison_a, unit_a):
    talk = talk_with(office, unit=unit_a, followup="报送整改情况", followup_deadline=days(10))
    as_(liaison_a).post(reverse("oversight:talk_followup", args=[talk.pk]), {"done": "已整改"})
    r = as_(office).post(reverse("oversight:talk_decide", args=[talk.pk]), {"decision": "return"})
    assert r.status_code == 400 and r.context["decide_form"].errors["reason"]


def test_another_units_liaison_cannot_read_or_report_the_follow_up(as_, office, liaison_b, unit_a):
    talk = talk_with(office, unit=unit_a, followup="报送整改情况", followup_deadline=days(10))
    client = as_(liaison_b)
    assert client.get(reverse("oversight:talk", args=[talk.pk])).status_code == 404
    assert client.post(reverse("oversight:talk_followup", args=[talk.pk]), {"done": "x"}).status_code == 404


def test_a_talk_without_follow_up_is_not_shown_to_the_units_liaison(as_, office, liaison_a, unit_a):
    talk = talk_with(office, unit=unit_a)
    assert as_(liaison_a).get(reverse("oversight:talk", args=[talk.pk])).status_code == 404


def test_the_new_talk_form_stores_once_when_sent_twice(as_, office, unit_a, published_list):
    client = as_(office)
    page = client.get(reverse("oversight:talk_new"), {"unit": unit_a.pk, "list": published_list.pk})
    assert page.status_code == 200
    key = page.context["form"].initial["submission_key"]
    form = {
        "kind": "reminder",
        "unit": unit_a.pk,
        "held_on": "2026-02-27",
        "lists": [published_list.pk],
        "submission_key": key,
        "record": "记录",
    }
    first = client.post(reverse("oversight:talk_new"), form)
    second = client.post(reverse("oversight:talk_new"), form)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    talk = Talk.objects.get()
    assert list(CaseReason.objects.values_list("case_type", "case_id", "kind", "ref_id")) == [
        ("talk", talk.pk, "list", published_list.pk)
    ]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"unit": ""}, "unit"),
        ({"held_on": "2999-01-01"}, "held_on"),
        ({"record": "a\x00b"}, "record"),
        ({"kind": "chat"}, "kind"),
        ({"unit": "999999"}, "unit"),
    ],
)
def test_the_new_talk_form_names_the_bad_field(as_, office, unit_a, change, field):
    form = {"kind": "reminder", "unit": unit_a.pk, "held_on": "2026-02-27", **change}
    r = as_(office).post(reverse("oversight:talk_new"), form)
    assert r.status_code == 400 and field in r.context["form"].errors
    assert not Talk.objects.exists()
