"""What the units hand back to the office: 半年查账, the office's verdict on each row of a snapshot
(normally the half-year one) and the unit's answer to a questioned row; 年底交账, each unit's signed
hand-in of its rows.

A questioned row is a duty of the row's lead unit (owner kind "ledger_query", the verdict its owner),
due 10 working days after the verdict, so the ladder urges a late answer like any other work. The
unit's answer completes that duty. Every verdict, change and answer is an event on the verdict's
timeline ("ledger_query", verdict id), where the duty's own events are too.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.duties import changes, handoffs, owners
from luoshi.duties.completion import complete_by_owner
from luoshi.duties.models import Duty, DutyStatus, HandlingRole
from luoshi.duties.services import (
    require_office,
    resolve_now,
)
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.services import record
from luoshi.ledger.models import AuditVerdict, Handin, Ledger, LedgerStatus, Snapshot, SnapshotRow, Task
from luoshi.ledger.models_cycle import Verdict
from luoshi.org import access
from luoshi.org.models import Person, Unit
from luoshi.workdays import calendar

SUBJECT = "ledger_query"
ANSWER_WORKDAYS = 10  # a questioned row is answered within ten working days of the verdict


def query_type_id() -> int:
    return owners.content_type_id(SUBJECT)


def verdict_state(v: AuditVerdict) -> dict:
    return {
        "snapshot": v.snapshot_id,
        "task": v.task_id,
        "verdict": v.verdict,
        "note": v.note,
        "unit": v.unit_id,
    }


def query_duty(verdict: AuditVerdict) -> Duty | None:
    """The live (not withdrawn) duty of a questioned row."""
    return changes.live_duty(query_type_id(), verdict.pk, verdict.unit_id) if verdict.unit_id else None


def query_duties_of(verdicts: list[AuditVerdict]) -> dict[int, Duty]:
    """The live duties of these verdicts' questions, by verdict: one query."""
    ids = [v.pk for v in verdicts if v.verdict == Verdict.QUESTIONED]
    if not ids:
        return {}
    duties = Duty.objects.filter(owner_type_id=query_type_id(), owner_id__in=ids).exclude(status=DutyStatus.WITHDRAWN)
    return {d.owner_id: d for d in duties}


FILTERS = ("unaudited", "verified", "questioned", "unanswered", "answered")


def filtered(qs: QuerySet[AuditVerdict], show: str) -> QuerySet[AuditVerdict]:
    """Verdicts by state: verified, questioned (all), unanswered questions, answered ones."""
    if show == "verified":
        return qs.filter(verdict=Verdict.VERIFIED)
    if show == "questioned":
        return qs.filter(verdict=Verdict.QUESTIONED)
    if show == "unanswered":
        return qs.filter(verdict=Verdict.QUESTIONED, answered_at__isnull=True)
    if show == "answered":
        return qs.filter(answered_at__isnull=False)
    return qs


def _start_query(actor: Person, verdict: AuditVerdict, task: Task, now: datetime) -> Duty:
    assert verdict.unit_id is not None  # _check refuses to question a row without a lead unit
    due = calendar.load().add_workdays(timezone.localdate(now), ANSWER_WORKDAYS)
    duty = Duty(
        owner_type_id=query_type_id(),
        owner_id=verdict.pk,
        unit_id=verdict.unit_id,
        role=HandlingRole.LEAD,
        leader_id=task.leader_id,
        title=task.title[:200],
        code=task.code[:30],
        deadline=due,
    )
    duty = changes.start(actor, duty, now, note=verdict.note, cause="audit.questioned")
    handoffs.assigned([duty], now)
    return duty


def _end_query(actor: Person, verdict: AuditVerdict, now: datetime, cause: str) -> None:
    duty = query_duty(verdict)
    if duty is not None and duty.status != DutyStatus.COMPLETED:
        changes.withdraw(actor, duty, now, cause=cause)


@dataclass
class _Checked:
    verdict: str
    note: str
    row: SnapshotRow


def _check(snapshot: Snapshot, task: Task, verdict: str, note: str) -> _Checked:
    if verdict not in Verdict.values:
        raise InvalidInput(_("A verdict is “verified” or “questioned”."), "verdict")
    note = note.strip()
    if verdict == Verdict.QUESTIONED and not note:
        raise InvalidInput(_("Say what is questioned: a note is required."), "note")
    row = SnapshotRow.objects.filter(snapshot=snapshot, task=task).first()
    if row is None:
        raise InvalidInput(_("This task is not a row of the snapshot."), "task")
    if verdict == Verdict.QUESTIONED and (row.lead_unit_id or task.lead_unit_id) is None:
        raise InvalidInput(_("This row has no lead unit to answer: question its sub-tasks."), "task")
    return _Checked(verdict, note, row)


def do_audit(
    actor: Person, snapshot: Snapshot, task: Task, verdict: str, note: str = "", now: datetime | None = None
) -> tuple[AuditVerdict, bool]:
    """The office's verdict on one row: (verdict, changed). One verdict per row; a second one changes it
    only while the row is unanswered (an answered question stands). The same verdict again changes
    nothing (a double submission)."""
    require_office(actor)
    now = resolve_now(now)
    checked = _check(snapshot, task, verdict, note)
    if Ledger.objects.filter(pk=snapshot.ledger_id, status=LedgerStatus.CLOSED).exists():
        raise Conflict(_("This ledger is closed: its audit has ended."))
    unit_id = checked.row.lead_unit_id or task.lead_unit_id
    try:
        with transaction.atomic():
            existing = AuditVerdict.objects.select_for_update().filter(snapshot=snapshot, task=task).first()
            if existing is None:
                return _first(actor, snapshot, task, checked, unit_id, now), True
            return _change(actor, existing, task, checked, unit_id, now)
    except IntegrityError:
        # Two first verdicts raced: the other one is stored; this one is a change of it, if any.
        with transaction.atomic():
            existing = AuditVerdict.objects.select_for_update().get(snapshot=snapshot, task=task)
            return _change(actor, existing, task, checked, unit_id, now)


def _first(
    actor: Person, snapshot: Snapshot, task: Task, c: _Checked, unit_id: int | None, now: datetime
) -> AuditVerdict:
    with transaction.atomic():
        v = AuditVerdict.objects.create(
            snapshot=snapshot,
            task=task,
            verdict=c.verdict,
            note=c.note,
            decided_by=actor,
            decided_at=now,
            unit_id=unit_id,
        )
    record(actor, f"audit.{c.verdict}", SUBJECT, v.pk, unit_id=unit_id, after=verdict_state(v), note=c.note, at=now)
    if c.verdict == Verdict.QUESTIONED:
        _start_query(actor, v, task, now)
    return v


def _change(
    actor: Person, v: AuditVerdict, task: Task, c: _Checked, unit_id: int | None, now: datetime
) -> tuple[AuditVerdict, bool]:
    if v.verdict == c.verdict and v.note == c.note:
        return v, False
    if v.answered_at is not None:
        raise Conflict(_("This row's question is answered already: its verdict stands."), "verdict")
    before = verdict_state(v)
    was_questioned = v.verdict == Verdict.QUESTIONED
    v.verdict, v.note, v.decided_by, v.decided_at = c.verdict, c.note, actor, now
    if c.verdict == Verdict.QUESTIONED and not was_questioned:
        v.unit_id = unit_id
    v.save(update_fields=["verdict", "note", "decided_by", "decided_at", "unit"])
    record(
        actor,
        "audit.changed",
        SUBJECT,
        v.pk,
        unit_id=v.unit_id,
        before=before,
        after=verdict_state(v),
        note=c.note,
        at=now,
    )
    if was_questioned and c.verdict == Verdict.VERIFIED:
        _end_query(actor, v, now, "audit.verified")
    elif c.verdict == Verdict.QUESTIONED and not was_questioned:
        _start_query(actor, v, task, now)
    return v, True


def may_answer(actor: Person, verdict: AuditVerdict) -> bool:
    return verdict.unit_id is not None and access.can_report_for(actor, verdict.unit_id)


def do_answer(actor: Person, verdict: AuditVerdict, answer: str, now: datetime | None = None) -> AuditVerdict:
    """The lead unit's answer to a questioned row (by its liaison or head): stored once, it completes the
    unit's duty and the office sees the row answered. The same answer again changes nothing."""
    if not may_answer(actor, verdict):
        raise NotAllowed(_("Only the unit's own liaison or head may answer for it."))
    answer = answer.strip()
    if not answer:
        raise InvalidInput(_("Give the unit's answer."), "answer")
    now = resolve_now(now)
    with transaction.atomic():
        v = AuditVerdict.objects.select_for_update().get(pk=verdict.pk)
        if v.verdict != Verdict.QUESTIONED:
            raise Conflict(_("Only a questioned row is answered."))
        if v.answered_at is not None:
            if v.answer == answer:
                return v
            raise Conflict(_("This question is answered already."), "answer")
        v.answer, v.answered_by, v.answered_at = answer, actor, now
        v.save(update_fields=["answer", "answered_by", "answered_at"])
        record(
            actor,
            "audit.answered",
            SUBJECT,
            v.pk,
            unit_id=v.unit_id,
            before={"answer": ""},
            after={"answer": answer, "task": v.task_id},
            at=now,
        )
        duty = query_duty(v)
        if duty is not None and duty.status != DutyStatus.COMPLETED:
            complete_by_owner(actor, duty, now, cause="audit.answered")
    return v


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
            owner_type_id=owners.content_type_id("ledger_task"), owner_id__in=[t.pk for t in tasks], unit_id=unit_id
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
