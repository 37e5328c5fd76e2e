"""Writing a checked workbook (import_check.Plan) into its ledger: all or nothing, in one transaction.

New rows are written in bulk, the twin of services.do_create_task for thousands of rows: the same
checks (import_check called services.check_task on every row), the same codes and paths as
services._place gives (numbers claimed from the ledger and from each parent once per level, not once
per task), the same duties (services._task_duty; started, with their events, once the ledger is
open), one "ledger_task.created" event per task holding services.task_state. Rows that change an
existing task go through services.do_update_task (its moves, its duty changes, its event). The
figures are recomputed once at the end (rollup.one_refresh), not per row.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi import bulk
from luoshi.duties.models import Duty, DutyStatus, HandlingRole
from luoshi.duties.services import duty_state, next_due, require_office, resolve_now
from luoshi.errors import Conflict, InvalidInput
from luoshi.events.models import Event
from luoshi.events.services import build, record
from luoshi.ledger import rollup, services
from luoshi.ledger.import_check import FIELD_KEYS, Plan, Problem, Row, state_of
from luoshi.ledger.models import Indicator, Ledger, LedgerStatus, Task, TrajectoryPoint
from luoshi.org.models import Person

BATCH = 1000  # rows per UPDATE
CHUNK = 2000  # codes per IN (…)
CENT = Decimal("0.01")
WHOLE_LEDGER = 500  # tasks written: from here the roll-up recomputes the ledger rather than those tasks
TASK_COLUMNS = [
    "programme_id", "parent_id", "code", "path", "depth", "next_child", "title", "requirements", "leader_id", "lead_unit_id",
    "deadline", "weight", "report_every_days", "starts_on", "completes_on",
]  # fmt: skip
DUTY_COLUMNS = [
    "owner_type_id", "owner_id", "unit_id", "role", "leader_id", "title", "code", "deadline", "report_every_days",
    "status", "created_at", "next_report_due",
]  # fmt: skip
EVENT_COLUMNS = [
    "at",
    "actor_id",
    "kind",
    "subject_type",
    "subject_id",
    "unit_id",
    "before",
    "after",
    "note",
    "address",
]


class ImportRejected(InvalidInput):
    """Some row cannot be imported: nothing was written. `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(_("Nothing was imported: correct the rows listed and upload the file again."), "file")
        self.problems = problems


@dataclass
class Applied:
    created: int
    updated: int


def do_import(
    actor: Person,
    ledger: Ledger,
    plan: Plan,
    *,
    reason: str = "",
    filename: str = "",
    column: dict[str, str] | None = None,
    now: datetime | None = None,
) -> Applied:
    """Write the plan's new and changed tasks, or nothing (ImportRejected) if any row cannot be.
    `column` names the sheet's headers by key, for the problems the services find."""
    require_office(actor)
    now = resolve_now(now)
    services._writable(ledger, reason)
    if not plan.ok:
        raise ImportRejected(plan.problems)
    try:
        with transaction.atomic(), rollup.one_refresh():
            ledger = Ledger.objects.select_for_update().get(pk=ledger.pk)
            services._writable(ledger, reason)  # opened or closed since the check
            created = _Creator(actor, ledger, reason, now).create(plan.new)
            updated, problems = _update(actor, ledger, plan.changes, created, reason, now, column or {})
            if problems:
                raise ImportRejected(problems)
            record(
                actor,
                "ledger.imported",
                "ledger",
                ledger.pk,
                after={"file": filename[:200], "created": len(created), "updated": len(updated)},
                note=reason.strip(),
                at=now,
            )
            moved = any(r.before and r.before["programme"] != r.data.programme.pk for r in plan.changes)
            if len(created) + len(updated) > WHOLE_LEDGER or moved:  # moved: the old programme's counts too
                rollup.refresh_ledger(ledger.pk, now)  # by ledger: no IN list of thousands of paths
            else:
                rollup.refresh([t.pk for t in created.values()] + updated, now)  # computed once, at the end
    except IntegrityError:  # a code taken by a write that came between the check and this one
        raise Conflict(_("The ledger changed while the file was being imported: upload it again.")) from None
    return Applied(len(created), len(updated))


def _update(
    actor: Person,
    ledger: Ledger,
    rows: list[Row],
    created: dict[int, Task],
    reason: str,
    now: datetime,
    column: dict[str, str],
) -> tuple[list[int], list[Problem]]:
    """Changed rows: those that keep their place and their units (and, once the ledger is open, their
    deadline, whose move the engine records per duty) are written in bulk, as do_update_task would
    leave them (tested alike); the others through do_update_task itself, one by one."""
    by_code = {t.code: t for t in created.values()}
    wanted = {r.parent_code for r in rows if r.parent_code and r.parent_code not in by_code}
    by_code |= {t.code: t for t in Task.objects.filter(ledger=ledger, code__in=wanted)}
    for row in rows:
        row.data.parent = by_code.get(row.parent_code) if row.parent_code else None
    plain = [r for r in rows if _in_place(r, ledger)]
    _Updater(actor, reason, now, draft=ledger.status == LedgerStatus.DRAFT).update(plain)
    updated = [r.task.pk for r in plain if r.task is not None]
    problems: list[Problem] = []
    for row in rows:
        if row in plain or row.task is None:
            continue
        try:
            services.do_update_task(actor, row.task, row.data, reason=reason, now=now)
        except (InvalidInput, Conflict) as err:  # its own savepoint is rolled back; the rest follows
            key = FIELD_KEYS.get(err.field or "", err.field or "")
            problems.append(Problem(row.number, column.get(key, key), err.message))
            continue
        updated.append(row.task.pk)
    return updated, problems


def _in_place(row: Row, ledger: Ledger) -> bool:
    """The change moves no task and starts or ends no unit's work (nor moves an open ledger's deadlines)."""
    d, before = row.data, row.before
    return (
        bool(before)
        and before["parent"] == (d.parent.pk if d.parent else None)
        and before["lead_unit"] == (d.lead_unit.pk if d.lead_unit else None)
        and before["co_units"] == sorted({u.pk for u in d.co_units})
        and (ledger.status == LedgerStatus.DRAFT or before["deadline"] == d.deadline.isoformat())
    )


class _Updater:
    """do_update_task for many tasks at once, where nothing moves: the task's fields, its units' duties'
    copies of them (services._sync_duties), its indicators (services._save_indicators), its event."""

    FIELDS = ("programme", "title", "requirements", "leader", "deadline", "weight", "report_every_days")

    def __init__(self, actor: Person, reason: str, now: datetime, *, draft: bool) -> None:
        self.actor, self.reason, self.now, self.draft = actor, reason, now, draft

    def update(self, rows: list[Row]) -> None:
        if not rows:
            return
        tasks: dict[int, Task] = {}
        for row in rows:
            assert row.task is not None
            task, d = row.task, row.data
            task.programme, task.title, task.requirements = d.programme, d.title.strip(), d.requirements.strip()
            task.leader, task.deadline, task.weight = d.leader, d.deadline, d.weight.quantize(CENT)
            task.report_every_days, task.starts_on, task.completes_on = (
                d.report_every_days,
                d.starts_on,
                d.completes_on,
            )
            tasks[task.pk] = task
        Task.objects.bulk_update(list(tasks.values()), [*self.FIELDS, "starts_on", "completes_on"], BATCH)
        self._duties(tasks)
        self._indicators([r for r in rows if r.before["indicators"] != state_of("", None, r.data)["indicators"]])
        events = []
        for row in rows:
            assert row.task is not None
            after = state_of(row.task.code, row.task.parent_id, row.data)
            if after != row.before:
                events.append(
                    build(
                        self.actor.pk,
                        "ledger_task.changed",
                        "ledger_task",
                        row.task.pk,
                        at=self.now,
                        before=row.before,
                        after=after,
                        note=self.reason.strip(),
                    )
                )
        bulk.insert(Event, EVENT_COLUMNS, [[getattr(e, c) for c in EVENT_COLUMNS] for e in events])

    def _duties(self, tasks: dict[int, Task]) -> None:
        ids = list(tasks)
        duties = [
            d
            for i in range(0, len(ids), CHUNK)
            for d in Duty.objects.filter(owner_type_id=services.task_type_id(), owner_id__in=ids[i : i + CHUNK])
            .exclude(status=DutyStatus.WITHDRAWN)
            .only("id", "owner_id", "leader_id", "title", "report_every_days", "deadline")
        ]
        for d in duties:
            task = tasks[d.owner_id]
            d.leader_id, d.title, d.report_every_days = task.leader_id, task.title[:200], task.report_every_days
            if self.draft:
                d.deadline = task.deadline
        Duty.objects.bulk_update(duties, ["leader_id", "title", "report_every_days", "deadline"], BATCH)

    def _indicators(self, rows: list[Row]) -> None:
        """Set each task's indicators to the row's, matched by name (the check kept those with values)."""
        if not rows:
            return
        ids = [r.task.pk for r in rows if r.task is not None]
        existing: dict[int, dict[str, Indicator]] = defaultdict(dict)
        for ind in Indicator.objects.filter(task_id__in=ids):
            existing[ind.task_id][ind.name] = ind
        TrajectoryPoint.objects.filter(indicator__task_id__in=ids).delete()
        gone = [i.pk for r in rows if r.task for n, i in existing[r.task.pk].items() if n not in _names(r)]
        Indicator.objects.filter(pk__in=gone).delete()
        kept: list[Indicator] = []
        new: list[Indicator] = []
        plans: list[tuple[Indicator, list[tuple[str, Decimal]]]] = []
        for row in rows:
            assert row.task is not None
            for position, spec in enumerate(row.data.indicators):
                found = existing[row.task.pk].get(spec.name.strip())
                if found is None:
                    ind = Indicator(task=row.task, name=spec.name.strip())
                    new.append(ind)
                else:
                    ind = found
                    kept.append(ind)
                ind.measure, ind.target, ind.kind, ind.position = spec.measure.strip(), spec.target, spec.kind, position
                plans.append((ind, sorted(dict(spec.trajectory).items())))
        Indicator.objects.bulk_update(kept, ["measure", "target", "kind", "position"], BATCH)
        Indicator.objects.bulk_create(new, batch_size=BATCH)
        bulk.insert(
            TrajectoryPoint,
            ["indicator_id", "period", "planned"],
            [(ind.pk, p, v) for ind, points in plans for p, v in points],
        )


def _names(row: Row) -> set[str]:
    return {i.name.strip() for i in row.data.indicators}


class _Creator:
    def __init__(self, actor: Person, ledger: Ledger, reason: str, now: datetime) -> None:
        self.actor, self.ledger, self.reason, self.now = actor, ledger, reason, now
        self.created: dict[int, Task] = {}  # row number → task
        self.by_code: dict[str, Task] = {}
        self.parents: dict[int, Task] = {}  # existing parents of new rows, locked
        self.counter: dict[int, int] = {}  # parent → its next child's number, as numbers are given

    def create(self, rows: list[Row]) -> dict[int, Task]:
        if not rows:
            return {}
        codes = {r.parent_code for r in rows} - {r.code for r in rows} - {""}
        for t in Task.objects.select_for_update().filter(ledger=self.ledger, code__in=codes):
            self.parents[t.pk] = t
            self.by_code[t.code] = t
        with_children = set(
            Task.objects.filter(parent_id__in=list(self.parents)).values_list("parent_id", flat=True).distinct()
        )
        self.taken = {r.code for r in rows if r.code}
        self.kids = Counter(r.parent_code for r in rows if r.parent_code)
        levels: dict[int, list[Row]] = defaultdict(list)
        for row in rows:
            levels[row.depth].append(row)
        for depth in sorted(levels):
            self._level(levels[depth])
        by_pk = {t.pk: t for t in [*self.parents.values(), *self.created.values()]}
        stale = [by_pk[pk] for pk, n in self.counter.items() if by_pk[pk].next_child != n]
        for task in stale:  # existing parents; new ones only if an assigned code had to skip a number
            task.next_child = self.counter[task.pk]
        Task.objects.bulk_update(stale, ["next_child"], BATCH)
        self.ledger.save(update_fields=["next_number"])
        self._details(rows)
        # A leaf that gets sub-tasks hands its work down to them (as do_create_task does).
        for parent in Task.objects.filter(pk__in=set(self.parents) - with_children):
            services._sync_duties(self.actor, parent, self.ledger, self.now, self.reason)
        return self.created

    def _number(self, parent: Task | None) -> int:
        if parent is None:
            number, self.ledger.next_number = self.ledger.next_number, self.ledger.next_number + 1
        else:
            number = self.counter.get(parent.pk, parent.next_child if parent.pk in self.parents else 1)
            self.counter[parent.pk] = number + 1
        return number

    @staticmethod
    def _code(ledger: Ledger, parent: Task | None, number: int) -> str:
        # The codes services._place gives: 2026-TZ-0001, and a sub-task's 2026-TZ-0001-02.
        return f"{ledger.year}-TZ-{number:04d}" if parent is None else f"{parent.code}-{number:02d}"

    def _level(self, rows: list[Row]) -> None:
        """One depth of new tasks: placed (numbers, codes, paths), then inserted at once."""
        tasks: list[tuple[Row, Task]] = []
        for row in rows:
            parent = self.by_code.get(row.parent_code) if row.parent_code else None
            number = self._number(parent)
            d = row.data
            task = Task(
                ledger=self.ledger,
                programme=d.programme,
                parent=parent,
                code=row.code or self._code(self.ledger, parent, number),
                path=_path(parent, number),
                depth=0 if parent is None else parent.depth + 1,
                next_child=1 + self.kids[row.code] if row.code else 1,  # its children in this file
                title=d.title.strip(),
                requirements=d.requirements.strip(),
                leader=d.leader,
                lead_unit=d.lead_unit,
                deadline=d.deadline,
                weight=d.weight.quantize(CENT),
                report_every_days=d.report_every_days,
                starts_on=d.starts_on,
                completes_on=d.completes_on,
                created_at=self.now,
            )
            tasks.append((row, task))
        self._unique_codes(tasks)
        ids = bulk.insert(
            Task,
            TASK_COLUMNS,
            ([getattr(t, c) for c in TASK_COLUMNS] for _r, t in tasks),
            fixed={"ledger_id": self.ledger.pk, "created_at": self.now},
            returning=True,
        )
        for (row, task), pk in zip(tasks, ids, strict=True):
            task.pk = pk
            self.created[row.number] = task
            self.by_code[task.code] = task
            self.taken.add(task.code)

    def _unique_codes(self, tasks: list[tuple[Row, Task]]) -> None:
        """An assigned code never takes one already given (by hand, in another row or ledger)."""
        while True:
            assigned = [(r, t) for r, t in tasks if not r.code]
            codes = [t.code for _r, t in assigned]
            clash = {c for i in range(0, len(codes), CHUNK) for c in _existing(codes[i : i + CHUNK])}
            clash |= {c for c in codes if c in self.taken}
            if not clash:
                return
            for _row, task in assigned:
                if task.code in clash:
                    number = self._number(task.parent)
                    task.code, task.path = self._code(self.ledger, task.parent, number), _path(task.parent, number)

    def _details(self, rows: list[Row]) -> None:
        """Co units, indicators and their plans, duties, and the events, each in a few inserts."""
        bulk.insert(
            Task.co_units.through,
            ["task_id", "unit_id"],
            [(self.created[r.number].pk, u.pk) for r in rows for u in dict.fromkeys(r.data.co_units)],
        )
        specs = [(self.created[r.number], pos, i) for r in rows for pos, i in enumerate(r.data.indicators)]
        ids = bulk.insert(
            Indicator,
            ["task_id", "name", "measure", "target", "kind", "position"],
            [(t.pk, i.name.strip(), i.measure.strip(), i.target, i.kind, pos) for t, pos, i in specs],
            returning=True,
        )
        bulk.insert(
            TrajectoryPoint,
            ["indicator_id", "period", "planned"],
            [
                (pk, p, v)
                for pk, (_t, _p, i) in zip(ids, specs, strict=True)
                for p, v in sorted(dict(i.trajectory).items())
            ],
        )
        events = self._duties(rows)
        for row in rows:
            task = self.created[row.number]
            events.append(
                build(
                    self.actor.pk,
                    "ledger_task.created",
                    "ledger_task",
                    task.pk,
                    at=self.now,
                    after=state_of(task.code, task.parent_id, row.data),
                    note=self.reason.strip(),
                )
            )
        events.sort(key=lambda e: e.subject_id)  # a task's duties start before its own event, as in do_create_task
        bulk.insert(Event, EVENT_COLUMNS, [[getattr(e, c) for c in EVENT_COLUMNS] for e in events])

    def _duties(self, rows: list[Row]) -> list[Event]:
        """A new leaf owes its work through a duty per unit: pending in a draft ledger, started (with the
        engine's "duty.started" event) in an open one. One services._task_duty per task gives the
        columns its units' duties share (a model instance per duty costs more than its insert)."""
        is_parent = {r.parent_code for r in rows if r.parent_code}
        live = self.ledger.status != LedgerStatus.DRAFT
        today = timezone.localdate(self.now)
        values: list[list[object]] = []
        started: list[tuple[int, int, str, dict]] = []  # task, unit, role, the duty's state
        unit_at, role_at = DUTY_COLUMNS.index("unit_id"), DUTY_COLUMNS.index("role")
        for r in rows:
            task = self.created[r.number]
            units = [(r.data.lead_unit, HandlingRole.LEAD)] if r.data.lead_unit else []
            units += [(u, HandlingRole.CO) for u in dict.fromkeys(r.data.co_units)]
            if task.code in is_parent or not units:
                continue
            duty = services._task_duty(task, units[0][0], units[0][1])
            if live:
                duty.status, duty.created_at = DutyStatus.OPEN, self.now
                duty.next_report_due = next_due(today, duty.report_every_days, duty.deadline)
            shared = [getattr(duty, c) for c in DUTY_COLUMNS]
            state = duty_state(duty)
            for unit, role in units:
                shared[unit_at], shared[role_at] = unit.pk, role
                values.append(list(shared))
                started.append((task.pk, unit.pk, role, state))
        ids = bulk.insert(Duty, DUTY_COLUMNS, values, returning=live)
        if not live:
            return []
        return [
            build(
                self.actor.pk,
                "duty.started",
                "ledger_task",
                task_id,
                at=self.now,
                unit_id=unit_id,
                after={**state, "role": role, "cause": "ledger_task.changed", "duty": pk},
                note=self.reason,
            )
            for (task_id, unit_id, role, state), pk in zip(started, ids, strict=True)
        ]


def _path(parent: Task | None, number: int) -> str:
    # The paths services._place gives: 00001, and a sub-task's 00001.002.
    return f"{number:05d}" if parent is None else f"{parent.path}.{number:03d}"


def _existing(codes: list[str]) -> list[str]:
    return list(Task.objects.filter(code__in=codes).values_list("code", flat=True)) if codes else []
