"""The reads of a task's page: the task, its children, each unit's duty (its own or a linked list's,
report once) with its reports and the indicator actuals they carried, the indicators with their plan,
history and chart, and the task's events. A fixed number of queries, whatever the task.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.duties import lights, owners
from luoshi.duties.models import Duty, DutyStatus, Report
from luoshi.events.models import Event
from luoshi.ledger import queries, rollup
from luoshi.ledger.models import (
    Actual,
    Indicator,
    IndicatorKind,
    LedgerStatus,
    Task,
    TaskLink,
)
from luoshi.lists import queries as list_queries
from luoshi.lists.models import ResponsibilityList
from luoshi.org import access
from luoshi.org.models import Person

MAX_REPORTS = 500  # a task's page shows at most this many reports (newest first)
EVENTS = 50


def find_task(person: Person, task_id: int) -> Task | None:
    """The task if the person may see it (queries.visible_tasks), or one above a task they see (where
    their work belongs, read only). None otherwise (the page answers 404)."""
    related = Task.objects.select_related(
        "ledger", "programme", "parent", "leader", "lead_unit", "origin", "origin__ledger"
    ).prefetch_related("co_units")
    visible = queries.visible_tasks_q(person)
    task = related.filter(pk=task_id).filter(visible or Q()).first()
    if task is not None or visible is None:
        return task
    # The tasks above one's rows: where one's work belongs, and its roll-up (read only).
    below = Task.objects.filter(
        visible, ledger_id=OuterRef("ledger_id"), path__startswith=Concat(OuterRef("path"), Value("."))
    )
    return related.filter(pk=task_id).filter(Exists(below)).first()


def children(task: Task, today: date) -> list[tuple[Task, str | None]]:
    kids = list(task.children.select_related("leader", "lead_unit").order_by("path"))
    for k in kids:
        k.ledger = task.ledger
    return [(k, queries.task_light(k, today)) for k in kids]


@dataclass
class ReportView:
    report: Report
    actuals: list[Actual] = field(default_factory=list)


@dataclass
class DutyView:
    duty: Duty
    light: str | None
    via: ResponsibilityList | None  # the linked list the unit reports through
    mine: bool  # the person reports for this unit
    reports: list[ReportView] = field(default_factory=list)


def duty_light(duty: Duty, today: date, ledger_status: str, via: ResponsibilityList | None) -> str | None:
    if via is not None:
        return list_queries.obligation_light(duty, today, via.status)
    if ledger_status == LedgerStatus.DRAFT or duty.status in (DutyStatus.WITHDRAWN, DutyStatus.COMPLETED):
        return None
    if duty.status != DutyStatus.OPEN:
        return lights.GREEN
    return lights.light(today, duty.next_report_due, duty.deadline, lights.thresholds("ledger_task"))


def links(task: Task) -> list[TaskLink]:
    return list(TaskLink.objects.filter(task=task).select_related("list").order_by("linked_at", "id"))


def duties(person: Person, task: Task, task_links: list[TaskLink], today: date) -> list[DutyView]:
    """Each unit's share: the task's own duties (withdrawn ones too, their reports stay on record), then
    the linked lists' live duties. Four queries: duties, reports, their actuals."""
    lists = {link.list_id: link.list for link in task_links}
    own = Q(owner_type_id=owners.content_type_id("ledger_task"), owner_id=task.pk)
    through = Q(owner_type_id=owners.content_type_id("list"), owner_id__in=list(lists)) & ~Q(
        status=DutyStatus.WITHDRAWN
    )
    rows = list(Duty.objects.filter(own | through if lists else own).select_related("unit", "last_report"))
    task_type = owners.content_type_id("ledger_task")
    rows.sort(key=lambda d: (d.status == DutyStatus.WITHDRAWN, d.owner_type_id != task_type, d.role != "lead", d.pk))
    views = []
    for d in rows:
        via = None if d.owner_type_id == task_type else lists.get(d.owner_id)
        mine = d.status != DutyStatus.WITHDRAWN and access.can_report_for(person, d.unit_id)
        views.append(DutyView(d, duty_light(d, today, task.ledger.status, via), via, mine))
    by_duty = {v.duty.pk: v for v in views}
    reports = list(
        Report.objects.filter(duty_id__in=list(by_duty))
        .select_related("author")
        .order_by("-filed_at", "-id")[:MAX_REPORTS]
    )
    carried: dict[int, list[Actual]] = defaultdict(list)
    for a in Actual.objects.filter(report_id__in=[r.pk for r in reports]).select_related("indicator"):
        carried[a.report_id].append(a)
    for r in reports:
        by_duty[r.duty_id].reports.append(ReportView(r, carried.get(r.pk, [])))
    return views


def reports_by_id(views: list[DutyView]) -> dict[int, ReportView]:
    return {rv.report.pk: rv for v in views for rv in v.reports}


# ---------------------------------------------------------------- indicators and their chart


@dataclass
class HistoryRow:
    when: date | str
    value: Decimal
    unit: str = ""
    author: str = ""


@dataclass
class IndicatorView:
    indicator: Indicator
    plan: list[tuple[str, Decimal]]
    history: list[HistoryRow]
    derived: bool  # a parent's: its children's figures, never reported here
    chart: str  # JSON for ledger-chart.js


def months_of(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def carried_forward(points: list[tuple[str, Decimal]], months: list[str], last: str) -> list[Decimal | None]:
    """The value standing at the end of each month (the latest reported by then), None before the first
    report and after `last` (the current month)."""
    latest: dict[str, Decimal] = {}
    current: Decimal | None = None
    for period, value in points:  # in filing order: the month's last report wins
        if period < months[0]:
            current = value
        latest[period] = value
    out: list[Decimal | None] = []
    for m in months:
        current = latest.get(m, current)
        out.append(current if m <= last else None)
    return out


def _plan_by_month(plan: list[tuple[str, Decimal]], months: list[str]) -> list[Decimal | None]:
    at: dict[str, Decimal] = {}
    for period, planned in plan:
        year, _sep, part = period.partition("-")
        month = int(part[1:]) * 3 if part.startswith("Q") else int(part)
        at[f"{year}-{month:02d}"] = planned
    return [at.get(m) for m in months]


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _chart(ind: Indicator, months: list[str], planned: list, actual: list) -> str:
    return json.dumps(
        {
            "name": ind.name,
            "measure": ind.measure,
            "months": [_("M{month}").format(month=int(m[5:])) for m in months],
            "planned": [_number(v) for v in planned],
            "actual": [_number(v) for v in actual],
            "target": _number(ind.target),
            "labels": {"planned": _("Planned"), "actual": _("Actual"), "target": _("Target")},
        },
        ensure_ascii=False,
    )


def indicators(task: Task, today: date, *, has_children: bool) -> list[IndicatorView]:
    """The task's indicators. A leaf's history is what the units reported; a parent's is its children's
    figures month by month, rolled up as rollup does (sum, or weighted mean for a level). Three queries
    for a leaf, three more for a parent."""
    inds = list(task.indicators.prefetch_related("trajectory"))
    if not inds:
        return []
    months = months_of(task.ledger.year)
    last = min(today.strftime("%Y-%m"), months[-1])
    series: dict[int, list[Decimal | None]] = {}
    history: dict[int, list[HistoryRow]] = defaultdict(list)
    if has_children:
        series = _derived(task, inds, months, last)
        for ind in inds:
            previous = None
            for m, v in zip(months, series[ind.pk], strict=True):
                if v is not None and v != previous:
                    history[ind.pk].append(HistoryRow(m, v))
                previous = v
    else:
        points: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
        for a in (
            Actual.objects.filter(indicator__in=inds)
            .select_related("report__author", "report__duty__unit")
            .order_by("filed_at", "id")
        ):
            points[a.indicator_id].append((a.period, a.value))
            history[a.indicator_id].append(
                HistoryRow(timezone.localdate(a.filed_at), a.value, a.report.duty.unit.name, str(a.report.author))
            )
        series = {ind.pk: carried_forward(points[ind.pk], months, last) for ind in inds}
    views = []
    for ind in inds:
        plan = [(p.period, p.planned) for p in ind.trajectory.all()]
        chart = _chart(ind, months, _plan_by_month(plan, months), series[ind.pk])
        views.append(IndicatorView(ind, plan, list(reversed(history[ind.pk])), has_children, chart))
    return views


def _derived(task: Task, inds: list[Indicator], months: list[str], last: str) -> dict[int, list[Decimal | None]]:
    """A parent's indicators by month from its subtree's reported values."""
    sub = list(
        Task.objects.filter(ledger_id=task.ledger_id, path__startswith=task.path + ".").values_list(
            "pk", "parent_id", "weight"
        )
    )
    kids: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for pk, parent_id, weight in sub:
        kids[parent_id].append((pk, weight))
    names = {(i.name, i.measure) for i in inds}
    found: dict[tuple[int, str, str], tuple[int, str]] = {}
    for pk, task_id, name, measure, kind in Indicator.objects.filter(
        task_id__in=[pk for pk, _p, _w in sub], name__in=[n for n, _m in names]
    ).values_list("pk", "task_id", "name", "measure", "kind"):
        if (name, measure) in names:
            found[(task_id, name, measure)] = (pk, kind)
    points: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for ind_id, period, value in (
        Actual.objects.filter(indicator_id__in=[pk for pk, _k in found.values()])
        .order_by("filed_at", "id")
        .values_list("indicator_id", "period", "value")
    ):
        points[ind_id].append((period, value))

    def of(task_id: int, kind: str, key: tuple[str, str]) -> list[Decimal | None]:
        if not kids.get(task_id):
            pk = found[(task_id, *key)][0]
            return carried_forward(points[pk], months, last)
        parts = [(weight, of(kid, found[(kid, *key)][1], key)) for kid, weight in kids[task_id] if (kid, *key) in found]
        out: list[Decimal | None] = []
        for i in range(len(months)):
            values = [(w, v) for w, s in parts if (v := s[i]) is not None]
            if not values:
                out.append(None)
            elif kind == IndicatorKind.CUMULATIVE:
                out.append(sum((v for _w, v in values), Decimal(0)))
            else:
                out.append(rollup.weighted(values))
        return out

    return {ind.pk: of(task.pk, ind.kind, (ind.name, ind.measure)) for ind in inds}


# ---------------------------------------------------------------- the timeline


@dataclass
class Entry:
    event: Event
    report: ReportView | None = None


def timeline(task: Task, known: dict[int, ReportView]) -> list[Entry]:
    """The task's newest events (its structure, its units' duties and reports); the reports filed through
    a linked list are on the list's timeline and under their unit here."""
    events = list(
        Event.objects.filter(subject_type="ledger_task", subject_id=task.pk)
        .select_related("actor", "unit")
        .order_by("-at", "-id")[:EVENTS]
    )
    return [Entry(e, known.get(e.after.get("report")) if e.kind == "report.filed" else None) for e in events]
