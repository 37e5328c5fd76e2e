"""The reads of 季度对账: a unit's rows and the cycle board (who owes, who confirmed, who is late), the rows
a freeze writes (every task of the ledger as it stands, with who changed it last and why) and the
comparison of any two snapshots row by row. Pure reads: the writes are in ledger.cycle_quarters.

Amounts are strings of Decimals without trailing zeros ("2.58", "7623"), so that a snapshot reads as
its figures were reported and two snapshots compare as text.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.duties import lights, owners
from luoshi.duties.models import LIVE_STATUSES, STEP_RANK, Duty, DutyStatus, Escalation, Report, Step
from luoshi.events.models import Event
from luoshi.ledger.models import (
    Confirmation,
    ConfirmationRow,
    Forecast,
    Indicator,
    Quarter,
    Snapshot,
    SnapshotRow,
    Task,
    TaskLink,
)
from luoshi.org.models import Unit

DONE, OPEN, LATE = "done", "open", "late"
STATUS_LABELS = {DONE: _("Completed"), OPEN: _("In progress"), LATE: _("Late")}
# The events that change a row's structure, with the reason the office gave.
STRUCTURE_EVENTS = ("ledger_task.created", "ledger_task.changed", "ledger_task.linked")
# The fields a comparison reads, in the order it lists them; then each indicator's target and actual.
FIELDS = ("title", "programme", "leader", "units", "deadline", "progress", "status", "forecast")
FIELD_LABELS = {
    "task": _("Row"),
    "title": _("Task"),
    "programme": _("Programme"),
    "leader": _("Responsible leader"),
    "units": _("Units"),
    "deadline": _("Deadline"),
    "progress": _("Progress"),
    "status": _("Status"),
    "forecast": _("Forecast"),
    "target": _("target"),
    "actual": _("actual"),
}
REASON_MAX = 2000


def amount(value: Decimal | None) -> str:
    """A Decimal as plain text without trailing zeros; "" for no value."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def row_status(done: bool, deadline: date, working_due: date | None, working_deadline: date | None, today: date) -> str:
    """done / late (the lateness light is red, or the deadline passed) / open."""
    if done:
        return DONE
    if deadline < today:
        return LATE
    if working_due is None and working_deadline is None:
        return OPEN
    light = lights.light(today, working_due, working_deadline, lights.thresholds("ledger_task"))
    return LATE if light == lights.RED else OPEN


def _person(name: str | None, username: str | None) -> str:
    return name or username or ""


def last_changes(ledger_id: int, quarter_id: int | None, since: datetime | None) -> dict[int, tuple[str, str]]:
    """Per task, who changed it last since `since` and why: a confirmation's correction (its reason), a
    unit's report (what it said was done) or a structure event (the office's reason). Four queries."""
    tasks = Task.objects.filter(ledger_id=ledger_id).values("pk")
    found: dict[int, tuple[datetime, int, str, str]] = {}

    def seen(task_id: int, at: datetime, rank: int, by: str, reason: str) -> None:
        # Later wins; at the same moment a correction beats the report it was filed as.
        if task_id not in found or (at, rank) >= found[task_id][:2]:
            found[task_id] = (at, rank, by, reason[:REASON_MAX])

    after = {"filed_at__gt": since} if since else {}
    reports = Report.objects.filter(
        duty__owner_type_id=owners.content_type_id("ledger_task"), duty__owner_id__in=tasks, **after
    )
    for task_id, at, name, username, done in reports.values_list(
        "duty__owner_id", "filed_at", "author__name", "author__username", "done"
    ):
        seen(task_id, at, 0, _person(name, username), done)
    tasks_of: dict[int, list[int]] = defaultdict(list)
    for list_id, task_id in TaskLink.objects.filter(task__ledger_id=ledger_id).values_list("list_id", "task_id"):
        tasks_of[list_id].append(task_id)
    if tasks_of:
        through = Report.objects.filter(
            duty__owner_type_id=owners.content_type_id("list"), duty__owner_id__in=list(tasks_of), **after
        )
        for list_id, at, name, username, done in through.values_list(
            "duty__owner_id", "filed_at", "author__name", "author__username", "done"
        ):
            for task_id in tasks_of[list_id]:
                seen(task_id, at, 0, _person(name, username), done)
    events = Event.objects.filter(subject_type="ledger_task", kind__in=STRUCTURE_EVENTS, subject_id__in=tasks)
    if since:
        events = events.filter(at__gt=since)
    for task_id, at, name, username, note in events.values_list(
        "subject_id", "at", "actor__name", "actor__username", "note"
    ):
        seen(task_id, at, 0, _person(name, username), note)
    if quarter_id is not None:
        corrections = ConfirmationRow.objects.filter(confirmation__quarter_id=quarter_id, confirmed=False)
        for task_id, at, name, username, reason in corrections.values_list(
            "task_id",
            "confirmation__confirmed_at",
            "confirmation__confirmed_by__name",
            "confirmation__confirmed_by__username",
            "reason",
        ):
            seen(task_id, at, 1, _person(name, username), reason)
    return {task_id: (by, reason) for task_id, (_at, _rank, by, reason) in found.items()}


def build_rows(ledger_id: int, quarter_id: int | None, since: datetime | None, today: date) -> list[SnapshotRow]:
    """Every task of the ledger as it stands, unsaved (the caller sets the snapshot and bulk-creates
    them). Seven queries for any number of tasks."""
    co: dict[int, list[str]] = defaultdict(list)
    through = Task.co_units.through.objects.filter(task__ledger_id=ledger_id).order_by("task_id", "unit_id")
    for task_id, name in through.values_list("task_id", "unit__name"):
        co[task_id].append(name)
    indicators: dict[int, list[dict[str, str]]] = defaultdict(list)
    for task_id, name, measure, target, actual in (
        Indicator.objects.filter(task__ledger_id=ledger_id)
        .order_by("task_id", "position", "id")
        .values_list("task_id", "name", "measure", "target", "actual")
    ):
        indicators[task_id].append(
            {"name": name, "measure": measure, "target": amount(target), "actual": amount(actual)}
        )
    changed = last_changes(ledger_id, quarter_id, since)
    rows = []
    for t in (
        Task.objects.filter(ledger_id=ledger_id)
        .order_by("path")
        .values(
            "pk",
            "code",
            "parent__code",
            "programme__name",
            "title",
            "leader__name",
            "leader__username",
            "lead_unit_id",
            "lead_unit__name",
            "deadline",
            "progress",
            "done",
            "working_due",
            "working_deadline",
            "forecast",
        )
        .iterator(chunk_size=2000)
    ):
        by, reason = changed.get(t["pk"], ("", ""))
        units = ([t["lead_unit__name"]] if t["lead_unit__name"] else []) + co.get(t["pk"], [])
        rows.append(
            SnapshotRow(
                task_id=t["pk"],
                code=t["code"],
                parent_code=t["parent__code"] or "",
                programme=t["programme__name"],
                title=t["title"],
                leader=_person(t["leader__name"], t["leader__username"])[:150],
                lead_unit_id=t["lead_unit_id"],
                units="、".join(units)[:500],
                deadline=t["deadline"],
                progress=t["progress"],
                status=row_status(t["done"], t["deadline"], t["working_due"], t["working_deadline"], today),
                forecast=t["forecast"],
                indicators=indicators.get(t["pk"], []),
                changed_by=by[:150],
                reason=reason,
            )
        )
    return rows


ROW_VALUES = ("task_id", "code", "title", "changed_by", "reason", "indicators", *FIELDS)


def _values(row: dict[str, Any]) -> dict[str, str]:
    """A row's comparable fields as text; an indicator's as "indicators.<name>.target" and ".actual"."""
    out = {f: str(row[f]) if row[f] is not None else "" for f in FIELDS}
    out["deadline"] = row["deadline"].isoformat()
    out["progress"] = amount(row["progress"])
    for ind in row["indicators"] or []:
        out[f"indicators.{ind['name']}.target"] = ind.get("target", "")
        out[f"indicators.{ind['name']}.actual"] = ind.get("actual", "")
    return out


def _rows(snapshot: Snapshot, tasks: QuerySet | None) -> dict[int, dict[str, Any]]:
    qs = SnapshotRow.objects.filter(snapshot=snapshot)
    if tasks is not None:
        qs = qs.filter(task_id__in=tasks)
    return {r["task_id"]: r for r in qs.values(*ROW_VALUES).iterator(chunk_size=2000)}


def _order(keys: Iterable[str]) -> list[str]:
    """The fields in FIELDS' order, then the indicators' in the order of their names."""
    rank = {f: i for i, f in enumerate(FIELDS)}
    return sorted(keys, key=lambda k: (rank.get(k, len(rank)), k))


def compare(a: Snapshot, b: Snapshot, tasks: QuerySet | None = None) -> list[dict[str, Any]]:
    """What changed from snapshot `a` to `b`, row by row: {task, code, title, field, before, after, by,
    reason} for each field that differs, by whom and why as `b` recorded it; a task in one only is a
    row added or removed (field "task"). `tasks` narrows it to the rows a person may see. Two queries."""
    before, after = _rows(a, tasks), _rows(b, tasks)
    out: list[dict[str, Any]] = []
    ids = sorted(set(before) | set(after), key=lambda t: ((after.get(t) or before[t])["code"], t))
    for task_id in ids:
        old, new = before.get(task_id), after.get(task_id)
        row = new or old
        assert row is not None
        head = {"task": task_id, "code": row["code"], "title": row["title"]}
        if old is None or new is None:
            by, reason = (new["changed_by"], new["reason"]) if new else ("", "")
            out.append(
                {
                    **head,
                    "field": "task",
                    "before": old["title"] if old else None,
                    "after": new["title"] if new else None,
                    "by": by,
                    "reason": reason,
                }
            )
            continue
        was, now = _values(old), _values(new)
        for key in _order(set(was) | set(now)):
            if was.get(key) != now.get(key):
                out.append(
                    {
                        **head,
                        "field": key,
                        "before": was.get(key),
                        "after": now.get(key),
                        "by": new["changed_by"],
                        "reason": new["reason"],
                    }
                )
    return out


def field_label(key: str) -> str:
    """ "progress" → 进度, "indicators.年度完成投资.actual" → 年度完成投资 · 实际."""
    if key.startswith("indicators."):
        name, _sep, part = key[len("indicators.") :].rpartition(".")
        return f"{name} · {FIELD_LABELS.get(part, part)}"
    return str(FIELD_LABELS.get(key, key))


def shown(key: str, value: str | None) -> str:
    """A compared value for people: a status by its label."""
    if value is None:
        return ""
    if key == "status":
        return str(STATUS_LABELS.get(value, value))
    if key == "forecast" and value in Forecast.values:
        return str(Forecast(value).label)
    return value


# A unit's rows and the cycle board


def quarter_type_id() -> int:
    return owners.content_type_id("ledger_quarter")


@dataclass(frozen=True)
class RowDuty:
    """The duty a unit reports a row on (the task's own, or a linked list's)."""

    duty_id: int
    status: str
    progress: int


def row_duties(ledger_id: int, unit_ids: Sequence[int] | None = None) -> dict[int, dict[int, RowDuty]]:
    """Per unit, its rows: task id → the duty it reports the task on. Published, not withdrawn duties
    (an accepted row is still the unit's to confirm). Three queries for any number of units and tasks."""
    live = Duty.objects.exclude(status__in=(DutyStatus.PENDING, DutyStatus.WITHDRAWN))
    if unit_ids is not None:
        live = live.filter(unit_id__in=list(unit_ids))
    found: dict[int, dict[int, RowDuty]] = defaultdict(dict)
    tasks = Task.objects.filter(ledger_id=ledger_id).values("pk")
    own = live.filter(owner_type_id=owners.content_type_id("ledger_task"), owner_id__in=tasks)
    for unit_id, task_id, pk, status, progress in own.values_list("unit_id", "owner_id", "pk", "status", "progress"):
        found[unit_id][task_id] = RowDuty(pk, status, progress)
    tasks_of: dict[int, list[int]] = defaultdict(list)
    for list_id, task_id in TaskLink.objects.filter(task__ledger_id=ledger_id).values_list("list_id", "task_id"):
        tasks_of[list_id].append(task_id)
    if tasks_of:
        through = live.filter(owner_type_id=owners.content_type_id("list"), owner_id__in=list(tasks_of))
        for unit_id, list_id, pk, status, progress in through.values_list(
            "unit_id", "owner_id", "pk", "status", "progress"
        ):
            for task_id in tasks_of[list_id]:
                found[unit_id].setdefault(task_id, RowDuty(pk, status, progress))
    return dict(found)


def unit_rows(quarter: Quarter, unit_id: int) -> list[tuple[Task, RowDuty]]:
    """A unit's rows for the confirmation page and API, in the ledger's order, with their indicators
    (five queries)."""
    owed = row_duties(quarter.ledger_id, [unit_id]).get(unit_id, {})
    tasks = (
        Task.objects.filter(pk__in=list(owed))
        .select_related("programme")
        .prefetch_related("indicators")
        .order_by("path")
    )
    return [(t, owed[t.pk]) for t in tasks]


def owes(quarter: Quarter, unit_id: int | None) -> bool:
    """Whether the unit was asked to confirm this quarter (whatever became of it since)."""
    return unit_id is not None and (
        Duty.objects.filter(owner_type_id=quarter_type_id(), owner_id=quarter.pk, unit_id=unit_id).exists()
    )


def missing_units(quarter: Quarter) -> list[Unit]:
    """The units that still owe their confirmation."""
    ids = Duty.objects.filter(owner_type_id=quarter_type_id(), owner_id=quarter.pk, status__in=LIVE_STATUSES)
    return list(Unit.objects.filter(pk__in=ids.values("unit_id")).order_by("name", "pk"))


@dataclass
class BoardRow:
    """One unit's line on the cycle board."""

    unit_id: int
    unit_name: str
    duty_id: int
    status: str
    rows: int
    confirmed_at: datetime | None
    confirmed_by: str
    corrected: int
    late: bool
    step: str

    @property
    def step_label(self) -> str:
        return str(Step(self.step).label) if self.step else ""


def board(quarter: Quarter, today: date, unit_ids: Sequence[int] | None = None) -> list[BoardRow]:
    """Who owes a confirmation, who has confirmed (when, by whom, how many rows corrected), who is late
    and the ladder's highest step on each. Six queries, whatever the number of units and rows."""
    duties = Duty.objects.filter(owner_type_id=quarter_type_id(), owner_id=quarter.pk).select_related("unit")
    if unit_ids is not None:
        duties = duties.filter(unit_id__in=list(unit_ids))
    by_unit: dict[int, Duty] = {}
    for d in duties.order_by("pk"):
        if d.unit_id not in by_unit or d.status != DutyStatus.WITHDRAWN:
            by_unit[d.unit_id] = d
    confirmations = {
        c.unit_id: c
        for c in Confirmation.objects.filter(quarter=quarter, unit_id__in=list(by_unit))
        .select_related("confirmed_by")
        .annotate(n=Count("rows"))
    }
    corrected = dict(
        ConfirmationRow.objects.filter(confirmation__quarter=quarter, confirmed=False)
        .values("confirmation__unit_id")
        .annotate(n=Count("pk"))
        .values_list("confirmation__unit_id", "n")
    )
    rows = row_duties(quarter.ledger_id, list(by_unit))
    steps: dict[int, str] = {}
    for duty_id, step in Escalation.objects.filter(duty_id__in=[d.pk for d in by_unit.values()]).values_list(
        "duty_id", "step"
    ):
        if STEP_RANK.get(step, 0) > STEP_RANK.get(steps.get(duty_id, ""), 0):
            steps[duty_id] = step
    ended = timezone.localdate(quarter.frozen_at) if quarter.frozen_at else today
    out = []
    for unit_id, d in by_unit.items():
        c = confirmations.get(unit_id)
        count = c.n if c is not None else len(rows.get(unit_id, {}))
        done_on = timezone.localdate(c.confirmed_at) if c is not None else ended
        out.append(
            BoardRow(
                unit_id=unit_id,
                unit_name=d.unit.name,
                duty_id=d.pk,
                status=d.status,
                rows=count,
                confirmed_at=c.confirmed_at if c else None,
                confirmed_by=str(c.confirmed_by) if c else "",
                corrected=corrected.get(unit_id, 0),
                late=done_on > d.deadline,
                step=steps.get(d.pk, ""),
            )
        )
    out.sort(key=lambda r: (r.confirmed_at is not None, not r.late, r.unit_name, r.unit_id))
    return out
