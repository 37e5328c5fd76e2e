"""Many workers sweeping at once take no step twice and lose none."""

from datetime import date, datetime, time

import pytest

from luoshi.escalation.models import Escalation
from luoshi.escalation.services import sweep
from luoshi.worker import claim
from tests.conftest import SHANGHAI
from tests.escalation.conftest import publish
from tests.lists.test_concurrency import run_together


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_take_each_step_once(office, leader, unit_a, unit_b, unit_c, liaison_a, liaison_b, outsider):
    for i in range(30):
        publish(office, unit_a, [unit_b, unit_c], leader=leader, title=f"任务{i}")
    now = datetime.combine(date(2026, 3, 16), time(9), tzinfo=SHANGHAI)  # a week overdue: urge + order
    results: list[dict] = []
    run_together(*[lambda: results.append(sweep(now))] * 4)
    steps = list(Escalation.objects.values_list("episode_id", "step"))
    assert len(steps) == len(set(steps)) == 90 * 2 + 3  # an urge and an order each; one talk proposal per unit
    assert Escalation.objects.filter(step="talk_proposal").values("unit").distinct().count() == 3
    numbers = [n for n in Escalation.objects.values_list("number", flat=True) if n]
    assert len(numbers) == len(set(numbers)) == 180
    assert sum(r["urge"] for r in results) == 90 and sum(r["order"] for r in results) == 90
    assert sweep(now)["urge"] == 0  # and nothing left to do afterwards


@pytest.mark.django_db(transaction=True)
def test_one_worker_wins_each_scheduled_run():
    now = datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)
    wins: list[bool] = []
    run_together(*[lambda: wins.append(claim("sweep", 300, now))] * 4)
    assert wins.count(True) == 1
    assert claim("sweep", 300, now) is False
