"""A frozen quarter is a snapshot of every task of the ledger, with who changed each row last and why;
nothing changes or removes it, and 10,000 tasks freeze in batches."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from luoshi.errors import Conflict
from luoshi.ledger import cycle_quarters, services
from luoshi.ledger.cycle_quarters import RowInput
from luoshi.ledger.models import Indicator, Ledger, Programme, Quarter, Snapshot, SnapshotRow, Task
from luoshi.ledger.services import TaskInput


def due_in(days: int = 10):
    return timezone.localdate() + timedelta(days=days)


def confirm_all(person, quarter, unit, corrections=()):
    fixed = {row.task_id: row for row in corrections}
    rows = [
        fixed.get(t, RowInput(t, confirmed=True))
        for t in cycle_quarters.row_duties(quarter.ledger_id, [unit.pk])[unit.pk]
    ]
    return cycle_quarters.do_confirm_quarter(person, quarter, unit, rows)


@pytest.fixture
def frozen(office, ledger, programme, opened, leader, liaison_a, liaison_b, unit_a, unit_b) -> Snapshot:
    """Q1: unit a reported on the first leaf and corrected the second (as its co unit); the office
    renamed the parent with a reason and added a task already past its deadline."""
    first, second, parent = opened["first"], opened["second"], opened["parent"]
    services.do_report_task(
        liaison_a,
        first,
        unit_a,
        progress=60,
        done="隧洞掘进3.2公里",
        indicators=[(first.indicators.get(), Decimal("7.5"))],
    )
    services.do_update_task(
        office,
        parent,
        TaskInput(programme=programme, title="第二水源地建设工程", deadline=parent.deadline, leader=leader),
        reason="按市政府文件更名",
    )
    services.do_create_task(
        office,
        ledger,
        TaskInput(programme=programme, title="前期手续办理", deadline=timezone.localdate() - timedelta(days=1)),
        reason="补录",
    )
    quarter = cycle_quarters.do_start_quarter(office, ledger, 1, due_in())
    confirm_all(liaison_a, quarter, unit_a, [RowInput(second.pk, progress=50, reason="配合进度更正")])
    confirm_all(liaison_b, quarter, unit_b)
    return cycle_quarters.do_freeze_quarter(office, quarter)


def test_a_snapshot_holds_every_task_as_it_stood(frozen, opened, unit_a, unit_b):
    rows = {r.code: r for r in frozen.rows.all()}
    assert frozen.rows_count == len(rows) == Task.objects.count() == 4
    parent, first, second = (rows[opened[k].code] for k in ("parent", "first", "second"))
    assert parent.parent_code == "" and first.parent_code == second.parent_code == parent.code
    assert parent.title == "第二水源地建设工程" and parent.programme == "重大项目" and parent.leader == "李副市长"
    assert first.units == "市工信委" and first.lead_unit_id == unit_a.pk
    assert second.units == "城关区、市工信委" and second.lead_unit_id == unit_b.pk
    assert first.deadline == opened["first"].deadline
    assert first.progress == Decimal(60) and second.progress == Decimal(25)  # unit b 0, unit a 50
    assert first.indicators == [{"name": "年度完成投资", "measure": "亿元", "target": "20", "actual": "7.5"}]
    assert second.indicators == []
    assert {r.status for r in (parent, first, second)} <= {"open", "late"}
    assert rows[Task.objects.get(title="前期手续办理").code].status == "late"
    assert first.forecast == Task.objects.get(pk=opened["first"].pk).forecast


def test_each_row_says_who_changed_it_last_in_the_quarter_and_why(frozen, opened):
    rows = {r.task_id: r for r in frozen.rows.all()}
    assert (rows[opened["first"].pk].changed_by, rows[opened["first"].pk].reason) == ("工信委联络员", "隧洞掘进3.2公里")
    # The correction, not the report it was filed as.
    assert (rows[opened["second"].pk].changed_by, rows[opened["second"].pk].reason) == ("工信委联络员", "配合进度更正")
    assert (rows[opened["parent"].pk].changed_by, rows[opened["parent"].pk].reason) == ("督查室王", "按市政府文件更名")


def test_the_next_quarter_reads_only_its_own_changes(office, ledger, frozen, opened, liaison_b, unit_a, unit_b, head_a):
    quarter = cycle_quarters.do_start_quarter(office, ledger, 2, due_in())
    confirm_all(head_a, quarter, unit_a)
    confirm_all(liaison_b, quarter, unit_b)
    second = cycle_quarters.do_freeze_quarter(office, quarter)
    rows = {r.task_id: r for r in second.rows.all()}
    assert (rows[opened["first"].pk].changed_by, rows[opened["first"].pk].reason) == ("", "")
    assert second.rows.get(task=opened["first"]).progress == Decimal(60)


def test_a_snapshot_cannot_be_changed_or_removed_through_the_orm_by_anyone(frozen):
    snapshot = Snapshot.objects.get(pk=frozen.pk)
    snapshot.label = "改过的"
    with pytest.raises(Conflict):
        snapshot.save()
    with pytest.raises(Conflict):
        snapshot.save(update_fields=["label"])
    with pytest.raises(Conflict):
        Snapshot.objects.filter(pk=frozen.pk).update(complete=False)
    with pytest.raises(Conflict):
        snapshot.delete()
    with pytest.raises(Conflict):
        Snapshot.objects.filter(pk=frozen.pk).delete()
    with pytest.raises(Conflict), transaction.atomic():  # bulk_update's own transaction is spoilt
        Snapshot.objects.bulk_update([snapshot], ["label"])
    assert Snapshot.objects.get(pk=frozen.pk).label == frozen.label


def test_a_snapshots_rows_cannot_be_changed_or_removed_through_the_orm_by_anyone(frozen):
    row = frozen.rows.first()
    before = (row.progress, row.indicators, row.reason)
    row.progress = Decimal(99)
    with pytest.raises(Conflict):
        row.save()
    with pytest.raises(Conflict):
        row.delete()
    with pytest.raises(Conflict):
        frozen.rows.update(progress=Decimal(0))
    with pytest.raises(Conflict):
        frozen.rows.all().delete()
    with pytest.raises(Conflict), transaction.atomic():
        SnapshotRow.objects.bulk_update([row], ["progress"])
    with pytest.raises(Conflict):
        SnapshotRow.objects.filter(snapshot=frozen).delete()
    stored = SnapshotRow.objects.get(pk=row.pk)
    assert (stored.progress, stored.indicators, stored.reason) == before
    assert SnapshotRow.objects.filter(snapshot=frozen).count() == frozen.rows_count


def test_the_ledger_under_a_snapshot_cannot_be_deleted(frozen, ledger):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        Ledger.objects.filter(pk=ledger.pk).delete()


@pytest.mark.figures_by_hand
def test_ten_thousand_tasks_freeze_in_batches_never_a_statement_per_task(office, unit_a, unit_b):
    """Tasks written in bulk (the services are timed elsewhere); the freeze reads them in a handful of queries."""
    now = timezone.now()
    ledger = Ledger.objects.create(year=2031, title="压力测试台账", status="open", created_by=office, created_at=now)
    programme = Programme.objects.create(ledger=ledger, name="重大项目")
    deadline = timezone.localdate() + timedelta(days=100)
    tasks = Task.objects.bulk_create(
        Task(
            ledger=ledger,
            programme=programme,
            code=f"2031-TZ-{i:05d}",
            path=f"{i:05d}",
            title=f"任务{i}",
            lead_unit=unit_a,
            deadline=deadline,
            created_at=now,
        )
        for i in range(10_000)
    )
    Indicator.objects.bulk_create(
        Indicator(task=t, name="投资", measure="亿元", target=Decimal("2.58"), actual=Decimal("1.2")) for t in tasks
    )
    Task.co_units.through.objects.bulk_create(
        Task.co_units.through(task_id=t.pk, unit_id=unit_b.pk) for t in tasks[::3]
    )
    quarter = Quarter.objects.create(ledger=ledger, number=1, due=deadline, started_by=office, started_at=now)
    with CaptureQueriesContext(connection) as statements:
        snapshot = cycle_quarters.do_freeze_quarter(office, quarter)
    assert snapshot.rows_count == SnapshotRow.objects.filter(snapshot=snapshot).count() == 10_000
    inserts = [q for q in statements.captured_queries if q["sql"].startswith("INSERT")]
    assert len(statements) - len(inserts) < 20  # the tasks read in a handful of queries
    assert len(inserts) <= 10_000 // 50  # the rows written in batches, never one per task
    row = SnapshotRow.objects.get(snapshot=snapshot, code="2031-TZ-00003")
    assert row.units == "市工信委、城关区" and row.indicators[0]["target"] == "2.58"


# The pages


def test_the_snapshot_list_costs_the_same_queries_for_more_snapshots(
    as_, office, ledger, frozen, django_assert_max_num_queries
):
    client = as_(office)
    url = reverse("ledger:snapshots", args=[ledger.pk])
    with django_assert_max_num_queries(15) as few:
        page = client.get(url)
    assert page.status_code == 200 and f'id="snapshot-{frozen.pk}"' in page.content.decode()
    quarter = cycle_quarters.do_start_quarter(office, ledger, 2, due_in())
    cycle_quarters.do_freeze_quarter(office, quarter, cut_off=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(url).content.decode()
    assert 'id="compare-form"' in body and "incomplete" in body


def test_a_snapshots_rows_page_shows_a_unit_only_its_own_rows(
    as_, frozen, opened, liaison_b, leader, django_assert_max_num_queries
):
    url = reverse("ledger:snapshot", args=[frozen.pk])
    client = as_(liaison_b)
    with django_assert_max_num_queries(12):
        body = client.get(url).content.decode()
    assert f'id="row-{opened["second"].pk}"' in body and f'id="row-{opened["first"].pk}"' not in body
    body = as_(leader).get(url).content.decode()
    assert f'id="row-{opened["first"].pk}"' in body


def test_a_snapshot_of_a_ledger_one_cannot_see_is_not_found(as_, frozen, outsider, ledger):
    ledger.status = "draft"
    ledger.save(update_fields=["status"])
    assert as_(outsider).get(reverse("ledger:snapshot", args=[frozen.pk])).status_code == 404
    assert as_(outsider).get(reverse("ledger:snapshots", args=[ledger.pk])).status_code == 404
