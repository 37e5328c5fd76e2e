"""The ledger as an owner of duties (see duties.owners): a task's units owe their share of it
("ledger_task"), the units of a quarter owe their confirmation ("ledger_quarter"), and the unit of a
questioned row owes its answer ("ledger_query")."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from luoshi.duties import owners
from luoshi.duties.services import duty_changed

if TYPE_CHECKING:
    from luoshi.duties.models import Duty


def _task_changed(duty: "Duty", reason: str, now: datetime) -> None:
    from luoshi.ledger import rollup

    rollup.refresh([duty.owner_id], now)


def _lock_task(task_id: int) -> None:
    from luoshi.ledger.models import Task

    list(Task.objects.select_for_update().filter(pk=task_id).values_list("pk"))


def _lock_quarter(quarter_id: int) -> None:
    from luoshi.ledger.models import Quarter

    list(Quarter.objects.select_for_update().filter(pk=quarter_id).values_list("pk"))


def _quarter_url(quarter_id: int) -> str:
    return reverse("ledger:confirm", args=[quarter_id])


def _query_url(verdict_id: int) -> str:
    return reverse("ledger:answer", args=[verdict_id])


def _task_url(task_id: int) -> str:
    return reverse("ledger:task", args=[task_id])


def _may_decide_task(person: Any, duty: "Duty") -> bool:
    """The task's responsible leader accepts its completion as the office does (he is the duty's leader)."""
    return duty.leader_id is not None and duty.leader_id == person.pk


TASK = owners.Owner(
    kind="ledger_task",
    model="ledger.Task",
    label=_("ledger task"),
    noun=_("ledger task"),
    url=_task_url,
    may_decide=_may_decide_task,
    on_changed=_task_changed,
    lock=_lock_task,
)
QUARTER = owners.Owner(
    kind="ledger_quarter",
    model="ledger.Quarter",
    label=_("quarter confirmation"),
    noun=_("quarter confirmation"),
    url=_quarter_url,
    lock=_lock_quarter,
)
QUERY = owners.Owner(
    kind="ledger_query",
    model="ledger.AuditVerdict",
    label=_("audit question"),
    noun=_("audit question"),
    url=_query_url,
)


def _list_duty_changed(sender: Any, duty: "Duty", reason: str, now: datetime, **kwargs: Any) -> None:
    """Report once (最多报一次): a unit's report on a linked list is its report on the task too."""
    if duty.owner_kind != "list":
        return
    from luoshi.ledger import rollup
    from luoshi.ledger.models import TaskLink

    task_ids = list(TaskLink.objects.filter(list_id=duty.owner_id).values_list("task_id", flat=True))
    if task_ids:
        rollup.refresh(task_ids, now)


def register() -> None:
    for owner in (TASK, QUARTER, QUERY):
        owners.register(owner)
    duty_changed.connect(_list_duty_changed, dispatch_uid="ledger_list_duty_changed")
