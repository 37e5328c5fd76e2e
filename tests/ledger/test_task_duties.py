"""A unit's share of a ledger task is a duty of the engine: the ladder urges it when late, extensions
and completion work as for lists, and the lights and the league count it."""

from datetime import date, timedelta

import pytest
import time_machine

from luoshi.duties import completion
from luoshi.duties.models import Duty, DutyStatus, Escalation, ExtensionStatus
from luoshi.duties.sweep import sweep
from luoshi.ledger import queries, services
from luoshi.ledger.models import Task
from tests.duties.conftest import at
from tests.ledger.conftest import task_input

OPENED = date(2026, 3, 2)  # a Monday


@pytest.fixture
def running(office, leader, ledger, programme, unit_a):
    """A task of unit a reporting every 7 days, opened on Mon 03-02: first report due Mon 03-09."""
    with time_machine.travel(at(OPENED), tick=False):
        task = services.do_create_task(
            office,
            ledger,
            task_input(programme, "城市供水管网改造", leader=leader, lead_unit=unit_a, report_every_days=7),
        )
        services.do_open_ledger(office, ledger)
    return task


def duty_of(task: Task) -> Duty:
    return Duty.objects.get(owner_type__model="task", owner_id=task.pk)


def test_opening_the_ledger_opens_the_units_duties(running):
    duty = duty_of(running)
    assert duty.status == DutyStatus.OPEN and duty.next_report_due == date(2026, 3, 9)
    assert duty.code == running.code and duty.leader_id == running.leader_id


def test_the_ladder_urges_a_late_task_and_its_light_turns(running, unit_a):
    sweep(at(date(2026, 3, 10)))
    esc = Escalation.objects.get()
    assert esc.step == "urge" and esc.duty.unit == unit_a
    task = Task.objects.select_related("ledger").get(pk=running.pk)
    assert task.working_due == date(2026, 3, 9)
    assert queries.task_light(task, date(2026, 3, 10)) == "yellow"
    assert queries.task_light(task, date(2026, 3, 20)) == "red"
    red = Task.objects.filter(queries.light_filter("red", date(2026, 3, 20)))
    assert list(red) == [task]


def test_an_extension_moves_the_tasks_dates(running, liaison_a, office):
    duty = duty_of(running)
    with time_machine.travel(at(date(2026, 3, 5)), tick=False):
        ext = completion.do_request_extension(liaison_a, duty, date(2027, 3, 31), "冬季停工")
        completion.do_decide_extension(office, ext, approve=True)
    assert ext.__class__.objects.get(pk=ext.pk).status == ExtensionStatus.APPROVED
    assert Task.objects.get(pk=running.pk).working_deadline == date(2027, 3, 31)


def test_the_responsible_leader_accepts_a_completion_and_the_task_is_done(running, liaison_a, leader, unit_a):
    with time_machine.travel(at(date(2026, 3, 6)), tick=False):
        services.do_report_task(liaison_a, running, unit_a, progress=100, done="全部完工", request_completion=True)
        completion.do_accept(leader, duty_of(running))
    task = Task.objects.get(pk=running.pk)
    assert task.done and task.progress == 100 and task.working_due is None
    assert task.forecast == "green"


def test_a_slow_task_turns_red_months_before_its_deadline(running, liaison_a, unit_a):
    start = at(OPENED)
    for week, progress in enumerate([5, 6, 7], start=1):
        with time_machine.travel(start + timedelta(days=7 * week), tick=False):
            services.do_report_task(liaison_a, running, unit_a, progress=progress, done=f"第{week}周进展")
    task = Task.objects.get(pk=running.pk)
    # one point a week: about 47 % by 12-31, far short of 100, with nine months to go
    assert task.forecast == "red", task.forecast_basis
    assert "2026-12-31" in task.forecast_basis
