"""`luoshi worker`: the schedule enqueues the sweep and the deliveries, in working hours only, and the
chain's anchor at any hour; the database queue runs them."""

from datetime import date, datetime, time

import pytest
import time_machine
from django.core.management import call_command

from luoshi.cli import main
from luoshi.duties.models import Escalation
from luoshi.events.models import Anchor, ScheduledJob
from luoshi.events.services import record
from luoshi.notify.models import Channel, Delivery, Notification
from luoshi.worker import enqueue_due_jobs as enqueue_all
from tests.conftest import SHANGHAI
from tests.duties.conftest import at, publish
from tests.notify.conftest import load_shipped_calendar


def enqueue_due_jobs() -> list[str]:
    """The jobs that wait for working hours (the anchor and the forecasts, which do not, are tested on their own)."""
    return [name for name in enqueue_all() if name not in ROUND_THE_CLOCK]


ROUND_THE_CLOCK = ("anchor", "late_signs", "forecasts", "intake")


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_scheduled_sweep_from_the_database_queue(office, leader, unit_a, liaison_a, head_a):
    publish(office, unit_a, leader=leader)  # first report due Mon 03-09
    with time_machine.travel(at(date(2026, 3, 10)), tick=False):
        assert enqueue_due_jobs() == ["sweep", "deliver", "frontline"]
        assert enqueue_due_jobs() == []  # not due again until the period has passed
        call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)
    assert Escalation.objects.get().step == "urge"
    assert set(ScheduledJob.objects.values_list("name", flat=True)) == {
        "sweep",
        "deliver",
        "frontline",
        *ROUND_THE_CLOCK,
    }


@pytest.mark.django_db(transaction=True)
def test_the_chain_is_anchored_at_night_too(settings):
    record(None, "test.event", "list", 1)
    night = datetime.combine(date(2026, 3, 14), time(1, 55), SHANGHAI)  # a Saturday night
    with time_machine.travel(night, tick=False):
        assert enqueue_all() == ["anchor", "late_signs", "forecasts", "intake"]
        assert enqueue_all() == []  # hourly, every five minutes, every six hours, every two seconds
        call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)
    assert Anchor.objects.get().seq == 1


def run_worker_at(moment) -> list[str]:
    with time_machine.travel(moment, tick=False):
        enqueued = enqueue_due_jobs()
        call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)
    return enqueued


@pytest.mark.django_db(transaction=True)
def test_the_scheduled_sweep_waits_for_working_hours(office, leader, unit_a, liaison_a, head_a):
    """Nothing is stamped at night: the 01:55 tick does nothing, the first one after 08:30 does the work."""
    publish(office, unit_a, leader=leader)  # first report due Mon 03-09: urged on Tue 03-10
    assert run_worker_at(datetime.combine(date(2026, 3, 10), time(1, 55), SHANGHAI)) == []
    # (publishing told the unit of its new duty: that notice is not the ladder's)
    assert not Escalation.objects.exists() and not Notification.objects.filter(kind__startswith="escalation.").exists()
    assert not ScheduledJob.objects.exclude(name__in=ROUND_THE_CLOCK).exists()  # the morning's tick is not postponed
    morning = datetime.combine(date(2026, 3, 10), time(8, 31), SHANGHAI)
    assert run_worker_at(morning) == ["sweep", "deliver", "frontline"]
    urge = Escalation.objects.get()
    assert urge.step == "urge" and urge.created_at == morning
    assert Notification.objects.filter(kind="escalation.urge").first().created_at == morning


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "runs"),
    [
        (at(date(2026, 3, 14), 10), False),  # a Saturday
        (at(date(2026, 2, 18), 10), False),  # the Spring Festival
        (at(date(2026, 2, 28), 10), True),  # a make-up Saturday (春节调休)
        (datetime.combine(date(2026, 3, 10), time(18, 0), SHANGHAI), False),  # closing time
    ],
)
def test_the_worker_keeps_the_working_day_calendar(moment, runs):
    load_shipped_calendar()
    with time_machine.travel(moment, tick=False):
        assert enqueue_due_jobs() == (["sweep", "deliver", "frontline"] if runs else [])


def test_escalate_by_hand_runs_at_once_and_its_mail_waits(capsys, office, leader, unit_a, liaison_a, head_a):
    liaison_a.email = "liaison@gxw.example.gov.cn"
    liaison_a.save()
    Channel.objects.create(kind="email", name="邮件")
    publish(office, unit_a, leader=leader)
    night = datetime.combine(date(2026, 3, 10), time(1, 55), SHANGHAI)
    with time_machine.travel(night, tick=False):
        main(["escalate"])
    assert Escalation.objects.get().created_at == night
    assert Notification.objects.get(recipient=liaison_a, kind="escalation.urge").created_at == night
    assert Delivery.objects.get(
        to=liaison_a.email, notification__kind="escalation.urge"
    ).next_attempt_at == datetime.combine(date(2026, 3, 10), time(8, 30), SHANGHAI)
