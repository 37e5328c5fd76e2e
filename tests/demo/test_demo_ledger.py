"""The demo city's master ledger: 1,000+ tasks of the article's programmes, the half year's figures as the
article reports them, two frozen quarters, a half-year audit, tasks reported through lists, forecasts.

The city is built once for the package (tests/demo/conftest.py).
"""

from collections import Counter
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db.models import Max
from django.utils import timezone

from luoshi.demo.ledger_figures import ARTICLE, FIXED_ASSETS, INVESTMENT, SHANTY
from luoshi.duties import owners
from luoshi.duties.models import Duty, DutyStatus, Escalation, Report
from luoshi.events.models import Event
from luoshi.ledger import rollup
from luoshi.ledger.models import (
    Actual,
    AuditVerdict,
    ConfirmationRow,
    Indicator,
    Ledger,
    Quarter,
    Snapshot,
    SnapshotRow,
    Task,
    TaskLink,
)
from luoshi.org.models import Role

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
HALF_YEAR_PASSED = date(TODAY.year, 7, 25) <= TODAY  # the second quarter frozen and audited
needs_half_year = pytest.mark.skipif(not HALF_YEAR_PASSED, reason="the demo's year has not reached its audit")


@pytest.fixture
def ledger(city) -> Ledger:
    return Ledger.objects.get(year=TODAY.year)


def by_title(ledger: Ledger, title: str) -> Task:
    return Task.objects.get(ledger=ledger, title=title)


def snapshot_actual(snapshot: Snapshot, task: Task, name: str) -> Decimal:
    row = SnapshotRow.objects.get(snapshot=snapshot, task=task)
    return Decimal(next(i["actual"] for i in row.indicators if i["name"] == name))


def test_the_ledger_holds_over_a_thousand_tasks_of_the_articles_programmes(ledger):
    tasks = Task.objects.filter(ledger=ledger)
    assert ledger.status == "open" and ledger.title == f"{TODAY.year}年市级领导牵头工作任务总台账"
    assert tasks.count() >= 1000
    names = set(tasks.values_list("programme__name", flat=True))
    assert {'"3341"项目工程', "双联行动", '"1236"扶贫攻坚', "民生实事", "重大项目", "生态环保", "招商引资"} == names
    assert tasks.aggregate(Max("depth"))["depth__max"] == 2  # task → sub-task → milestone
    assert all(t.leader and t.leader.has_role(Role.LEADER) for t in tasks.select_related("leader"))
    assert len({t.leader_id for t in tasks}) >= 10
    leaves = tasks.filter(children__isnull=True)
    assert not leaves.filter(lead_unit=None).exists()
    assert len({t.deadline.month for t in leaves}) >= 10
    assert len(set(tasks.values_list("weight", flat=True))) >= 3
    assert {15, 30} <= set(leaves.exclude(report_every_days=None).values_list("report_every_days", flat=True))
    assert tasks.filter(co_units__isnull=False).exists()


@needs_half_year
def test_the_half_year_snapshot_carries_the_articles_figures(ledger):
    half = Quarter.objects.get(ledger=ledger, number=2).snapshot
    fixed_assets = by_title(ledger, "完成全市固定资产投资目标任务")
    assert snapshot_actual(half, fixed_assets, "固定资产投资") == ARTICLE["fixed_assets"] == Decimal("673.01")
    investment = by_title(ledger, "招商引资新签项目和资金到位")
    assert snapshot_actual(half, investment, "新签项目") == ARTICLE["new_projects"] == 613
    assert snapshot_actual(half, investment, "签约总投资") == ARTICLE["signed_total"] == Decimal("1240.88")
    assert snapshot_actual(half, investment, "到位资金") == ARTICLE["funds_in_place"] == Decimal("472.91")
    shanty = by_title(ledger, "推进棚户区改造")
    assert snapshot_actual(half, shanty, "开工项目") == 10
    assert snapshot_actual(half, shanty, "开工套数") == 7623
    assert snapshot_actual(half, shanty, "货币化安置") == 5127
    air = by_title(ledger, "打赢大气污染防治攻坚战")
    assert snapshot_actual(half, air, "空气质量达标天数") == 118
    fair = by_title(ledger, "兰洽会重点项目签约")
    assert snapshot_actual(half, fair, "签约项目") == 144
    assert snapshot_actual(half, fair, "签约总投资") == Decimal("1388.62")


@needs_half_year
def test_the_figures_at_the_end_of_june_are_the_units_reports(ledger):
    """The sums come from the units' reports: each leaf's last value reported by 30 June."""
    june = timezone.make_aware(datetime(TODAY.year, 7, 1))

    def by_june(title: str, name: str) -> Decimal:
        parent = by_title(ledger, title)
        leaves = Task.objects.filter(ledger=ledger, path__startswith=parent.path + ".", children__isnull=True)
        total = Decimal(0)
        for ind in Indicator.objects.filter(task__in=leaves, name=name):
            last = Actual.objects.filter(indicator=ind, filed_at__lt=june).order_by("filed_at", "id").last()
            total += last.value if last else 0
        return total

    assert by_june("完成全市固定资产投资目标任务", "固定资产投资") == Decimal("673.01")
    assert by_june("招商引资新签项目和资金到位", "签约总投资") == Decimal("1240.88")
    assert by_june("推进棚户区改造", "开工套数") == 7623
    assert by_june("推进棚户区改造", "货币化安置") == 5127
    assert len(FIXED_ASSETS) == len(INVESTMENT) == 10 and len(SHANTY) == 16
    months = set(
        Actual.objects.filter(indicator__task__ledger=ledger).values_list("period", flat=True)
    )  # the trajectory chart has a point a month
    assert {f"{TODAY.year}-{m:02d}" for m in range(1, min(TODAY.month, 11))} <= months


def test_the_construction_waste_project_and_the_second_water_sources_tunnel(ledger):
    waste = Task.objects.get(ledger=ledger, title__contains="皋兰县九合镇")
    assert waste.indicators.get(name="总投资").target == Decimal("2.58")
    assert waste.lead_unit.name == "皋兰县" and waste.completes_on == date(TODAY.year, 12, 31)
    tunnel = Task.objects.get(ledger=ledger, title__startswith="输水隧洞工程开工")
    assert tunnel.starts_on == date(TODAY.year, 8, 20) == tunnel.parent.starts_on
    if date(TODAY.year, 8, 25) < TODAY:
        assert tunnel.done
        task_type = owners.content_type_id("ledger_task")
        asked = Report.objects.get(duty__owner_type_id=task_type, duty__owner_id=tunnel.pk, request_completion=True)
        assert timezone.localdate(asked.filed_at) == date(TODAY.year, 8, 20)


def test_units_reported_through_the_year_some_late_and_urged_some_accepted(ledger):
    task_type = owners.content_type_id("ledger_task")
    reports = Report.objects.filter(duty__owner_type_id=task_type)
    assert reports.count() > 1000
    assert len({timezone.localdate(r).month for r in reports.values_list("filed_at", flat=True)}) >= min(
        10, TODAY.month - 1
    )
    assert reports.exclude(difficulties="").count() > reports.count() // 5
    urged = Escalation.objects.filter(duty__owner_type_id=task_type)
    assert urged.filter(step="urge").exists() and urged.filter(step="reminder").exists()
    completed = Duty.objects.filter(owner_type_id=task_type, status=DutyStatus.COMPLETED)
    assert completed.count() > 300
    accepted_by = Event.objects.filter(kind="completion.accepted", subject_type="ledger_task").select_related("actor")
    assert {e.actor.has_role(Role.LEADER) for e in accepted_by} == {True, False}  # the office and the leaders
    assert Event.objects.filter(kind="completion.returned", subject_type="ledger_task").exists()
    assert Event.objects.filter(kind="extension.approved", subject_type="ledger_task").exists()
    # Nothing in the future; every unit signed for its open work.
    assert not Event.objects.filter(at__gt=timezone.now()).exists()
    assert not Duty.objects.filter(owner_type_id=task_type, status="open", signed_at=None).exists()


@needs_half_year
def test_two_quarters_are_frozen_the_second_at_the_cut_off_with_one_unit_missing(ledger):
    q1, q2 = Quarter.objects.filter(ledger=ledger).order_by("number")[:2]
    assert q1.snapshot.complete and not q2.snapshot.complete
    assert Snapshot.objects.filter(ledger=ledger).count() == 2
    assert q1.snapshot.rows_count == SnapshotRow.objects.filter(snapshot=q1.snapshot).count() >= 1000
    quarter_type = owners.content_type_id("ledger_quarter")
    missing = Duty.objects.filter(owner_type_id=quarter_type, owner_id=q2.pk, status=DutyStatus.WITHDRAWN)
    assert [d.unit.name for d in missing] == ["红古区"]
    corrected = ConfirmationRow.objects.filter(confirmation__quarter__ledger=ledger, confirmed=False)
    assert corrected.count() >= 5 and all(r.reason and r.report_id for r in corrected)
    late = Duty.objects.filter(owner_type_id=quarter_type, status=DutyStatus.COMPLETED, days_late__gt=0)
    assert late.exists() and Escalation.objects.filter(duty__in=late).exists()  # the ladder urged the late


@needs_half_year
def test_the_half_year_audit_questions_rows_and_most_come_back_answered(ledger):
    half = Quarter.objects.get(ledger=ledger, number=2).snapshot
    verdicts = AuditVerdict.objects.filter(snapshot=half)
    questioned = verdicts.filter(verdict="questioned")
    assert verdicts.filter(verdict="verified").count() >= 50
    assert questioned.count() >= 10 and all(v.note and v.unit_id for v in questioned)
    answered = questioned.exclude(answered_at=None)
    assert answered.count() >= 8 and all(v.answer for v in answered)
    waiting = questioned.filter(answered_at=None)
    query_type = owners.content_type_id("ledger_query")
    duties = Duty.objects.filter(owner_type_id=query_type, owner_id__in=waiting.values("pk"))
    assert duties.count() == waiting.count() >= 1 and all(d.status == "open" and d.signed_at for d in duties)


@needs_half_year
def test_tasks_are_reported_once_through_running_lists_of_the_same_units(ledger):
    links = TaskLink.objects.filter(task__ledger=ledger).select_related("task", "list")
    assert links.count() >= 10
    task_type, list_type = owners.content_type_id("ledger_task"), owners.content_type_id("list")
    for link in links:
        task, rlist = link.task, link.list
        own = Duty.objects.filter(owner_type_id=task_type, owner_id=task.pk).exclude(status="withdrawn")
        assert not own.exists(), task.code  # the units owe it through the list
        units = set(Duty.objects.filter(owner_type_id=list_type, owner_id=rlist.pk).values_list("unit_id", flat=True))
        assert task.lead_unit_id in units and task.title == rlist.title
    reported = [
        link
        for link in links
        if Report.objects.filter(duty__owner_type_id=list_type, duty__owner_id=link.list_id).exists()
    ]
    assert reported and all(link.task.progress > 0 for link in reported)  # the list's reports are the task's


def test_some_forecasts_are_red_most_green(ledger):
    leaves = Counter(Task.objects.filter(ledger=ledger, children__isnull=True).values_list("forecast", flat=True))
    assert leaves["red"] >= 10 and leaves["green"] > 5 * leaves["red"] and leaves["yellow"] > 0
    behind = Task.objects.get(ledger=ledger, title="红古区固定资产投资")
    assert behind.forecast == "red" and "亿元" in behind.forecast_basis
    assert Task.objects.get(ledger=ledger, title="城关区固定资产投资").forecast in ("green", "yellow")


def test_the_ledgers_figures_equal_the_rollups_recount(ledger):
    fields = ("pk", "progress", "done", "working_due", "working_deadline", "forecast", "forecast_basis")
    before = set(Task.objects.filter(ledger=ledger).values_list(*fields))
    actuals = set(Indicator.objects.filter(task__ledger=ledger).values_list("pk", "actual"))
    assert rollup.drift(ledger.pk) == []
    rollup.refresh_ledger(ledger.pk)
    assert set(Task.objects.filter(ledger=ledger).values_list(*fields)) == before
    assert set(Indicator.objects.filter(task__ledger=ledger).values_list("pk", "actual")) == actuals


@pytest.mark.parametrize("today", [date(2026, 1, 20), date(2026, 3, 2), date(2026, 7, 1), date(2026, 12, 31)])
def test_the_ledgers_steps_fit_into_the_year_whatever_the_day(today):
    """Pure: every step between the opening and yesterday, each duty's steps in their order."""
    import random

    from luoshi.demo.city import leaders_of
    from luoshi.demo.ledger_story import plan_steps
    from luoshi.demo.ledger_works import build_tree
    from luoshi.demo.names import UNITS

    names = {code: name for code, name, _, _ in UNITS}
    tree = build_tree(random.Random(2015), today.year, names, leaders_of())
    leaves = [s for top in tree for s in top.walk() if not s.children]
    opened = date(today.year, 1, 19)
    steps = plan_steps(random.Random(2015), leaves, today, opened, lambda d: d.weekday() < 5)
    assert all(opened < s.day < today for s in steps)
    by_duty: dict[tuple[int, str], list] = {}
    for s in steps:
        by_duty.setdefault((id(s.spec), s.unit), []).append(s)
    for duty_steps in by_duty.values():
        kinds = [s.kind for s in sorted(duty_steps, key=lambda s: (s.seq, s.day))]
        for i, kind in enumerate(kinds):
            if kind == "accept":
                assert kinds[i - 1] == "report", kinds  # the request it accepts comes first
