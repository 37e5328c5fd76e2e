"""The public form's proof of work: signed, fresh, enough work, spent once; and the public submission
service around it (a refused field leaves the challenge unspent; the same request again stores once)."""

import hashlib
from datetime import timedelta

import pytest
from django.core import signing

from luoshi.errors import InvalidInput
from luoshi.events.models import Event
from luoshi.public import citizen, intake_queue, pow
from luoshi.public.models import Intake, Problem, Sender
from tests.conftest import NOW
from tests.public.conftest import submission

BITS = 8  # tests solve quickly; one test works at the default 16


@pytest.fixture(autouse=True)
def easy(settings):
    settings.LUOSHI_PUBLIC_POW_DIFFICULTY = BITS
    settings.LUOSHI_PUBLIC_LIMIT = 100


def solved(now=NOW, bits=BITS) -> tuple[str, str]:
    challenge = pow.new_challenge(now)
    return challenge, pow.solve(challenge, bits)


def wrong_nonce(challenge: str, bits: int = BITS) -> str:
    n = 0
    while pow.has_work(challenge, str(n), bits):
        n += 1
    return str(n)


def web(**changes):
    return submission(channel="web", **changes)


def test_the_rule_is_sha256_of_the_utf8_of_challenge_and_nonce():
    challenge, nonce = solved()
    digest = hashlib.sha256((challenge + nonce).encode("utf-8")).digest()
    assert int.from_bytes(digest, "big") >> (256 - BITS) == 0
    assert pow.leading_zero_bits(b"\x00\x01" + bytes(30)) == 15
    assert pow.leading_zero_bits(bytes(32)) == 256


def test_the_default_difficulty_is_16_bits(settings):
    del settings.LUOSHI_PUBLIC_POW_DIFFICULTY
    assert pow.difficulty() == 16
    challenge = pow.new_challenge(NOW)
    nonce = pow.solve(challenge)
    pow.check(challenge, nonce, NOW)
    assert pow.leading_zero_bits(hashlib.sha256((challenge + nonce).encode()).digest()) >= 16


def test_the_right_nonce_is_accepted_and_gives_the_expiry(settings):
    challenge, nonce = solved()
    assert pow.check(challenge, nonce, NOW + timedelta(seconds=599)) == NOW.replace(microsecond=0) + timedelta(
        seconds=settings.LUOSHI_PUBLIC_CHALLENGE_SECONDS
    )


@pytest.mark.parametrize("nonce", ["", "x" * 65, "12 3", "１２", None, 12])
def test_a_malformed_nonce_is_refused(nonce):
    challenge, _ = solved()
    with pytest.raises(InvalidInput) as caught:
        pow.check(challenge, nonce, NOW)
    assert caught.value.field == "nonce"


def test_a_nonce_without_the_work_is_refused():
    challenge, _ = solved()
    with pytest.raises(InvalidInput) as caught:
        pow.check(challenge, wrong_nonce(challenge), NOW)
    assert caught.value.field == "nonce"


def test_an_expired_challenge_is_refused():
    challenge, nonce = solved()
    with pytest.raises(InvalidInput) as caught:
        pow.check(challenge, nonce, NOW + timedelta(minutes=10, seconds=1))
    assert caught.value.field == "challenge"


def test_a_challenge_from_the_future_is_refused():
    challenge, nonce = solved(now=NOW + timedelta(hours=1))
    with pytest.raises(InvalidInput) as caught:
        pow.check(challenge, nonce, NOW)
    assert caught.value.field == "challenge"


def test_a_tampered_challenge_is_refused():
    challenge, _ = solved()
    payload, signature = challenge.rsplit(":", 1)
    ident, issued = payload.rsplit(".", 1)
    later = f"{ident}.{int(issued) + 3600}:{signature}"  # a longer life, without the key
    forged = signing.Signer(key="not-the-secret", salt=pow.SALT).sign(f"{ident}.{issued}")
    flipped = challenge[:-1] + ("A" if challenge[-1] != "A" else "B")
    for bad in (later, forged, flipped, "", "x" * 500, "abc", None):
        nonce = pow.solve(bad, BITS) if isinstance(bad, str) and bad else "1"
        with pytest.raises(InvalidInput) as caught:
            pow.check(bad, nonce, NOW)  # type: ignore[arg-type]
        assert caught.value.field == "challenge", bad


def test_a_challenge_is_spent_once(db):
    challenge, nonce = solved()
    code, created = citizen.do_submit_public(web(), "d" * 64, challenge, nonce, now=NOW)
    again, created_again = citizen.do_submit_public(web(), "d" * 64, challenge, nonce, now=NOW + timedelta(minutes=1))
    assert created and not created_again and again == code
    assert Intake.objects.count() == 1


def test_a_taken_in_challenge_is_still_spent_until_it_expires(db):
    challenge, nonce = solved()
    code, _ = citizen.do_submit_public(web(), "d" * 64, challenge, nonce, now=NOW)
    assert intake_queue.take_in(NOW + timedelta(minutes=5)) == 1
    assert citizen.do_submit_public(web(), "d" * 64, challenge, nonce, now=NOW + timedelta(minutes=9)) == (code, False)
    assert Problem.objects.count() == 1


def test_taken_rows_are_purged_once_their_challenge_has_expired(db):
    for minutes in (0, 1, 20):
        challenge, nonce = solved(now=NOW + timedelta(minutes=minutes))
        citizen.do_submit_public(web(), "d" * 64, challenge, nonce, now=NOW + timedelta(minutes=minutes))
    intake_queue.take_in()
    assert intake_queue.purge(NOW + timedelta(minutes=13)) == 2  # 10 minutes' life, one of clock skew
    assert Intake.objects.count() == 1 and Problem.objects.count() == 3


def test_a_public_submission_needs_the_work(db):
    challenge, nonce = solved()
    with pytest.raises(InvalidInput) as caught:
        citizen.do_submit_public(web(), "d" * 64, challenge, wrong_nonce(challenge), now=NOW)
    assert caught.value.field == "nonce"
    code, created = citizen.do_submit_public(web(), "d" * 64, challenge, nonce, now=NOW)
    assert created and not Problem.objects.exists()  # queued: the worker takes it in
    assert intake_queue.take_in() == 1
    p = Problem.objects.get()
    assert p.code == code and p.channel == "web" and p.address_digest == "d" * 64 and p.created_by is None
    assert p.created_at == NOW and p.status == "pending"
    assert p.submission_key == hashlib.sha256(challenge.encode()).hexdigest()
    received = Event.objects.get(subject_type="problem", subject_id=p.pk)
    assert received.kind == "problem.received" and received.at == NOW and received.actor is None


def test_only_the_web_channel_is_open(db):
    challenge, nonce = solved()
    with pytest.raises(InvalidInput) as caught:
        citizen.do_submit_public(submission(channel="hotline"), "d" * 64, challenge, nonce, now=NOW)
    assert caught.value.field == "channel"


def test_a_refused_field_leaves_the_challenge_unspent(db):
    challenge, nonce = solved()
    with pytest.raises(InvalidInput) as caught:
        citizen.do_submit_public(web(category="没有"), "d" * 64, challenge, nonce, now=NOW)
    assert caught.value.field == "category"
    assert not Intake.objects.exists() and not Sender.objects.exists()
    assert citizen.do_submit_public(web(), "d" * 64, challenge, nonce, now=NOW)[1]


def test_the_same_request_again_stores_once(db):
    challenge, nonce = solved()
    first, created = citizen.do_submit_public(web(), "d" * 64, challenge, nonce, now=NOW)
    again, created_again = citizen.do_submit_public(web(content="另一件"), "e" * 64, challenge, nonce, now=NOW)
    assert created and not created_again and again == first
    assert Intake.objects.count() == 1
    assert Sender.objects.get(address_digest="d" * 64).n == 1  # the repeat counted nothing
    intake_queue.take_in()
    intake_queue.take_in()
    assert Problem.objects.count() == 1


def test_a_queued_problem_shows_as_received_awaiting_triage(db):
    challenge, nonce = solved()
    code, _ = citizen.do_submit_public(web(), "d" * 64, challenge, nonce, now=NOW)
    s = citizen.public_status(code.lower().replace("-", ""))
    assert (s.code, s.status, s.category, s.created) == (code, "pending", "市容环境", NOW)
    assert [u.step for u in s.updates] == ["received"]
    intake_queue.take_in()
    assert citizen.public_status(code).status == "pending"


def test_the_workers_job_takes_every_queued_submission_in(db):
    from luoshi import worker
    from luoshi.public.tasks import take_in_intake

    assert worker.round_the_clock_jobs()["intake"][1] is take_in_intake  # at any hour, every few seconds
    codes = {citizen.do_submit_public(web(), "d" * 64, *solved(), now=NOW)[0] for _ in range(3)}
    assert take_in_intake.call() == 3
    assert set(Problem.objects.values_list("code", flat=True)) == codes and not Intake.objects.filter(problem=None)
