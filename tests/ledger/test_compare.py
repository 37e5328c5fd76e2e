"""Any two snapshots compare row by row: each field that changed, tasks added or removed, by whom and why."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.ledger import cycle_quarters, services, snapshots
from luoshi.ledger.cycle_quarters import RowInput
from luoshi.ledger.models import Snapshot, SnapshotRow, Task
from luoshi.ledger.services import IndicatorInput, TaskInput


def due_in(days: int = 10):
    return timezone.localdate() + timedelta(days=days)


def freeze(office, ledger, number: int) -> Snapshot:
    quarter = cycle_quarters.do_start_quarter(office, ledger, number, due_in())
    return cycle_quarters.do_freeze_quarter(office, quarter, cut_off=True)


@pytest.fixture
def two(office, ledger, programme, opened, liaison_a, liaison_b, unit_a, unit_b, leader) -> tuple[Snapshot, Snapshot]:
    """Q1 as opened; then unit a reports (progress, investment), unit b corrects its row at the Q2
    confirmation, the office raises the first leaf's target and adds a task; Q2."""
    q1 = freeze(office, ledger, 1)
    first, second = opened["first"], opened["second"]
    services.do_report_task(
        liaison_a, first, unit_a, progress=40, done="完成隧洞2公里", indicators=[(first.indicators.get(), Decimal("6"))]
    )
    services.do_update_task(
        office,
        first,
        TaskInput(
            programme=programme,
            title=first.title,
            deadline=first.deadline,
            parent=opened["parent"],
            leader=leader,
            lead_unit=unit_a,
            weight=first.weight,
            report_every_days=first.report_every_days,
            indicators=[IndicatorInput("年度完成投资", "亿元", Decimal("25"), trajectory=[])],
        ),
        reason="追加投资计划",
    )
    services.do_create_task(
        office, ledger, TaskInput(programme=programme, title="配套道路", deadline=due_in(100)), reason="新增任务"
    )
    quarter = cycle_quarters.do_start_quarter(office, ledger, 2, due_in())
    cycle_quarters.do_confirm_quarter(
        liaison_b, quarter, unit_b, [RowInput(second.pk, progress=30, reason="管网进度更正")]
    )
    return q1, cycle_quarters.do_freeze_quarter(office, quarter, cut_off=True)


def by_field(rows: list[dict], task: Task) -> dict[str, dict]:
    return {r["field"]: r for r in rows if r["task"] == task.pk}


def test_the_comparison_lists_each_changed_field_with_who_and_why(two, opened):
    q1, q2 = two
    rows = snapshots.compare(q1, q2)
    first = by_field(rows, opened["first"])
    assert (first["progress"]["before"], first["progress"]["after"]) == ("0", "40")
    assert (first["indicators.年度完成投资.actual"]["before"], first["indicators.年度完成投资.actual"]["after"]) == (
        "",
        "6",
    )
    assert (first["indicators.年度完成投资.target"]["before"], first["indicators.年度完成投资.target"]["after"]) == (
        "20",
        "25",
    )
    assert first["progress"]["by"] == "督查室王" and first["progress"]["reason"] == "追加投资计划"  # the last change
    second = by_field(rows, opened["second"])
    assert (second["progress"]["before"], second["progress"]["after"]) == ("0", "15")  # b 30, co a 0
    assert (second["progress"]["by"], second["progress"]["reason"]) == ("城关区联络员", "管网进度更正")
    assert set(second) <= {"progress", "forecast"}  # the forecast follows the pace
    parent = by_field(rows, opened["parent"])
    assert parent["progress"]["after"] == "33.75"  # (3·40 + 1·15) / 4
    added = [r for r in rows if r["field"] == "task"]
    assert len(added) == 1 and added[0]["before"] is None and added[0]["after"] == "配套道路"
    assert added[0]["by"] == "督查室王" and added[0]["reason"] == "新增任务"


def test_a_removed_row_and_unchanged_snapshots(two, office, ledger, opened):
    _q1, q2 = two
    assert snapshots.compare(q2, q2) == []
    # A snapshot lacking a row (as a carried-over or re-built ledger's would): the row is removed.
    partial = Snapshot.objects.create(
        ledger=ledger, kind="quarter", label="手工", frozen_by=office, frozen_at=timezone.now(), rows_count=0
    )
    kept = list(SnapshotRow.objects.filter(snapshot=q2).exclude(task=opened["second"]).values())
    SnapshotRow.objects.bulk_create(SnapshotRow(**{**r, "id": None, "snapshot_id": partial.pk}) for r in kept)
    rows = snapshots.compare(q2, partial)
    assert rows == [
        {
            "task": opened["second"].pk,
            "code": opened["second"].code,
            "title": opened["second"].title,
            "field": "task",
            "before": opened["second"].title,
            "after": None,
            "by": "",
            "reason": "",
        }
    ]


def test_the_comparison_is_a_pure_read_in_two_queries(two, django_assert_num_queries):
    q1, q2 = two
    with django_assert_num_queries(2):
        snapshots.compare(q1, q2)


def test_the_comparison_narrowed_to_a_units_rows(two, opened, liaison_b):
    from luoshi.ledger import queries

    q1, q2 = two
    rows = snapshots.compare(q1, q2, queries.visible_tasks(liaison_b).values("pk"))
    assert {r["task"] for r in rows} == {opened["second"].pk}


def test_a_status_and_deadline_change_compare_as_text(two, office, ledger, programme, opened, leader, unit_a):
    _q1, q2 = two
    first = Task.objects.get(pk=opened["first"].pk)
    services.do_update_task(
        office,
        first,
        TaskInput(
            programme=programme,
            title="输水隧洞主体工程",
            deadline=timezone.localdate() - timedelta(days=2),
            parent=opened["parent"],
            leader=leader,
            lead_unit=unit_a,
            weight=first.weight,
            report_every_days=first.report_every_days,
            indicators=[IndicatorInput("年度完成投资", "亿元", Decimal("25"))],
        ),
        reason="工期调整",
    )
    q3 = freeze(office, ledger, 3)
    changed = by_field(snapshots.compare(q2, q3), first)
    assert changed["status"]["before"] == "open" and changed["status"]["after"] == "late"
    assert changed["deadline"]["after"] == (timezone.localdate() - timedelta(days=2)).isoformat()
    assert changed["title"]["after"] == "输水隧洞主体工程" and changed["title"]["reason"] == "工期调整"
    assert snapshots.field_label("indicators.年度完成投资.actual").startswith("年度完成投资 · ")


# The page


def test_the_comparison_page_shows_the_changes_in_constant_queries(
    as_, two, office, ledger, opened, django_assert_max_num_queries
):
    q1, q2 = two
    client = as_(office)
    url = reverse("ledger:compare")
    with django_assert_max_num_queries(15) as few:
        page = client.get(url, {"a": q1.pk, "b": q2.pk})
    body = page.content.decode()
    assert page.status_code == 200 and 'id="changes"' in body
    assert "管网进度更正" in body and 'name="a"' in body and 'name="b"' in body
    q3 = freeze(office, ledger, 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, {"a": q1.pk, "b": q3.pk}).status_code == 200
    # Without a choice: the two latest, the older first.
    assert client.get(url).context["a"] == q2
    same = client.get(url, {"a": q2.pk, "b": q2.pk}).content.decode()
    assert 'id="compare-summary"' in same and 'id="changes"' not in same


def test_the_comparison_page_refuses_bad_or_unseen_snapshots(as_, two, outsider, office, ledger):
    q1, q2 = two
    client = as_(office)
    bad = client.get(reverse("ledger:compare"), {"a": "x", "b": q2.pk})
    assert bad.status_code == 400 and 'id="compare-error"' in bad.content.decode()
    assert client.get(reverse("ledger:compare"), {"a": 999999, "b": q2.pk}).status_code == 404
    ledger.status = "draft"
    ledger.save(update_fields=["status"])
    assert as_(outsider).get(reverse("ledger:compare"), {"a": q1.pk, "b": q2.pk}).status_code == 404


def test_a_unit_compares_only_its_own_rows_on_the_page(as_, two, opened, liaison_b):
    q1, q2 = two
    page = as_(liaison_b).get(reverse("ledger:compare"), {"a": q1.pk, "b": q2.pk})
    body = page.content.decode()
    assert opened["second"].code in body and opened["first"].code not in body.replace(opened["second"].code, "")
