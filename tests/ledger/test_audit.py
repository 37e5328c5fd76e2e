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


# ---- the pages -----------------------------------------------------------------------------------


def test_the_audit_page_shows_every_row_to_the_office(as_, office, snapshot, opened):
    r = as_(office).get(f"/ledger/snapshots/{snapshot.pk}/audit/")
    assert r.status_code == 200
    for task in opened.values():
        assert f'id="audit-row-{task.pk}"' in r.content.decode()


def test_the_audit_page_is_the_offices(as_, liaison_a, leader, snapshot):
    for person in (liaison_a, leader):
        assert as_(person).get(f"/ledger/snapshots/{snapshot.pk}/audit/").status_code == 403


def test_questioning_on_the_page_makes_the_question_once(as_, office, snapshot, opened):
    client = as_(office)
    url = f"/ledger/snapshots/{snapshot.pk}/audit/"
    data = {"task": opened["first"].pk, "verdict": "questioned", "note": "请核实", "return": "show=unaudited"}
    r = client.post(url, data)
    assert r.status_code == 302 and r["Location"].endswith("?show=unaudited")
    client.post(url, data)
    assert AuditVerdict.objects.count() == 1 and query_duties(AuditVerdict.objects.get()).count() == 1
    page = client.get(url, {"show": "unanswered"}).content.decode()
    assert f'id="audit-row-{opened["first"].pk}"' in page and f'id="audit-row-{opened["second"].pk}"' not in page


def test_an_htmx_verdict_returns_the_row(as_, office, snapshot, opened):
    r = as_(office).post(
        f"/ledger/snapshots/{snapshot.pk}/audit/",
        {"task": opened["first"].pk, "verdict": "verified"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200 and r.content.decode().startswith("<article")
    assert AuditVerdict.objects.get().verdict == "verified"


def test_questioning_without_a_note_on_the_page_is_400(as_, office, snapshot, opened):
    r = as_(office).post(
        f"/ledger/snapshots/{snapshot.pk}/audit/", {"task": opened["first"].pk, "verdict": "questioned"}
    )
    assert r.status_code == 400 and not AuditVerdict.objects.exists()
    r = as_(office).post(f"/ledger/snapshots/{snapshot.pk}/audit/", {"task": "x", "verdict": "verified"})
    assert r.status_code == 400


def test_the_audit_page_reads_a_fixed_number_of_queries(as_, office, snapshot, opened, django_assert_max_num_queries):
    client = as_(office)
    url = f"/ledger/snapshots/{snapshot.pk}/audit/"
    cycle_audit.do_audit(office, snapshot, opened["first"], "questioned", "请核实")
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    cycle_audit.do_audit(office, snapshot, opened["second"], "questioned", "请核实")
    cycle_audit.do_audit(office, snapshot, opened["parent"], "verified", "")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_unit_answers_on_its_phone_page(as_, office, liaison_a, snapshot, opened):
    v, _c = cycle_audit.do_audit(office, snapshot, opened["first"], "questioned", "请核实投资数")
    client = as_(liaison_a)
    page = client.get(f"/ledger/audit/{v.pk}/answer/")
    assert page.status_code == 200 and 'id="answer-form"' in page.content.decode()
    assert client.post(f"/ledger/audit/{v.pk}/answer/", {"answer": " "}).status_code == 400
    r = client.post(f"/ledger/audit/{v.pk}/answer/", {"answer": "已核实"})
    assert r.status_code == 302
    assert client.post(f"/ledger/audit/{v.pk}/answer/", {"answer": "已核实"}).status_code == 302  # once
    assert Event.objects.filter(kind="audit.answered").count() == 1
    assert query_duties(v).get().status == DutyStatus.COMPLETED
    assert 'id="answered"' in client.get(f"/ledger/audit/{v.pk}/answer/").content.decode()


def test_another_unit_does_not_see_the_question(as_, office, liaison_b, snapshot, opened):
    v, _c = cycle_audit.do_audit(office, snapshot, opened["first"], "questioned", "请核实")
    assert as_(liaison_b).get(f"/ledger/audit/{v.pk}/answer/").status_code == 404
    assert as_(liaison_b).post(f"/ledger/audit/{v.pk}/answer/", {"answer": "x"}).status_code == 404


def test_the_office_reads_the_question_without_a_form(as_, office, snapshot, opened):
    v, _c = cycle_audit.do_audit(office, snapshot, opened["first"], "questioned", "请核实")
    page = as_(office).get(f"/ledger/audit/{v.pk}/answer/").content.decode()
    assert 'id="answer-waiting"' in page and 'id="answer-form"' not in page
    assert as_(office).post(f"/ledger/audit/{v.pk}/answer/", {"answer": "x"}).status_code == 403


def test_the_engine_links_the_question_to_the_answer_page(office, snapshot, opened):
    from luoshi.duties import owners

    v, _c = cycle_audit.do_audit(office, snapshot, opened["first"], "questioned", "请核实")
    assert owners.url_of(query_duties(v).get()) == f"/ledger/audit/{v.pk}/answer/"
