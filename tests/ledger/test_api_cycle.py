"""The API of 季度对账: start, board, a unit's rows, its confirmation (once), the freeze, the snapshots and
their comparison. Another unit's records are 404; bad input is a 400 naming the field."""

from datetime import timedelta

import pytest
from django.utils import timezone

from luoshi.ledger import cycle_quarters
from luoshi.ledger.models import Confirmation, Indicator, Quarter, Snapshot


def due_in(days: int = 10) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


@pytest.fixture
def quarter(office, ledger, opened) -> Quarter:
    return cycle_quarters.do_start_quarter(office, ledger, 1, timezone.localdate() + timedelta(days=10))


def base(ledger) -> str:
    return f"/ledgers/{ledger.pk}/quarters"


# Start


def test_the_office_starts_a_quarter(api, office, ledger, opened, unit_a, unit_b):
    answer = api(office).post(base(ledger), {"number": 1, "due": due_in()})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["number"] == 1 and body["owed"] == 2 and body["confirmed"] == 0
    assert {u["unit"] for u in body["units"]} == {unit_a.pk, unit_b.pk}
    assert api(office).post(base(ledger), {"number": 1, "due": due_in()}).status_code == 409


def test_a_unit_or_leader_cannot_start_a_quarter(api, ledger, opened, liaison_a, leader):
    for person in (liaison_a, leader):
        assert api(person).post(base(ledger), {"number": 1, "due": due_in()}).status_code == 403
    assert not Quarter.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"number": 5, "due": due_in()}, "number"),
        ({"number": 1}, "due"),
        ({"number": 1, "due": "9999-01-01"}, "due"),
        ({"number": 1, "due": due_in(-3)}, "due"),
    ],
)
def test_a_bad_start_is_a_400_naming_the_field(api, office, ledger, opened, body, field):
    answer = api(office).post(base(ledger), body)
    assert answer.status_code == 400 and answer.json()["field"] == field


def test_a_draft_ledger_is_404_to_a_unit(api, ledger, tree, liaison_a):
    assert api(liaison_a).post(base(ledger), {"number": 1, "due": due_in()}).status_code == 404


# The board and a unit's rows


def test_the_board_shows_every_unit_to_the_office_and_leaders_and_its_own_line_to_a_unit(
    api, quarter, ledger, office, leader, liaison_a, unit_a, outsider
):
    for person in (office, leader):
        assert api(person).get(f"{base(ledger)}/1").json()["owed"] == 2
    own = api(liaison_a).get(f"{base(ledger)}/1").json()
    assert [u["unit"] for u in own["units"]] == [unit_a.pk]
    assert api(outsider).get(f"{base(ledger)}/1").status_code == 404
    assert api(office).get(f"{base(ledger)}/2").status_code == 404
    bad = api(office).get(f"{base(ledger)}/7")
    assert bad.status_code == 400 and bad.json()["field"] == "q"
    assert [q["number"] for q in api(leader).get(base(ledger)).json()] == [1]


def test_a_unit_reads_its_own_rows_and_not_another_units(api, quarter, ledger, opened, liaison_a, unit_a, unit_b):
    rows = api(liaison_a).get(f"{base(ledger)}/1/rows", unit=unit_a.pk).json()
    assert [r["task"] for r in rows] == [opened["first"].pk, opened["second"].pk]
    assert rows[0]["indicators"][0]["target"] == "20" and rows[0]["progress"] == "0"
    assert api(liaison_a).get(f"{base(ledger)}/1/rows", unit=unit_b.pk).status_code == 404
    missing = api(liaison_a).get(f"{base(ledger)}/1/rows")
    assert missing.status_code == 400 and missing.json()["field"] == "unit"


# Confirmations


def confirmation(opened, unit, **first) -> dict:
    rows = [{"task": opened["second"].pk, "confirmed": True}]
    if unit == "a":
        rows.insert(0, {"task": opened["first"].pk, **(first or {"confirmed": True})})
    return {"rows": rows}


def test_a_unit_confirms_once_and_the_same_key_returns_the_first(api, quarter, ledger, opened, liaison_a, unit_a):
    client = api(liaison_a)
    url = f"{base(ledger)}/1/confirmations"
    invest = Indicator.objects.get(task=opened["first"])
    body = {
        "unit": unit_a.pk,
        **confirmation(
            opened,
            "a",
            correction={"progress": 45, "indicators": [{"indicator": invest.pk, "actual": "3.20"}]},
            reason="数据更正",
        ),
    }
    first = client.post(url, body, headers={"Idempotency-Key": "q1-a"})
    assert first.status_code == 201, first.content
    answer = first.json()
    assert answer["unit"] == unit_a.pk and answer["rows"][0]["report"] is not None
    assert answer["rows"][0]["correction"]["indicators"] == [{"indicator": invest.pk, "actual": "3.20"}]
    again = client.post(url, body, headers={"Idempotency-Key": "q1-a"})
    assert again.status_code == 200 and again.json()["id"] == answer["id"]
    assert client.post(url, body, headers={"Idempotency-Key": "q1-b"}).status_code == 409
    assert client.post(url, body).status_code == 409
    assert Confirmation.objects.count() == 1
    board = client.get(f"{base(ledger)}/1").json()
    assert board["confirmed"] == 1 and board["units"][0]["corrected"] == 1


def test_another_units_confirmation_is_404_and_the_office_does_not_confirm(
    api, quarter, ledger, opened, liaison_b, office, unit_a
):
    body = {"unit": unit_a.pk, **confirmation(opened, "a")}
    assert api(liaison_b).post(f"{base(ledger)}/1/confirmations", body).status_code == 404
    assert api(office).post(f"{base(ledger)}/1/confirmations", body).status_code == 403
    assert not Confirmation.objects.exists()


@pytest.mark.parametrize(
    ("first", "field"),
    [
        ({"correction": {"progress": 50}}, "rows.0.reason"),
        ({"correction": {"progress": 101}, "reason": "x"}, "rows.0.correction.progress"),
        (
            {"correction": {"indicators": [{"indicator": 1, "actual": "abc"}]}, "reason": "x"},
            "rows.0.correction.indicators.0.actual",
        ),
        (
            {"correction": {"indicators": [{"indicator": 1, "actual": "1e20"}]}, "reason": "x"},
            "rows.0.correction.indicators.0.actual",
        ),
        ({"confirmed": True, "reason": "a\x00b"}, "rows.0.reason"),
        ({"confirmed": False}, "rows.0.confirmed"),
    ],
)
def test_a_bad_confirmation_is_a_400_naming_the_field(api, quarter, ledger, opened, liaison_a, unit_a, first, field):
    answer = api(liaison_a).post(
        f"{base(ledger)}/1/confirmations", {"unit": unit_a.pk, **confirmation(opened, "a", **first)}
    )
    assert answer.status_code == 400, answer.content
    assert answer.json()["field"] == field
    assert not Confirmation.objects.exists()


def test_missing_rows_are_a_400_naming_them(api, quarter, ledger, opened, liaison_a, unit_a):
    body = {"unit": unit_a.pk, "rows": [{"task": opened["first"].pk, "confirmed": True}]}
    answer = api(liaison_a).post(f"{base(ledger)}/1/confirmations", body)
    assert answer.status_code == 400 and answer.json()["field"] == "rows"
    assert opened["second"].code in answer.json()["detail"]


# Freeze, snapshots, comparison


def test_the_office_freezes_at_the_cut_off_and_a_unit_may_not(api, quarter, ledger, office, liaison_a):
    url = f"{base(ledger)}/1/freeze"
    assert api(liaison_a).post(url, {"cut_off": True}).status_code == 403
    refused = api(office).post(url)
    assert refused.status_code == 409 and refused.json()["field"] == "cut_off"
    frozen = api(office).post(url, {"cut_off": True})
    assert frozen.status_code == 200
    body = frozen.json()
    assert body["snapshot"] == Snapshot.objects.get().pk and body["complete"] is False and body["rows"] == 3
    assert api(office).post(url, {"cut_off": True}).status_code == 409


def test_the_snapshots_their_rows_and_the_comparison(
    api, quarter, ledger, office, opened, liaison_a, liaison_b, unit_a, unit_b, leader
):
    one = cycle_quarters.do_freeze_quarter(office, quarter, cut_off=True)
    q2 = cycle_quarters.do_start_quarter(office, ledger, 2, timezone.localdate() + timedelta(days=5))
    api(liaison_b).post(
        f"{base(ledger)}/2/confirmations",
        {
            "unit": unit_b.pk,
            "rows": [{"task": opened["second"].pk, "correction": {"progress": 60}, "reason": "进度更正"}],
        },
    )
    two = cycle_quarters.do_freeze_quarter(office, q2, cut_off=True)
    listed = api(leader).get(f"/ledgers/{ledger.pk}/snapshots").json()
    assert [s["id"] for s in listed] == [one.pk, two.pk] and listed[0]["rows"] == 3
    rows = api(liaison_b).get(f"/snapshots/{two.pk}/rows").json()
    assert rows["count"] == 1 and rows["items"][0]["progress"] == "30"  # b 60, co a 0
    assert rows["items"][0]["changed_by"] == "城关区联络员" and rows["items"][0]["reason"] == "进度更正"
    compared = api(office).get("/snapshots/compare", a=one.pk, b=two.pk).json()
    progress = [r for r in compared["rows"] if r["task"] == opened["second"].pk and r["field"] == "progress"]
    assert progress == [
        {
            "task": opened["second"].pk,
            "code": opened["second"].code,
            "title": opened["second"].title,
            "field": "progress",
            "before": "0",
            "after": "30",
            "by": "城关区联络员",
            "reason": "进度更正",
        }
    ]
    own = api(liaison_a).get("/snapshots/compare", a=one.pk, b=two.pk).json()["rows"]
    assert {r["task"] for r in own} <= {opened["first"].pk, opened["second"].pk}
    missing = api(office).get("/snapshots/compare", a=one.pk)
    assert missing.status_code == 400 and missing.json()["field"] == "b"
    assert api(office).get("/snapshots/compare", a=one.pk, b=999999).status_code == 404
    assert api(office).get("/snapshots/999999/rows").status_code == 404


def test_a_snapshot_of_an_unseen_ledger_is_404(api, quarter, ledger, office, outsider):
    one = cycle_quarters.do_freeze_quarter(office, quarter, cut_off=True)
    ledger.status = "draft"
    ledger.save(update_fields=["status"])
    assert api(outsider).get(f"/ledgers/{ledger.pk}/snapshots").status_code == 404
    assert api(outsider).get("/snapshots/compare", a=one.pk, b=one.pk).status_code == 404
