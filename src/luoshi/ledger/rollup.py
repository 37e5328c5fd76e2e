"""The ledger's derived figures, in one place: a leaf's progress, dates and indicator actuals from its
duties and their reports; a parent's from its children by weight; the forecast light; the programmes'
counters. Called by the writes (in their transaction, through the owner's on_changed) for the tasks
they touched and their ancestors; `refresh_ledger` recomputes a whole ledger (`luoshi ledger-figures`).

No save-cascades: a task's figures are written here and nowhere else.
"""

import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi import bulk
from luoshi.duties import owners
from luoshi.duties.models import Duty, DutyStatus, Report
from luoshi.ledger import forecast
from luoshi.ledger.models import Actual, Indicator, IndicatorKind, Ledger, Programme, Task, TaskLink, TrajectoryPoint

CENT = Decimal("0.01")
CHUNK = 1000


def weighted(children: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """The weighted mean of (weight, value) pairs, to the cent; the plain mean when no weight is positive."""
    if not children:
        return Decimal(0)
    total = sum((w for w, _v in children if w > 0), Decimal(0))
    if total <= 0:
        mean = sum((v for _w, v in children), Decimal(0)) / len(children)
        return mean.quantize(CENT)
    return (sum((w * v for w, v in children if w > 0), Decimal(0)) / total).quantize(CENT)


def ancestors(path: str) -> list[str]:
    parts = path.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


@dataclass
class _Leaf:
    progress: list[Decimal] = field(default_factory=list)
    done: list[bool] = field(default_factory=list)
    due: date | None = None
    deadline: date | None = None
    lead_duty: int | None = None


def _min(a: date | None, b: date | None) -> date | None:
    return b if a is None else a if b is None else min(a, b)


def _leaf_duties(task_ids: list[int]) -> dict[int, _Leaf]:
    """Each leaf's live duties: its own and those of the lists it is reported through."""
    task_type = owners.content_type_id("ledger_task")
    list_type = owners.content_type_id("list")
    lists_of: dict[int, list[int]] = defaultdict(list)
    for task_id, list_id in TaskLink.objects.filter(task_id__in=task_ids).values_list("task_id", "list_id"):
        lists_of[list_id].append(task_id)
    found: dict[int, _Leaf] = {t: _Leaf() for t in task_ids}
    duties = Duty.objects.exclude(status__in=(DutyStatus.WITHDRAWN,)).filter(
        Q(owner_type_id=task_type, owner_id__in=task_ids) | Q(owner_type_id=list_type, owner_id__in=list(lists_of))
    )
    for d in duties.values_list(
        "owner_type_id", "owner_id", "id", "role", "status", "progress", "next_report_due", "deadline", "paused_at"
    ):
        type_id, owner_id, duty_id, role, status, progress, due, deadline, paused = d
        for task_id in [owner_id] if type_id == task_type else lists_of[owner_id]:
            leaf = found[task_id]
            completed = status == DutyStatus.COMPLETED
            leaf.progress.append(Decimal(100) if completed else Decimal(progress))
            leaf.done.append(completed)
            if status in (DutyStatus.OPEN, DutyStatus.COMPLETION_REQUESTED) and paused is None:
                leaf.deadline = _min(leaf.deadline, deadline)
                if status == DutyStatus.OPEN:
                    leaf.due = _min(leaf.due, due)
            if leaf.lead_duty is None or role == "lead":
                leaf.lead_duty = duty_id
    return found


def _progress_points(duty_ids: Iterable[int]) -> dict[int, list[tuple[date, Decimal]]]:
    points: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for duty_id, filed_at, progress in (
        Report.objects.filter(duty_id__in=list(duty_ids))
        .order_by("filed_at", "id")
        .values_list("duty_id", "filed_at", "progress")
    ):
        points[duty_id].append((timezone.localdate(filed_at), Decimal(progress)))
    return points


def _indicator_data(
    task_ids: list[int],
) -> tuple[dict[int, list[Indicator]], dict[int, list[tuple[date, Decimal]]], dict[int, list[tuple[date, Decimal]]]]:
    by_task: dict[int, list[Indicator]] = defaultdict(list)
    for ind in Indicator.objects.filter(task_id__in=task_ids).order_by("task_id", "position", "id"):
        by_task[ind.task_id].append(ind)
    ids = [i.pk for inds in by_task.values() for i in inds]
    actuals: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for ind_id, filed_at, value in (
        Actual.objects.filter(indicator_id__in=ids)
        .order_by("filed_at", "id")
        .values_list("indicator_id", "filed_at", "value")
    ):
        actuals[ind_id].append((timezone.localdate(filed_at), value))
    plans: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for ind_id, period, planned in (
        TrajectoryPoint.objects.filter(indicator_id__in=ids)
        .order_by("period")
        .values_list("indicator_id", "period", "planned")
    ):
        plans[ind_id].append((forecast.period_end(period), planned))
    return by_task, actuals, plans


def _set(task: Task, changed: dict[int, Task], **values: object) -> None:
    if any(getattr(task, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(task, k, v)
        changed[task.pk] = task


def _compute(tasks: dict[int, Task], today: date) -> None:
    """Recompute `tasks` (a set closed under ancestors), deepest first, writing what changed."""
    if not tasks:
        return
    child_rows: dict[int, list[Task]] = defaultdict(list)
    parent_ids = list(tasks)
    for i in range(0, len(parent_ids), CHUNK):
        for child in Task.objects.filter(parent_id__in=parent_ids[i : i + CHUNK]).only(
            "id",
            "parent_id",
            "weight",
            "progress",
            "done",
            "working_due",
            "working_deadline",
            "forecast",
            "forecast_basis",
            "code",
        ):
            child_rows[child.parent_id].append(tasks.get(child.pk, child))  # type: ignore[index]
    leaves = [t for t in tasks if t not in child_rows]
    parents = [t for t in tasks if t in child_rows]
    changed: dict[int, Task] = {}
    ind_changed: list[Indicator] = []
    all_inds, actuals, plans = _indicator_data(list(tasks))
    for i in range(0, len(leaves), CHUNK):
        chunk = leaves[i : i + CHUNK]
        duties = _leaf_duties(chunk)
        points = _progress_points(d.lead_duty for d in duties.values() if d.lead_duty)
        for task_id in chunk:
            task, leaf = tasks[task_id], duties[task_id]
            done = bool(leaf.done) and all(leaf.done)
            progress = (
                (sum(leaf.progress, Decimal(0)) / len(leaf.progress)).quantize(CENT) if leaf.progress else Decimal(0)
            )
            outlooks = []
            year_start = date(task.deadline.year, 1, 1)
            for ind in all_inds.get(task_id, []):
                series = actuals.get(ind.pk, [])
                actual = series[-1][1] if series else None
                if actual != ind.actual:
                    ind.actual = actual
                    ind_changed.append(ind)
                # A cumulative value starts the year at 0; a level has no such origin.
                cumulative = ind.kind == IndicatorKind.CUMULATIVE
                outlooks.append(
                    forecast.outlook(
                        ind.target,
                        series,
                        plans.get(ind.pk, []),
                        task.deadline,
                        today,
                        measure=ind.measure,
                        year_start=year_start if cumulative else None,
                    )
                )
            if not outlooks:
                series = points.get(leaf.lead_duty or 0, [])
                outlooks.append(
                    forecast.outlook(Decimal(100), series, [], task.deadline, today, measure="%", year_start=year_start)
                )
            look = forecast.Outlook(forecast.GREEN, None, _("Completed.")) if done else forecast.worst(outlooks)
            _set(
                task,
                changed,
                progress=progress,
                done=done,
                working_due=None if done else leaf.due,
                working_deadline=None if done else leaf.deadline,
                forecast=look.light,
                forecast_basis=look.basis[:300],
            )
    depth = None
    for task_id in sorted(parents, key=lambda t: -tasks[t].depth):
        if tasks[task_id].depth != depth:
            # A parent's indicators read its children's, as stored: store the level below first.
            bulk.update(Indicator, ["actual"], ind_changed)
            ind_changed, depth = [], tasks[task_id].depth
        task, kids = tasks[task_id], child_rows[task_id]
        done = all(k.done for k in kids)
        due = deadline = None
        for k in kids:
            due, deadline = _min(due, k.working_due), _min(deadline, k.working_deadline)
        worst_kid = min(kids, key=lambda k: forecast.RANK[k.forecast])
        basis = f"{worst_kid.code}: {worst_kid.forecast_basis}" if worst_kid.forecast else ""
        _set(
            task,
            changed,
            progress=weighted([(k.weight, k.progress) for k in kids]),
            done=done,
            working_due=due,
            working_deadline=deadline,
            forecast=worst_kid.forecast,
            forecast_basis=basis[:300],
        )
        ind_changed += _parent_indicators(all_inds.get(task_id, []), kids)
    fields = ["progress", "done", "working_due", "working_deadline", "forecast", "forecast_basis"]
    bulk.update(Task, fields, changed.values())
    bulk.update(Indicator, ["actual"], ind_changed)


def _parent_indicators(indicators: list[Indicator], kids: list[Task]) -> list[Indicator]:
    """A parent's indicator is its children's indicators of the same name and measure: their sum
    (cumulative) or their mean by weight (a level)."""
    if not indicators:
        return []
    weight = {k.pk: k.weight for k in kids}
    rows = Indicator.objects.filter(task_id__in=list(weight), actual__isnull=False).values_list(
        "task_id", "name", "measure", "actual"
    )
    by_name: dict[tuple[str, str], list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for task_id, name, measure, actual in rows:
        if actual is not None:  # (filtered so in SQL; the type checker does not know it)
            by_name[(name, measure)].append((weight[task_id], actual))
    changed = []
    for ind in indicators:
        values = by_name.get((ind.name, ind.measure))
        if not values:
            actual = None
        elif ind.kind == IndicatorKind.CUMULATIVE:
            actual = sum((v for _w, v in values), Decimal(0))
        else:
            actual = weighted(values)
        if actual != ind.actual:
            ind.actual = actual
            changed.append(ind)
    return changed


def recount_programmes(programme_ids: set[int]) -> None:
    """The programmes' counters (tasks, progress of their top-level tasks)."""
    for p in Programme.objects.filter(pk__in=programme_ids):
        top = Task.objects.filter(programme=p, parent__isnull=True)
        p.tasks = Task.objects.filter(programme=p).count()
        p.progress = weighted(list(top.values_list("weight", "progress")))
        p.save(update_fields=["tasks", "progress"])


_deferred = threading.local()


@contextmanager
def one_refresh() -> Iterator[None]:
    """Inside: refresh() only collects the tasks; at the end they are recomputed once (a bulk write,
    such as an import of 10,000 rows, recomputes each ancestor once, not once per row)."""
    if getattr(_deferred, "ids", None) is not None:
        yield
        return
    _deferred.ids = set()
    try:
        yield
        ids, _deferred.ids = _deferred.ids, None
        refresh(ids)
    finally:
        _deferred.ids = None


def refresh(task_ids: Iterable[int], now: datetime | None = None) -> None:
    """Recompute the figures of these tasks and of every ancestor, and their programmes' counters."""
    ids = set(task_ids)
    if not ids:
        return
    if getattr(_deferred, "ids", None) is not None:
        _deferred.ids.update(ids)
        return
    today = timezone.localdate(now or timezone.now())
    # A closed year's figures are final: withdrawing its unfinished duties at the close changes none.
    start = list(Task.objects.filter(pk__in=ids).exclude(ledger__status="closed").values_list("ledger_id", "path"))
    paths: dict[int, set[str]] = defaultdict(set)
    for ledger_id, path in start:
        paths[ledger_id].add(path)
        paths[ledger_id].update(ancestors(path))
    tasks: dict[int, Task] = {}
    for ledger_id, wanted in paths.items():
        for t in Task.objects.filter(ledger_id=ledger_id, path__in=sorted(wanted)):
            tasks[t.pk] = t
    _compute(tasks, today)
    recount_programmes({t.programme_id for t in tasks.values()})


def refresh_ledger(ledger_id: int, now: datetime | None = None) -> int:
    """Recompute a whole ledger (after an import, nightly for the forecasts, or by command); a closed
    ledger's figures are final."""
    if Ledger.objects.filter(pk=ledger_id, status="closed").exists():
        return 0
    today = timezone.localdate(now or timezone.now())
    tasks = {t.pk: t for t in Task.objects.filter(ledger_id=ledger_id)}
    _compute(tasks, today)
    recount_programmes(set(Programme.objects.filter(ledger_id=ledger_id).values_list("pk", flat=True)))
    return len(tasks)


def _figures(ledger_id: int) -> set[tuple]:
    """The stored figures a recount must reproduce (the forecast depends on the day: left out)."""
    tasks = Task.objects.filter(ledger_id=ledger_id).values_list(
        "pk", "progress", "done", "working_due", "working_deadline"
    )
    inds = Indicator.objects.filter(task__ledger_id=ledger_id).values_list("pk", "actual")
    progs = Programme.objects.filter(ledger_id=ledger_id).values_list("pk", "tasks", "progress")
    return {("task", *t) for t in tasks} | {("indicator", *i) for i in inds} | {("programme", *p) for p in progs}


def drift(ledger_id: int) -> list[tuple]:
    """The stored figures that differ from a recount from the facts (the recount is rolled back)."""
    before = _figures(ledger_id)
    with transaction.atomic():
        point = transaction.savepoint()
        refresh_ledger(ledger_id)
        after = _figures(ledger_id)
        transaction.savepoint_rollback(point)
    return sorted(before - after, key=str)
