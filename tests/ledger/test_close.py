"""年底交账: a unit's signed hand-in of its rows, and closing the year (the year-end snapshot, the
carry-over to next year's ledger, the old year's duties ended)."""

import pytest
import time_machine

from luoshi.duties import completion
from luoshi.duties.models import Duty, DutyStatus
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.ledger import cycle_audit, cycle_close, services
from luoshi.ledger.models import Handin, Ledger, LedgerStatus, Snapshot, Task
from luoshi.ledger.models_cycle import SnapshotKind
from tests.conftest import NOW
from tests.ledger.test_audit import frozen_snapshot


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def finish(office, liaison, task: Task, unit) -> None:
    """The unit reports the task finished and the office accepts it."""
    services.do_report_task(liaison, task, unit, progress=100, done="全部完成", request_completion=True)
    completion.do_accept(office, services.reporting_duty(task, unit))


# ---- hand-ins ----------------------------------------------------------------------------------


def test_a_unit_hands_in_its_rows_with_their_figures_frozen(liaison_a, ledger, opened, unit_a):
    services.do_report_task(liaison_a, opened["first"], unit_a, progress=40, done="隧洞掘进1.2公里")
    handin = cycle_audit.do_handin(liaison_a, ledger, unit_a, "全年推进情况良好。")
    codes = [r["code"] for r in handin.rows]
    # Unit a leads the first leaf and co-handles the second.
    assert codes == [opened["first"].code, opened["second"].code]
    first = handin.rows[0]
    assert first["role"] == "lead" and first["progress"] == "40.00" and first["duty_progress"] == 40
    assert first["indicators"][0]["name"] == "年度完成投资" and first["indicators"][0]["target"] == "20.0000"
    assert handin.rows[1]["role"] == "co"
    assert Event.objects.filter(kind="ledger.handed_in", unit_id=unit_a.pk).count() == 1
    # Frozen: a later report does not change what was handed in.
    services.do_report_task(liaison_a, opened["first"], unit_a, progress=90, done="基本完成")
    assert Handin.objects.get(pk=handin.pk).rows[0]["progress"] == "40.00"


def test_a_unit_hands_in_once(liaison_a, head_a, ledger, opened, unit_a):
    cycle_audit.do_handin(liaison_a, ledger, unit_a, "年度小结")
    with pytest.raises(Conflict):
        cycle_audit.do_handin(head_a, ledger, unit_a, "再交一次")
    assert Handin.objects.count() == 1


def test_only_the_units_head_or_liaison_hands_in(liaison_b, office, leader, ledger, opened, unit_a):
    for person in (liaison_b, office, leader):
        with pytest.raises(NotAllowed):
            cycle_audit.do_handin(person, ledger, unit_a, "年度小结")


def test_a_hand_in_needs_a_summary_and_rows(liaison_a, outsider, ledger, opened, unit_a, unit_c):
    with pytest.raises(InvalidInput) as e:
        cycle_audit.do_handin(liaison_a, ledger, unit_a, "  ")
    assert e.value.field == "summary"
    with pytest.raises(InvalidInput) as e:
        cycle_audit.do_handin(outsider, ledger, unit_c, "年度小结")
    assert e.value.field == "unit"


def test_a_ledger_being_built_takes_no_hand_in(liaison_a, ledger, tree, unit_a):
    with pytest.raises(Conflict):
        cycle_audit.do_handin(liaison_a, ledger, unit_a, "年度小结")


# ---- closing -------------------------------------------------------------------------------------


def test_closing_freezes_the_year_and_carries_what_is_unfinished(office, ledger, opened):
    closed = cycle_close.do_close_ledger(office, ledger)
    ledger.refresh_from_db()
    assert ledger.status == LedgerStatus.CLOSED and ledger.closed_at == NOW
    assert closed.carried == 3  # nothing is done: the parent and both leaves
    nxt = closed.next_ledger
    assert nxt.year == ledger.year + 1 and nxt.status == LedgerStatus.DRAFT
    assert str(nxt.year) in nxt.title
    assert set(ledger.programmes.values_list("name", flat=True)) <= set(nxt.programmes.values_list("name", flat=True))
    snapshot = Snapshot.objects.get(ledger=ledger, kind=SnapshotKind.YEAR)
    assert snapshot == closed.snapshot and snapshot.rows.count() == 3
    assert snapshot.label == cycle_close.year_end_label(ledger.year)
    event = Event.objects.get(kind="ledger.closed", subject_id=ledger.pk)
    assert event.after["carried"] == 3 and event.after["next_ledger"] == nxt.pk


def test_the_old_years_unfinished_duties_end_and_the_finished_stay(
    office, liaison_a, liaison_b, ledger, opened, unit_a, unit_b
):
    finish(office, liaison_a, opened["first"], unit_a)
    cycle_close.do_close_ledger(office, ledger)
    task_type = services.task_type_id()
    first = Duty.objects.get(owner_type_id=task_type, owner_id=opened["first"].pk)
    assert first.status == DutyStatus.COMPLETED
    for duty in Duty.objects.filter(owner_type_id=task_type, owner_id=opened["second"].pk):
        assert duty.status == DutyStatus.WITHDRAWN
    causes = Event.objects.filter(kind="duty.withdrawn", subject_id=opened["second"].pk).values_list(
        "after__cause", flat=True
    )
    assert list(causes) == ["ledger.closed", "ledger.closed"]


def test_an_open_question_ends_with_the_year(office, ledger, opened):
    snapshot = frozen_snapshot(office, ledger)
    v, _c = cycle_audit.do_audit(office, snapshot, opened["first"], "questioned", "请核实")
    cycle_close.do_close_ledger(office, ledger)
    assert cycle_audit.query_duty(v) is None  # withdrawn


def test_only_the_office_closes(liaison_a, leader, ledger, opened):
    for person in (liaison_a, leader):
        with pytest.raises(NotAllowed):
            cycle_close.do_close_ledger(person, ledger)
    assert Ledger.objects.get(pk=ledger.pk).status == LedgerStatus.OPEN


def test_a_closed_ledger_is_not_closed_again(office, ledger, opened):
    cycle_close.do_close_ledger(office, ledger)
    with pytest.raises(Conflict):
        cycle_close.do_close_ledger(office, ledger)
    assert Task.objects.filter(origin__isnull=False).count() == 3
    assert Ledger.objects.count() == 2


def test_a_ledger_being_built_is_not_closed(office, ledger, tree):
    with pytest.raises(Conflict):
        cycle_close.do_close_ledger(office, ledger)


def test_next_years_ledger_is_used_when_it_exists(office, ledger, opened):
    nxt = services.do_create_ledger(office, year=ledger.year + 1, title="明年台账")
    services.do_add_programme(office, nxt, "营商环境")
    closed = cycle_close.do_close_ledger(office, ledger)
    assert closed.next_ledger == nxt and nxt.tasks.count() == 3


def test_carried_into_an_open_ledger_the_work_starts_at_once(office, ledger, opened, programme, unit_c):
    nxt = services.do_create_ledger(office, year=ledger.year + 1, title="明年台账")
    p = nxt.programmes.get(name=programme.name)
    from tests.ledger.conftest import task_input

    services.do_create_task(
        office, nxt, task_input(p, "已有任务", lead_unit=unit_c, deadline=NOW.date().replace(year=ledger.year + 1))
    )
    services.do_open_ledger(office, nxt)
    cycle_close.do_close_ledger(office, ledger)
    carried = nxt.tasks.get(origin=opened["first"])
    duty = Duty.objects.get(owner_type_id=services.task_type_id(), owner_id=carried.pk)
    assert duty.status == DutyStatus.OPEN
    # The open ledger's structure change carries its reason: where the task came from.
    assert opened["first"].code in Event.objects.get(kind="ledger_task.created", subject_id=carried.pk).note


def test_nothing_is_carried_into_a_closed_ledger(office, ledger, opened):
    nxt = Ledger.objects.create(
        year=ledger.year + 1, title="明年", status=LedgerStatus.CLOSED, created_by=office, created_at=NOW
    )
    with pytest.raises(Conflict):
        cycle_close.do_close_ledger(office, ledger)
    assert not nxt.tasks.exists() and Ledger.objects.get(pk=ledger.pk).status == LedgerStatus.OPEN


# ---- the pages -----------------------------------------------------------------------------------


def test_a_unit_hands_in_on_its_page_once(as_, liaison_a, ledger, opened, unit_a):
    client = as_(liaison_a)
    page = client.get(f"/ledger/{ledger.pk}/handins/").content.decode()
    assert 'id="handin-form"' in page and opened["first"].code in page
    assert client.post(f"/ledger/{ledger.pk}/handins/", {"summary": " "}).status_code == 400
    assert client.post(f"/ledger/{ledger.pk}/handins/", {"summary": "全年总结"}).status_code == 302
    again = client.post(f"/ledger/{ledger.pk}/handins/", {"summary": "全年总结"})
    assert again.status_code in (302, 409) and Handin.objects.count() == 1
    assert 'id="handed-in"' in client.get(f"/ledger/{ledger.pk}/handins/").content.decode()


def test_the_office_sees_who_has_handed_in(as_, office, liaison_a, ledger, opened, unit_a, unit_b):
    handin = cycle_audit.do_handin(liaison_a, ledger, unit_a, "全年总结")
    page = as_(office).get(f"/ledger/{ledger.pk}/handins/").content.decode()
    assert f'id="unit-{unit_a.pk}"' in page and f'id="unit-{unit_b.pk}"' in page
    assert f"/ledger/handins/{handin.pk}/" in page
    assert as_(office).post(f"/ledger/{ledger.pk}/handins/", {"summary": "x"}).status_code == 403


def test_another_unit_does_not_see_a_hand_in(as_, liaison_a, liaison_b, office, ledger, opened, unit_a, unit_b):
    handin = cycle_audit.do_handin(liaison_a, ledger, unit_a, "全年总结")
    assert as_(office).get(f"/ledger/handins/{handin.pk}/").status_code == 200
    assert as_(liaison_b).get(f"/ledger/handins/{handin.pk}/").status_code == 404
    page = as_(liaison_b).get(f"/ledger/{ledger.pk}/handins/").content.decode()
    assert f'id="unit-{unit_a.pk}"' not in page


def test_the_close_page_asks_before_closing(as_, office, liaison_a, ledger, opened):
    page = as_(office).get(f"/ledger/{ledger.pk}/close/").content.decode()
    assert 'id="close-form"' in page and "data-confirm" in page and 'id="missing-handins"' in page
    assert as_(liaison_a).get(f"/ledger/{ledger.pk}/close/").status_code == 403
    assert as_(liaison_a).post(f"/ledger/{ledger.pk}/close/").status_code == 403
    r = as_(office).post(f"/ledger/{ledger.pk}/close/")
    assert r.status_code == 302 and r["Location"] == f"/ledger/{ledger.pk}/carried/"
    assert as_(office).post(f"/ledger/{ledger.pk}/close/").status_code == 409
    assert Task.objects.filter(origin__isnull=False).count() == 3
    assert 'id="closed-already"' in as_(office).get(f"/ledger/{ledger.pk}/close/").content.decode()
