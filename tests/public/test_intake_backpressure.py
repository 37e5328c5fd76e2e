"""The public form's queue is bounded (LUOSHI_PUBLIC_INTAKE_MAX_WAITING): at the bound a submission is
refused with 503, Retry-After and the usual error body, storing and counting nothing, until the worker has
taken rows in. The waiting count is an estimate per process, recounted at most once a second."""

import json

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from luoshi.public import citizen, intake_queue, pow
from luoshi.public.models import Category, Intake, Problem, Sender
from tests.public.conftest import EN, submission

BITS = 8


@pytest.fixture(autouse=True)
def fresh_count(settings):
    settings.LUOSHI_PUBLIC_POW_DIFFICULTY = BITS
    intake_queue.forget_count()  # another test's estimate is not this one's
    yield
    intake_queue.forget_count()


def body(**changes) -> dict:
    challenge = pow.new_challenge(timezone.now())
    return {
        "category": "市容环境",
        "content": "小区门口垃圾堆放三天无人清运。",
        "place": "城关区张掖路 58 号",
        "challenge": challenge,
        "nonce": pow.solve(challenge, BITS),
        **changes,
    }


def post(client: Client, data: dict, **extra):
    return client.post("/api/v1/public/problems", json.dumps(data), content_type="application/json", **extra)


def solved() -> tuple[str, str]:
    challenge = pow.new_challenge(timezone.now())
    return challenge, pow.solve(challenge, BITS)


@override_settings(LUOSHI_PUBLIC_INTAKE_MAX_WAITING=2)
def test_at_the_bound_a_submission_is_a_503_with_retry_after_and_stores_nothing(client, db):
    assert [post(client, body()).status_code for _ in range(2)] == [201, 201]
    r = post(client, body(), headers=EN)
    assert r.status_code == 503
    assert int(r["Retry-After"]) == intake_queue.RETRY_AFTER_SECONDS
    assert r.json()["field"] is None
    assert "Too many problems are waiting" in r.json()["detail"] and "12345" in r.json()["detail"]
    assert Intake.objects.count() == 2
    assert Sender.objects.get().n == 2  # the refused one is not counted against the sender


@override_settings(LUOSHI_PUBLIC_INTAKE_MAX_WAITING=1)
def test_the_refused_challenge_stays_unspent_and_goes_through_once_the_worker_took_the_queue_in(client, db):
    assert post(client, body()).status_code == 201
    refused = body(content="路灯不亮已经一周。")
    assert post(client, refused).status_code == 503
    assert intake_queue.take_in() == 1  # the worker's part: the queue is empty again
    r = post(client, refused)
    assert r.status_code == 201, r.content
    intake_queue.take_in()
    assert Problem.objects.get(code=r.json()["tracking_code"]).content == "路灯不亮已经一周。"


@override_settings(LUOSHI_PUBLIC_INTAKE_MAX_WAITING=1)
def test_the_service_refuses_at_the_bound_before_it_stores(db):
    citizen.do_submit_public(submission(channel="web"), "d" * 64, *solved())
    with pytest.raises(intake_queue.Full) as refused:
        citizen.do_submit_public(submission(channel="web"), "d" * 64, *solved())
    assert refused.value.status == 503 and refused.value.retry_after > 0
    assert Intake.objects.count() == 1


@override_settings(LUOSHI_PUBLIC_INTAKE_MAX_WAITING=0)
def test_a_bound_of_zero_bounds_nothing(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        intake_queue.check_room()
    assert post(client, body()).status_code == 201


@override_settings(LUOSHI_PUBLIC_INTAKE_MAX_WAITING=3)
def test_the_count_is_made_at_most_once_a_second_and_raised_by_the_own_submissions(
    db, monkeypatch, django_assert_num_queries
):
    clock = [1000.0]
    monkeypatch.setattr(intake_queue.time, "monotonic", lambda: clock[0])
    with django_assert_num_queries(1):  # the first check counts
        intake_queue.check_room()
    with django_assert_num_queries(0):  # the next ones within the second do not
        intake_queue.check_room()
    for _ in range(3):
        citizen.do_submit_public(submission(channel="web"), "d" * 64, *solved())
    with django_assert_num_queries(0), pytest.raises(intake_queue.Full):
        intake_queue.check_room()  # this process's own three, without counting again


@override_settings(LUOSHI_PUBLIC_INTAKE_MAX_WAITING=2)
def test_what_other_processes_queued_is_seen_at_the_next_count(db, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(intake_queue.time, "monotonic", lambda: clock[0])
    intake_queue.check_room()  # counted: none waits
    category = Category.objects.get(name="市容环境")
    Intake.objects.bulk_create(  # queued by another web process, which this one's estimate does not know
        Intake(
            code=f"OTHER-{i}",
            challenge_digest=f"{i}" * 64,
            address_digest="e" * 64,
            received_at=timezone.now(),
            category=category,
            content="井盖丢失。",
        )
        for i in range(2)
    )
    intake_queue.check_room()  # within the second: not counted again
    clock[0] += intake_queue.RECOUNT_SECONDS
    with pytest.raises(intake_queue.Full):
        intake_queue.check_room()


@override_settings(LUOSHI_PUBLIC_INTAKE_MAX_WAITING=2)
def test_rows_taken_in_make_room_again(db):
    for _ in range(2):
        citizen.do_submit_public(submission(channel="web"), "d" * 64, *solved())
    with pytest.raises(intake_queue.Full):
        intake_queue.check_room()
    intake_queue.take_in()
    intake_queue.check_room()  # the taken rows still stand (the challenge's spend) but no longer wait
    assert Intake.objects.count() == 2


def test_the_bound_is_a_hundred_thousand_unless_set(settings):
    assert settings.LUOSHI_PUBLIC_INTAKE_MAX_WAITING == 100_000
    assert intake_queue.max_waiting() == 100_000


def test_the_api_declares_the_503(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    assert "503" in doc["paths"]["/api/v1/public/problems"]["post"]["responses"]
