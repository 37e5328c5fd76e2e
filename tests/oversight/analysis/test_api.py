"""登台剖析 through the API: the office's writes, the restricted and audited reads, bounded input."""

from datetime import timedelta

import pytest
from django.utils import timezone

from luoshi.duties.models import Duty, DutyStatus
from luoshi.events.models import Event
from luoshi.oversight.models import Analysis, Commitment
from tests.oversight.analysis.conftest import END, MEETING, START

EN = {"Accept-Language": "en"}
BODY = {"period_from": START.isoformat(), "period_to": END.isoformat(), "meeting_on": MEETING.isoformat(), "count": 2}


def created(api, office, **extra) -> dict:
    r = api(office).post("/analyses", {**BODY, **extra})
    assert r.status_code == 201, r.content
    return r.json()


def test_the_office_ranks_and_gets_each_units_facts_points_score_and_the_weights(api, office, city):
    data = created(api, office, weights={"talks": 10})
    assert data["weights"]["talks"] == 10 and data["weights"]["orders"] == 5
    assert data["facts"] == ["late_days", "overdue_reports", "urges", "orders", "unrectified_findings", "talks"]
    for row in data["ranking"]:
        assert row["score"] == sum(row["facts"][k] * data["weights"][k] for k in data["facts"])
        assert row["points"] == {k: row["facts"][k] * data["weights"][k] for k in data["facts"]}
    assert data["agenda"] == data["proposal"] == [r["unit"] for r in data["ranking"]][:2]
    assert [r["unit"] for r in data["ranking"] if r["proposed"]] == data["proposal"]


def test_the_same_idempotency_key_ranks_once(api, office, city):
    c = api(office)
    first = c.post("/analyses", BODY, headers={"Idempotency-Key": "rank-1"})
    again = c.post("/analyses", BODY, headers={"Idempotency-Key": "rank-1"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and Analysis.objects.count() == 1


def test_discipline_reads_the_ranking_and_each_read_is_audited(api, office, discipline, city):
    data = created(api, office)
    c = api(discipline)
    assert c.get(f"/analyses/{data['id']}").status_code == 200
    assert c.get("/analyses").json()["items"][0]["id"] == data["id"]
    reads = Event.objects.filter(kind="record.read", subject_type="analysis", actor=discipline).order_by("id")
    assert [(e.subject_id, e.after.get("ids")) for e in reads] == [(data["id"], None), (0, [data["id"]])]


@pytest.mark.parametrize("who", ["head_a", "liaison_a", "leader", "head_b"])
def test_units_and_leaders_are_refused_every_reading(request, api, office, city, who):
    data = created(api, office)
    person = request.getfixturevalue(who)
    c = api(person)
    unit = city.unit_a.pk
    for path in (
        "/analyses",
        f"/analyses/{data['id']}",
        f"/analyses/{data['id']}/agenda.pdf",
        f"/analyses/{data['id']}/units/{unit}/dossier.docx",
    ):
        assert c.get(path).status_code in (403, 404), path
    assert c.post("/analyses", BODY).status_code == 403
    assert c.put(f"/analyses/{data['id']}/agenda", {"units": [unit]}).status_code == 403
    assert not Event.objects.filter(kind="record.read", actor=person).exists()


def test_discipline_reads_but_does_not_write(api, office, discipline, city):
    data = created(api, office)
    c = api(discipline)
    assert c.post("/analyses", BODY).status_code == 403
    assert c.post(f"/analyses/{data['id']}/confirm").status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"period_from": "2026-13-01"}, "period_from"),
        ({"period_from": "1999-01-01"}, "period_from"),
        ({"count": 0}, "count"),
        ({"count": 21}, "count"),
        ({"weights": {"mood": 1}}, "weights.mood"),
        ({"weights": {"talks": 101}}, "weights.talks"),
        ({"weights": {"talks": -1}}, "weights.talks"),
        ({"title": "标题\u0000"}, "title"),
        ({"place": "会场\u0007"}, "place"),
        ({"title": "长" * 201}, "title"),
        ({"period_from": "2026-04-01"}, "period_from"),
        ({"period_to": "2099-01-01"}, "period_to"),
    ],
)
def test_bad_input_is_400_naming_the_field(api, office, city, body, field):
    r = api(office).post("/analyses", {**BODY, **body}, headers=EN)
    assert r.status_code == 400, r.content
    assert r.json()["field"] == field
    assert not Analysis.objects.exists()


def test_ids_out_of_range_are_400(api, office, city):
    c = api(office)
    assert c.get(f"/analyses/{2**31}").status_code == 400
    assert c.get("/analyses/0").status_code == 400
    assert c.get(f"/analyses/{2**31 - 1}").status_code == 404


def test_the_agenda_is_set_confirmed_and_commitments_become_duties_once(api, office, city):
    data = created(api, office)
    c = api(office)
    path = f"/analyses/{data['id']}"
    r = c.put(
        f"{path}/agenda",
        {"units": [city.unit_c.pk, city.unit_a.pk]},
    )
    assert r.status_code == 400 and r.json()["field"] == "note"
    body = {
        "units": [city.unit_c.pk, city.unit_a.pk],
        "heads": [{"unit": city.unit_c.pk, "person": city.head_c.pk}],
        "note": "按要求调整",
    }
    r = c.put(f"{path}/agenda", body)
    assert r.status_code == 200 and r.json()["agenda"] == [city.unit_c.pk, city.unit_a.pk]
    assert c.post(f"{path}/confirm").status_code == 200
    assert c.post(f"{path}/confirm").status_code == 409
    assert c.put(f"{path}/agenda", body).status_code == 409
    deadline = (timezone.localdate() + timedelta(days=60)).isoformat()
    commitment = {"unit": city.unit_c.pk, "text": "年底前整改全部问题", "deadline": deadline, "report_every_days": 14}
    first = c.post(f"{path}/commitments", commitment, headers={"Idempotency-Key": "c-1"})
    again = c.post(f"{path}/commitments", commitment, headers={"Idempotency-Key": "c-1"})
    assert first.status_code == 201 and again.status_code == 200 and again.json() == first.json()
    duty = Duty.objects.get(pk=first.json()["duty"])
    assert duty.unit == city.unit_c and duty.status == DutyStatus.OPEN and Commitment.objects.count() == 1
    listed = c.get(path).json()["commitments"]
    assert [(x["id"], x["duty"], x["status"]) for x in listed] == [(first.json()["id"], duty.pk, "open")]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"unit": 0}, "unit"),
        ({"unit": 2**31}, "unit"),
        ({"text": ""}, "text"),
        ({"text": "承诺\u0000"}, "text"),
        ({"deadline": "2020-01-01"}, "deadline"),
        ({"report_every_days": 0}, "report_every_days"),
    ],
)
def test_a_bad_commitment_is_400_naming_the_field(api, office, city, body, field):
    data = created(api, office)
    c = api(office)
    c.post(f"/analyses/{data['id']}/confirm")
    deadline = (timezone.localdate() + timedelta(days=60)).isoformat()
    good = {"unit": city.unit_a.pk, "text": "整改", "deadline": deadline}
    r = c.post(f"/analyses/{data['id']}/commitments", {**good, **body}, headers=EN)
    assert r.status_code == 400 and r.json()["field"] == field, r.content
    assert not Commitment.objects.exists()


def test_a_unit_not_on_the_agenda_cannot_commit(api, office, city):
    data = created(api, office)
    c = api(office)
    c.post(f"/analyses/{data['id']}/confirm")
    deadline = (timezone.localdate() + timedelta(days=60)).isoformat()
    r = c.post(f"/analyses/{data['id']}/commitments", {"unit": city.quiet.pk, "text": "整改", "deadline": deadline})
    assert r.status_code == 400 and r.json()["field"] == "unit"


def test_documents_download_as_pdf_and_docx_audited_and_exported(api, office, discipline, city):
    data = created(api, office)
    c = api(discipline)
    pdf = c.get(f"/analyses/{data['id']}/agenda.pdf")
    docx = c.get(f"/analyses/{data['id']}/units/{city.unit_a.pk}/dossier.docx")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert "no-store" in docx["Cache-Control"]
    exports = Event.objects.filter(kind="export", actor=discipline).order_by("id")
    assert [(e.after["what"], e.after["format"], e.unit_id) for e in exports] == [
        ("analysis_agenda", "pdf", None),
        ("analysis_dossier", "docx", city.unit_a.pk),
    ]
    assert Event.objects.filter(kind="record.read", actor=discipline, subject_id=data["id"]).count() == 2
    assert c.get(f"/analyses/{data['id']}/units/{city.quiet.pk}/dossier.pdf").status_code == 404
