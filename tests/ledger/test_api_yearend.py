"""The year-end API: the audit of a snapshot and the units' answers, hand-ins, closing with its
carry-over, copying a structure. The allowed caller succeeds, another unit is refused (403/404), bad
input is a 400 naming the field, a double submission stores once."""

import pytest
import time_machine

from luoshi.duties.models import DutyStatus
from luoshi.ledger import cycle_audit, services
from luoshi.ledger.models import AuditVerdict, Handin, Ledger, Task
from tests.conftest import NOW
from tests.ledger.test_audit import frozen_snapshot


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def snapshot(office, ledger, opened):
    return frozen_snapshot(office, ledger)


def question(api, office, snapshot, task, note="请核实投资完成数"):
    return api(office).post(f"/snapshots/{snapshot.pk}/audit", {"task": task.pk, "verdict": "questioned", "note": note})


# ---- the audit -----------------------------------------------------------------------------------


def test_the_office_questions_a_row_and_the_unit_owes_an_answer(api, office, snapshot, opened, unit_a):
    r = question(api, office, snapshot, opened["first"])
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["verdict"] == "questioned" and body["unit"] == unit_a.pk and body["code"] == opened["first"].code
    assert body["duty"] and body["deadline"] and body["answer"] == ""


def test_the_same_verdict_twice_is_stored_once(api, office, snapshot, opened):
    first = question(api, office, snapshot, opened["first"])
    again = question(api, office, snapshot, opened["first"])
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and AuditVerdict.objects.count() == 1


def test_a_verdict_changes_while_unanswered(api, office, snapshot, opened):
    question(api, office, snapshot, opened["first"])
    r = api(office).post(f"/snapshots/{snapshot.pk}/audit", {"task": opened["first"].pk, "verdict": "verified"})
    assert r.status_code == 200 and r.json()["verdict"] == "verified" and r.json()["duty"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"verdict": "maybe", "note": ""}, "verdict"),
        ({"verdict": "questioned", "note": ""}, "note"),
        ({"verdict": "verified", "task": 2**31 - 1}, "task"),
        ({"verdict": "verified", "task": 0}, "task"),
        ({"verdict": "verified", "note": "a\x00b"}, "note"),
    ],
)
def test_bad_audit_input_is_400_naming_the_field(api, office, snapshot, opened, body, field):
    r = api(office).post(f"/snapshots/{snapshot.pk}/audit", {"task": opened["first"].pk, **body})
    assert r.status_code == 400, r.content
    assert r.json()["field"] == field or field in str(r.json()["errors"])


def test_only_the_office_audits(api, liaison_a, leader, snapshot, opened):
    for person in (liaison_a, leader):
        r = api(person).post(f"/snapshots/{snapshot.pk}/audit", {"task": opened["first"].pk, "verdict": "verified"})
        assert r.status_code == 403


def test_an_unknown_snapshot_is_404(api, office, opened):
    assert api(office).get("/snapshots/999999/audit").status_code == 404


def test_a_unit_lists_only_its_own_questions(api, office, liaison_a, liaison_b, snapshot, opened):
    question(api, office, snapshot, opened["first"])  # unit a's
    question(api, office, snapshot, opened["second"])  # unit b's
    api(office).post(f"/snapshots/{snapshot.pk}/audit", {"task": opened["parent"].pk, "verdict": "verified"})
    assert len(api(office).get(f"/snapshots/{snapshot.pk}/audit").json()) == 3
    mine = api(liaison_a).get(f"/snapshots/{snapshot.pk}/audit").json()
    assert [v["task"] for v in mine] == [opened["first"].pk]
    assert [v["task"] for v in api(liaison_b).get(f"/snapshots/{snapshot.pk}/audit").json()] == [opened["second"].pk]
    assert len(api(office).get(f"/snapshots/{snapshot.pk}/audit", status="unanswered").json()) == 2
    assert len(api(office).get(f"/snapshots/{snapshot.pk}/audit", status="verified").json()) == 1
    assert len(api(office).get(f"/snapshots/{snapshot.pk}/audit", status="").json()) == 3
    assert api(office).get(f"/snapshots/{snapshot.pk}/audit", status="maybe").status_code == 400


def test_the_verdict_list_reads_a_fixed_number_of_queries(api, office, snapshot, opened, django_assert_max_num_queries):
    for task in opened.values():
        api(office).post(f"/snapshots/{snapshot.pk}/audit", {"task": task.pk, "verdict": "verified"})
    client = api(office)
    client.get(f"/snapshots/{snapshot.pk}/audit")  # the token's first use is audited once
    with django_assert_max_num_queries(8):
        assert len(client.get(f"/snapshots/{snapshot.pk}/audit").json()) == 3


# ---- the answer ----------------------------------------------------------------------------------


def test_the_unit_answers_and_its_duty_is_completed(api, office, liaison_a, snapshot, opened):
    vid = question(api, office, snapshot, opened["first"]).json()["id"]
    r = api(liaison_a).post(f"/audit-questions/{vid}/answer", {"answer": "已按统计口径核实。"})
    assert r.status_code == 200, r.content
    assert r.json()["answered_at"] and r.json()["duty"] is not None
    v = AuditVerdict.objects.get(pk=vid)
    assert cycle_audit.query_duty(v).status == DutyStatus.COMPLETED
    answered = api(office).get(f"/snapshots/{snapshot.pk}/audit", status="answered").json()
    assert [a["id"] for a in answered] == [vid]


def test_another_units_question_is_404(api, office, liaison_b, snapshot, opened):
    vid = question(api, office, snapshot, opened["first"]).json()["id"]
    assert api(liaison_b).post(f"/audit-questions/{vid}/answer", {"answer": "x"}).status_code == 404
    assert api(office).post(f"/audit-questions/{vid}/answer", {"answer": "x"}).status_code == 403


def test_an_answer_is_stored_once_and_needs_text(api, office, liaison_a, snapshot, opened):
    vid = question(api, office, snapshot, opened["first"]).json()["id"]
    assert api(liaison_a).post(f"/audit-questions/{vid}/answer", {"answer": " "}).status_code == 400
    for _i in range(2):
        assert api(liaison_a).post(f"/audit-questions/{vid}/answer", {"answer": "已核实"}).status_code == 200
    assert api(liaison_a).post(f"/audit-questions/{vid}/answer", {"answer": "改口"}).status_code == 409


# ---- hand-ins ------------------------------------------------------------------------------------


def test_a_unit_hands_in_once(api, liaison_a, ledger, opened, unit_a):
    r = api(liaison_a).post(f"/ledgers/{ledger.pk}/handins", {"unit": unit_a.pk, "summary": "年度工作总结"})
    assert r.status_code == 201, r.content
    assert r.json()["unit"] == unit_a.pk and len(r.json()["rows"]) == 2
    again = api(liaison_a).post(f"/ledgers/{ledger.pk}/handins", {"unit": unit_a.pk, "summary": "再交"})
    assert again.status_code == 409 and Handin.objects.count() == 1


def test_a_hand_in_for_another_unit_is_refused(api, liaison_b, ledger, opened, unit_a):
    r = api(liaison_b).post(f"/ledgers/{ledger.pk}/handins", {"unit": unit_a.pk, "summary": "代交"})
    assert r.status_code == 403


@pytest.mark.parametrize(("body", "field"), [({"summary": ""}, "summary"), ({"unit": 2**31 - 1}, "unit")])
def test_bad_hand_in_input_is_400_naming_the_field(api, liaison_a, ledger, opened, unit_a, body, field):
    r = api(liaison_a).post(f"/ledgers/{ledger.pk}/handins", {"unit": unit_a.pk, "summary": "总结", **body})
    assert r.status_code == 400
    assert r.json()["field"] == field or field in str(r.json()["errors"])


def test_the_office_sees_who_has_handed_in_and_a_unit_its_own(api, office, liaison_a, liaison_b, ledger, opened):
    api(liaison_a).post(f"/ledgers/{ledger.pk}/handins", {"unit": liaison_a.unit_id, "summary": "总结"})
    rows = api(office).get(f"/ledgers/{ledger.pk}/handins").json()
    assert {(r["unit"], r["handed_in"]) for r in rows} == {(liaison_a.unit_id, True), (liaison_b.unit_id, False)}
    own = api(liaison_b).get(f"/ledgers/{ledger.pk}/handins").json()
    assert [(r["unit"], r["handin"]) for r in own] == [(liaison_b.unit_id, None)]


# ---- closing, carrying over, copying -----------------------------------------------------------


def test_the_office_closes_the_year_once(api, office, liaison_a, ledger, opened):
    assert api(liaison_a).post(f"/ledgers/{ledger.pk}/close").status_code == 403
    r = api(office).post(f"/ledgers/{ledger.pk}/close")
    assert r.status_code == 200, r.content
    nxt = Ledger.objects.get(year=ledger.year + 1)
    assert r.json()["carried"] == 3 and r.json()["next_ledger"] == nxt.pk
    assert api(office).post(f"/ledgers/{ledger.pk}/close").status_code == 409
    assert Task.objects.filter(ledger=nxt).count() == 3


def test_the_carry_over_list_names_each_origin(api, office, liaison_b, ledger, opened):
    api(office).post(f"/ledgers/{ledger.pk}/close")
    out = api(office).get(f"/ledgers/{ledger.pk}/carried").json()
    assert {c["origin"]["id"] for c in out} == {t.pk for t in opened.values()}
    assert all(c["task"]["year"] == ledger.year + 1 and c["origin"]["year"] == ledger.year for c in out)
    nxt = out[0]["task"]["ledger"]
    assert len(api(office).get(f"/ledgers/{nxt}/carried", direction="in").json()) == 3
    assert api(office).get(f"/ledgers/{nxt}/carried", direction="out").json() == []
    # Unit b sees the carry-over of its own row only (next year's draft it does not see at all).
    assert [c["origin"]["id"] for c in api(liaison_b).get(f"/ledgers/{ledger.pk}/carried").json()] == [
        opened["second"].pk
    ]
    assert api(liaison_b).get(f"/ledgers/{nxt}/carried").status_code == 404


def test_the_office_copies_a_structure_once(api, office, liaison_a, ledger, tree):
    target = services.do_create_ledger(office, year=ledger.year + 1, title="明年台账")
    assert api(liaison_a).post(f"/ledgers/{target.pk}/copy-structure", {"source": ledger.pk}).status_code == 404
    r = api(office).post(f"/ledgers/{target.pk}/copy-structure", {"source": ledger.pk})
    assert r.status_code == 201 and r.json() == {"ledger": target.pk, "source": ledger.pk, "copied": 3}
    assert api(office).post(f"/ledgers/{target.pk}/copy-structure", {"source": ledger.pk}).status_code == 409
    assert target.tasks.count() == 3


@pytest.mark.parametrize("source", [2**31 - 1, 0, "x"])
def test_a_bad_source_is_400_naming_the_field(api, office, ledger, tree, source):
    target = services.do_create_ledger(office, year=ledger.year + 1, title="明年台账")
    r = api(office).post(f"/ledgers/{target.pk}/copy-structure", {"source": source})
    assert r.status_code == 400
    assert r.json()["field"] == "source" or "source" in str(r.json()["errors"])
