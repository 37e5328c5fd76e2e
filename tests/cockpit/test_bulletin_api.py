"""`GET/POST /api/v1/bulletins`: the archive, and the office making one for {from, to} → {id, number, pdf, docx}."""

import pytest
import time_machine

from luoshi.cockpit.models import Bulletin
from luoshi.notify.models import Notification
from tests.cockpit.bulletin_city import MONDAY_AFTER, build_week
from tests.duties.test_documents import pdf_text

EN = {"Accept-Language": "en"}
WEEK = {"from": "2026-03-02", "to": "2026-03-08"}


@pytest.fixture
def week(office, leader, unit_a, unit_b, liaison_a, liaison_b, head_a):
    return build_week(office, leader, unit_a, unit_b, liaison_a)


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY_AFTER, tick=False):
        yield


def test_the_office_makes_a_bulletin_and_downloads_its_documents(api, week, monday, office, leader, tmp_path):
    c = api(office)
    r = c.post("/bulletins", WEEK, headers={"Idempotency-Key": "api-1"})
    assert r.status_code == 201, r.content
    body = r.json()
    b = Bulletin.objects.get()
    assert body["id"] == b.pk and body["number"] == "2026年第1期" and (body["year"], body["issue"]) == (2026, 1)
    assert body["pdf"] == f"/api/v1/bulletins/{b.pk}.pdf" and body["docx"] == f"/api/v1/bulletins/{b.pk}.docx"
    pdf = c.client.get(body["pdf"], headers=c.headers)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "2026年第1期" in pdf_text(pdf.content, tmp_path).replace(" ", "")
    docx = c.client.get(body["docx"], headers=c.headers)
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    # a leader reads what he received
    mine = api(leader)
    listed = mine.get("/bulletins")
    assert listed.status_code == 200 and listed.json()["count"] == 1
    assert listed.json()["items"][0]["number"] == "2026年第1期"
    one = mine.get(f"/bulletins/{b.pk}")
    assert one.status_code == 200
    assert one.json()["figures"]["lists"]["red"]["rows"][0]["title"] == "推进兰州新区产业园区建设"
    assert Notification.objects.filter(recipient=leader, kind="cockpit.bulletin").count() == 1


def test_the_same_idempotency_key_stores_one_bulletin(api, week, monday, office):
    c = api(office)
    first = c.post("/bulletins", WEEK, headers={"Idempotency-Key": "same"})
    again = c.post("/bulletins", WEEK, headers={"Idempotency-Key": "same"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Bulletin.objects.count() == 1


def test_without_a_key_each_request_is_a_bulletin_numbered_in_turn(api, week, monday, office):
    c = api(office)
    numbers = [c.post("/bulletins", WEEK).json()["number"] for _ in range(2)]
    assert numbers == ["2026年第1期", "2026年第2期"]


@pytest.mark.parametrize("who", ["leader", "liaison_a", "head_a"])
def test_only_the_office_makes_one(request, api, monday, who):
    r = api(request.getfixturevalue(who)).post("/bulletins", WEEK, headers=EN)
    assert r.status_code == 403 and not Bulletin.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "office", "leader"])
def test_readers_list_the_archive(request, api, who):
    assert api(request.getfixturevalue(who)).get("/bulletins").status_code == 200  # outsider: a liaison


def test_the_auditor_is_refused(api, auditor, office, monday):
    assert api(auditor).get("/bulletins").status_code == 403
    assert api(auditor).post("/bulletins", WEEK).status_code == 403


def test_a_missing_bulletin_is_404(api, office):
    c = api(office)
    assert c.get("/bulletins/9").status_code == 404
    assert c.client.get("/api/v1/bulletins/9.pdf", headers=c.headers).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"from": "2026-03-08", "to": "2026-03-02"}, "from"),
        ({"from": "2026-02-30", "to": "2026-03-08"}, "from"),
        ({"from": "2026-03-02", "to": "next week"}, "to"),
        ({"from": "2024-01-01", "to": "2025-01-01"}, "to"),
        ({"from": "2026-03-02", "to": "2026-03-10"}, "to"),
        ({"to": "2026-03-08"}, "from"),
        ({"from": "1999-01-01", "to": "1999-01-02"}, "from"),
    ],
)
def test_bad_input_is_400_naming_the_field(api, monday, office, body, field):
    r = api(office).post("/bulletins", body, headers=EN)
    assert r.status_code == 400, r.content
    assert r.json()["field"] == field, r.json()
    assert not Bulletin.objects.exists()


def test_the_archive_is_a_constant_number_of_queries(api, week, monday, office, django_assert_max_num_queries):
    c = api(office)
    c.post("/bulletins", WEEK)
    with django_assert_max_num_queries(3):  # the token, the page, the count
        assert c.get("/bulletins").json()["count"] == 1
    for _ in range(4):
        c.post("/bulletins", WEEK)
    with django_assert_max_num_queries(3):
        assert c.get("/bulletins").json()["count"] == 5
