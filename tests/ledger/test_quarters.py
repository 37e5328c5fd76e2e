"""季度对账: the office starts a quarter, each unit confirms or corrects its rows once, the ladder urges the
late, and the office freezes the quarter (when all have confirmed, or at its cut-off)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.duties import owners, sweep
from luoshi.duties.models import Duty, DutyStatus, Report, Step
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.ledger import cycle_quarters, services
from luoshi.ledger.cycle_quarters import RowInput
from luoshi.ledger.models import Confirmation, Indicator, Ledger, Quarter, Snapshot, Task
from luoshi.org.models import Unit
from tests.conftest import make_person


def due_in(days: int = 10):
    return timezone.localdate() + timedelta(days=days)


def start(office, ledger, number: int = 1, days: int = 10) -> Quarter:
    return cycle_quarters.do_start_quarter(office, ledger, number, due_in(days))


def quarter_duties(quarter: Quarter) -> list[Duty]:
    return list(
        Duty.objects.filter(owner_type_id=owners.content_type_id("ledger_quarter"), owner_id=quarter.pk).order_by(
            "unit_id"
        )
    )


def confirm_all(person, quarter: Quarter, unit: Unit, **kw):
    rows = [RowInput(t, confirmed=True) for t in cycle_quarters.row_duties(quarter.ledger_id, [unit.pk])[unit.pk]]
    return cycle_quarters.do_confirm_quarter(person, quarter, unit, rows, **kw)


# Starting


def test_starting_a_quarter_gives_each_unit_with_live_work_one_confirmation_duty(
    office, ledger, opened, unit_a, unit_b, unit_c
):
    quarter = start(office, ledger)
    duties = quarter_duties(quarter)
    assert [d.unit_id for d in duties] == [unit_a.pk, unit_b.pk]
    for d in duties:
        assert d.owner_kind == "ledger_quarter"
        assert d.status == DutyStatus.OPEN
        assert d.deadline == quarter.due
        assert d.report_every_days is None and d.next_report_due is None
        assert d.code == f"{ledger.year}-Q1"
    assert Event.objects.filter(kind="ledger_quarter.started", subject_id=quarter.pk).count() == 1
    assert Event.objects.filter(kind="duty.started", subject_type="ledger_quarter").count() == 2


def test_a_unit_owes_rows_for_its_own_and_its_co_handled_tasks(office, ledger, opened, unit_a, unit_b):
    rows = cycle_quarters.row_duties(ledger.pk)
    assert set(rows[unit_a.pk]) == {opened["first"].pk, opened["second"].pk}
    assert set(rows[unit_b.pk]) == {opened["second"].pk}


def test_only_the_office_starts_a_quarter(ledger, opened, liaison_a, leader):
    for person in (liaison_a, leader):
        with pytest.raises(NotAllowed):
            cycle_quarters.do_start_quarter(person, ledger, 1, due_in())


def test_a_draft_ledger_is_not_reconciled(office, ledger, tree):
    with pytest.raises(Conflict):
        start(office, ledger)


def test_a_quarter_is_started_once_and_one_at_a_time(office, ledger, opened):
    start(office, ledger, 1)
    with pytest.raises(Conflict) as err:
        start(office, ledger, 1)
    assert err.value.field == "number"
    with pytest.raises(Conflict):
        start(office, ledger, 2)
    assert Quarter.objects.count() == 1


@pytest.mark.parametrize(("number", "days", "field"), [(0, 10, "number"), (5, 10, "number"), (1, -1, "due")])
def test_a_bad_number_or_a_past_due_date_is_refused_naming_the_field(office, ledger, opened, number, days, field):
    with pytest.raises(InvalidInput) as err:
        cycle_quarters.do_start_quarter(office, ledger, number, due_in(days))
    assert err.value.field == field


# Confirming


def test_a_unit_confirming_every_row_completes_its_quarter_duty(office, ledger, opened, liaison_b, unit_b):
    quarter = start(office, ledger)
    confirmation, created = confirm_all(liaison_b, quarter, unit_b)
    assert created
    assert [r.task_id for r in confirmation.rows.all()] == [opened["second"].pk]
    duty = Duty.objects.get(owner_type_id=owners.content_type_id("ledger_quarter"), unit=unit_b)
    assert duty.status == DutyStatus.COMPLETED and duty.completed_at is not None and duty.days_late == 0
    assert Event.objects.filter(kind="ledger_quarter.confirmed", unit=unit_b).count() == 1
    assert not Report.objects.filter(duty__unit=unit_b).exists()  # nothing corrected, nothing reported


def test_a_correction_is_the_units_report_on_the_task_and_rolls_up(office, ledger, opened, liaison_a, unit_a):
    quarter = start(office, ledger)
    first, second = opened["first"], opened["second"]
    invest = Indicator.objects.get(task=first)
    rows = [
        RowInput(first.pk, progress=40, indicators=[(invest.pk, Decimal("3.75"))], reason="隧洞掘进数据漏报"),
        RowInput(second.pk, confirmed=True),
    ]
    confirmation, _created = cycle_quarters.do_confirm_quarter(liaison_a, quarter, unit_a, rows)
    row = confirmation.rows.get(task=first)
    assert not row.confirmed and row.reason == "隧洞掘进数据漏报"
    assert row.correction == {"progress": 40, "indicators": [{"indicator": invest.pk, "actual": "3.75"}]}
    report = row.report
    assert report is not None and report.author == liaison_a and report.progress == 40
    assert "隧洞掘进数据漏报" in report.done
    assert Task.objects.get(pk=first.pk).progress == Decimal(40)
    assert Indicator.objects.get(pk=invest.pk).actual == Decimal("3.75")
    assert confirmation.rows.get(task=second).report is None


def test_a_correction_without_new_progress_keeps_the_units_progress(office, ledger, opened, liaison_a, unit_a):
    services.do_report_task(liaison_a, opened["first"], unit_a, progress=30, done="进展顺利")
    quarter = start(office, ledger)
    invest = Indicator.objects.get(task=opened["first"])
    rows = [
        RowInput(opened["first"].pk, indicators=[(invest.pk, Decimal("5"))], reason="补报投资"),
        RowInput(opened["second"].pk, confirmed=True),
    ]
    confirmation, _created = cycle_quarters.do_confirm_quarter(liaison_a, quarter, unit_a, rows)
    assert confirmation.rows.get(task=opened["first"]).report.progress == 30


def test_missing_rows_are_refused_naming_them(office, ledger, opened, liaison_a, unit_a):
    quarter = start(office, ledger)
    with pytest.raises(InvalidInput) as err:
        cycle_quarters.do_confirm_quarter(liaison_a, quarter, unit_a, [RowInput(opened["first"].pk, confirmed=True)])
    assert err.value.field == "rows"
    assert opened["second"].code in err.value.message
    assert not Confirmation.objects.exists()


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (dict(progress=50, reason=""), "rows.0.reason"),
        (dict(progress=50, reason="   "), "rows.0.reason"),
        (dict(confirmed=True, progress=50, reason="x"), "rows.0.confirmed"),
        (dict(), "rows.0.confirmed"),
        (dict(progress=101, reason="x"), "rows.0.correction.progress"),
        (dict(indicators=[(10**9, Decimal(1))], reason="x"), "rows.0.correction.indicators"),
        (dict(indicators=[(0, Decimal("Infinity"))], reason="x"), "rows.0.correction.indicators"),
    ],
)
def test_a_bad_row_is_refused_naming_its_field(office, ledger, opened, liaison_b, unit_b, row, field):
    quarter = start(office, ledger)
    if row.get("indicators") and row["indicators"][0][0] == 0:
        row["indicators"] = [(Indicator.objects.get(task=opened["first"]).pk, Decimal("Infinity"))]
    with pytest.raises(InvalidInput) as err:
        cycle_quarters.do_confirm_quarter(liaison_b, quarter, unit_b, [RowInput(opened["second"].pk, **row)])
    assert err.value.field == field
    assert not Confirmation.objects.exists() and not Report.objects.exists()


def test_a_row_of_another_unit_is_refused(office, ledger, opened, liaison_b, unit_b):
    quarter = start(office, ledger)
    rows = [RowInput(opened["second"].pk, confirmed=True), RowInput(opened["first"].pk, confirmed=True)]
    with pytest.raises(InvalidInput) as err:
        cycle_quarters.do_confirm_quarter(liaison_b, quarter, unit_b, rows)
    assert err.value.field == "rows.1.task"


def test_only_the_units_own_people_confirm_its_rows(office, ledger, opened, liaison_a, outsider, unit_b):
    quarter = start(office, ledger)
    for person in (liaison_a, outsider, office):
        with pytest.raises(NotAllowed):
            confirm_all(person, quarter, unit_b)


def test_a_unit_that_owes_nothing_is_refused(office, ledger, opened, outsider, unit_c):
    quarter = start(office, ledger)
    with pytest.raises(InvalidInput) as err:
        cycle_quarters.do_confirm_quarter(outsider, quarter, unit_c, [])
    assert err.value.field == "unit"


def test_a_confirmation_is_sent_once_and_the_same_key_returns_the_first(office, ledger, opened, liaison_b, unit_b):
    quarter = start(office, ledger)
    first, created = confirm_all(liaison_b, quarter, unit_b, submission_key="k-1")
    again, created_again = confirm_all(liaison_b, quarter, unit_b, submission_key="k-1")
    assert created and not created_again and again.pk == first.pk
    with pytest.raises(Conflict):
        confirm_all(liaison_b, quarter, unit_b, submission_key="k-2")
    with pytest.raises(Conflict):
        confirm_all(make_person("head_b", ["unit_head"], unit_b), quarter, unit_b)
    assert Confirmation.objects.count() == 1


def test_the_unit_head_confirms_as_the_liaison_does(office, ledger, opened, head_a, unit_a):
    quarter = start(office, ledger)
    confirmation, _created = confirm_all(head_a, quarter, unit_a)
    assert confirmation.confirmed_by == head_a


# Lateness and the ladder


def test_the_ladder_urges_a_unit_late_to_confirm_and_the_board_shows_it(office, ledger, opened, liaison_b, unit_b):
    quarter = start(office, ledger, days=1)
    confirm_all(liaison_b, quarter, unit_b)
    later = timezone.now() + timedelta(days=8)
    for day in range(9):
        sweep.sweep(timezone.now() + timedelta(days=day))
    rows = {r.unit_name: r for r in cycle_quarters.board(quarter, timezone.localdate(later))}
    late = rows["市工信委"]
    assert late.late and late.confirmed_at is None
    assert late.step in (Step.REMINDER, Step.URGE, Step.ORDER, Step.TALK_PROPOSAL) and late.step_label
    assert not rows["城关区"].late and rows["城关区"].confirmed_at is not None


def test_a_unit_confirming_after_the_due_date_is_marked_late(office, ledger, opened, liaison_b, unit_b):
    quarter = start(office, ledger, days=1)
    confirm_all(liaison_b, quarter, unit_b, now=timezone.now() + timedelta(days=3))
    row = next(r for r in cycle_quarters.board(quarter, timezone.localdate()) if r.unit_id == unit_b.pk)
    assert row.late
    assert Duty.objects.get(owner_type_id=owners.content_type_id("ledger_quarter"), unit=unit_b).days_late >= 2


# Freezing


def test_the_quarter_freezes_only_when_all_confirmed_or_at_the_cut_off(
    office, ledger, opened, liaison_a, liaison_b, unit_a, unit_b
):
    quarter = start(office, ledger)
    confirm_all(liaison_b, quarter, unit_b)
    with pytest.raises(Conflict) as err:
        cycle_quarters.do_freeze_quarter(office, quarter)
    assert err.value.field == "cut_off" and "市工信委" in err.value.message
    snapshot = cycle_quarters.do_freeze_quarter(office, quarter, cut_off=True)
    assert not snapshot.complete and snapshot.rows_count == 3
    quarter.refresh_from_db()
    assert quarter.frozen_at is not None and quarter.snapshot == snapshot
    duty_a = Duty.objects.get(owner_type_id=owners.content_type_id("ledger_quarter"), unit=unit_a)
    assert duty_a.status == DutyStatus.WITHDRAWN
    withdrawn = Event.objects.get(kind="duty.withdrawn", subject_type="ledger_quarter")
    assert withdrawn.after["cause"] == "ledger_quarter.frozen"
    with pytest.raises(Conflict):
        confirm_all(liaison_a, quarter, unit_a)
    with pytest.raises(Conflict):
        cycle_quarters.do_freeze_quarter(office, quarter, cut_off=True)


def test_a_quarter_all_confirmed_freezes_complete_and_the_next_may_start(
    office, ledger, opened, liaison_a, liaison_b, unit_a, unit_b
):
    quarter = start(office, ledger)
    confirm_all(liaison_a, quarter, unit_a)
    confirm_all(liaison_b, quarter, unit_b)
    snapshot = cycle_quarters.do_freeze_quarter(office, quarter)
    assert snapshot.complete and snapshot.label == cycle_quarters.quarter_label(ledger.year, 1)
    assert Event.objects.filter(kind="ledger_quarter.frozen", after__snapshot=snapshot.pk).count() == 1
    second = start(office, ledger, 2)
    assert len(quarter_duties(second)) == 2


def test_only_the_office_freezes(office, ledger, opened, liaison_a, leader):
    quarter = start(office, ledger)
    for person in (liaison_a, leader):
        with pytest.raises(NotAllowed):
            cycle_quarters.do_freeze_quarter(person, quarter, cut_off=True)
    assert not Snapshot.objects.exists()


# The confirmation page


def test_the_confirmation_page_shows_a_card_per_row_in_constant_queries(
    as_, office, ledger, programme, opened, liaison_a, unit_a, django_assert_max_num_queries
):
    quarter = start(office, ledger)
    client = as_(liaison_a)
    url = reverse("ledger:confirm", args=[quarter.pk])
    with django_assert_max_num_queries(20) as few:
        page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    for task in (opened["first"], opened["second"]):
        assert f'id="row-{task.pk}"' in body and f'name="ok-{task.pk}"' in body
    assert "年度完成投资" in body
    ledger = Ledger.objects.get(pk=ledger.pk)  # opened since the fixture read it
    for i in range(4):
        services.do_create_task(
            office,
            ledger,
            services.TaskInput(
                programme=programme,
                title=f"配套任务{i}",
                deadline=due_in(100),
                lead_unit=unit_a,
                indicators=[services.IndicatorInput("户数", "户", Decimal(100))],
            ),
            reason="新增",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(url).content.decode()
    assert body.count('role="switch"') == 6


def _post(client, quarter, data):
    return client.post(reverse("ledger:confirm", args=[quarter.pk]), {"submission_key": "web-1", **data})


def test_the_page_confirms_every_row_in_one_submit_and_only_once(as_, office, ledger, opened, liaison_a, unit_a):
    quarter = start(office, ledger)
    client = as_(liaison_a)
    invest = Indicator.objects.get(task=opened["first"])
    data = {
        f"ok-{opened['second'].pk}": "on",
        f"progress-{opened['first'].pk}": "35",
        f"ind-{opened['first'].pk}-{invest.pk}": "2.5",
        f"reason-{opened['first'].pk}": "一季度投资漏报",
    }
    answer = _post(client, quarter, data)
    assert answer.status_code == 302
    again = _post(client, quarter, data)
    assert again.status_code == 302
    assert Confirmation.objects.count() == 1
    row = Confirmation.objects.get().rows.get(task=opened["first"])
    assert row.correction == {"progress": 35, "indicators": [{"indicator": invest.pk, "actual": "2.5"}]}
    shown = client.get(reverse("ledger:confirm", args=[quarter.pk])).content.decode()
    assert 'id="confirmed"' in shown and "一季度投资漏报" in shown


def test_the_page_refuses_a_correction_without_reason_on_its_card(as_, office, ledger, opened, liaison_a):
    quarter = start(office, ledger)
    answer = _post(as_(liaison_a), quarter, {f"ok-{opened['second'].pk}": "on", f"progress-{opened['first'].pk}": "35"})
    assert answer.status_code == 400
    assert f'id="error-{opened["first"].pk}"' in answer.content.decode()
    assert not Confirmation.objects.exists()


def test_the_page_refuses_a_switched_off_row_without_a_change(as_, office, ledger, opened, liaison_a):
    quarter = start(office, ledger)
    answer = _post(as_(liaison_a), quarter, {f"ok-{opened['second'].pk}": "on", f"progress-{opened['first'].pk}": "0"})
    assert answer.status_code == 400
    assert not Confirmation.objects.exists()


def test_another_units_person_finds_no_confirmation_page(as_, office, ledger, opened, outsider):
    quarter = start(office, ledger)
    assert as_(outsider).get(reverse("ledger:confirm", args=[quarter.pk])).status_code == 404
    assert _post(as_(outsider), quarter, {}).status_code == 404


def test_the_office_following_the_link_lands_on_the_board(as_, office, ledger, opened):
    quarter = start(office, ledger)
    answer = as_(office).get(reverse("ledger:confirm", args=[quarter.pk]))
    assert answer.status_code == 302 and answer.url.startswith(reverse("ledger:cycle", args=[ledger.pk]))


# The cycle board


def test_the_board_shows_who_confirmed_in_constant_queries(
    as_, office, ledger, opened, programme, liaison_b, unit_b, django_assert_max_num_queries
):
    quarter = start(office, ledger)
    confirm_all(liaison_b, quarter, unit_b)
    client = as_(office)
    url = reverse("ledger:cycle", args=[ledger.pk])
    with django_assert_max_num_queries(25) as few:
        page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert f'id="unit-{unit_b.pk}"' in body and 'id="freeze-form"' in body and "cut_off" in body
    # More units and rows: the same number of queries.
    cycle_quarters.do_freeze_quarter(office, quarter, cut_off=True)
    ledger = Ledger.objects.get(pk=ledger.pk)  # opened since the fixture read it
    for i in range(5):
        unit = Unit.objects.create(name=f"区县{i}", kind="district")
        services.do_create_task(
            office,
            ledger,
            services.TaskInput(programme=programme, title=f"任务{i}", deadline=due_in(200), lead_unit=unit),
            reason="新增",
        )
    start(office, ledger, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_leader_reads_the_board_and_a_unit_does_not(as_, office, ledger, opened, leader, liaison_a):
    start(office, ledger)
    url = reverse("ledger:cycle", args=[ledger.pk])
    body = as_(leader).get(url).content.decode()
    assert 'id="board-units"' in body and 'id="freeze-form"' not in body
    assert as_(liaison_a).get(url).status_code == 403


def test_the_office_starts_and_freezes_from_the_board(as_, office, ledger, opened, unit_a):
    client = as_(office)
    answer = client.post(
        reverse("ledger:quarter_start", args=[ledger.pk]), {"number": "1", "due": due_in().isoformat()}
    )
    assert answer.status_code == 302
    quarter = Quarter.objects.get()
    bad = client.post(reverse("ledger:quarter_start", args=[ledger.pk]), {"number": "2", "due": "nonsense"})
    assert bad.status_code == 400
    refused = client.post(reverse("ledger:quarter_freeze", args=[quarter.pk]))
    assert refused.status_code == 409 and not Snapshot.objects.exists()
    frozen = client.post(reverse("ledger:quarter_freeze", args=[quarter.pk]), {"cut_off": "1"})
    assert frozen.status_code == 302 and Snapshot.objects.get().complete is False


def test_a_unit_cannot_start_or_freeze_from_the_web(as_, office, ledger, opened, liaison_a):
    quarter = start(office, ledger)
    client = as_(liaison_a)
    assert client.post(reverse("ledger:quarter_start", args=[ledger.pk]), {"number": "2"}).status_code == 403
    assert client.post(reverse("ledger:quarter_freeze", args=[quarter.pk]), {"cut_off": "1"}).status_code == 403
