"""The tree's completion period (from/to): the completed tasks whose last duty was accepted on a day in
it, both days included, days counted in local time, as the cockpit counts them (completion_days)."""

from datetime import date, datetime, time

import pytest

from luoshi.duties import completion
from luoshi.ledger import queries, services
from luoshi.ledger.models import Task
from tests.conftest import SHANGHAI
from tests.ledger.conftest import YEAR

DAY = date(YEAR, 3, 10)
NEXT = date(YEAR, 3, 11)


def finish(actor, office, task: Task, unit, at: datetime) -> None:
    services.do_report_task(actor, task, unit, progress=100, done="完成", request_completion=True, now=at)
    completion.do_accept(office, services.reporting_duty(task, unit), now=at)


@pytest.fixture
def finished(office, opened, unit_a, unit_b, liaison_a, liaison_b) -> dict[str, Task]:
    """The first leaf accepted at 23:30 on DAY; the second's co-unit that morning, its lead unit at
    00:30 the next day (local time): the second leaf, and so the parent, completed on NEXT."""
    finish(liaison_a, office, opened["first"], unit_a, datetime.combine(DAY, time(23, 30), SHANGHAI))
    finish(liaison_a, office, opened["second"], unit_a, datetime.combine(DAY, time(9, 0), SHANGHAI))
    finish(liaison_b, office, opened["second"], unit_b, datetime.combine(NEXT, time(0, 30), SHANGHAI))
    return {k: Task.objects.get(pk=t.pk) for k, t in opened.items()}


def titles(start: date | None, end: date | None, ledger) -> set[str]:
    return set(queries.completed_between(ledger.tasks.all(), start, end).values_list("title", flat=True))


def test_the_last_acceptance_in_local_time_gives_the_day(ledger, finished):
    assert finished["first"].done and finished["second"].done
    assert titles(DAY, DAY, ledger) == {"输水隧洞工程"}
    assert titles(NEXT, NEXT, ledger) == {"水厂及配套管网"}


def test_both_ends_are_included_and_either_may_be_open(ledger, finished):
    assert titles(DAY, NEXT, ledger) == {"输水隧洞工程", "水厂及配套管网"}
    assert titles(None, DAY, ledger) == {"输水隧洞工程"}
    assert titles(NEXT, None, ledger) == {"水厂及配套管网"}
    assert titles(date(YEAR, 3, 12), None, ledger) == set()


def test_a_parent_without_duties_of_its_own_has_no_completion_day(ledger, finished):
    assert finished["parent"].done
    assert "第二水源地建设" not in titles(None, None, ledger)


def test_the_period_filter_and_the_cockpit_count_the_same_days(ledger, finished):
    filters = queries.TaskFilters(done_from=DAY, done_to=NEXT)
    tasks = queries.filtered(ledger.tasks.all(), filters, NEXT)
    days = queries.completion_days(ledger.tasks.all())
    assert {t.pk: days[t.pk] for t in tasks} == {finished["first"].pk: DAY, finished["second"].pk: NEXT}
