"""Incidents with their units and people, violations of work-style discipline, and accountability decisions
with the measures the rules allow, their reasons and their dossier."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from luoshi.events.models import Event
from luoshi.files.models import Attachment
from luoshi.oversight.models import Accountability, Incident, Violation
from tests.oversight.cases.conftest import decision_on, reads, talk_with, violation_of

EN = {"Accept-Language": "en"}


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def fire(api, office, unit_a, unit_b, clerk_a) -> dict:
    r = api(office).post(
        "/incidents",
        {
            "title": "泰生大厦“1·2”火灾",
            "happened_on": "2026-01-02",
            "place": "城关区泰生大厦",
            "units": [unit_a.pk, unit_b.pk],
            "people": [clerk_a.pk],
        },
    )
    assert r.status_code == 201, r.json()
    return r.json()


def test_an_incident_is_read_by_the_officers_the_heads_of_its_units_and_its_people(
    api, fire, discipline, head_a, head_b, clerk_a, clerk_b, liaison_a, unit_c
):
    from tests.conftest import make_person

    head_c = make_person("head_c", ["unit_head"], unit_c)
    path = f"/incidents/{fire['id']}"
    for person in (discipline, head_a, head_b, clerk_a):
        assert api(person).get(path).status_code == 200
        assert [i["id"] for i in api(person).get("/incidents").json()["items"]] == [fire["id"]]
    for person in (clerk_b, liaison_a, head_c):
        assert api(person).get(path).status_code == 404
        assert api(person).get("/incidents").json()["count"] == 0
    assert reads(head_a)[0].subject_type == "incident"


def test_an_incident_shows_the_cases_that_cite_it(api, as_, office, fire, clerk_a, unit_b):
    case = decision_on(office, person=clerk_a, measures=["party_discipline"], reasons=[("incident", fire["id"])])
    talk = talk_with(office, unit=unit_b, reasons=[("incident", fire["id"])])
    got = api(office).get(f"/incidents/{fire['id']}").json()["cases"]
    assert {(c["kind"], c["id"]) for c in got} == {("accountability", case.pk), ("talk", talk.pk)}
    page = as_(office).get(reverse("oversight:incident", args=[fire["id"]])).content.decode()
    assert f'data-case="accountability:{case.pk}"' in page and f'data-case="talk:{talk.pk}"' in page
    # clerk_a sees the incident and his own decision, not the unit's talk
    mine = api(clerk_a).get(f"/incidents/{fire['id']}").json()["cases"]
    assert [(c["kind"], c["id"]) for c in mine] == [("accountability", case.pk)]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": ""}, "title"),
        ({"title": "火灾\x07"}, "title"),
        ({"happened_on": "2026-05-17"}, "happened_on"),
        ({"units": [999999]}, "units"),
        ({"people": [2**31]}, "people.0"),
        ({"place": "x" * 201}, "place"),
    ],
)
def test_a_bad_incident_is_a_400_naming_the_field(api, office, change, field):
    r = api(office).post("/incidents", {"title": "围墙倒塌", "happened_on": "2026-02-17", **change}, headers=EN)
    assert r.status_code == 400 and r.json()["field"] == field
    assert not Incident.objects.exists()


def test_a_violation_is_kept_under_the_persons_unit_unless_another_is_named(api, office, clerk_a, unit_a, unit_c):
    c = api(office)
    r = c.post("/violations", {"person": clerk_a.pk, "description": "违规接受宴请", "found_on": "2026-02-10"})
    assert r.status_code == 201 and r.json()["unit"] == unit_a.pk
    r = c.post(
        "/violations",
        {"person": clerk_a.pk, "unit": unit_c.pk, "description": "上班时间打牌", "found_on": "2026-02-11"},
    )
    assert r.json()["unit"] == unit_c.pk
    bad = c.post("/violations", {"person": clerk_a.pk, "description": " ", "found_on": "2026-02-10"}, headers=EN)
    assert bad.status_code == 400 and bad.json()["field"] == "description"
    assert (
        c.post("/violations", {"person": 999999, "description": "x", "found_on": "2026-02-10"}).json()["field"]
        == "person"
    )


def test_a_repeated_key_stores_one_violation(api, office, clerk_a):
    payload = {"person": clerk_a.pk, "description": "违规公车私用", "found_on": "2026-02-10"}
    c = api(office)
    codes = [c.post("/violations", payload, headers={"Idempotency-Key": "v-1"}).status_code for _ in range(2)]
    assert codes == [201, 200] and Violation.objects.count() == 1


def test_a_decision_on_a_person_with_a_sanction_counts_as_disciplined(api, office, clerk_a, unit_a):
    v = violation_of(office, clerk_a)
    r = api(office).post(
        "/accountability",
        {
            "person": clerk_a.pk,
            "measures": ["government_sanction", "notice", "notice"],
            "decided_on": "2026-02-20",
            "body": "市监委",
            "reasons": [{"kind": "violation", "id": v.pk}],
            "public": True,
        },
    )
    assert r.status_code == 201, r.json()
    got = r.json()
    assert got["measures"] == ["notice", "government_sanction"]  # in the rules' order, once each
    assert got["disciplined"] is True and got["public"] is True and got["unit"] == unit_a.pk
    assert [(x["kind"], x["id"]) for x in got["reasons"]] == [("violation", v.pk)]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"unit": "U", "measures": ["admonition"]}, "measures"),  # a person's measure for a unit
        ({"person": "P", "measures": ["reorganisation"]}, "measures"),  # a unit's measure for a person
        ({"unit": "U", "measures": []}, "measures"),
        ({"unit": "U", "measures": ["flogging"]}, "measures.0"),
        ({"measures": ["notice"]}, "unit"),
        ({"unit": "U", "measures": ["notice"], "body": ""}, "body"),
        ({"unit": "U", "measures": ["notice"], "decided_on": "2026-12-01"}, "decided_on"),
        ({"unit": "U", "measures": ["notice"], "reasons": [{"kind": "incident", "id": 5}]}, "reasons"),
        ({"unit": "U", "measures": ["notice"], "summary": "a\x00"}, "summary"),
    ],
)
def test_a_bad_decision_is_a_400_naming_the_field(api, office, unit_a, clerk_a, payload, field):
    payload = {"decided_on": "2026-02-20", "body": "市纪委", **payload}
    payload = {k: unit_a.pk if v == "U" else clerk_a.pk if v == "P" else v for k, v in payload.items()}
    r = api(office).post("/accountability", payload, headers=EN)
    assert r.status_code == 400, r.json()
    assert r.json()["field"] == field
    assert not Accountability.objects.exists()


def test_the_decision_form_stores_the_dossier_and_once_when_sent_twice(as_, office, clerk_a):
    client = as_(office)
    key = client.get(reverse("oversight:accountability_new")).context["form"].initial["submission_key"]

    def send():
        return client.post(
            reverse("oversight:accountability_new"),
            {
                "person": clerk_a.pk,
                "measures": ["admonition", "party_discipline"],
                "decided_on": "2026-02-20",
                "body": "市纪委",
                "submission_key": key,
                "documents": [SimpleUploadedFile("决定书.pdf", PDF), SimpleUploadedFile("现场.png", png())],
            },
        )

    first, second = send(), send()
    case = Accountability.objects.get()
    assert first.status_code == second.status_code == 302
    assert case.disciplined and case.measures == ["admonition", "party_discipline"]
    names = sorted(
        Attachment.objects.filter(subject_type="accountability", subject_id=case.pk).values_list("name", flat=True)
    )
    assert names == ["决定书.pdf", "现场.png"]


def test_a_dossier_refuses_a_file_that_is_not_an_image_or_pdf(as_, office, clerk_a):
    case = decision_on(office, person=clerk_a)
    r = as_(office).post(
        reverse("oversight:dossier_add", args=[case.pk]),
        {"documents": [SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf")]},
    )
    assert r.status_code == 400 and "documents" in r.context["form"].errors
    assert not Attachment.objects.exists()


def test_a_dossier_file_is_served_to_who_may_read_the_decision_and_the_read_is_audited(
    as_, office, head_a, head_b, clerk_a
):
    case = decision_on(office, person=clerk_a)
    as_(office).post(
        reverse("oversight:dossier_add", args=[case.pk]), {"documents": [SimpleUploadedFile("决定书.pdf", PDF)]}
    )
    att = Attachment.objects.get()
    url = reverse("oversight:dossier_file", args=[case.pk, att.pk])
    r = as_(head_a).get(url)
    assert r.status_code == 200 and bytes(r.content) == PDF and r["X-Content-Type-Options"] == "nosniff"
    assert [(e.subject_type, e.subject_id) for e in reads(head_a)] == [("accountability", case.pk)]
    assert as_(head_b).get(url).status_code == 404
    other = decision_on(office, person=clerk_a, body="市监委")
    assert as_(head_a).get(reverse("oversight:dossier_file", args=[other.pk, att.pk])).status_code == 404


def test_only_officers_add_to_a_dossier(as_, office, head_a, clerk_a):
    case = decision_on(office, person=clerk_a)
    r = as_(head_a).post(
        reverse("oversight:dossier_add", args=[case.pk]), {"documents": [SimpleUploadedFile("a.pdf", PDF)]}
    )
    assert r.status_code == 403 and not Attachment.objects.exists()
    assert not Event.objects.filter(kind="accountability.dossier_added").exists()


def test_the_incident_and_violation_forms_store_once(as_, office, unit_a, clerk_a):
    client = as_(office)
    key = client.get(reverse("oversight:incident_new")).context["form"].initial["submission_key"]
    form = {
        "title": "自来水异味",
        "happened_on": "2026-01-20",
        "units": [unit_a.pk],
        "people": [clerk_a.pk],
        "submission_key": key,
    }
    assert client.post(reverse("oversight:incident_new"), form).status_code == 302
    assert client.post(reverse("oversight:incident_new"), form).status_code == 302
    assert Incident.objects.count() == 1
    key = client.get(reverse("oversight:violation_new")).context["form"].initial["submission_key"]
    form = {"person": clerk_a.pk, "found_on": "2026-02-01", "description": "违规发放津贴", "submission_key": key}
    assert client.post(reverse("oversight:violation_new"), form).status_code == 302
    assert client.post(reverse("oversight:violation_new"), form).status_code == 302
    assert Violation.objects.count() == 1
    bad = client.post(reverse("oversight:violation_new"), {**form, "submission_key": "", "description": "\x00"})
    assert bad.status_code == 400 and "description" in bad.context["form"].errors
