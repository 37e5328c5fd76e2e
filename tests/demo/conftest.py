"""The demo city, built once for every module of this package (it takes most of a minute), inside a
transaction rolled back when the package's last test has run. Each test's own writes are rolled back
after it, as usual."""

import time
from collections.abc import Iterator

import pytest
from django.db import transaction

from luoshi.demo.city import build_demo_city
from luoshi.duties.models import Duty, Report
from luoshi.events.models import Event
from luoshi.lists.models import ResponsibilityList
from luoshi.org.models import Person


def snapshot() -> dict:
    lists = ResponsibilityList.objects.order_by("code", "title")
    return {
        "lists": [
            (rl.code, rl.title, rl.source, rl.status, rl.leader.username, rl.report_every_days, rl.content)
            for rl in lists.select_related("leader")
        ],
        "units": list(Duty.objects.order_by("list__code", "unit__name").values_list("list__code", "unit__name")),
        "people": list(Person.objects.order_by("username").values_list("username", "name", "title", "unit__name")),
        # Events and reports in the order written: some are timed from the moment of the build (now),
        # others at fixed times, so their order by time depends on when the build ran.
        "events": list(Event.objects.order_by("id").values_list("kind", "unit__name", "note")),
        "reports": list(Report.objects.order_by("id").values_list("progress", "done", "difficulties")),
    }


@pytest.fixture(scope="package")
def city(django_db_setup, django_db_blocker) -> Iterator[dict]:
    with django_db_blocker.unblock(), transaction.atomic():
        started = time.monotonic()
        build_demo_city(reset=True)
        seconds = time.monotonic() - started
        yield {"seconds": seconds, "snapshot": snapshot()}
        transaction.set_rollback(True)
