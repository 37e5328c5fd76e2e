"""The inspections' API: campaigns and draws, findings (a unit never sees another unit's: 404), the two-step
evidence upload and the report, the team's verification, the list in one step, the categories; bounded
input answered 400 with the field; Idempotency-Key stores once."""

import random
from datetime import timedelta

import pytest

from luoshi.files.models import Attachment
from luoshi.lists.models import ResponsibilityList
from luoshi.oversight.models import Finding, FindingCategory, Inspection, Verification
from tests.oversight.inspections.conftest import EN, ask_verification, png, today


def body(where, **extra) -> dict:
    return {
        "unit": where.pk,
        "category": "清单落实不到位",
        "severity": "major",
        "description": "责任清单落实不到位，进展未按期直报",
        "requirement": "立即整改，十五日内报送整改报告",
        "deadline": (today() + timedelta(days=15)).isoformat(),
        **extra,
    }


def multipart(api, person, path: str, files: list, headers: dict | None = None):
    c = api(person)
    return c.client.post(f"/api/v1{path}", {"file": files}, headers={**c.headers, **(headers or {})})


def test_the_office_creates_a_campaign_and_draws_reproducibly(api, office, inspector, team_unit, unit_a, unit_c):
    c = api(office)
    r = c.post(
        "/inspections",
        {
            "title": "上半年联合督查",
            "leader": inspector.pk,
            "team_units": [team_unit.pk],
            "period_from": today().isoformat(),
            "period_to": (today() + timedelta(days=9)).isoformat(),
            "methods": ["discussion", "documents", "spot_check"],
            "units": [unit_a.pk],
        },
    )
    assert r.status_code == 201, r.content
    inspection = r.json()
    assert inspection["units"] == [unit_a.pk] and inspection["code"].endswith("-DC-001")
    r = c.post(f"/inspections/{inspection['id']}/draw", {"scope": {"kind": "district"}, "count": 1, "seed": 7})
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["seed"] == "7" and d["units"] == random.Random("7").sample(d["candidates"], 1)
    assert unit_c.pk in d["candidates"]
    assert set(c.get(f"/inspections/{inspection['id']}").json()["units"]) == {unit_a.pk, *d["units"]}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"scope": {"kind": "planet"}, "count": 1}, "scope"),
        ({"scope": [0], "count": 1}, "scope.list[int].0"),
        ({"scope": {"kind": "district"}, "count": 0}, "count"),
        ({"scope": {"kind": "district"}, "count": 1, "seed": "a\x00b"}, "seed"),
        ({"scope": {"kind": "district"}, "count": 999}, "count"),
    ],
)
def test_a_bad_draw_is_a_400_naming_the_field(api, office, inspection, payload, field):
    r = api(office).post(f"/inspections/{inspection.pk}/draw", payload, headers=EN)
    assert r.status_code == 400, r.content
    assert r.json()["field"].startswith(field.split(".")[0])


def test_the_team_records_a_finding_with_its_duty(api, inspector, inspection, unit_a):
    r = api(inspector).post(f"/inspections/{inspection.pk}/findings", body(unit_a))
    assert r.status_code == 201, r.content
    f = r.json()
    assert f["duty"] and f["status"] == "open" and f["category"] == "清单落实不到位" and f["list"] is None
    got = api(inspector).get(f"/findings/{f['id']}").json()
    assert {
        k: got[k] for k in ("id", "inspection", "unit", "category", "severity", "status", "deadline", "duty", "list")
    } == {
        "id": f["id"],
        "inspection": inspection.pk,
        "unit": unit_a.pk,
        "category": "清单落实不到位",
        "severity": "major",
        "status": "open",
        "deadline": body(unit_a)["deadline"],
        "duty": f["duty"],
        "list": None,
    }


def test_a_finding_with_the_same_key_is_stored_once(api, inspector, inspection, unit_a):
    c = api(inspector)
    first = c.post(f"/inspections/{inspection.pk}/findings", body(unit_a), headers={"Idempotency-Key": "f-1"})
    again = c.post(f"/inspections/{inspection.pk}/findings", body(unit_a), headers={"Idempotency-Key": "f-1"})
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]
    assert Finding.objects.count() == 1


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"category": "不存在的类别"}, "category"),
        ({"severity": "grave"}, "severity"),
        ({"unit": 2**31}, "unit"),
        ({"unit": 0}, "unit"),
        ({"description": ""}, "description"),
        ({"description": "问题\x00"}, "description"),
        ({"requirement": "x" * 5001}, "requirement"),
        ({"deadline": "9999-12-31"}, "deadline"),
        ({"deadline": "2020-01-01"}, "deadline"),
        ({"report_every_days": 400}, "report_every_days"),
    ],
)
def test_a_bad_finding_is_a_400_naming_the_field(api, inspector, inspection, unit_a, extra, field):
    r = api(inspector).post(f"/inspections/{inspection.pk}/findings", body(unit_a, **extra), headers=EN)
    assert r.status_code == 400, r.content
    assert r.json()["field"] == field
    assert not Finding.objects.exists()


def test_a_unit_never_sees_another_units_findings(api, liaison_b, head_b, outsider, finding, finding_b):
    for person in (liaison_b, head_b):
        c = api(person)
        listed = c.get("/findings").json()
        assert [f["id"] for f in listed["items"]] == [finding_b.pk] and listed["count"] == 1
        assert c.get("/findings", unit=finding.unit_id).json()["count"] == 0
        assert c.get(f"/findings/{finding.pk}").status_code == 404
        for path in ("reports", "verify", "to-list"):
            assert (
                c.post(f"/findings/{finding.pk}/{path}", {"progress": 1, "done": "x", "passed": True}).status_code
                == 404
            )
        assert multipart(api, person, f"/findings/{finding.pk}/attachments", [png_file()]).status_code == 404
    c = api(outsider)
    assert c.get("/findings").json()["count"] == 0
    assert c.get(f"/inspections/{finding.inspection_id}").status_code == 404
    assert c.get("/inspections").json()["count"] == 0


def test_a_unit_reads_the_campaign_without_the_other_units(api, liaison_b, finding, finding_b, inspection, unit_b):
    got = api(liaison_b).get(f"/inspections/{inspection.pk}").json()
    assert got["units"] == [unit_b.pk] and got["findings"] == 1 and got["members"] == []
    listed = api(liaison_b).get("/inspections").json()["items"][0]
    assert listed["units"] == [unit_b.pk] and listed["findings"] == 1


@pytest.mark.parametrize("who", ["office", "discipline", "leader", "inspector", "member"])
def test_the_overseers_and_the_team_read_every_finding(request, api, finding, finding_b, who):
    listed = api(request.getfixturevalue(who)).get("/findings").json()
    assert {f["id"] for f in listed["items"]} == {finding.pk, finding_b.pk}


def test_the_colleague_of_a_team_unit_reads_nothing(api, colleague, finding):
    assert api(colleague).get("/findings").json()["count"] == 0
    assert api(colleague).get(f"/findings/{finding.pk}").status_code == 404


def test_findings_are_filtered_by_inspection_unit_and_status_and_paged(api, office, liaison_a, finding, finding_b):
    c = api(office)
    ask_verification(liaison_a, finding)
    assert [f["id"] for f in c.get("/findings", status="verifying").json()["items"]] == [finding.pk]
    assert [f["id"] for f in c.get("/findings", status="open").json()["items"]] == [finding_b.pk]
    assert [f["id"] for f in c.get("/findings", unit=finding_b.unit_id).json()["items"]] == [finding_b.pk]
    assert c.get("/findings", inspection=finding.inspection_id).json()["count"] == 2
    page = c.get("/findings", limit=1, offset=1).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    assert c.get("/findings", status="nonsense", headers=EN).status_code == 400
    assert c.get("/findings", inspection=2**31).status_code == 400


def png_file(name: str = "现场照片.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, png(), content_type="image/png")


def test_the_liaison_uploads_a_photo_then_reports_with_it(api, liaison_a, member, finding):
    r = multipart(api, liaison_a, f"/findings/{finding.pk}/attachments", [png_file()])
    assert r.status_code == 201, r.content
    ids = [a["id"] for a in r.json()["attachments"]]
    r = api(liaison_a).post(
        f"/findings/{finding.pk}/reports",
        {"progress": 100, "done": "已完成整改", "request_completion": True, "attachments": ids},
    )
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "verifying" and [a["id"] for a in r.json()["attachments"]] == ids
    assert Attachment.objects.get(pk=ids[0]).subject_id == r.json()["id"]


def test_the_upload_is_checked_by_content(api, liaison_a, finding):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.png", b"<html><script>alert(1)</script>", content_type="image/png")
    r = multipart(api, liaison_a, f"/findings/{finding.pk}/attachments", [fake], EN)
    assert r.status_code == 400 and r.json()["field"] == "file"
    assert not Attachment.objects.exists()


def test_an_upload_with_the_same_key_is_stored_once(api, liaison_a, finding):
    key = {"Idempotency-Key": "up-1"}
    first = multipart(api, liaison_a, f"/findings/{finding.pk}/attachments", [png_file()], key)
    again = multipart(api, liaison_a, f"/findings/{finding.pk}/attachments", [png_file()], key)
    assert (first.status_code, again.status_code) == (201, 200) and Attachment.objects.count() == 1


def test_the_team_cannot_upload_or_report(api, member, finding):
    assert multipart(api, member, f"/findings/{finding.pk}/attachments", [png_file()]).status_code == 403
    assert api(member).post(f"/findings/{finding.pk}/reports", {"progress": 10, "done": "x"}).status_code == 403


def test_someone_elses_upload_cannot_be_attached(api, liaison_a, head_a, finding):
    ids = [
        a["id"]
        for a in multipart(api, liaison_a, f"/findings/{finding.pk}/attachments", [png_file()]).json()["attachments"]
    ]
    r = api(head_a).post(
        f"/findings/{finding.pk}/reports", {"progress": 10, "done": "x", "attachments": ids}, headers=EN
    )
    assert r.status_code == 400 and r.json()["field"] == "attachments"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"progress": 101, "done": "x"}, "progress"),
        ({"progress": 10, "done": ""}, "done"),
        ({"progress": 10, "done": "x\x00"}, "done"),
        ({"progress": 50, "done": "x", "request_completion": True}, "progress"),
        ({"progress": 10, "done": "x", "attachments": [0]}, "attachments.0"),
        ({"progress": 10, "done": "x", "attachments": list(range(1, 11))}, "attachments"),
    ],
)
def test_a_bad_report_is_a_400_naming_the_field(api, liaison_a, finding, payload, field):
    r = api(liaison_a).post(f"/findings/{finding.pk}/reports", payload, headers=EN)
    assert r.status_code == 400, r.content
    assert r.json()["field"] == field


def test_a_report_with_the_same_key_is_stored_once(api, liaison_a, finding):
    c = api(liaison_a)
    key = {"Idempotency-Key": "r-1"}
    first = c.post(f"/findings/{finding.pk}/reports", {"progress": 30, "done": "整改中"}, headers=key)
    again = c.post(f"/findings/{finding.pk}/reports", {"progress": 30, "done": "整改中"}, headers=key)
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]


def test_the_team_verifies_failed_then_passed(api, member, liaison_a, finding):
    ask_verification(liaison_a, finding)
    c = api(member)
    assert c.post(f"/findings/{finding.pk}/verify", {"passed": False}, headers=EN).json()["field"] == "note"
    r = c.post(f"/findings/{finding.pk}/verify", {"passed": False, "note": "问题依然存在"})
    assert r.status_code == 201 and r.json()["status"] == "rectifying"
    assert c.post(f"/findings/{finding.pk}/verify", {"passed": True}).status_code == 409
    ask_verification(liaison_a, finding)
    r = c.post(f"/findings/{finding.pk}/verify", {"passed": True}, headers={"Idempotency-Key": "v"})
    assert r.status_code == 201 and r.json()["status"] == "closed"
    again = c.post(f"/findings/{finding.pk}/verify", {"passed": True}, headers={"Idempotency-Key": "v"})
    assert again.status_code == 200 and again.json()["id"] == r.json()["id"]
    assert Verification.objects.count() == 2
    assert api(member).get(f"/findings/{finding.pk}").json()["status"] == "closed"


def test_the_unit_and_leaders_cannot_verify(api, liaison_a, head_a, leader, finding):
    ask_verification(liaison_a, finding)
    for person in (liaison_a, head_a, leader):
        assert api(person).post(f"/findings/{finding.pk}/verify", {"passed": True}).status_code == 403


def test_the_office_makes_a_finding_a_list_once(api, office, inspector, finding):
    assert api(inspector).post(f"/findings/{finding.pk}/to-list").status_code == 403
    first = api(office).post(f"/findings/{finding.pk}/to-list")
    again = api(office).post(f"/findings/{finding.pk}/to-list")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["list"] == again.json()["list"] and ResponsibilityList.objects.count() == 1
    assert api(office).get(f"/findings/{finding.pk}").json()["list"] == first.json()["list"]


def test_the_categories_are_read_by_all_and_added_by_the_office(api, office, liaison_a):
    names = [c["name"] for c in api(liaison_a).get("/finding-categories").json()]
    assert names == ["清单落实不到位", "作风纪律", "项目推进", "服务群众", "其他"]
    assert api(liaison_a).post("/finding-categories", {"name": "安全生产"}).status_code == 403
    key = {"Idempotency-Key": "c-1"}
    first = api(office).post("/finding-categories", {"name": "安全生产"}, headers=key)
    again = api(office).post("/finding-categories", {"name": "安全生产"}, headers=key)
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["position"] == 5
    assert api(office).post("/finding-categories", {"name": "安全生产"}).status_code == 409
    assert api(office).post("/finding-categories", {"name": "x" * 41}, headers=EN).json()["field"] == "name"
    assert FindingCategory.objects.count() == 6


def test_only_the_office_creates_campaigns_through_the_api(api, inspector):
    r = api(inspector).post(
        "/inspections",
        {
            "title": "t",
            "leader": inspector.pk,
            "period_from": "2026-01-01",
            "period_to": "2026-01-02",
            "methods": ["documents"],
        },
    )
    assert r.status_code == 403 and not Inspection.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"leader": 2**31}, "leader"),
        ({"leader": 99999}, "leader"),
        ({"methods": ["phone"]}, "methods.0"),
        ({"units": [99999]}, "units"),
        ({"title": ""}, "title"),
        ({"period_to": "1999-01-01"}, "period_to"),
    ],
)
def test_a_bad_campaign_is_a_400_naming_the_field(api, office, inspector, extra, field):
    payload = {
        "title": "督查",
        "leader": inspector.pk,
        "period_from": today().isoformat(),
        "period_to": today().isoformat(),
        "methods": ["documents"],
        **extra,
    }
    r = api(office).post("/inspections", payload, headers=EN)
    assert r.status_code == 400, r.content
    assert r.json()["field"] == field
