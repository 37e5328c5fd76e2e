"""The public's API without login: a challenge, a problem sent with its work (201 and a tracking code; 400
naming the field; 429 over the per-address limit), a tracking code's status (no personal data; 404 for any
code that is not one, malformed or unknown alike)."""

import itertools
import json
import math
from collections import Counter
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from luoshi.events.middleware import client_address
from luoshi.public import dispatch, handling, intake, intake_queue, pow
from luoshi.public.models import Category, Problem, Sender
from tests.public.conftest import submission

BITS = 8
NAME, CONTACT = "王建国", "13912345678"


@pytest.fixture(autouse=True)
def easy(settings):
    settings.LUOSHI_PUBLIC_POW_DIFFICULTY = BITS


def body(**changes) -> dict:
    challenge = pow.new_challenge(timezone.now())
    values = {
        "category": "市容环境",
        "content": "小区门口垃圾堆放三天无人清运。",
        "place": "城关区张掖路 58 号",
        "reporter_name": NAME,
        "reporter_contact": CONTACT,
        "challenge": challenge,
        "nonce": pow.solve(challenge, BITS),
        **changes,
    }
    return values


def post(client: Client, data, **extra):
    raw = data if isinstance(data, str) else json.dumps(data)
    return client.post("/api/v1/public/problems", raw, content_type="application/json", **extra)


def sent(client: Client, **changes) -> Problem:
    response = post(client, body(**changes))
    assert response.status_code == 201, response.content
    intake_queue.take_in()  # the worker's part
    return Problem.objects.get(code=response.json()["tracking_code"])


def test_a_challenge_carries_the_difficulty_and_is_not_cached(client, db):
    response = client.get("/api/v1/public/challenge")
    assert response.status_code == 200
    data = response.json()
    assert data["difficulty"] == BITS and pow.issued_at(data["challenge"])
    assert "no-store" in response["Cache-Control"]
    assert client.get("/api/v1/public/challenge").json()["challenge"] != data["challenge"]
    assert not response.cookies


def test_a_problem_sent_with_its_work_gets_a_tracking_code(client, db):
    response = post(client, body())
    assert response.status_code == 201 and not response.cookies
    code = response.json()["tracking_code"]
    assert intake.normal_code(code) == code
    assert client.get(f"/api/v1/public/problems/{code}").json()["status"] == "pending"  # queued
    assert intake_queue.take_in() == 1
    p = Problem.objects.get(code=code)
    assert (p.channel, p.status, p.created_by, p.reporter_name) == ("web", "pending", None, NAME)
    # The sender's address is kept only as a keyed digest.
    address = client_address(response.wsgi_request)
    assert address and len(p.address_digest) == 64 and address not in p.address_digest


def test_the_form_needs_no_csrf_token(db):
    response = post(Client(enforce_csrf_checks=True), body())
    assert response.status_code == 201


def test_the_same_request_again_stores_once(client, db):
    data = body()
    first, again = post(client, data), post(client, data)
    assert (first.status_code, again.status_code) == (201, 200)
    intake_queue.take_in()
    assert first.json() == again.json() and Problem.objects.count() == 1
    assert post(client, data).json() == first.json()  # taken in: still the same code


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "没有这类"}, "category"),
        ({"category": ""}, "category"),
        ({"content": ""}, "content"),
        ({"content": "   "}, "content"),
        ({"content": "a\x00b"}, "content"),
        ({"content": "长" * 4001}, "content"),
        ({"place": "x" * 201}, "place"),
        ({"place": "a\nb"}, "place"),
        ({"reporter_name": "x" * 61}, "reporter_name"),
        ({"reporter_contact": "\x1b[31m"}, "reporter_contact"),
        ({"challenge": "forged:abc"}, "challenge"),
        ({"challenge": "x" * 121}, "challenge"),
        ({"nonce": "not a nonce"}, "nonce"),
        ({"nonce": ""}, "nonce"),
        ({"nonce": 5}, "nonce"),
        ({"content": None}, "content"),
    ],
)
def test_bad_input_is_400_naming_the_field(client, db, change, field):
    response = post(client, body(**change))
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert not Problem.objects.exists()


@pytest.mark.parametrize("raw", ["[]", "5", "null", "{", '{"category": "市容环境"}'])
def test_a_body_that_is_not_a_problem_is_400(client, db, raw):
    response = post(client, raw)
    assert response.status_code == 400 and response.json()["detail"]
    assert not Problem.objects.exists()


def test_an_inactive_category_is_refused(client, db):
    Category.objects.filter(name="教育").update(active=False)
    assert post(client, body(category="教育")).json()["field"] == "category"


def test_a_nonce_without_the_work_is_refused(client, db):
    data = body()
    data["nonce"] = next(str(n) for n in range(10**6) if not pow.has_work(data["challenge"], str(n), BITS))
    response = post(client, data)
    assert response.status_code == 400 and response.json()["field"] == "nonce"


def test_an_expired_challenge_is_refused(client, db):
    old = pow.new_challenge(timezone.now() - timedelta(minutes=11))
    response = post(client, body(challenge=old, nonce=pow.solve(old, BITS)))
    assert response.status_code == 400 and response.json()["field"] == "challenge"


def test_the_limit_per_address_answers_429_with_retry_after(client, db, settings):
    settings.LUOSHI_PUBLIC_LIMIT, settings.LUOSHI_PUBLIC_LIMIT_MINUTES = 3, 10
    for _ in range(3):
        sent(client)
    response = post(client, body(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    assert "Too many problems" in response.json()["detail"]
    assert Problem.objects.count() == 3
    # Another address is not held back; the same one is taken again once the window has passed.
    assert post(client, body(), REMOTE_ADDR="192.0.2.99").status_code == 201
    Sender.objects.update(since=timezone.now() - timedelta(minutes=11))
    assert post(client, body()).status_code == 201


def test_behind_a_proxy_the_limit_counts_the_forwarded_address(client, db, settings):
    settings.LUOSHI_PUBLIC_LIMIT, settings.LUOSHI_PROXY_COUNT = 1, 1
    assert post(client, body(), HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 201
    assert post(client, body(), HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert post(client, body(), HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 201


def test_a_refused_request_does_not_count_against_the_limit(client, db, settings):
    settings.LUOSHI_PUBLIC_LIMIT = 1
    assert post(client, body(category="没有")).status_code == 400
    assert post(client, body()).status_code == 201


def test_the_status_shows_progress_and_the_reply_but_no_personal_data(client, db, office, liaison_a, unit_a, settings):
    p = sent(client)
    intake.do_accept(office, p)
    dispatch.do_dispatch(office, p, unit_a.pk)
    handling.do_sign(liaison_a, p, unit_a.pk)
    handling.do_reply(liaison_a, p, unit_a.pk, "已安排环卫车辆清运完毕。")
    response = client.get(f"/api/v1/public/problems/{p.code}")
    assert response.status_code == 200 and not response.cookies
    data = response.json()
    assert set(data) == {"status", "category", "created", "reply", "updates"}
    assert (data["status"], data["category"]) == ("replied", "市容环境")
    assert data["reply"]["text"] == "已安排环卫车辆清运完毕。" and data["reply"]["unit"] == unit_a.name
    steps = [(u["step"], u["unit"]) for u in data["updates"]]
    assert steps == [
        ("received", None),
        ("accepted", None),
        ("dispatched", unit_a.name),
        ("signed", unit_a.name),
        ("replied", unit_a.name),
    ]
    text = response.content.decode()
    for private in (NAME, CONTACT, office.username, office.name, liaison_a.username, liaison_a.name, p.place):
        assert private not in text


def test_a_duplicate_shows_its_originals_status_and_reply(client, db, office, liaison_a, unit_a):
    original = intake.do_accept(office, intake.do_submit(office, submission())[0])
    dispatch.do_dispatch(office, original, unit_a.pk)
    handling.do_sign(liaison_a, original, unit_a.pk)
    handling.do_reply(liaison_a, original, unit_a.pk, "已处理。")
    mine = sent(client)
    intake.do_mark_duplicate(office, mine, original.pk)
    data = client.get(f"/api/v1/public/problems/{mine.code}").json()
    assert data["status"] == "replied" and data["reply"]["text"] == "已处理。"
    assert [u["step"] for u in data["updates"]] == ["received", "duplicate", "dispatched", "signed", "replied"]


def test_a_code_is_found_as_typed(client, db):
    p = sent(client)
    typed = p.code.lower().replace("-", " ")
    assert client.get(f"/api/v1/public/problems/{typed}").status_code == 200


@pytest.mark.parametrize(
    "code",
    ["AAAA-BBBB-CCCC-DDDD-EEEE", "2222-2222-2222-2222-2222", "x", "1", "0000-0000-0000-0000-0000", "é" * 30, "A" * 500],
)
def test_an_unknown_or_malformed_code_is_404_alike(client, db, code):
    sent(client)
    response = client.get(f"/api/v1/public/problems/{code}")
    assert response.status_code == 404
    assert response.json() == client.get("/api/v1/public/problems/ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ").json()


def test_an_unknown_code_costs_the_same_lookup_as_a_malformed_one(client, db, django_assert_num_queries):
    with django_assert_num_queries(2):  # the problems, then the queue
        client.get("/api/v1/public/problems/ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ")
    with django_assert_num_queries(2):
        client.get("/api/v1/public/problems/nonsense")


def test_codes_are_random_and_share_nothing_in_sequence(db):
    alphabet = set(intake.ALPHABET)
    assert len(alphabet) == 31
    codes = [intake.new_code() for _ in range(400)]
    assert len(set(codes)) == 400
    raw = [c.replace("-", "") for c in codes]
    assert all(len(r) == 20 and set(r) <= alphabet for r in raw)
    assert 20 * math.log2(31) > 99  # about 2**99 codes: not guessable, not enumerable
    # Consecutive codes agree in about 20/31 places by chance alone, never in a shared prefix or counter.
    same = [sum(a == b for a, b in zip(x, y, strict=True)) for x, y in itertools.pairwise(raw)]
    assert sum(same) / len(same) < 2
    assert max(same) < 8
    # Every place takes many symbols (no fixed or slowly counting position).
    for i in range(20):
        assert len(Counter(r[i] for r in raw)) > 20


def test_sequential_problems_codes_share_nothing(client, db, settings):
    settings.LUOSHI_PUBLIC_LIMIT = 0
    codes = [sent(client).code.replace("-", "") for _ in range(6)]
    for a, b in itertools.pairwise(codes):
        assert a[:4] != b[:4] and sum(x == y for x, y in zip(a, b, strict=True)) < 8
