"""年底交账 and 年初建账 by copying: closing the year with every unfinished task carried to next year's
ledger on the books (挂账), and a new year's ledger built from last year's structure.

A carried task is a new task of next year's ledger whose `origin` is the old one; its subtree keeps its
shape (a parent of an unfinished task is unfinished itself, so it is carried too). A copied structure
is last year's programmes and task tree with every date moved by the years between the two ledgers.

Into a ledger being built (a copy always, a carry-over usually) the tasks are made at once by
`_bulk_create`, as services.do_create_task makes them one by one (codes, paths, units, indicators,
the leaves' pending duties, one event per task): one by one, 1,200 tasks took 12 s on SQLite (24
queries a task, most of them a parent's duties made and removed again as its children came), at once
well under a second. Into an open ledger each carried task goes through do_create_task, which starts
its duties as live work.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luoshi.duties import changes, owners
from luoshi.duties.models import Duty, DutyStatus, HandlingRole
from luoshi.duties.services import require_office, resolve_now
from luoshi.errors import Conflict, InvalidInput
from luoshi.events.models import Event
from luoshi.events.services import build, record
from luoshi.ledger import queries, rollup, services, snapshots
from luoshi.ledger.models import (
    AuditVerdict,
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
from luoshi.org.models import Person, Role, Unit

CLOSED_CAUSE = "ledger.closed"
UNFINISHED = (DutyStatus.PENDING, DutyStatus.OPEN, DutyStatus.COMPLETION_REQUESTED)


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


# ---- many tasks at once into a ledger being built ---------------------------------------------


class _Numbers:
    """The code numbers of new tasks: a top task's from the ledger, a sub-task's from its parent, claimed
    from the rows once per level for the tasks that exist already, counted here for the new ones."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.children: dict[int, int] = {}  # new parents' next child number
        self.claimed: dict[int | None, Iterator[int]] = {}

    def claim(self, level: list[tuple[Task, Task | None]]) -> None:
        wanted = Counter(parent.pk if parent else None for _t, parent in level)
        for parent_id, n in wanted.items():
            if parent_id in self.children:
                continue
            if parent_id is None:
                Ledger.objects.filter(pk=self.ledger.pk).update(next_number=F("next_number") + n)
                last = Ledger.objects.values_list("next_number", flat=True).get(pk=self.ledger.pk)
            else:
                Task.objects.filter(pk=parent_id).update(next_child=F("next_child") + n)
                last = Task.objects.values_list("next_child", flat=True).get(pk=parent_id)
            self.claimed[parent_id] = iter(range(last - n, last))

    def place(self, parent: Task | None) -> tuple[str, str, int]:
        """(code, path, depth) as services._place gives them."""
        if parent is None:
            number = next(self.claimed[None])
            return f"{self.ledger.year}-TZ-{number:04d}", f"{number:05d}", 0
        if parent.pk in self.children:
            number = self.children[parent.pk]
            self.children[parent.pk] = number + 1
        else:
            number = next(self.claimed[parent.pk])
        return f"{parent.code}-{number:02d}", f"{parent.path}.{number:03d}", parent.depth + 1


def _duty(task: Task, unit: Unit, role: str) -> Duty:
    """A leaf's pending duty, as services makes it in a ledger being built."""
    return Duty(
        owner_type_id=services.task_type_id(),
        owner_id=task.pk,
        unit=unit,
        role=role,
        leader_id=task.leader_id,
        title=task.title[:200],
        code=task.code[:30],
        deadline=task.deadline,
        report_every_days=task.report_every_days,
    )


def _bulk_create(
    actor: Person,
    target: Ledger,
    tasks: list[Task],
    counterpart: dict[int, Task],
    programmes: dict[str, Programme],
    *,
    years: int,
    carried: bool,
    now: datetime,
    reason: Callable[[Task], str],
) -> list[Task]:
    """Copies of `tasks` (in tree order) in the draft `target`, except those with a counterpart there
    already; a copy's parent is its source parent's counterpart (`counterpart` grows as they are made).
    `reason(source task)` is each event's note."""
    assert target.status == LedgerStatus.DRAFT
    today = timezone.localdate(now)
    numbers = _Numbers(target)
    inputs: dict[int, TaskInput] = {}
    sources: dict[int, Task] = {}
    made: list[Task] = []
    by_depth: dict[int, list[Task]] = defaultdict(list)
    for t in tasks:
        if t.pk not in counterpart:
            by_depth[t.depth].append(t)
    for depth in sorted(by_depth):
        level = [(t, counterpart[t.parent_id] if t.parent_id else None) for t in by_depth[depth]]
        numbers.claim(level)
        rows = []
        for t, parent in level:
            data = _input(t, programmes[t.programme.name], parent, years, dates=not carried)
            services.check_task(target, data, today)
            code, path, task_depth = numbers.place(parent)
            row = Task(
                ledger=target,
                programme=data.programme,
                parent=parent,
                code=code,
                path=path,
                depth=task_depth,
                title=data.title.strip(),
                requirements=data.requirements.strip(),
                leader=data.leader,
                lead_unit=data.lead_unit,
                deadline=data.deadline,
                weight=data.weight,
                report_every_days=data.report_every_days,
                starts_on=data.starts_on,
                completes_on=data.completes_on,
                origin=t if carried else None,
                created_at=now,
            )
            rows.append((t, row, data))
        Task.objects.bulk_create([row for _t, row, _d in rows], batch_size=500)
        for t, row, data in rows:
            counterpart[t.pk], inputs[row.pk], sources[row.pk] = row, data, t
            numbers.children[row.pk] = 1
            made.append(row)
    parents = {r.parent_id for r in made if r.parent_id}
    grown = [r for r in made if numbers.children[r.pk] > 1]
    for r in grown:
        r.next_child = numbers.children[r.pk]
    Task.objects.bulk_update(grown, ["next_child"], batch_size=500)
    through = Task.co_units.through
    through.objects.bulk_create(
        [through(task_id=r.pk, unit_id=u.pk) for r in made for u in dict.fromkeys(inputs[r.pk].co_units)],
        batch_size=1000,
    )
    indicators = [
        (Indicator(task=r, name=i.name.strip(), measure=i.measure.strip(), target=i.target, kind=i.kind, position=n), i)
        for r in made
        for n, i in enumerate(inputs[r.pk].indicators)
    ]
    Indicator.objects.bulk_create([ind for ind, _spec in indicators], batch_size=500)
    TrajectoryPoint.objects.bulk_create(
        [
            TrajectoryPoint(indicator=ind, period=p, planned=v)
            for ind, spec in indicators
            for p, v in sorted(dict(spec.trajectory).items())
        ],
        batch_size=1000,
    )
    # A leaf's units owe it; a task already there that gains sub-tasks owes nothing itself any more.
    Duty.objects.filter(
        owner_type_id=services.task_type_id(), owner_id__in=parents - set(inputs), status=DutyStatus.PENDING
    ).delete()
    duties = []
    for r in made:
        if r.pk not in parents:
            data = inputs[r.pk]
            duties += [_duty(r, data.lead_unit, HandlingRole.LEAD)] if data.lead_unit else []
            duties += [_duty(r, u, HandlingRole.CO) for u in dict.fromkeys(data.co_units)]
    Duty.objects.bulk_create(duties, batch_size=500)
    # Each task's event records it as services.task_state reads it (three queries for all of them).
    stored = Task.objects.filter(pk__in=[r.pk for r in made]).prefetch_related("co_units", "indicators__trajectory")
    Event.objects.bulk_create(
        [
            build(
                actor.pk,
                "ledger_task.created",
                "ledger_task",
                t.pk,
                at=now,
                after=services.task_state(t),
                note=reason(sources[t.pk]),
            )
            for t in stored.order_by("path")
        ],
        batch_size=500,
    )
    rollup.refresh([r.pk for r in made], now)
    return made


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
    # Carried before (never twice): a task whose copy is there already keeps it.
    counterpart = {t.origin_id: t for t in target.tasks.filter(origin__ledger=ledger) if t.origin_id is not None}
    years = target.year - ledger.year

    def reason(task: Task) -> str:
        return _("Carried over from {code} ({year}).").format(code=task.code, year=ledger.year)

    if target.status == LedgerStatus.DRAFT:
        _bulk_create(actor, target, tasks, counterpart, programmes, years=years, carried=True, now=now, reason=reason)
        return len(tasks)
    for task in tasks:
        if task.pk in counterpart:
            continue
        parent = counterpart[task.parent_id] if task.parent_id else None
        data = _input(task, programmes[task.programme.name], parent, years, dates=False)
        counterpart[task.pk] = services.do_create_task(actor, target, data, reason=reason(task), origin=task, now=now)
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
        made = _bulk_create(
            actor, ledger, tasks, new, programmes, years=years, carried=False, now=now, reason=lambda _t: ""
        )
        copied = len(made)
        record(
            actor,
            "ledger.structure_copied",
            "ledger",
            ledger.pk,
            after={"source": source.pk, "year": source.year, "tasks": copied},
            at=now,
        )
    return copied
