"""`luoshi worker`: the schedule enqueues the sweep and the deliveries; the database queue runs them."""

from datetime import date

import pytest
import time_machine
from django.core.management import call_command

from luoshi.escalation.models import Escalation
from luoshi.events.models import ScheduledJob
from luoshi.worker import enqueue_due_jobs
from tests.escalation.conftest import at, publish


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_scheduled_sweep_from_the_database_queue(office, leader, unit_a, liaison_a, head_a):
    publish(office, unit_a, leader=leader)  # first report due Mon 03-09
    with time_machine.travel(at(date(2026, 3, 10)), tick=False):
        assert enqueue_due_jobs() == ["sweep", "deliver"]
        assert enqueue_due_jobs() == []  # not due again until the period has passed
        call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)
    assert Escalation.objects.get().step == "urge"
    assert set(ScheduledJob.objects.values_list("name", flat=True)) == {"sweep", "deliver"}
