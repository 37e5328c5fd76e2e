"""The ledger's reads: who sees which tasks, the filters the tree page and the API share."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate

from luoshi.duties import lights, owners
from luoshi.duties.models import Duty, DutyStatus
from luoshi.ledger.models import Ledger, LedgerStatus, Task, TaskLink
from luoshi.org.models import Person, Role


def units_of(person: Person) -> list[int] | None:
    """The units whose rows a person works on or oversees; None: all (the office)."""
    if person.is_office:
        return None
    ids: set[int] = set()
    if person.unit_id and person.has_role(Role.UNIT_HEAD, Role.LIAISON):
        ids.add(person.unit_id)
    if person.has_role(Role.LEADER):
        ids.update(person.supervised_units.values_list("pk", flat=True))
    return sorted(ids)


def visible_ledgers(person: Person) -> QuerySet[Ledger]:
    """A ledger being built is the office's alone."""
    qs = Ledger.objects.all()
    return qs if person.is_office else qs.exclude(status=LedgerStatus.DRAFT)


def visible_tasks_q(person: Person) -> Q | None:
    """The office sees every task; a leader the tasks he is responsible for and his units'; a unit's head
    and liaison the tasks their unit leads, co-handles or reports on through a linked list. None: everything."""
    units = units_of(person)
    if units is None:
        return None
    co = Task.co_units.through.objects.filter(task_id=OuterRef("pk"), unit_id__in=units)
    # Report once: a unit that owes its share through a linked list sees the task it reports on.
    live = Duty.objects.filter(owner_type_id=owners.content_type_id("list"), unit_id__in=units)
    on_lists = live.exclude(status=DutyStatus.WITHDRAWN).values("owner_id")
    linked = TaskLink.objects.filter(task_id=OuterRef("pk"), list_id__in=on_lists)
    q = Q(lead_unit_id__in=units) | Q(Exists(co)) | Q(Exists(linked))
    if person.has_role(Role.LEADER):
        q |= Q(leader=person)
    return q & ~Q(ledger__status=LedgerStatus.DRAFT)


def visible_tasks(person: Person) -> QuerySet[Task]:
    q = visible_tasks_q(person)
    qs = Task.objects.all()
    return qs if q is None else qs.filter(q)


def may_see_task(person: Person, task: Task) -> bool:
    return visible_tasks(person).filter(pk=task.pk).exists()


def task_light(task: Task, today: date) -> str | None:
    """The lateness light of a task's open work (the earliest dates of its subtree); None once done."""
    if task.done:
        return None
    if task.working_due is None and task.working_deadline is None:
        return None if task.ledger.status == LedgerStatus.DRAFT else lights.GREEN
    return lights.light(today, task.working_due, task.working_deadline, lights.thresholds("ledger_task"))


def light_filter(wanted: str, today: date) -> Q:
    lit = Q(done=False) & (Q(working_due__isnull=False) | Q(working_deadline__isnull=False))
    q = lights.light_q(wanted, today, "working_due", "working_deadline", lights.thresholds("ledger_task"))
    if wanted == lights.GREEN:
        # Open work without dates (no cadence, deadline ahead) is green too.
        return (lit & q) | (Q(done=False) & Q(working_due__isnull=True, working_deadline__isnull=True))
    return lit & q


# The progress states of the cockpit and of /api/v1/stats/ledger: a task is in exactly one of them.
STATES = ("done", "on_track", "at_risk", "late")


def state_filter(wanted: str, today: date) -> Q:
    """done; late: open, its lateness light red; at_risk: open, not late, forecast red or yellow;
    on_track: the other open tasks."""
    late = light_filter(lights.RED, today)
    risky = Q(forecast__in=[lights.RED, lights.YELLOW])
    if wanted == "done":
        return Q(done=True)
    if wanted == "late":
        return Q(done=False) & late
    if wanted == "at_risk":
        return Q(done=False) & ~late & risky
    return Q(done=False) & ~late & ~risky


def completion_days(qs: QuerySet[Task]) -> dict[int, date]:
    """The day each completed task of qs was completed, for those that have one: when its last duty (its
    own, or one of a list it is reported through) was accepted. A task without duties of its own (a
    parent) has none. Three grouped queries: a subquery per task, run for each of thousands of tasks,
    takes most of a second on PostgreSQL."""
    done = qs.filter(done=True).order_by().values("pk")
    accepted = Duty.objects.filter(status=DutyStatus.COMPLETED, completed_at__isnull=False).order_by()
    task_type, list_type = owners.content_type_id("ledger_task"), owners.content_type_id("list")

    def last_days(owner_type: int, owner_ids: QuerySet) -> dict[int, date]:
        rows = (
            accepted.filter(owner_type_id=owner_type, owner_id__in=owner_ids)
            .values("owner_id")
            .annotate(day=TruncDate(Max("completed_at")))
            .values_list("owner_id", "day")
        )
        return dict(rows)

    days = last_days(task_type, done)
    links = list(TaskLink.objects.filter(task_id__in=done).values_list("task_id", "list_id"))
    of_lists = last_days(list_type, TaskLink.objects.filter(task_id__in=done).order_by().values("list_id"))
    for task_id, list_id in links:
        if (day := of_lists.get(list_id)) is not None and (task_id not in days or day > days[task_id]):
            days[task_id] = day
    return days


def completed_between(qs: QuerySet[Task], start: date | None, end: date | None) -> QuerySet[Task]:
    """The completed tasks whose completion day (completion_days, the cockpit's own figure) is from start
    to end, both inclusive."""
    days = completion_days(qs)
    return qs.filter(
        pk__in=[pk for pk, day in days.items() if (start is None or day >= start) and (end is None or day <= end)]
    )


def portfolio_q(leader: Person) -> Q:
    """A leader's ledger (the cockpit's scope, the tree's `portfolio=`): the tasks he sees as a leader, i.e.
    those he is responsible for and those of the units he supervises (visible_tasks_q)."""
    q = visible_tasks_q(leader)
    return Q() if q is None else q


@dataclass
class TaskFilters:
    programme: int | None = None
    parent: int | None = None
    leader: int | None = None
    unit: int | None = None
    light: str | None = None
    forecast: str | None = None
    carried: bool | None = None
    q: str = ""
    state: str | None = None  # one of STATES
    portfolio: Person | None = None  # a leader's ledger (portfolio_q)
    done_from: date | None = None  # completed from … to (completed_between)
    done_to: date | None = None


def filtered(qs: QuerySet[Task], f: TaskFilters, today: date) -> QuerySet[Task]:
    if f.programme:
        qs = qs.filter(programme_id=f.programme)
    if f.parent:
        qs = qs.filter(parent_id=f.parent)
    if f.leader:
        qs = qs.filter(leader_id=f.leader)
    if f.unit:
        co = Task.co_units.through.objects.filter(task_id=OuterRef("pk"), unit_id=f.unit)
        qs = qs.filter(Q(lead_unit_id=f.unit) | Q(Exists(co)))
    if f.light:
        qs = qs.filter(light_filter(f.light, today))
    if f.forecast:
        qs = qs.filter(forecast=f.forecast)
    if f.carried is not None:
        qs = qs.filter(origin__isnull=not f.carried)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(code__icontains=f.q))
    if f.state:
        qs = qs.filter(state_filter(f.state, today))
    if f.portfolio is not None:
        qs = qs.filter(portfolio_q(f.portfolio))
    if f.done_from or f.done_to:
        qs = completed_between(qs, f.done_from, f.done_to)
    return qs
