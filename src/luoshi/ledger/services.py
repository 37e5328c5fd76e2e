"""The ledger's writes (年初建账 and after): ledgers, programmes, tasks and their indicators, opening,
links to lists, and a unit's report on a task. Each checks permission itself and records its event;
a task's figures are left to rollup (called through the duty engine's on_changed, or here).

Structure changes after the ledger is opened (a task added, changed, moved) need a reason, which the
event keeps. The cycle (quarters, snapshots, audit, close) is in ledger.cycle.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.duties import changes, owners
from luoshi.duties.models import Duty, DutyStatus, HandlingRole, Report
from luoshi.duties.services import check_horizon, do_open_duties, do_report, require_office, resolve_now
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.events.services import record
from luoshi.ledger import rollup
from luoshi.ledger.models import (
    Actual,
    Indicator,
    IndicatorKind,
    Ledger,
    LedgerStatus,
    Programme,
    Task,
    TaskLink,
    TrajectoryPoint,
)
from luoshi.lists.models import ListStatus, ResponsibilityList
from luoshi.org.models import Person, Role, Unit

MAX_WEIGHT = Decimal("10000")
MAX_AMOUNT = Decimal("1e13")
SHIPPED_PROGRAMMES = ('"3341"项目工程', "双联行动", '"1236"扶贫攻坚', "民生实事", "重大项目")


@dataclass
class IndicatorInput:
    name: str
    measure: str
    target: Decimal
    kind: str = IndicatorKind.CUMULATIVE
    trajectory: Sequence[tuple[str, Decimal]] = ()  # ("2026-Q2" or "2026-05", planned)


@dataclass
class TaskInput:
    programme: Programme
    title: str
    deadline: date
    parent: Task | None = None
    requirements: str = ""
    leader: Person | None = None
    lead_unit: Unit | None = None
    co_units: Sequence[Unit] = ()
    weight: Decimal = Decimal(1)
    report_every_days: int | None = None
    indicators: Sequence[IndicatorInput] = field(default_factory=list)
    starts_on: date | None = None
    completes_on: date | None = None


def task_type_id() -> int:
    return owners.content_type_id("ledger_task")


def _writable(ledger: Ledger, reason: str) -> None:
    if ledger.status == LedgerStatus.CLOSED:
        raise Conflict(_("This ledger is closed: its structure no longer changes."))
    if ledger.status == LedgerStatus.OPEN and not reason.strip():
        raise InvalidInput(_("The ledger is open: give the reason for this change."), "reason")


def do_create_ledger(actor: Person, *, year: int, title: str, now: datetime | None = None) -> Ledger:
    """A draft ledger for the year, with the programmes every city ledger has."""
    require_office(actor)
    now = resolve_now(now)
    if not title.strip():
        raise InvalidInput(_("Give the ledger a title."), "title")
    try:
        with transaction.atomic():
            ledger = Ledger.objects.create(year=year, title=title.strip(), created_by=actor, created_at=now)
            Programme.objects.bulk_create(
                Programme(ledger=ledger, name=name, position=i) for i, name in enumerate(SHIPPED_PROGRAMMES)
            )
            record(actor, "ledger.created", "ledger", ledger.pk, after={"year": year, "title": ledger.title}, at=now)
    except IntegrityError:
        raise Conflict(_("The ledger of {year} already exists.").format(year=year), "year") from None
    return ledger


def do_add_programme(actor: Person, ledger: Ledger, name: str, now: datetime | None = None) -> Programme:
    require_office(actor)
    now = resolve_now(now)
    name = name.strip()
    if not name:
        raise InvalidInput(_("Give the programme a name."), "name")
    if ledger.status == LedgerStatus.CLOSED:
        raise Conflict(_("This ledger is closed: its structure no longer changes."))
    try:
        with transaction.atomic():
            position = ledger.programmes.count()
            programme = Programme.objects.create(ledger=ledger, name=name, position=position)
            record(actor, "ledger.programme_added", "ledger", ledger.pk, after={"programme": name}, at=now)
    except IntegrityError:
        raise Conflict(_("The programme “{name}” is already in this ledger.").format(name=name), "name") from None
    return programme


def check_task(ledger: Ledger, data: TaskInput, today: date) -> None:
    if data.programme.ledger_id != ledger.pk:
        raise InvalidInput(_("Choose a programme of this ledger."), "programme")
    if data.parent is not None and data.parent.ledger_id != ledger.pk:
        raise InvalidInput(_("Choose a parent task of this ledger."), "parent")
    if not data.title.strip():
        raise InvalidInput(_("Give the task a title."), "title")
    check_horizon(data.deadline, "deadline", today)
    if not Decimal(0) <= data.weight <= MAX_WEIGHT:
        raise InvalidInput(_("Give a weight from 0 to {most}.").format(most=MAX_WEIGHT), "weight")
    if data.report_every_days is not None and not 1 <= data.report_every_days <= 366:
        raise InvalidInput(_("Report every 1 to 366 days, or leave it empty."), "report_every_days")
    if data.leader is not None and not data.leader.has_role(Role.LEADER):
        raise InvalidInput(_("The responsible leader must be a city leader."), "leader")
    if data.lead_unit is not None and data.lead_unit in data.co_units:
        raise InvalidInput(_("The lead unit cannot also be a co unit."), "co_units")
    if data.co_units and data.lead_unit is None:
        raise InvalidInput(_("Name the lead unit."), "lead_unit")
    names = [i.name.strip() for i in data.indicators]
    if len(set(names)) != len(names):
        raise InvalidInput(_("Each indicator of a task has its own name."), "indicators")
    for ind in data.indicators:
        if not ind.name.strip() or not ind.measure.strip():
            raise InvalidInput(_("An indicator needs a name and a unit of measure."), "indicators")
        if ind.kind not in IndicatorKind.values:
            raise InvalidInput(_("An indicator is cumulative or a level."), "indicators")
        for amount in [ind.target, *(planned for _p, planned in ind.trajectory)]:
            if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
                raise InvalidInput(_("Give an amount below 10 trillion."), "indicators")
        for period, _planned in ind.trajectory:
            if not _valid_period(period):
                raise InvalidInput(_("A period is a quarter (2026-Q2) or a month (2026-05)."), "indicators")


def _valid_period(period: str) -> bool:
    year, _sep, part = period.partition("-")
    if not (year.isdigit() and len(year) == 4):
        return False
    if part[:1] == "Q":
        return part[1:] in ("1", "2", "3", "4")
    return part.isdigit() and len(part) == 2 and 1 <= int(part) <= 12


def _claim_number(ledger: Ledger) -> int:
    Ledger.objects.filter(pk=ledger.pk).update(next_number=F("next_number") + 1)
    return Ledger.objects.values_list("next_number", flat=True).get(pk=ledger.pk) - 1


def _place(ledger: Ledger, parent: Task | None, code: str | None) -> tuple[str, str, int]:
    """(code, path, depth) for a new task: a top-level number from the ledger, a child's from its parent."""
    if parent is None:
        number = _claim_number(ledger)
        return code or f"{ledger.year}-TZ-{number:04d}", f"{number:05d}", 0
    Task.objects.filter(pk=parent.pk).update(next_child=F("next_child") + 1)
    number = Task.objects.values_list("next_child", flat=True).get(pk=parent.pk) - 1
    return code or f"{parent.code}-{number:02d}", f"{parent.path}.{number:03d}", parent.depth + 1


def _save_indicators(task: Task, indicators: Sequence[IndicatorInput]) -> None:
    """Set the task's indicators to these (matched by name); an indicator with reported values stays."""
    existing = {i.name: i for i in task.indicators.all()}
    wanted = {i.name.strip(): i for i in indicators}
    for name, ind in existing.items():
        if name not in wanted:
            if ind.actuals.exists():
                raise Conflict(
                    _("The indicator “{name}” has reported values and cannot be removed.").format(name=name),
                    "indicators",
                )
            ind.trajectory.all().delete()
            ind.delete()
    for position, (name, spec) in enumerate(wanted.items()):
        ind = existing.get(name) or Indicator(task=task, name=name)
        ind.measure, ind.target, ind.kind, ind.position = spec.measure.strip(), spec.target, spec.kind, position
        ind.save()
        ind.trajectory.all().delete()
        TrajectoryPoint.objects.bulk_create(
            TrajectoryPoint(indicator=ind, period=p, planned=v) for p, v in sorted(dict(spec.trajectory).items())
        )


def _task_duty(task: Task, unit: Unit, role: str) -> Duty:
    return Duty(
        owner_type_id=task_type_id(),
        owner_id=task.pk,
        unit=unit,
        role=role,
        leader_id=task.leader_id,
        title=task.title[:200],
        code=task.code[:30],
        deadline=task.deadline,
        report_every_days=task.report_every_days,
    )


def _live_duties(task: Task) -> list[Duty]:
    return list(
        Duty.objects.filter(owner_type_id=task_type_id(), owner_id=task.pk)
        .exclude(status=DutyStatus.WITHDRAWN)
        .select_related("unit")
    )


def _sync_duties(actor: Person, task: Task, ledger: Ledger, now: datetime, note: str) -> None:
    """A leaf owes its work through one duty per unit (lead and co); a task with children owes none
    (its work is its children's). Draft ledgers hold pending duties, opened with the ledger."""
    wanted: dict[int, tuple[Unit, str]] = {}
    if not task.children.exists():
        if task.lead_unit is not None:
            wanted[task.lead_unit.pk] = (task.lead_unit, HandlingRole.LEAD)
        for unit in task.co_units.all():
            wanted[unit.pk] = (unit, HandlingRole.CO)
    live = {d.unit_id: d for d in _live_duties(task)}
    for unit_id, duty in live.items():
        if unit_id not in wanted or wanted[unit_id][1] != duty.role:
            if duty.status == DutyStatus.PENDING:
                duty.delete()
            else:
                changes.withdraw(actor, duty, now, note=note, cause="ledger_task.changed")
    live = {d.unit_id: d for d in _live_duties(task)}
    for unit_id, (unit, role) in wanted.items():
        if unit_id in live:
            continue
        duty = _task_duty(task, unit, role)
        if ledger.status == LedgerStatus.DRAFT:
            duty.save()
        else:
            changes.start(actor, duty, now, note=note, cause="ledger_task.changed")
    duties = _live_duties(task)
    Duty.objects.filter(pk__in=[d.pk for d in duties]).update(
        leader_id=task.leader_id, title=task.title[:200], report_every_days=task.report_every_days
    )
    if ledger.status != LedgerStatus.DRAFT:
        changes.move_deadline(actor, duties, task.deadline, now, note=note, cause="ledger_task.changed")
    else:
        Duty.objects.filter(pk__in=[d.pk for d in duties]).update(deadline=task.deadline)


def task_state(task: Task) -> dict:
    return {
        "code": task.code,
        "title": task.title,
        "parent": task.parent_id,
        "programme": task.programme_id,
        "leader": task.leader_id,
        "lead_unit": task.lead_unit_id,
        "co_units": sorted(u.pk for u in task.co_units.all()),
        "deadline": task.deadline.isoformat(),
        # As stored (two places): a weight sent as 3 is the 3.00 already there, not a change.
        "weight": str(Decimal(task.weight).quantize(Decimal("0.01"))),
        "report_every_days": task.report_every_days,
        "requirements": task.requirements,
        "starts_on": task.starts_on.isoformat() if task.starts_on else None,
        "completes_on": task.completes_on.isoformat() if task.completes_on else None,
        "indicators": [
            [i.name, i.measure, str(i.target), i.kind, [[p.period, str(p.planned)] for p in i.trajectory.all()]]
            for i in _indicators_of(task)
        ],
    }


def _indicators_of(task: Task) -> Iterable[Indicator]:
    """The task's indicators with their plans: those prefetched with the task (a bulk write's one query for
    all its tasks), else two queries for this one."""
    if "indicators" in getattr(task, "_prefetched_objects_cache", {}):
        return task.indicators.all()
    return task.indicators.prefetch_related("trajectory")


def task_created_with(actor: Person, submission_key: str) -> Task | None:
    """The task this person created with this key, if any. The person's row is locked first, so that two
    requests with the same key queue up here and the second finds the first's event."""
    Person.objects.select_for_update().filter(pk=actor.pk).first()
    created = Event.objects.filter(kind="ledger_task.created", actor=actor, after__submission_key=submission_key)
    task_id = created.values_list("subject_id", flat=True).first()
    return Task.objects.filter(pk=task_id).first() if task_id else None


def do_create_task(
    actor: Person,
    ledger: Ledger,
    data: TaskInput,
    *,
    code: str | None = None,
    reason: str = "",
    origin: Task | None = None,
    now: datetime | None = None,
    submission_key: str | None = None,
) -> Task:
    """Add a task (at the top or under a parent). A parent that was a leaf hands its duties down: its
    work is now its children's. A repeated `submission_key` (the form's, on a double click or a resent
    POST) returns the task it created the first time."""
    require_office(actor)
    now = resolve_now(now)
    check_task(ledger, data, timezone.localdate(now))
    if code and Task.objects.filter(code=code).exists():
        raise Conflict(_("The code {code} is already taken.").format(code=code), "code")
    with transaction.atomic(), rollup.one_refresh():
        # As it stands now, not as the caller read it: opening it meanwhile makes a reason needed.
        if submission_key and (earlier := task_created_with(actor, submission_key)):
            return earlier
        ledger = Ledger.objects.select_for_update().get(pk=ledger.pk)
        _writable(ledger, reason)
        code, path, depth = _place(ledger, data.parent, code)
        task = Task.objects.create(
            ledger=ledger,
            programme=data.programme,
            parent=data.parent,
            code=code,
            path=path,
            depth=depth,
            title=data.title.strip(),
            requirements=data.requirements.strip(),
            leader=data.leader,
            lead_unit=data.lead_unit,
            deadline=data.deadline,
            weight=data.weight,
            report_every_days=data.report_every_days,
            starts_on=data.starts_on,
            completes_on=data.completes_on,
            origin=origin,
            created_at=now,
        )
        task.co_units.set(list(dict.fromkeys(data.co_units)))
        _save_indicators(task, data.indicators)
        _sync_duties(actor, task, ledger, now, reason)
        if data.parent is not None:
            _sync_duties(actor, data.parent, ledger, now, reason)
        after = {**task_state(task), **({"submission_key": submission_key} if submission_key else {})}
        record(actor, "ledger_task.created", "ledger_task", task.pk, after=after, note=reason.strip(), at=now)
        rollup.refresh([task.pk], now)
    return task


def do_update_task(
    actor: Person, task: Task, data: TaskInput, *, reason: str = "", now: datetime | None = None
) -> Task:
    """Change a task's fields, units, indicators or place; records before and after, with the reason."""
    require_office(actor)
    now = resolve_now(now)
    check_task(task.ledger, data, timezone.localdate(now))
    if data.parent is not None and (data.parent.pk == task.pk or data.parent.path.startswith(task.path + ".")):
        raise InvalidInput(_("A task cannot be placed under itself."), "parent")
    with transaction.atomic(), rollup.one_refresh():
        ledger = Ledger.objects.select_for_update().get(pk=task.ledger_id)
        _writable(ledger, reason)
        owners.get("ledger_task").lock(task.pk)
        task = Task.objects.get(pk=task.pk)
        before = task_state(task)
        old_parent, old_programme = task.parent, task.programme_id
        task.programme, task.title, task.requirements = data.programme, data.title.strip(), data.requirements.strip()
        task.leader, task.lead_unit, task.deadline, task.weight = (
            data.leader,
            data.lead_unit,
            data.deadline,
            data.weight,
        )
        task.report_every_days, task.starts_on, task.completes_on = (
            data.report_every_days,
            data.starts_on,
            data.completes_on,
        )
        moved = (data.parent.pk if data.parent else None) != task.parent_id
        task.save()
        task.co_units.set(list(dict.fromkeys(data.co_units)))
        _save_indicators(task, data.indicators)
        if moved:
            _move(task, data.parent, ledger)
        after = task_state(task)
        if after == before:
            return task
        _sync_duties(actor, task, ledger, now, reason)
        for parent in {p for p in (old_parent, data.parent) if p is not None}:
            _sync_duties(actor, parent, ledger, now, reason)
        record(
            actor,
            "ledger_task.changed",
            "ledger_task",
            task.pk,
            before=before,
            after=after,
            note=reason.strip(),
            at=now,
        )
        rollup.refresh([task.pk] + ([old_parent.pk] if old_parent else []), now)
        if old_programme != task.programme_id:
            rollup.recount_programmes({old_programme})  # the refresh counts only the programmes it touches
    return task


def _move(task: Task, parent: Task | None, ledger: Ledger) -> None:
    """Re-place a subtree under a new parent: new paths (the codes stay: they are what people quote)."""
    old_path = task.path
    _code, path, depth = _place(ledger, parent, task.code)
    for t in Task.objects.filter(ledger=ledger, path__startswith=old_path + "."):
        t.path = path + t.path[len(old_path) :]
        t.depth = t.depth - task.depth + depth
        t.save(update_fields=["path", "depth"])
    task.parent, task.path, task.depth = parent, path, depth
    task.save(update_fields=["parent", "path", "depth"])


def do_open_ledger(actor: Person, ledger: Ledger, now: datetime | None = None) -> Ledger:
    """年初建账 done: the ledger opens, every unit's duties open and their first reports fall due."""
    require_office(actor)
    now = resolve_now(now)
    with transaction.atomic(), rollup.one_refresh():
        ledger = Ledger.objects.select_for_update().get(pk=ledger.pk)
        if ledger.status != LedgerStatus.DRAFT:
            raise Conflict(_("Only a ledger being built can be opened."))
        if not ledger.tasks.exists():
            raise Conflict(_("The ledger has no tasks yet."))
        ledger.status, ledger.opened_at = LedgerStatus.OPEN, now
        ledger.save(update_fields=["status", "opened_at"])
        ids = list(ledger.tasks.values_list("pk", flat=True))
        for i in range(0, len(ids), 1000):
            duties = list(
                Duty.objects.filter(
                    owner_type_id=task_type_id(), owner_id__in=ids[i : i + 1000], status=DutyStatus.PENDING
                )
            )
            do_open_duties(duties, now)
        record(
            actor, "ledger.opened", "ledger", ledger.pk, before={"status": "draft"}, after={"status": "open"}, at=now
        )
        rollup.refresh_ledger(ledger.pk, now)
    return ledger


def do_link_list(actor: Person, task: Task, rlist: ResponsibilityList, now: datetime | None = None) -> TaskLink:
    """Report once: the list's units report on the list, and that is their report on the task. A unit
    that owed the task a duty of its own owes it through the list from now on (its own is withdrawn,
    its reports kept)."""
    require_office(actor)
    now = resolve_now(now)
    if task.ledger.status == LedgerStatus.CLOSED:
        raise Conflict(_("This ledger is closed: its structure no longer changes."))
    if rlist.status in (ListStatus.CLOSED, ListStatus.CANCELLED):
        raise Conflict(_("Link a list that is still running."), "list")
    if task.children.exists():
        raise Conflict(_("Link a list to a task without sub-tasks: the work is reported on the leaves."), "list")
    with transaction.atomic(), rollup.one_refresh():
        owners.get("ledger_task").lock(task.pk)
        link, created = TaskLink.objects.get_or_create(
            task=task, list=rlist, defaults={"linked_by": actor, "linked_at": now}
        )
        if not created:
            return link
        list_units = set(
            Duty.objects.filter(owner_type_id=owners.content_type_id("list"), owner_id=rlist.pk)
            .exclude(status=DutyStatus.WITHDRAWN)
            .values_list("unit_id", flat=True)
        )
        note = _("Reported through the list {code}.").format(code=rlist.code or rlist.pk)
        for duty in _live_duties(task):
            if duty.unit_id in list_units:
                if duty.status == DutyStatus.PENDING:
                    duty.delete()
                else:
                    changes.withdraw(actor, duty, now, note=note, cause="ledger_task.linked")
        record(actor, "ledger_task.linked", "ledger_task", task.pk, after={"list": rlist.pk}, at=now)
        rollup.refresh([task.pk], now)
    return link


def reporting_duty(task: Task, unit: Unit) -> Duty | None:
    """The duty a unit reports its share of the task on: the task's own, or a linked list's."""
    own = (
        Duty.objects.filter(owner_type_id=task_type_id(), owner_id=task.pk, unit=unit)
        .exclude(status=DutyStatus.WITHDRAWN)
        .first()
    )
    if own is not None:
        return own
    lists = TaskLink.objects.filter(task=task).values("list_id")
    return (
        Duty.objects.filter(owner_type_id=owners.content_type_id("list"), owner_id__in=lists, unit=unit)
        .exclude(status=DutyStatus.WITHDRAWN)
        .first()
    )


def do_report_task(
    actor: Person,
    task: Task,
    unit: Unit,
    *,
    progress: int,
    done: str,
    difficulties: str = "",
    next_steps: str = "",
    request_completion: bool = False,
    indicators: Sequence[tuple[Indicator, Decimal]] = (),
    submission_key: str | None = None,
    now: datetime | None = None,
) -> tuple[Report, bool]:
    """A unit's report on its share of a task, with indicator actuals (the only place they are entered).
    Through a linked list it is the list's report: one report, shown on both, one event."""
    duty = reporting_duty(task, unit)
    if duty is None:
        raise NotAllowed(_("This unit has no share of the task to report on."))
    ids = [ind.pk for ind, _v in indicators]
    if any(ind.task_id != task.pk for ind, _v in indicators) or len(set(ids)) != len(ids):
        raise InvalidInput(_("Report each of this task's indicators at most once."), "indicators")
    for _ind, value in indicators:
        if not value.is_finite() or abs(value) >= MAX_AMOUNT:
            raise InvalidInput(_("Give an amount below 10 trillion."), "indicators")
    now = resolve_now(now)
    period = timezone.localdate(now).strftime("%Y-%m")

    def attach(report: Report) -> dict:
        Actual.objects.bulk_create(
            Actual(indicator=ind, report=report, value=value, period=period, filed_at=now) for ind, value in indicators
        )
        return {"indicators": {str(ind.pk): str(value) for ind, value in indicators}} if indicators else {}

    with transaction.atomic():
        report, created = do_report(
            actor,
            duty,
            progress=progress,
            done=done,
            difficulties=difficulties,
            next_steps=next_steps,
            request_completion=request_completion,
            submission_key=submission_key,
            now=now,
            attach=attach,
        )
    return report, created
