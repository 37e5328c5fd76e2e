"""The ledger API: ledgers, programmes, tasks (tree, detail, changes), reports on tasks, links to lists
and the ledger's figures. Thin handlers over ledger.queries (reads) and ledger.services (writes).
The cycle is in api_cycle and api_yearend, workbooks in api_sheets."""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Annotated

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from ninja import Header, Query, Router, Schema
from ninja.pagination import paginate

from luoshi.duties import owners
from luoshi.duties.models import Duty, DutyStatus
from luoshi.errors import InvalidInput, NotFound
from luoshi.ledger import queries, services
from luoshi.ledger.api_schemas import (
    LedgerIn,
    LedgerOut,
    LedgerStatsOut,
    LightName,
    LinkIn,
    LinkOut,
    ProgrammeIn,
    ProgrammeOut,
    TaskCreatedOut,
    TaskIn,
    TaskOut,
    TaskReportIn,
    TaskReportOut,
    TaskRowOut,
)
from luoshi.ledger.models import Indicator, IndicatorKind, Ledger, LedgerStatus, Programme, Task, TaskLink
from luoshi.lists.models import ResponsibilityList
from luoshi.org.caller import caller
from luoshi.org.models import Person, Role, Unit
from luoshi.schemas import ONE_LINE, BlankIsNone, Id, Page, Search, Year, errors

router = Router(tags=["ledger"])


def visible_ledger(person: Person, ledger_id: int) -> Ledger:
    ledger = queries.visible_ledgers(person).filter(pk=ledger_id).first()
    if ledger is None:
        raise NotFound("No such ledger, or not one you may see.")
    return ledger


def visible_task(person: Person, task_id: int) -> Task:
    task = queries.visible_tasks(person).select_related("ledger").filter(pk=task_id).first()
    if task is None:
        raise NotFound("No such task, or not one you may see.")
    return task


def _light(task: Task, ledger_status: str, today: date) -> str | None:
    if ledger_status == LedgerStatus.DRAFT:
        return None
    return queries.task_light(task, today)


@router.get("/ledgers", response={200: list[LedgerOut], **errors()})
def list_ledgers(request):
    return list(queries.visible_ledgers(caller(request)))


@router.post("/ledgers", response={201: LedgerOut, **errors(403, 409)})
def create_ledger(request, payload: LedgerIn):
    return 201, services.do_create_ledger(caller(request), year=payload.year, title=payload.title)


@router.get("/ledgers/{int:ledger_id}", response={200: LedgerOut, **errors(404)})
def get_ledger(request, ledger_id: Id):
    return visible_ledger(caller(request), ledger_id)


@router.post("/ledgers/{int:ledger_id}/open", response={200: LedgerOut, **errors(403, 404, 409)})
def open_ledger(request, ledger_id: Id):
    return services.do_open_ledger(caller(request), visible_ledger(caller(request), ledger_id))


@router.get("/ledgers/{int:ledger_id}/programmes", response={200: list[ProgrammeOut], **errors(404)})
def list_programmes(request, ledger_id: Id):
    return list(visible_ledger(caller(request), ledger_id).programmes.all())


@router.post("/ledgers/{int:ledger_id}/programmes", response={201: ProgrammeOut, **errors(403, 404, 409)})
def add_programme(request, ledger_id: Id, payload: ProgrammeIn):
    ledger = visible_ledger(caller(request), ledger_id)
    return 201, services.do_add_programme(caller(request), ledger, payload.name)


class TaskQuery(Schema):
    programme: Annotated[Id | None, BlankIsNone] = None
    parent: Annotated[Id | None, BlankIsNone] = None
    leader: Annotated[Id | None, BlankIsNone] = None
    unit: Annotated[Id | None, BlankIsNone] = None
    light: Annotated[LightName | None, BlankIsNone] = None
    forecast: Annotated[LightName | None, BlankIsNone] = None
    carried: Annotated[bool | None, BlankIsNone] = None
    q: Search = ""


def _rows(tasks: QuerySet[Task], ledger: Ledger, today: date) -> list[dict]:
    return [
        {
            "id": t.pk,
            "code": t.code,
            "parent": t.parent_id,
            "programme": t.programme_id,
            "title": t.title,
            "leader": t.leader_id,
            "lead_unit": t.lead_unit_id,
            "deadline": t.deadline,
            "weight": t.weight,
            "progress": t.progress,
            "done": t.done,
            "light": _light(t, ledger.status, today),
            "forecast": t.forecast,
            "forecast_basis": t.forecast_basis,
            "origin": t.origin_id,
        }
        for t in tasks
    ]


@router.get("/ledgers/{int:ledger_id}/tasks", response={200: list[TaskRowOut], **errors(404)})
@paginate(Page)
def list_tasks(request, ledger_id: Id, filters: Query[TaskQuery]):
    """The ledger's tasks in tree order (a parent before its children), filtered; a unit sees its rows."""
    person = caller(request)
    ledger = visible_ledger(person, ledger_id)
    today = timezone.localdate()
    qs = queries.filtered(
        queries.visible_tasks(person).filter(ledger=ledger), queries.TaskFilters(**filters.dict()), today
    )
    return _LazyRows(qs.order_by("path"), ledger, today)


class _LazyRows:
    """Sliced by the paginator before it is read: one query for the page, one for the count."""

    def __init__(self, qs: QuerySet[Task], ledger: Ledger, today: date) -> None:
        self.qs, self.ledger, self.today = qs, ledger, today

    def __getitem__(self, part: slice) -> list[dict]:
        return _rows(self.qs[part], self.ledger, self.today)

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()


def _resolve(person: Person, ledger: Ledger, payload: TaskIn) -> services.TaskInput:
    programme = ledger.programmes.filter(pk=payload.programme).first()
    if programme is None:
        raise InvalidInput("No such programme in this ledger.", "programme")
    parent = None
    if payload.parent is not None:
        parent = ledger.tasks.filter(pk=payload.parent).first()
        if parent is None:
            raise InvalidInput("No such task in this ledger.", "parent")
    leader = None
    if payload.leader is not None:
        leader = Person.objects.filter(pk=payload.leader).first()
        if leader is None or not leader.has_role(Role.LEADER):
            raise InvalidInput("No such city leader.", "leader")
    units = Unit.objects.in_bulk([*([payload.lead_unit] if payload.lead_unit else []), *payload.co_units])
    if payload.lead_unit is not None and payload.lead_unit not in units:
        raise InvalidInput("No such unit.", "lead_unit")
    if missing := [u for u in payload.co_units if u not in units]:
        raise InvalidInput(f"No such unit: {missing}.", "co_units")
    return services.TaskInput(
        programme=programme,
        parent=parent,
        title=payload.title,
        requirements=payload.requirements,
        leader=leader,
        lead_unit=units.get(payload.lead_unit) if payload.lead_unit else None,
        co_units=[units[u] for u in payload.co_units],
        deadline=payload.deadline,
        weight=payload.weight,
        report_every_days=payload.report_every_days,
        starts_on=payload.starts_on,
        completes_on=payload.completes_on,
        indicators=[
            services.IndicatorInput(i.name, i.measure, i.target, i.kind, [(p.period, p.planned) for p in i.trajectory])
            for i in payload.indicators
        ],
    )


def _created(task: Task) -> dict:
    task = Task.objects.select_related("ledger").get(pk=task.pk)
    return {
        "id": task.pk,
        "code": task.code,
        "progress": task.progress,
        "light": _light(task, task.ledger.status, timezone.localdate()),
        "forecast": task.forecast,
    }


@router.post("/ledgers/{int:ledger_id}/tasks", response={201: TaskCreatedOut, **errors(403, 404, 409)})
def create_task(request, ledger_id: Id, payload: TaskIn):
    """Add a task (under `parent` for a sub-task); once the ledger is open, `reason` is required."""
    person = caller(request)
    ledger = visible_ledger(person, ledger_id)
    task = services.do_create_task(person, ledger, _resolve(person, ledger, payload), reason=payload.reason)
    return 201, _created(task)


@router.put("/tasks/{int:task_id}", response={200: TaskOut, **errors(403, 404, 409)})
def change_task(request, task_id: Id, payload: TaskIn):
    """Change a task (the whole of it, as on the form); once the ledger is open, `reason` is required."""
    person = caller(request)
    task = visible_task(person, task_id)
    services.do_update_task(person, task, _resolve(person, task.ledger, payload), reason=payload.reason)
    return task_detail(person, task_id)


def _duties(task: Task, links: list[int]) -> list[dict]:
    task_type, list_type = owners.content_type_id("ledger_task"), owners.content_type_id("list")
    duties = (
        Duty.objects.filter(
            Q(owner_type_id=task_type, owner_id=task.pk) | Q(owner_type_id=list_type, owner_id__in=links)
        )
        .exclude(status=DutyStatus.WITHDRAWN)
        .select_related("unit")
        .order_by("-role", "unit_id")
    )
    return [
        {
            "id": d.pk,
            "unit": d.unit_id,
            "unit_name": d.unit.name,
            "role": d.role,
            "status": d.status,
            "progress": d.progress,
            "deadline": d.deadline,
            "through_list": d.owner_id if d.owner_type_id == list_type else None,
        }
        for d in duties
    ]


def task_detail(person: Person, task_id: int) -> dict:
    task = visible_task(person, task_id)
    links = list(TaskLink.objects.filter(task=task).values_list("list_id", flat=True))
    indicators = Indicator.objects.filter(task=task).prefetch_related("trajectory")
    return {
        **{f: getattr(task, f) for f in ("id", "code", "title", "requirements", "deadline", "weight", "progress")},
        **{f: getattr(task, f) for f in ("report_every_days", "starts_on", "completes_on", "done", "forecast")},
        "forecast_basis": task.forecast_basis,
        "ledger": task.ledger_id,
        "programme": task.programme_id,
        "parent": task.parent_id,
        "leader": task.leader_id,
        "lead_unit": task.lead_unit_id,
        "co_units": sorted(task.co_units.values_list("pk", flat=True)),
        "light": _light(task, task.ledger.status, timezone.localdate()),
        "children": list(task.children.order_by("path").values_list("pk", flat=True)),
        "indicators": [
            {
                "id": i.pk,
                "name": i.name,
                "measure": i.measure,
                "kind": i.kind,
                "target": i.target,
                "actual": i.actual,
                "trajectory": [{"period": p.period, "planned": p.planned} for p in i.trajectory.all()],
            }
            for i in indicators
        ],
        "duties": _duties(task, links),
        "links": links,
        "origin": task.origin_id,
    }


@router.get("/tasks/{int:task_id}", response={200: TaskOut, **errors(404)})
def get_task(request, task_id: Id):
    return task_detail(caller(request), task_id)


IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    max_length=64,
    description="Repeating a report with the same key stores it once; the same key with a different report is 409.",
)


@router.post("/tasks/{int:task_id}/reports", response={201: TaskReportOut, 200: TaskReportOut, **errors(403, 404, 409)})
def report_on_task(
    request, task_id: Id, payload: TaskReportIn, idempotency_key: Annotated[str | None, ONE_LINE] = IDEMPOTENCY_KEY
):
    """A unit's report on its share of the task, with the indicators' actuals. A unit that reports through a
    linked list files the list's report (one report, shown on both)."""
    person = caller(request)
    task = visible_task(person, task_id)
    unit = Unit.objects.filter(pk=payload.unit).first()
    if unit is None:
        raise InvalidInput("No such unit.", "unit")
    if services.reporting_duty(task, unit) is None:
        raise InvalidInput("This unit has no share of the task.", "unit")
    indicators = task.indicators.in_bulk([a.indicator for a in payload.indicators])
    if missing := [a.indicator for a in payload.indicators if a.indicator not in indicators]:
        raise InvalidInput(f"No such indicator of this task: {missing}.", "indicators")
    report, created = services.do_report_task(
        person,
        task,
        unit,
        progress=payload.progress,
        done=payload.done,
        difficulties=payload.difficulties,
        next_steps=payload.next_steps,
        request_completion=payload.request_completion,
        indicators=[(indicators[a.indicator], a.actual) for a in payload.indicators],
        submission_key=idempotency_key or None,
    )
    duty = report.duty
    return (201 if created else 200), {
        "id": report.pk,
        "duty": duty.pk,
        "unit": duty.unit_id,
        "progress": report.progress,
        "filed_at": report.filed_at.isoformat(),
        "through_list": duty.owner_id if duty.owner_kind == "list" else None,
        "indicators": [{"indicator": a.indicator, "actual": a.actual} for a in payload.indicators],
    }


@router.post("/tasks/{int:task_id}/links", response={201: LinkOut, 200: LinkOut, **errors(403, 404, 409)})
def link_list(request, task_id: Id, payload: LinkIn):
    """Report once: the list's units report on the list, which is their report on the task."""
    person = caller(request)
    task = visible_task(person, task_id)
    rlist = ResponsibilityList.objects.filter(pk=payload.list).first()
    if rlist is None:
        raise InvalidInput("No such list.", "list")
    existed = TaskLink.objects.filter(task=task, list=rlist).exists()
    services.do_link_list(person, task, rlist)
    return (200 if existed else 201), {"task": task.pk, "list": rlist.pk}


@router.get("/stats/ledger", response={200: LedgerStatsOut, **errors(404)})
def ledger_stats(request, year: Year | None = None):
    """The year's ledger in figures. `late`: open tasks whose lateness light is red; `at_risk`: open, not
    late, forecast red or yellow; `on_track`: the other open tasks. Indicators are summed over the leaves
    (a level's mean), so a parent's roll-up is not counted twice."""
    person = caller(request)
    year = year or timezone.localdate().year
    ledger = queries.visible_ledgers(person).filter(year=year).first()
    if ledger is None:
        raise NotFound("No ledger of that year, or not one you may see.")
    today = timezone.localdate()
    tasks = queries.visible_tasks(person).filter(ledger=ledger)
    late = queries.light_filter("red", today)
    risky = Q(forecast__in=["red", "yellow"])
    figures = tasks.aggregate(
        tasks=Count("id"),
        completed=Count("id", filter=Q(done=True)),
        late=Count("id", filter=Q(done=False) & late),
        at_risk=Count("id", filter=Q(done=False) & ~late & risky),
    )
    figures["on_track"] = figures["tasks"] - figures["completed"] - figures["late"] - figures["at_risk"]
    by_programme = []
    counts = {
        row["programme_id"]: row
        for row in tasks.values("programme_id").annotate(n=Count("id"), done_n=Count("id", filter=Q(done=True)))
    }
    for p in Programme.objects.filter(ledger=ledger):
        row = counts.get(p.pk, {"n": 0, "done_n": 0})
        by_programme.append(
            {"programme": p.name, "tasks": row["n"], "completed": row["done_n"], "progress": p.progress}
        )
    return {"year": year, **figures, "by_programme": by_programme, "indicators": _indicator_sums(tasks)}


def _indicator_sums(tasks: QuerySet[Task]) -> list[dict]:
    leaves = tasks.filter(children__isnull=True)
    sums: dict[tuple[str, str], dict] = defaultdict(lambda: {"target": Decimal(0), "actual": None, "n": 0})
    for name, measure, kind, target, actual in Indicator.objects.filter(task__in=leaves).values_list(
        "name", "measure", "kind", "target", "actual"
    ):
        s = sums[(name, measure)]
        s["kind"], s["n"] = kind, s["n"] + 1
        s["target"] += target
        if actual is not None:
            s["actual"] = (s["actual"] or Decimal(0)) + actual
    out = []
    for (name, measure), s in sorted(sums.items()):
        if s["kind"] == IndicatorKind.LEVEL:  # a level's mean, not its sum
            s["target"] /= s["n"]
            s["actual"] = s["actual"] / s["n"] if s["actual"] is not None else None
        out.append({"name": name, "measure": measure, "target": s["target"], "actual": s["actual"]})
    return out
