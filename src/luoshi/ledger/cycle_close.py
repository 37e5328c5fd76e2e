"""年底交账 and 年初建账 by copying: each unit's signed hand-in, closing the year with every unfinished task
carried to next year's ledger on the books (挂账), and a new year's ledger built from last year's
structure.

A carried task is a new task of next year's ledger whose `origin` is the old one; its subtree keeps its
shape (a parent of an unfinished task is unfinished itself, so it is carried too). A copied structure
is last year's programmes and task tree with every date moved by the years between the two ledgers.
Both go through services.do_create_task, one task at a time: its duties, codes and events stay the
service's (1,000 tasks copy in seconds; see tests/ledger/test_copy_structure.py).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luoshi.duties import changes, owners
from luoshi.duties.models import Duty, DutyStatus
from luoshi.duties.services import require_office, resolve_now
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.services import record
from luoshi.ledger import queries, rollup, services, snapshots
from luoshi.ledger.models import (
    AuditVerdict,
    Handin,
    Indicator,
    Ledger,
    LedgerStatus,
    Programme,
    Quarter,
    Snapshot,
    SnapshotRow,
    Task,
    TrajectoryPoint,
)
from luoshi.ledger.models_cycle import SnapshotKind
from luoshi.ledger.services import IndicatorInput, TaskInput
from luoshi.org import access
from luoshi.org.models import Person, Role, Unit

CLOSED_CAUSE = "ledger.closed"
UNFINISHED = (DutyStatus.PENDING, DutyStatus.OPEN, DutyStatus.COMPLETION_REQUESTED)


# ---- 年底交账: a unit's hand-in -------------------------------------------------------------


def unit_tasks(ledger: Ledger, unit_id: int) -> Iterable[Task]:
    co = Task.co_units.through.objects.filter(unit_id=unit_id).values("task_id")
    return ledger.tasks.filter(Q(lead_unit_id=unit_id) | Q(pk__in=co)).prefetch_related("indicators").order_by("path")


def unit_rows(ledger: Ledger, unit_id: int) -> list[dict]:
    """The unit's rows as they stand: each task it leads or co-handles, with its figures and the unit's
    own share (its duty's status and progress). Three queries."""
    tasks = list(unit_tasks(ledger, unit_id))
    duties = {
        d.owner_id: d
        for d in Duty.objects.filter(
            owner_type_id=services.task_type_id(), owner_id__in=[t.pk for t in tasks], unit_id=unit_id
        ).exclude(status=DutyStatus.WITHDRAWN)
    }
    rows = []
    for t in tasks:
        duty = duties.get(t.pk)
        rows.append(
            {
                "task": t.pk,
                "code": t.code,
                "title": t.title,
                "role": "lead" if t.lead_unit_id == unit_id else "co",
                "deadline": t.deadline.isoformat(),
                "progress": str(t.progress),
                "done": t.done,
                "forecast": t.forecast,
                "duty_status": duty.status if duty else "",
                "duty_progress": duty.progress if duty else None,
                "indicators": [
                    {
                        "name": i.name,
                        "measure": i.measure,
                        "target": str(i.target),
                        "actual": None if i.actual is None else str(i.actual),
                    }
                    for i in t.indicators.all()
                ],
            }
        )
    return rows


def do_handin(actor: Person, ledger: Ledger, unit: Unit, summary: str, now: datetime | None = None) -> Handin:
    """The unit's signed year-end hand-in, by its head or liaison, once: its rows' figures are frozen in it."""
    if not access.can_report_for(actor, unit.pk):
        raise NotAllowed(_("Only the unit's own liaison or head may hand in for it."))
    summary = summary.strip()
    if not summary:
        raise InvalidInput(_("Summarise the unit's year."), "summary")
    ledger = Ledger.objects.get(pk=ledger.pk)  # its status as it is now
    if ledger.status == LedgerStatus.DRAFT:
        raise Conflict(_("A ledger being built has nothing to hand in yet."))
    now = resolve_now(now)
    rows = unit_rows(ledger, unit.pk)
    if not rows:
        raise InvalidInput(_("This unit has no rows in this ledger."), "unit")
    try:
        with transaction.atomic():
            handin = Handin.objects.create(
                ledger=ledger, unit=unit, summary=summary, rows=rows, signed_by=actor, signed_at=now
            )
            record(
                actor,
                "ledger.handed_in",
                "ledger",
                ledger.pk,
                unit_id=unit.pk,
                after={"handin": handin.pk, "rows": len(rows)},
                note=summary,
                at=now,
            )
    except IntegrityError:
        raise Conflict(_("{unit} has handed in already.").format(unit=unit.name), "unit") from None
    return handin


def handin_units(ledger: Ledger) -> list[Unit]:
    """Every unit with rows in the ledger (lead or co), by name."""
    co = Task.co_units.through.objects.filter(task__ledger=ledger).values("unit_id")
    lead = ledger.tasks.filter(lead_unit__isnull=False).values("lead_unit_id")
    return list(Unit.objects.filter(Q(pk__in=co) | Q(pk__in=lead)).order_by("name"))


# ---- what carrying and copying share ---------------------------------------------------------


def shifted(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def shifted_period(period: str, years: int) -> str:
    year, sep, part = period.partition("-")
    return f"{int(year) + years:04d}{sep}{part}"


def _tasks_with_parts(qs: Iterable[Task]) -> list[Task]:
    points = Prefetch("trajectory", queryset=TrajectoryPoint.objects.order_by("period"))
    indicators = Prefetch("indicators", queryset=Indicator.objects.prefetch_related(points))
    return list(
        Task.objects.filter(pk__in=[t.pk for t in qs])
        .select_related("programme", "leader", "lead_unit")
        .prefetch_related("co_units", indicators)
        .order_by("path")
    )


def _input(task: Task, programme: Programme, parent: Task | None, years: int, *, dates: bool) -> TaskInput:
    """Next year's input for an old task: its units, weight, cadence and indicators (targets and the
    plan moved by `years`; no actuals). A leader who lost the role is left out (the office names anew)."""
    leader = task.leader if task.leader is not None and task.leader.has_role(Role.LEADER) else None
    return TaskInput(
        programme=programme,
        title=task.title,
        deadline=shifted(task.deadline, years),
        parent=parent,
        requirements=task.requirements,
        leader=leader,
        lead_unit=task.lead_unit,
        co_units=list(task.co_units.all()),
        weight=task.weight,
        report_every_days=task.report_every_days,
        indicators=[
            IndicatorInput(
                name=i.name,
                measure=i.measure,
                target=i.target,
                kind=i.kind,
                trajectory=[(shifted_period(p.period, years), p.planned) for p in i.trajectory.all()],
            )
            for i in task.indicators.all()
        ],
        starts_on=shifted(task.starts_on, years) if dates and task.starts_on else task.starts_on,
        completes_on=shifted(task.completes_on, years) if dates and task.completes_on else task.completes_on,
    )


def _programmes(actor: Person, target: Ledger, names: Iterable[str], now: datetime) -> dict[str, Programme]:
    """The target's programmes by name, those it lacks added (in the source's order)."""
    have = {p.name: p for p in target.programmes.all()}
    for name in names:
        if name not in have:
            have[name] = services.do_add_programme(actor, target, name, now=now)
    return have


# ---- closing the year and carrying over (挂账) ------------------------------------------------


@dataclass(frozen=True)
class Closed:
    ledger: Ledger
    carried: int
    next_ledger: Ledger
    snapshot: Snapshot


def _next_ledger(actor: Person, ledger: Ledger, now: datetime) -> Ledger:
    year = ledger.year + 1
    found = Ledger.objects.select_for_update().filter(year=year).first()
    if found is None:
        old = str(ledger.year)
        if old in ledger.title:
            title = ledger.title.replace(old, str(year))
        else:
            title = _("{year} master ledger").format(year=year)
        found = services.do_create_ledger(actor, year=year, title=title, now=now)
    elif found.status == LedgerStatus.CLOSED:
        raise Conflict(_("The ledger of {year} is closed: nothing can be carried into it.").format(year=year))
    return found


def unfinished(ledger: Ledger) -> list[Task]:
    """The tasks to carry: not done, and (should the figures ever disagree) every ancestor of one."""
    rows = list(ledger.tasks.filter(done=False).values_list("pk", "path"))
    paths = {p for _pk, p in rows}
    paths.update(a for _pk, p in rows for a in rollup.ancestors(p))
    return _tasks_with_parts(ledger.tasks.filter(path__in=sorted(paths)))


def _carry(actor: Person, ledger: Ledger, target: Ledger, now: datetime) -> int:
    tasks = unfinished(ledger)
    programmes = _programmes(actor, target, ledger.programmes.values_list("name", flat=True), now)
    already = dict(target.tasks.filter(origin__ledger=ledger).values_list("origin_id", "pk"))
    copies: dict[int, Task] = {t.pk: t for t in Task.objects.filter(pk__in=already.values())}
    new: dict[int, Task] = {old: copies[pk] for old, pk in already.items()}
    years = target.year - ledger.year
    for task in tasks:
        if task.pk in new:
            continue  # carried before (never twice)
        reason = _("Carried over from {code} ({year}).").format(code=task.code, year=ledger.year)
        parent = new[task.parent_id] if task.parent_id else None
        data = _input(task, programmes[task.programme.name], parent, years, dates=False)
        new[task.pk] = services.do_create_task(actor, target, data, reason=reason, origin=task, now=now)
    return len(tasks)


def _live_duties(ledger: Ledger) -> list[Duty]:
    """The old year's unfinished duties: its tasks', its quarters' confirmations, its open questions."""
    kinds = {
        "ledger_task": ledger.tasks.values("pk"),
        "ledger_quarter": Quarter.objects.filter(ledger=ledger).values("pk"),
        "ledger_query": AuditVerdict.objects.filter(snapshot__ledger=ledger).values("pk"),
    }
    q = Q()
    for kind, ids in kinds.items():
        q |= Q(owner_type_id=owners.content_type_id(kind), owner_id__in=ids)
    return list(Duty.objects.filter(q, status__in=UNFINISHED).select_related("unit").order_by("pk"))


def year_end_label(year: int) -> str:
    """ "2026年年终": stored in the city's language, as the quarters' labels are."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("{year}, year end").format(year=year)


def _year_end_snapshot(actor: Person, ledger: Ledger, now: datetime) -> Snapshot:
    """Every task as the year closes, by the snapshot builder (ledger.snapshots), as a quarter's freeze is."""
    since = (
        Snapshot.objects.filter(ledger=ledger, frozen_at__lte=now)
        .order_by("-frozen_at", "-id")
        .values_list("frozen_at", flat=True)
        .first()
    )
    rows = snapshots.build_rows(ledger.pk, None, since, timezone.localdate(now))
    snapshot = Snapshot.objects.create(
        ledger=ledger,
        kind=SnapshotKind.YEAR,
        label=year_end_label(ledger.year),
        frozen_by=actor,
        frozen_at=now,
        complete=True,
        rows_count=len(rows),
    )
    for row in rows:
        row.snapshot = snapshot
    SnapshotRow.objects.bulk_create(rows, batch_size=1000)
    return snapshot


def do_close_ledger(actor: Person, ledger: Ledger, now: datetime | None = None) -> Closed:
    """年底交账: the year closes. Its figures are frozen as the year-end snapshot, every unfinished task is
    carried to next year's ledger (made as a draft when missing), and the year's unfinished duties are
    withdrawn with cause "ledger.closed" (their reports kept). Once: a closed ledger is not closed again."""
    require_office(actor)
    now = resolve_now(now)
    with transaction.atomic():
        ledger = Ledger.objects.select_for_update().get(pk=ledger.pk)
        if ledger.status == LedgerStatus.CLOSED:
            raise Conflict(_("This ledger is closed already."))
        if ledger.status != LedgerStatus.OPEN:
            raise Conflict(_("Only an open ledger can be closed."))
        snapshot = _year_end_snapshot(actor, ledger, now)
        ledger.status, ledger.closed_at = LedgerStatus.CLOSED, now
        ledger.save(update_fields=["status", "closed_at"])
        target = _next_ledger(actor, ledger, now)
        with rollup.one_refresh():
            carried = _carry(actor, ledger, target, now)
            note = _("The year is closed; unfinished work is carried to {year}.").format(year=target.year)
            for duty in _live_duties(ledger):
                changes.withdraw(actor, duty, now, note=note, cause=CLOSED_CAUSE)
        record(
            actor,
            "ledger.closed",
            "ledger",
            ledger.pk,
            before={"status": LedgerStatus.OPEN},
            after={
                "status": LedgerStatus.CLOSED,
                "carried": carried,
                "next_ledger": target.pk,
                "snapshot": snapshot.pk,
            },
            at=now,
        )
    return Closed(ledger, carried, target, snapshot)


def carried_links(person: Person, ledger: Ledger, direction: str | None = None) -> QuerySet[Task]:
    """The carry-over of a ledger: the tasks carried into it ("in") and out of it ("out"), each with its
    origin (selected). A unit or leader sees the links of the rows they may see, on either side."""
    q = {"in": Q(ledger=ledger), "out": Q(origin__ledger=ledger)}
    wanted = q[direction] if direction in q else q["in"] | q["out"]
    qs = Task.objects.filter(wanted, origin__isnull=False)
    seen = queries.visible_tasks_q(person)
    if seen is not None:
        visible = queries.visible_tasks(person).values("pk")
        qs = qs.filter(Q(pk__in=visible) | Q(origin__in=visible))
    return qs.select_related("ledger", "origin", "origin__ledger").order_by("ledger__year", "path")


# ---- 年初建账 by copying last year's structure ----------------------------------------------


def do_copy_structure(actor: Person, ledger: Ledger, source: Ledger, now: datetime | None = None) -> int:
    """Copy the source's programmes and task tree into a ledger being built, every date and planned
    period moved by the years between them. Each source task gets one counterpart: a task already
    carried into this ledger is its own counterpart (not copied again), and its other sub-tasks are
    copied under it. Once: a ledger holding tasks of its own (not carried) is refused. Returns the
    number of tasks copied."""
    require_office(actor)
    now = resolve_now(now)
    if source.pk == ledger.pk:
        raise InvalidInput(_("Copy from another year's ledger."), "source")
    with transaction.atomic():
        ledger = Ledger.objects.select_for_update().get(pk=ledger.pk)
        if ledger.status != LedgerStatus.DRAFT:
            raise Conflict(_("A structure is copied only into a ledger being built."))
        if ledger.tasks.filter(origin__isnull=True).exists():
            raise Conflict(_("This ledger has tasks of its own already: copy into an empty ledger."))
        tasks = _tasks_with_parts(source.tasks.all())
        if not tasks:
            raise InvalidInput(_("The source ledger has no tasks."), "source")
        programmes = _programmes(actor, ledger, source.programmes.values_list("name", flat=True), now)
        carried = ledger.tasks.filter(origin__ledger=source)
        new: dict[int, Task] = {t.origin_id: t for t in carried if t.origin_id is not None}
        years = ledger.year - source.year
        copied = 0
        with rollup.one_refresh():
            for task in tasks:
                if task.pk in new:
                    continue
                parent = new[task.parent_id] if task.parent_id else None
                data = _input(task, programmes[task.programme.name], parent, years, dates=True)
                new[task.pk] = services.do_create_task(actor, ledger, data, now=now)
                copied += 1
        record(
            actor,
            "ledger.structure_copied",
            "ledger",
            ledger.pk,
            after={"source": source.pk, "year": source.year, "tasks": copied},
            at=now,
        )
    return copied
