"""GET /api/v1/audit: the auditor reads the trail, newest first, by period, actor and kind; nobody else may."""

from datetime import datetime

import pytest

from luoshi.events.models import Event
from luoshi.events.services import record
from tests.conftest import SHANGHAI


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


def items(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_the_auditor_reads_the_trail_newest_first(api, auditor, office, unit_a):
    first = record(office, "list.created", "list", 42, unit_id=unit_a.pk, at=at(1, 9), address="10.0.0.7")
    second = record(None, "login.failed", "person", 0, at=at(1, 10), result="failed")
    response = api(auditor).get("/audit", kind="l")
    assert response.json()["count"] == 2
    assert items(response) == [
        {
            "id": second.pk,
            "at": "2026-03-01T02:00:00Z",
            "actor": None,
            "address": None,
            "kind": "login.failed",
            "subject": {"type": "person", "id": 0},
            "result": "failed",
        },
        {
            "id": first.pk,
            "at": "2026-03-01T01:00:00Z",
            "actor": {"id": office.pk, "username": "office", "name": "督查室王"},
            "address": "10.0.0.7",
            "kind": "list.created",
            "subject": {"type": "list", "id": 42},
            "result": "ok",
        },
    ]


@pytest.mark.parametrize("who", ["office", "admin", "security", "liaison_a", "leader"])
def test_everyone_but_the_auditor_is_refused(api, request, who):
    person = request.getfixturevalue(who)
    record(person, "list.created", "list", 1)
    for path in ("/audit", "/audit/verify"):
        response = api(person).get(path)
        assert response.status_code == 403, (who, path)
        assert response["Content-Type"].startswith("application/json")
        assert "detail" in response.json()


def test_the_trail_needs_a_signed_in_person(client, db):
    assert client.get("/api/v1/audit").status_code == 401


def test_dates_are_whole_days_in_beijing_time(api, auditor):
    record(None, "x.before", "person", 1, at=at(1, 23, 59))
    inside = [
        record(None, "x.inside", "person", 1, at=at(2, 0, 0)),
        record(None, "x.inside", "person", 1, at=at(2, 23, 59)),
    ]
    record(None, "x.after", "person", 1, at=at(3, 0, 0))
    got = items(api(auditor).get("/audit", **{"from": "2026-03-02", "to": "2026-03-02", "kind": "x."}))
    assert [e["id"] for e in got] == [inside[1].pk, inside[0].pk]


def test_iso_times_bound_the_period_both_ends_included(api, auditor):
    events = [record(None, "x.t", "person", 1, at=at(2, hour)) for hour in (8, 9, 10, 11)]
    params = {"from": "2026-03-02T09:00:00+08:00", "to": "2026-03-02T02:00:00Z", "kind": "x.t"}
    assert [e["id"] for e in items(api(auditor).get("/audit", **params))] == [events[2].pk, events[1].pk]
    # A "+08:00" sent unescaped arrives as a space.
    params = {"from": "2026-03-02T09:00:00 08:00", "to": "2026-03-02T10:00:00 08:00", "kind": "x.t"}
    assert [e["id"] for e in items(api(auditor).get("/audit", **params))] == [events[2].pk, events[1].pk]
    # No offset: Beijing time.
    params = {"from": "2026-03-02T11:00", "kind": "x.t"}
    assert [e["id"] for e in items(api(auditor).get("/audit", **params))] == [events[3].pk]


def test_the_actor_filter_and_the_kind_prefix(api, auditor, office, liaison_a):
    mine = record(office, "login", "person", office.pk, at=at(2, 9))
    record(office, "list.created", "list", 1, at=at(2, 10))
    failed = record(liaison_a, "login.failed", "person", liaison_a.pk, at=at(2, 11), result="failed")
    client = api(auditor)
    assert [e["id"] for e in items(client.get("/audit", actor=office.pk, kind="login"))] == [mine.pk]
    assert [e["id"] for e in items(client.get("/audit", kind="login"))] == [failed.pk, mine.pk]
    assert [e["id"] for e in items(client.get("/audit", kind="login.failed"))] == [failed.pk]
    assert items(client.get("/audit", kind="login%")) == []  # a literal "%", not a wildcard
    assert items(client.get("/audit", actor=999_999)) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-03-03", "to": "2026-03-02"}, "to"),
        ({"from": "2026-02-30"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "9999-01-01"}, "from"),
        ({"actor": 2**31}, "actor"),
        ({"actor": 0}, "actor"),
        ({"actor": "someone"}, "actor"),
        ({"kind": "login\x00"}, "kind"),
        ({"kind": "k" * 41}, "kind"),
        ({"limit": 201}, "limit"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, auditor, params, field):
    response = api(auditor).get("/audit", **params)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field


def test_pages_by_limit_and_offset(api, auditor):
    events = [record(None, "x.page", "person", 1, at=at(2, 8, minute)) for minute in range(5)]
    page = api(auditor).get("/audit", kind="x.page", limit=2, offset=2).json()
    assert page["count"] == 5
    assert [e["id"] for e in page["items"]] == [events[2].pk, events[1].pk]


def test_a_page_costs_the_same_queries_whatever_its_length(api, auditor, office, liaison_a, django_assert_num_queries):
    client = api(auditor)
    client.get("/audit")  # the token's first use is behind us
    record(office, "x.q", "list", 1)
    with django_assert_num_queries(3) as few:  # the token, the count, the page with its actors
        items(client.get("/audit", kind="x.q"))
    for n in range(30):
        record(office if n % 2 else liaison_a, "x.q", "list", n)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(items(client.get("/audit", kind="x.q"))) == 31


@pytest.mark.django_db(transaction=True)
def test_the_auditor_verifies_the_chain(api, auditor, office):
    for n in range(3):
        record(office, "list.created", "list", n)
    client = api(auditor)
    response = client.get("/audit/verify")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["problem"] == "" and body["event_id"] is None
    verified = Event.objects.get(kind="audit.verified", actor=auditor)  # the run itself, after the rows it checked
    assert body["checked"] == Event.objects.exclude(pk=verified.pk).count() >= 4  # the token's first use too
    assert verified.after == {"ok": True, "checked": body["checked"], "event_id": None}


@pytest.mark.django_db(transaction=True)
def test_verification_names_the_first_edited_row(api, auditor, office):
    events = [record(office, "list.created", "list", n) for n in range(3)]
    Event.objects.filter(pk=events[1].pk).update(note="edited behind the application's back")
    body = api(auditor).get("/audit/verify").json()
    assert body["ok"] is False
    assert body["event_id"] == events[1].pk
    assert body["seq"] == Event.objects.get(pk=events[1].pk).seq
    assert "edited" in body["problem"]
