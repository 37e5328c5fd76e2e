"""A request reads the policy once, however many lights it computes; outside requests (the worker)
a change is still seen within seconds; Policy.forget() drops what a request read."""

from unittest import mock

import pytest

from luoshi.duties import models_ladder
from luoshi.duties.models import Policy

pytestmark = pytest.mark.django_db


class Clock:
    """time.monotonic moving 10 s at each look: the per-process memo is always stale."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        self.now += 10
        return self.now


@pytest.fixture
def cache_reads():
    reads: list[str] = []
    real = models_ladder.cache

    class Counting:
        def get(self, key, *args):
            reads.append(key)
            return real.get(key, *args)

        def __getattr__(self, name):
            return getattr(real, name)

    with mock.patch.object(models_ladder, "cache", Counting()), mock.patch.object(models_ladder, "time", Clock()):
        yield reads


def test_a_request_reads_the_policy_once(cache_reads):
    models_ladder._begin_request()  # as request_started does (sending it would close the test database)
    try:
        first = Policy.current()
        assert all(Policy.current() is first for _ in range(50))
    finally:
        models_ladder._end_request()
    assert len(cache_reads) == 1


def test_outside_a_request_a_change_is_seen_when_the_memo_expires(cache_reads):
    assert Policy.current().light_due_soon_days == 3
    Policy.objects.create(owner_kind="list", light_due_soon_days=5)
    from django.core.cache import cache

    cache.clear()  # as after the shared cache's 30 s
    assert Policy.current().light_due_soon_days == 5


def test_forget_drops_what_the_request_read(cache_reads):
    models_ladder._begin_request()  # as request_started does (sending it would close the test database)
    try:
        assert Policy.current().light_due_soon_days == 3
        Policy.objects.create(owner_kind="list", light_due_soon_days=6)
        Policy.forget()
        assert Policy.current().light_due_soon_days == 6
    finally:
        models_ladder._end_request()


def test_the_list_api_reads_the_policy_once_a_request(api, office, published_list, cache_reads):
    client = api(office)
    cache_reads.clear()
    assert client.get("/lists").status_code == 200
    assert cache_reads.count(Policy.CACHE_KEY + "list") == 1
