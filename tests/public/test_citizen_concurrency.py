"""The public form under a burst of parallel requests (each thread its own connection): one sender never
gets more than the limit through, and one challenge never makes two problems."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from luoshi.errors import InvalidInput
from luoshi.public import citizen, intake_queue, pow, throttle
from luoshi.public.models import Intake, Problem
from tests.public.conftest import submission

BITS = 4


def burst(calls: list) -> list:
    """Run the calls at once, each in its own thread (and database connection); their results or errors."""
    results: list = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i: int) -> None:
        try:
            start.wait()
            results[i] = calls[i]()
        except Exception as e:  # the test looks at what each call raised
            results[i] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def solved() -> tuple[str, str]:
    challenge = pow.new_challenge(timezone.now())
    return challenge, pow.solve(challenge, BITS)


@pytest.mark.django_db(transaction=True)
def test_a_burst_from_one_sender_passes_only_the_limit(settings):
    settings.LUOSHI_PUBLIC_POW_DIFFICULTY, settings.LUOSHI_PUBLIC_LIMIT = BITS, 3
    proofs = [solved() for _ in range(8)]

    def send(challenge: str, nonce: str):
        return lambda: citizen.do_submit_public(submission(channel="web"), "f" * 64, challenge, nonce)

    results = burst([send(*p) for p in proofs])
    created = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, throttle.TooMany)]
    assert (len(created), len(refused)) == (3, 5), results
    assert Intake.objects.filter(address_digest="f" * 64).count() == 3
    assert intake_queue.take_in() == 3 and Problem.objects.filter(address_digest="f" * 64).count() == 3


@pytest.mark.django_db(transaction=True)
def test_one_challenge_sent_at_once_many_times_makes_one_problem(settings):
    settings.LUOSHI_PUBLIC_POW_DIFFICULTY, settings.LUOSHI_PUBLIC_LIMIT = BITS, 100
    challenge, nonce = solved()
    results = burst(
        [lambda: citizen.do_submit_public(submission(channel="web"), "e" * 64, challenge, nonce) for _ in range(6)]
    )
    assert not [r for r in results if isinstance(r, Exception | InvalidInput)], results
    assert sum(created for _, created in results) == 1
    assert len({code for code, _ in results}) == 1 and Intake.objects.count() == 1
    assert intake_queue.take_in() == 1 and Problem.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_workers_taking_in_at_once_make_each_problem_once(settings):
    settings.LUOSHI_PUBLIC_POW_DIFFICULTY, settings.LUOSHI_PUBLIC_LIMIT = BITS, 100
    codes = [citizen.do_submit_public(submission(channel="web"), "d" * 64, *solved())[0] for _ in range(30)]
    results = burst([lambda: intake_queue.take_in(batch=7) for _ in range(4)])
    while intake_queue.take_in(batch=7):
        pass
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(Problem.objects.values_list("code", flat=True)) == sorted(codes)
