"""年初建账 by copying last year's structure: programmes and the task tree (titles, requirements, units,
leader, weights, cadence, indicators with targets and plans), every date moved by a year, into a ledger
being built; once; each source task has one counterpart (a carried task stands for its origin)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.ledger import cycle_close, services
from luoshi.ledger.models import Ledger, LedgerStatus, Task
from luoshi.ledger.services import TaskInput
from tests.conftest import NOW
from tests.ledger.conftest import YEAR
from tests.ledger.test_close import finish


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def target(office) -> Ledger:
    return services.do_create_ledger(office, year=YEAR + 1, title=f"{YEAR + 1}年总台账")


def test_the_tree_is_copied_with_every_date_a_year_on(office, leader, ledger, tree, target, unit_a, unit_b):
    services.do_add_programme(office, ledger, "营商环境")
    copied = cycle_close.do_copy_structure(office, target, ledger)
    assert copied == 3
    assert "营商环境" in set(target.programmes.values_list("name", flat=True))
    parent = target.tasks.get(title=tree["parent"].title)
    first = target.tasks.get(title=tree["first"].title)
    second = target.tasks.get(title=tree["second"].title)
    assert first.parent == parent and second.parent == parent and parent.parent is None
    assert first.origin is None  # a copy is new work, not carried work
    assert first.code.startswith(f"{YEAR + 1}-TZ-") and first.deadline == date(YEAR + 1, 12, 31)
    assert first.lead_unit == unit_a and first.leader == leader and first.weight == Decimal(3)
    assert first.report_every_days == 30 and first.programme.ledger == target
    assert list(second.co_units.all()) == [unit_a]
    ind = first.indicators.get()
    assert ind.target == Decimal(20) and ind.actual is None
    assert ind.trajectory.values_list("period", flat=True).first() == f"{YEAR + 1}-Q1"
    event = Event.objects.get(kind="ledger.structure_copied", subject_id=target.pk)
    assert event.after == {"source": ledger.pk, "year": YEAR, "tasks": 3}


def test_the_copy_is_a_draft_and_owes_nothing_yet(office, ledger, tree, target):
    from luoshi.duties.models import Duty, DutyStatus

    cycle_close.do_copy_structure(office, target, ledger)
    ids = target.tasks.values("pk")
    duties = Duty.objects.filter(owner_type_id=services.task_type_id(), owner_id__in=ids)
    assert duties.count() == 3 and set(duties.values_list("status", flat=True)) == {DutyStatus.PENDING}


def test_a_structure_is_copied_once(office, ledger, tree, target):
    cycle_close.do_copy_structure(office, target, ledger)
    with pytest.raises(Conflict):
        cycle_close.do_copy_structure(office, target, ledger)
    assert target.tasks.count() == 3


def test_only_into_a_ledger_being_built(office, ledger, tree, target):
    services.do_open_ledger(office, ledger)
    with pytest.raises(Conflict):
        cycle_close.do_copy_structure(office, ledger, target)


def test_only_the_office_copies(liaison_a, leader, ledger, tree, target):
    for person in (liaison_a, leader):
        with pytest.raises(NotAllowed):
            cycle_close.do_copy_structure(person, target, ledger)


def test_the_source_is_another_ledger_with_tasks(office, ledger, target):
    with pytest.raises(InvalidInput) as e:
        cycle_close.do_copy_structure(office, target, target)
    assert e.value.field == "source"
    with pytest.raises(InvalidInput) as e:
        cycle_close.do_copy_structure(office, target, ledger)  # no tasks
    assert e.value.field == "source"


def test_a_carried_task_stands_for_its_origin(office, liaison_a, ledger, opened, unit_a):
    """Closed with the first leaf done: parent and second are carried; the copy adds only the first,
    under the carried parent, so that each of last year's tasks has one counterpart."""
    finish(office, liaison_a, opened["first"], unit_a)
    closed = cycle_close.do_close_ledger(office, ledger)
    nxt = closed.next_ledger
    assert cycle_close.do_copy_structure(office, nxt, ledger) == 1
    first = nxt.tasks.get(title=opened["first"].title)
    assert first.parent == nxt.tasks.get(origin=opened["parent"]) and first.origin is None
    assert nxt.tasks.count() == 3


def test_a_copy_is_numbered_and_owes_as_do_create_task_makes_tasks(office, ledger, tree, target):
    """The copy is made at once (cycle_close._bulk_create): codes, paths, the parents' next numbers, the
    leaves' duties and the events are what services.do_create_task gives the source, a year on."""
    from luoshi.duties.models import Duty

    cycle_close.do_copy_structure(office, target, ledger)

    def shape(led: Ledger) -> list[tuple]:
        rows = []
        for t in Task.objects.filter(ledger=led).order_by("path"):
            duties = Duty.objects.filter(owner_type_id=services.task_type_id(), owner_id=t.pk)
            event = Event.objects.get(kind="ledger_task.created", subject_id=t.pk)
            state = (sorted(event.after), event.after["title"], event.after["co_units"], len(event.after["indicators"]))
            owed = sorted(duties.values_list("unit_id", "role", "status", "title", "report_every_days"))
            rows.append((t.code[5:], t.path, t.depth, t.next_child, owed, state, t.parent.path if t.parent else None))
        return rows

    assert shape(target) == shape(ledger)
    assert Ledger.objects.get(pk=target.pk).next_number == Ledger.objects.get(pk=ledger.pk).next_number


def test_a_large_tree_is_copied_in_statements_that_do_not_grow_with_its_tasks(
    office, ledger, programme, target, unit_a, unit_b
):
    """Copied one by one through services.do_create_task, 1,200 tasks took 12 s on SQLite; made at once, 2 s.
    The copy is made at once: 40 top tasks with two sub-tasks each in fewer statements than top tasks."""
    deadline = date(YEAR, 12, 31)
    for i in range(40):
        top = services.do_create_task(office, ledger, TaskInput(programme, f"任务{i}", deadline, lead_unit=unit_a))
        for j in range(2):
            data = TaskInput(programme, f"任务{i}-{j}", deadline, parent=top, lead_unit=unit_b, co_units=[unit_a])
            services.do_create_task(office, ledger, data)
    with CaptureQueriesContext(connection) as statements:
        copied = cycle_close.do_copy_structure(office, target, ledger)
    assert copied == 120 and target.tasks.count() == 120
    assert Task.objects.filter(ledger=target, parent__isnull=True).count() == 40
    assert len(statements) < 40, len(statements)
    assert Ledger.objects.get(pk=target.pk).status == LedgerStatus.DRAFT


# ---- the copy form ---------------------------------------------------------------------------------


def test_the_office_copies_on_the_form_once(as_, office, liaison_a, ledger, tree, target):
    client = as_(office)
    page = client.get(f"/ledger/{target.pk}/copy/").content.decode()
    assert 'id="copy-form"' in page and f'value="{ledger.pk}" selected' in page
    assert client.post(f"/ledger/{target.pk}/copy/", {"source": "x"}).status_code == 400
    r = client.post(f"/ledger/{target.pk}/copy/", {"source": ledger.pk})
    assert r.status_code == 302 and r["Location"] == f"/ledger/{target.pk}/"
    assert client.post(f"/ledger/{target.pk}/copy/", {"source": ledger.pk}).status_code == 409
    assert target.tasks.count() == 3
    assert as_(liaison_a).get(f"/ledger/{target.pk}/copy/").status_code == 403
