"""GET requests and GET a request: only public problems (an Open311 client's, or an exposed hot issue),
the specification's fields and statuses in XML and JSON, its defaults (the last 90 days, at most 1000),
its filters, a constant number of queries, and never the reporter."""

from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from luoshi.public import dispatch, handling, intake
from luoshi.public.intake import Submission
from luoshi.public.models import Open311Key, Problem
from luoshi.public.open311 import queries
from tests.public.conftest import submission
from tests.public.open311.conftest import BASE, error_of, read, xml

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def sent(key: Open311Key, now=None, **changes) -> Problem:
    values = {
        "channel": "open311",
        "category": "交通出行",
        "content": "红绿灯故障，路口拥堵。",
        "place": "七里河区西津西路",
        "lat": "36.05",
        "lon": "103.78",
        "reporter_name": "王五",
        "reporter_contact": "wangwu@example.com / 13700002222",
        **changes,
    }
    return intake.do_submit(None, Submission(**values), client=key, now=now)[0]


@pytest.fixture
def key(api_key) -> Open311Key:
    return Open311Key.objects.get()


def ids_of(client, **params) -> list[int]:
    r = client.get(f"{BASE}requests.json", params)
    assert r.status_code == 200, r.content
    return [int(row["service_request_id"]) for row in read(r)]


def test_a_request_shows_the_specifications_fields_in_both_formats(client, key, office, unit_a, liaison_a):
    p = sent(key)
    intake.do_accept(office, p)
    duty = dispatch.do_dispatch(office, p, unit_a.pk)
    root = xml(client.get(f"{BASE}requests/{p.pk}.xml"))
    assert root.tag == "service_requests"
    (request,) = root
    assert [e.tag for e in request] == FIELDS
    row = {e.tag: e.text for e in request}
    assert row["service_request_id"] == str(p.pk) and row["status"] == "open"
    assert (row["service_code"], row["service_name"]) == ("transport", "交通出行")
    assert row["agency_responsible"] == "市工信委" and row["address"] == "七里河区西津西路"
    assert (row["lat"], row["long"]) == ("36.05", "103.78")
    assert row["requested_datetime"] == timezone.localtime(p.created_at).isoformat(timespec="seconds")
    assert row["requested_datetime"].endswith("+08:00")
    assert row["expected_datetime"] == f"{duty.deadline.isoformat()}T23:59:59+08:00"
    assert row["media_url"] is None and row["address_id"] is None
    (data,) = read(client.get(f"{BASE}requests/{p.pk}.json"))
    assert list(data) == FIELDS
    assert data["service_request_id"] == str(p.pk) and (data["lat"], data["long"]) == (36.05, 103.78)
    assert data["media_url"] is None and data["expected_datetime"] == row["expected_datetime"]


def test_statuses_are_open_until_the_problem_ends(client, key, office, unit_a, liaison_a):
    p = sent(key)
    assert read(client.get(f"{BASE}requests/{p.pk}.json", **EN))[0]["status_notes"] == "Received; awaiting triage."
    intake.do_accept(office, p)
    dispatch.do_dispatch(office, p, unit_a.pk)
    handling.do_sign(liaison_a, p, unit_a.pk)
    handling.do_reply(liaison_a, p, unit_a.pk, "已更换信号灯控制器，恢复正常。")
    (row,) = read(client.get(f"{BASE}requests/{p.pk}.json"))
    assert (row["status"], row["status_notes"]) == ("open", "已更换信号灯控制器，恢复正常。")
    handling.do_visit(office, p, "satisfied", True)
    closed = handling.do_close(office, p)
    (row,) = read(client.get(f"{BASE}requests/{p.pk}.json", **EN))
    assert row["status"] == "closed" and row["status_notes"] == "Solved: 已更换信号灯控制器，恢复正常。"
    assert row["updated_datetime"] == timezone.localtime(closed.closed_at).isoformat(timespec="seconds")
    rejected = sent(key)
    intake.do_reject(office, rejected, "不属于受理范围")
    (row,) = read(client.get(f"{BASE}requests/{rejected.pk}.json"))
    assert (row["status"], row["status_notes"]) == ("closed", "不属于受理范围")
    duplicate = intake.do_mark_duplicate(office, sent(key), p.pk)
    (row,) = read(client.get(f"{BASE}requests/{duplicate.pk}.json", **EN))
    assert (row["status"], row["status_notes"]) == ("closed", f"Duplicate of request {p.pk}.")


def test_only_public_problems_are_served(client, key, office):
    mine = sent(key)
    hotline = intake.do_submit(office, submission())[0]
    exposed = intake.do_submit(office, submission())[0]
    intake.do_accept(office, exposed)
    handling.do_expose(office, exposed)
    assert ids_of(client) == [exposed.pk, mine.pk]
    assert ids_of(client, service_request_id=f"{hotline.pk},{mine.pk}") == [mine.pk]
    r = client.get(f"{BASE}requests/{hotline.pk}.xml", **EN)
    assert r.status_code == 404 and error_of(r) == (404, "service_request_id: No such request.")
    for missing in ("0", "99999999999", "abc", "%C2%B2", "%00"):
        assert client.get(f"{BASE}requests/{missing}.json").status_code == 404


def test_the_reporter_never_shows_whatever_the_problem(client, key, office, unit_a, liaison_a):
    """Not the name, the e-mail or the phone: not as fields, not where the text repeats them."""
    p = sent(key, content="王五反映：红绿灯故障，联系 13700002222。", place="王五家门口")
    intake.do_accept(office, p)
    dispatch.do_dispatch(office, p, unit_a.pk)
    handling.do_sign(liaison_a, p, unit_a.pk)
    handling.do_reply(liaison_a, p, unit_a.pk, "王五您好，已回复至 wangwu@example.com。")
    hot = intake.do_submit(office, submission(reporter_contact="li@example.com"))[0]
    intake.do_accept(office, hot)
    handling.do_expose(office, hot)
    token = client.get(f"{BASE}tokens/{p.code}.xml").content
    bodies = [token] + [
        client.get(path).content
        for fmt in ("xml", "json")
        for path in (f"{BASE}requests.{fmt}", f"{BASE}requests/{p.pk}.{fmt}", f"{BASE}requests/{hot.pk}.{fmt}")
    ]
    for body in bodies:
        text = body.decode()
        for secret in ("王五", "wangwu@example.com", "13700002222", "李女士", "13900001111", "li@example.com"):
            assert secret not in text
    (row,) = read(client.get(f"{BASE}requests/{p.pk}.json"))
    assert row["description"] == "***反映：红绿灯故障，联系 ***。" and row["address"] == "***家门口"


def test_the_default_is_the_last_90_days(client, key):
    now = timezone.now()
    recent = sent(key, now=now - timedelta(days=89))
    sent(key, now=now - timedelta(days=91))
    assert ids_of(client) == [recent.pk]


def test_start_and_end_dates_choose_the_requested_datetime(client, key):
    now = timezone.now()
    old = sent(key, now=now - timedelta(days=200))
    older = sent(key, now=now - timedelta(days=260))
    day = timezone.localtime(old.created_at).date()
    assert ids_of(client, start_date=day.isoformat()) == [old.pk]  # 90 days from the start
    assert ids_of(client, end_date=day.isoformat()) == [old.pk, older.pk]  # 90 days up to the end
    exact = timezone.localtime(old.created_at).isoformat()
    assert ids_of(client, start_date=exact, end_date=exact) == [old.pk]
    utc = old.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids_of(client, start_date=utc, end_date=(old.created_at + timedelta(seconds=1)).isoformat()) == [old.pk]
    # An unencoded "+" arrives as a space.
    r = client.get(f"{BASE}requests.json?start_date={exact}&end_date={exact}")
    assert [row["service_request_id"] for row in read(r)] == [str(old.pk)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "argument"),
    [
        ({"start_date": "yesterday"}, "start_date"),
        ({"end_date": "2026-13-01"}, "end_date"),
        ({"start_date": "2026-02-30"}, "start_date"),
        ({"start_date": "2026-03-01T25:00:00Z"}, "start_date"),
        ({"start_date": "2026-01-01", "end_date": "2026-06-01"}, "end_date"),  # more than 90 days
        ({"start_date": "2026-03-02", "end_date": "2026-03-01"}, "end_date"),
        ({"status": "pending"}, "status"),
        ({"service_code": "transport,nope"}, "service_code"),
        ({"service_request_id": "1,x"}, "service_request_id"),
        ({"service_request_id": "0"}, "service_request_id"),
        ({"service_request_id": "2147483648"}, "service_request_id"),
        ({"service_request_id": "\u00b2"}, "service_request_id"),  # a digit to isdigit, not to int
        ({"service_code": "a\x00b"}, "service_code"),
    ],
)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_bad_arguments_are_400_naming_them(client, params, argument, fmt):
    r = client.get(f"{BASE}requests.{fmt}", params, **EN)
    assert r.status_code == 400
    code, description = error_of(r)
    assert code == 400 and description.startswith(f"{argument}: ")


def test_status_and_service_code_filter_and_ids_override_them(client, key, office):
    first = sent(key)
    second = sent(key, category="食品安全")
    intake.do_reject(office, second, "重复投诉")
    assert ids_of(client, status="open") == [first.pk]
    assert ids_of(client, status="closed") == [second.pk]
    assert ids_of(client, status="open,closed") == [second.pk, first.pk]
    assert ids_of(client, status="", service_code="") == [second.pk, first.pk]  # empty is absent
    assert ids_of(client, service_code="food_safety") == [second.pk]
    assert ids_of(client, service_code=["food_safety", "transport"]) == [second.pk, first.pk]
    assert ids_of(client, service_request_id=str(first.pk), status="closed", start_date="2000-01-01") == [first.pk]


def test_at_most_the_limit_most_recent_first(client, key, monkeypatch):
    now = timezone.now()
    made = [sent(key, now=now - timedelta(hours=h)) for h in range(4)]
    monkeypatch.setattr(queries, "MAX_RESULTS", 3)
    assert ids_of(client) == [p.pk for p in made[:3]]


def test_a_constant_number_of_queries_whatever_the_count(client, key, office, unit_a):
    def served(n: int) -> int:
        for _ in range(n):
            p = sent(key)
            intake.do_accept(office, p)
            dispatch.do_dispatch(office, p, unit_a.pk)
        with CaptureQueriesContext(connection) as ctx:
            for fmt in ("xml", "json"):
                assert client.get(f"{BASE}requests.{fmt}", {"service_code": "transport"}).status_code == 200
        return len(ctx.captured_queries)

    assert served(2) == served(5)
    assert len(ids_of(client)) == 7
