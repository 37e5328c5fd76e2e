"""半年查账: the office's verdict on each row of the half-year snapshot; a questioned row becomes a duty of
its lead unit (due in ten working days, urged by the ladder) and its answer completes that duty."""

from datetime import timedelta

import pytest
import time_machine

from luoshi.duties.models import Duty, DutyStatus
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.ledger import cycle_audit
from luoshi.ledger.models import AuditVerdict, Ledger, Snapshot, SnapshotRow, Task
from luoshi.org.models import Person
from luoshi.workdays import calendar
from tests.conftest import NOW


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def frozen_snapshot(by: Person, ledger: Ledger, quarter: int = 2) -> Snapshot:
    """A quarter's snapshot of every task, built as plain rows (the builder is ledger.snapshots')."""
    snapshot = Snapshot.objects.create(
        ledger=ledger,
        kind="quarter",
        label=f"{ledger.year}年第{quarter}季度",
        quarter_number=quarter,
        frozen_by=by,
        frozen_at=NOW,
        rows_count=ledger.tasks.count(),
    )
    for t in ledger.tasks.select_related("programme", "parent", "lead_unit"):
        SnapshotRow.objects.create(
            snapshot=snapshot,
            task=t,
            code=t.code,
            parent_code=t.parent.code if t.parent else "",
            programme=t.programme.name,
            title=t.title,
            lead_unit=t.lead_unit,
            units=t.lead_unit.name if t.lead_unit else "",
            deadline=t.deadline,
            progress=t.progress,
            status="done" if t.done else "open",
            forecast=t.forecast,
        )
    return snapshot


@pytest.fixture
def snapshot(office, ledger, opened) -> Snapshot:
    return frozen_snapshot(office, ledger)


def query_duties(verdict: AuditVerdict):
    return Duty.objects.filter(owner_type__model="auditverdict", owner_id=verdict.pk)


def test_a_verified_row_is_a_verdict_and_an_event_but_no_duty(office, snapshot, opened):
    v, changed = cycle_audit.do_audit(office, snapshot, opened["first"], "verified", "")
    assert changed and v.verdict == "verified"
    assert not query_duties(v).exists()
    assert Event.objects.filter(kind="audit.verified", subject_type="ledger_query", subject_id=v.pk).count() == 1


def test_a_questioned_row_becomes_a_duty_of_its_lead_unit_due_in_ten_working_days(office, snapshot, opened, unit_a):
    v, _changed = cycle_audit.do_audit(office, snapshot, opened["first"], "questioned", "投资完成数与报表不符")
    duty = query_duties(v).get()
    assert duty.unit == unit_a and duty.status == DutyStatus.OPEN
    assert duty.deadline == calendar.load().add_workdays(NOW.date(), 10)
    assert duty.code == opened["first"].code
    assert Event.objects.filter(kind="duty.started", subject_type="ledger_query", subject_id=v.pk).exists()


def test_questioning_needs_a_note(office, snapshot, opened):
    with pytest.raises(InvalidInput) as e:
        cycle_audit.do_audit(office, snapshot, opened["first"], "questioned", "  ")
    assert e.value.field == "note"


def test_a_verdict_is_verified_or_questioned(office, snapshot, opened):
    with pytest.raises(InvalidInput) as e:
        cycle_audit.do_audit(office, snapshot, opened["first"], "maybe", "")
    assert e.value.field == "verdict"


def test_a_task_outside_the_snapshot_is_refused(office, snapshot, opened, ledger, programme):
    from luoshi.ledger import services
    from tests.ledger.conftest import task_input

    later = services.do_create_task(office, ledger, task_input(programme, "新增任务"), reason="年中新增")
    with pytest.raises(InvalidInput) as e:
        cycle_audit.do_audit(office, snapshot, later, "verified", "")
    assert e.value.field == "task"


def test_a_row_without_a_lead_unit_cannot_be_questioned(office, snapshot, opened):
    with pytest.raises(InvalidInput) as e:
        cycle_audit.do_audit(office, snapshot, opened["parent"], "questioned", "请说明")
    assert e.value.field == "task"


def test_only_the_office_audits(liaison_a, leader, snapshot, opened):
    for person in (liaison_a, leader):
        with pytest.raises(NotAllowed):
            cycle_audit.do_audit(person, snapshot, opened["first"], "verified", "")


def test_the_same_verdict_twice_is_stored_once(office, snapshot, opened):
    first, _c = cycle_audit.do_audit(office, snapshot, opened["first"], "questioned", "请核实")
    again, changed = cycle_audit.do_audit(office, snapshot, opened["first"], "questioned", "请核实")
    assert again.pk == first.pk and not changed
    assert AuditVerdict.objects.count() == 1 and query_duties(first).count() == 1
    assert Event.objects.filter(subject_type="ledger_query", kind__startswith="audit.").count() == 1


def test_a_second_verdict_changes_an_unanswered_row_with_before_and_after(office, snapshot, opened):
    v, _c = cycle_audit.do_audit(office, snapshot, opened["first"], "questioned", "请核实")
    v, changed = cycle_audit.do_audit(office, snapshot, opened["first"], "verified", "已核实")
    assert changed and v.verdict == "verified"
    event = Event.objects.get(kind="audit.changed", subject_id=v.pk)
    assert event.before["verdict"] == "questioned" and event.after["verdict"] == "verified"
    # The question is withdrawn: nothing is owed any more.
    assert query_duties(v).get().status == DutyStatus.WITHDRAWN
    v, _c = cycle_audit.do_audit(office, snapshot, opened["first"], "questioned", "再次核实")
    assert query_duties(v).exclude(status=DutyStatus.WITHDRAWN).count() == 1


def test_the_answer_completes_the_duty_and_the_office_sees_it(office, liaison_a, snapshot, opened):
    v, _c = cycle_audit.do_audit(office, snapshot, opened["first"], "questioned", "请核实投资数")
    v = cycle_audit.do_answer(liaison_a, v, "已按统计局口径核实，报表无误。")
    assert v.answered_by == liaison_a and v.answered_at is not None
    duty = query_duties(v).get()
    assert duty.status == DutyStatus.COMPLETED and duty.days_late == 0 and duty.progress == 100
    kinds = set(Event.objects.filter(subject_type="ledger_query", subject_id=v.pk).values_list("kind", flat=True))
    assert {"audit.questioned", "duty.started", "audit.answered", "duty.completed"} <= kinds


def test_a_late_answer_keeps_its_lateness(office, liaison_a, snapshot, opened):
    v, _c = cycle_audit.do_audit(office, snapshot, opened["first"], "questioned", "请核实")
    deadline = query_duties(v).get().deadline
    with time_machine.travel(NOW + timedelta(days=(deadline - NOW.date()).days + 3), tick=False):
        cycle_audit.do_answer(liaison_a, v, "已核实")
    assert query_duties(v).get().days_late == 3


def test_an_answered_row_keeps_its_verdict(office, liaison_a, snapshot, opened):
    v, _c = cycle_audit.do_audit(office, snapshot, opened["first"], "questioned", "请核实")
    cycle_audit.do_answer(liaison_a, v, "已核实")
    with pytest.raises(Conflict):
        cycle_audit.do_audit(office, snapshot, opened["first"], "verified", "")


def test_only_the_units_own_people_answer(office, liaison_b, leader, snapshot, opened):
    v, _c = cycle_audit.do_audit(office, snapshot, opened["first"], "questioned", "请核实")
    for person in (liaison_b, leader, office):
        with pytest.raises(NotAllowed):
            cycle_audit.do_answer(person, v, "已核实")


def test_an_answer_is_stored_once(office, liaison_a, head_a, snapshot, opened):
    v, _c = cycle_audit.do_audit(office, snapshot, opened["first"], "questioned", "请核实")
    cycle_audit.do_answer(liaison_a, v, "已核实")
    cycle_audit.do_answer(liaison_a, v, "已核实")  # the same answer again: nothing new
    assert Event.objects.filter(kind="audit.answered").count() == 1
    with pytest.raises(Conflict):
        cycle_audit.do_answer(head_a, v, "另一个答复")
    with pytest.raises(InvalidInput) as e:
        cycle_audit.do_answer(liaison_a, v, " ")
    assert e.value.field == "answer"


def test_a_verified_row_has_nothing_to_answer(office, liaison_a, snapshot, opened):
    v, _c = cycle_audit.do_audit(office, snapshot, opened["first"], "verified", "")
    with pytest.raises(Conflict):
        cycle_audit.do_answer(liaison_a, v, "已核实")


def test_the_ladder_urges_a_late_answer(office, snapshot, opened, unit_a):
    from luoshi.duties import sweep
    from luoshi.duties.models import Escalation

    v, _c = cycle_audit.do_audit(office, snapshot, opened["first"], "questioned", "请核实")
    duty = query_duties(v).get()
    late_day = calendar.load().add_workdays(duty.deadline, 3)
    late = NOW + timedelta(days=(late_day - NOW.date()).days)
    with time_machine.travel(late, tick=False):
        sweep.sweep(now=late)
    assert Escalation.objects.filter(duty=duty).exists()


def test_the_task_of_a_question_stays_as_it_was(office, snapshot, opened):
    before = Task.objects.get(pk=opened["first"].pk).progress
    cycle_audit.do_audit(office, snapshot, opened["first"], "questioned", "请核实")
    assert Task.objects.get(pk=opened["first"].pk).progress == before
