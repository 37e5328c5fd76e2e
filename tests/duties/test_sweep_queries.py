"""The sweep's cost follows what is due, in rows, not in statements: 5 or 50 due duties take the same
number of queries, and a sweep with nothing new reads and writes nothing per duty."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from luoshi.duties import owners
from luoshi.duties.models import Duty, Escalation, Policy
from luoshi.duties.sweep import sweep
from luoshi.notify.models import Notification
from tests.duties.conftest import at, publish

LATE = at(date(2026, 3, 16))  # a week after the first report was due: an urge and an order each


class Rollback(Exception):
    pass


@pytest.fixture
def fifty(office, leader, unit_a, liaison_a, head_a):
    for i in range(50):
        publish(office, unit_a, leader=leader, title=f"任务{i}")
    return list(Duty.objects.order_by("pk").values_list("pk", flat=True))


def queries_of_a_sweep() -> tuple[int, dict[str, int]]:
    """The queries of a first sweep, rolled back so that the next one finds the same work."""
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            counts = sweep(LATE)
            raise Rollback
    except Rollback:
        pass
    return len(queries.captured_queries), counts


def test_five_or_fifty_due_duties_take_the_same_number_of_queries(fifty):
    Duty.objects.filter(pk__in=fifty[5:]).update(paused_at=at(date(2026, 3, 3)))  # paused: not due
    for kind in owners.kinds():
        Policy.current(kind)  # read through a cache: not a query of every sweep
    five, counts = queries_of_a_sweep()
    assert (counts["due"], counts["urge"], counts["order"], counts["talk_proposal"]) == (5, 5, 5, 1)
    Duty.objects.update(paused_at=None)
    many, counts = queries_of_a_sweep()
    assert (counts["due"], counts["urge"], counts["order"], counts["talk_proposal"]) == (50, 50, 50, 1)
    assert many == five


def test_a_sweep_with_nothing_new_writes_nothing_and_reads_no_more_for_more_due(fifty):
    sweep(LATE)
    steps, notices = Escalation.objects.count(), Notification.objects.count()
    with CaptureQueriesContext(connection) as queries:
        counts = sweep(LATE.replace(hour=15))
    assert counts == {"due": 50, "reminder": 0, "urge": 0, "order": 0, "talk_proposal": 0}
    assert (Escalation.objects.count(), Notification.objects.count()) == (steps, notices)
    sql = [q["sql"].lstrip().split()[0].upper() for q in queries.captured_queries]
    assert set(sql) <= {"SELECT", "SAVEPOINT", "RELEASE"}, sql
    assert len(sql) <= 5, sql  # the due duties, their open episodes, the unsigned duties
