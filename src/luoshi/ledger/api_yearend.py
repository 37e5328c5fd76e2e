"""The ledger's year-end API: the half-year audit of a snapshot and the units' answers, the units'
hand-ins, closing the year with its carry-over, and copying a structure into a new year's ledger.
Thin handlers over ledger.cycle_audit and ledger.cycle_close; a unit sees only its own questions and
hand-in (another unit's are 404)."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from ninja import Query, Router, Schema

from luoshi.errors import InvalidInput, NotFound
from luoshi.ledger import cycle_audit, cycle_close, queries
from luoshi.ledger.api import visible_ledger
from luoshi.ledger.models import AuditVerdict, Handin, Snapshot, Task
from luoshi.org.caller import caller
from luoshi.org.models import Person, Unit
from luoshi.schemas import BlankIsNone, BodyIn, Id, Page, RequiredText, Text, errors

router = Router(tags=["ledger"])

VerdictName = Literal["verified", "questioned"]
VerdictFilter = Literal["unanswered", "questioned", "answered", "verified"]


# ---- schemas ----------------------------------------------------------------------------------


class AuditIn(BodyIn):
    task: Id
    verdict: VerdictName
    note: Text = ""


class AnswerIn(BodyIn):
    answer: RequiredText


class VerdictOut(Schema):
    id: int
    snapshot: int
    task: int
    code: str
    title: str
    verdict: str
    note: str
    decided_at: datetime
    unit: int | None
    answer: str
    answered_at: datetime | None
    duty: int | None = None
    deadline: date | None = None


class HandinIn(BodyIn):
    unit: Id
    summary: RequiredText


class HandinOut(Schema):
    id: int
    ledger: int
    unit: int
    unit_name: str
    summary: str
    rows: list[dict[str, Any]]
    signed_by: str
    signed_at: datetime


class HandinRowOut(Schema):
    unit: int
    unit_name: str
    handed_in: bool
    handin: HandinOut | None


class ClosedOut(Schema):
    carried: int
    next_ledger: int
    snapshot: int | None = None


class CopyIn(BodyIn):
    source: Id


class CopiedOut(Schema):
    ledger: int
    source: int
    copied: int


class TaskRefOut(Schema):
    id: int
    code: str
    title: str
    year: int
    ledger: int
    progress: str
    done: bool


class CarriedOut(Schema):
    task: TaskRefOut
    origin: TaskRefOut


class CarriedQuery(Schema):
    direction: Literal["in", "out"] | None = None


# ---- the half-year audit -------------------------------------------------------------------------


def _snapshot(person: Person, snapshot_id: int) -> Snapshot:
    ledgers = queries.visible_ledgers(person).values("pk")
    snapshot = Snapshot.objects.select_related("ledger").filter(pk=snapshot_id, ledger__in=ledgers).first()
    if snapshot is None:
        raise NotFound("No such snapshot, or not one you may see.")
    return snapshot


def _verdict_out(v: AuditVerdict, duties: dict | None = None) -> dict:
    """`duties`: the questions' live duties by verdict (query_duties_of); read here when not given."""
    duties = cycle_audit.query_duties_of([v]) if duties is None else duties
    duty = duties.get(v.pk)
    return {
        "id": v.pk,
        "snapshot": v.snapshot_id,
        "task": v.task_id,
        "code": v.task.code,
        "title": v.task.title,
        "verdict": v.verdict,
        "note": v.note,
        "decided_at": v.decided_at,
        "unit": v.unit_id,
        "answer": v.answer,
        "answered_at": v.answered_at,
        "duty": duty.pk if duty else None,
        "deadline": duty.deadline if duty else None,
    }


def visible_verdicts(person: Person) -> QuerySet[AuditVerdict]:
    """The office sees every verdict; a unit (and its supervising leader) its own unit's."""
    units = queries.units_of(person)
    qs = AuditVerdict.objects.select_related("task")
    return qs if units is None else qs.filter(unit_id__in=units)


@router.post("/snapshots/{int:snapshot_id}/audit", response={201: VerdictOut, 200: VerdictOut, **errors(403, 404, 409)})
def audit_row(request, snapshot_id: Id, payload: AuditIn):
    """The office's verdict on one row; 201 for a new verdict, 200 for a change or the same verdict again."""
    person = caller(request)
    snapshot = _snapshot(person, snapshot_id)
    task = Task.objects.filter(pk=payload.task).first()
    if task is None:
        raise InvalidInput("No such task.", "task")
    existed = AuditVerdict.objects.filter(snapshot=snapshot, task=task).exists()
    verdict, _changed = cycle_audit.do_audit(person, snapshot, task, payload.verdict, payload.note)
    return (200 if existed else 201), _verdict_out(verdict)


class VerdictQuery(Schema):
    status: Annotated[VerdictFilter | None, BlankIsNone] = None


@router.get("/snapshots/{int:snapshot_id}/audit", response={200: list[VerdictOut], **errors(404)})
def list_verdicts(request, snapshot_id: Id, filters: Query[VerdictQuery]):
    """The snapshot's verdicts, answered or not (a unit: its own questions); `status` narrows them."""
    person = caller(request)
    snapshot = _snapshot(person, snapshot_id)
    qs = cycle_audit.filtered(visible_verdicts(person).filter(snapshot=snapshot), filters.status or "")
    verdicts = list(qs.order_by("task__path"))
    duties = cycle_audit.query_duties_of(verdicts)
    return [_verdict_out(v, duties) for v in verdicts]


@router.post("/audit-questions/{int:verdict_id}/answer", response={200: VerdictOut, **errors(403, 404, 409)})
def answer_question(request, verdict_id: Id, payload: AnswerIn):
    """The unit's answer to a questioned row (its liaison or head); the same answer again changes nothing."""
    person = caller(request)
    verdict = visible_verdicts(person).filter(pk=verdict_id, verdict="questioned").first()
    if verdict is None:
        raise NotFound("No such question, or not one of your unit's.")
    return _verdict_out(cycle_audit.do_answer(person, verdict, payload.answer))


# ---- hand-ins --------------------------------------------------------------------------------


def _handin_out(h: Handin) -> dict:
    return {
        "id": h.pk,
        "ledger": h.ledger_id,
        "unit": h.unit_id,
        "unit_name": h.unit.name,
        "summary": h.summary,
        "rows": h.rows,
        "signed_by": h.signed_by.name or h.signed_by.username,
        "signed_at": h.signed_at,
    }


@router.post("/ledgers/{int:ledger_id}/handins", response={201: HandinOut, **errors(403, 404, 409)})
def hand_in(request, ledger_id: Id, payload: HandinIn):
    """The unit's signed hand-in of its rows, once (a second one is 409)."""
    person = caller(request)
    ledger = visible_ledger(person, ledger_id)
    unit = Unit.objects.filter(pk=payload.unit).first()
    if unit is None:
        raise InvalidInput("No such unit.", "unit")
    handin = cycle_audit.do_handin(person, ledger, unit, payload.summary)
    return 201, _handin_out(Handin.objects.select_related("unit", "signed_by").get(pk=handin.pk))


@router.get("/ledgers/{int:ledger_id}/handins", response={200: list[HandinRowOut], **errors(404)})
def list_handins(request, ledger_id: Id):
    """Who has handed in: every unit with rows (the office), or the caller's own units."""
    person = caller(request)
    ledger = visible_ledger(person, ledger_id)
    units = cycle_audit.handin_units(ledger)
    mine = queries.units_of(person)
    if mine is not None:
        units = [u for u in units if u.pk in mine]
    handins = {
        h.unit_id: h
        for h in Handin.objects.filter(ledger=ledger, unit__in=[u.pk for u in units]).select_related(
            "unit", "signed_by"
        )
    }
    return [
        {
            "unit": u.pk,
            "unit_name": u.name,
            "handed_in": u.pk in handins,
            "handin": _handin_out(handins[u.pk]) if u.pk in handins else None,
        }
        for u in units
    ]


# ---- closing, carrying over, copying ------------------------------------------------------------


@router.post("/ledgers/{int:ledger_id}/close", response={200: ClosedOut, **errors(403, 404, 409)})
def close_ledger(request, ledger_id: Id):
    """Close the year: its unfinished tasks are carried to next year's ledger (made as a draft if missing)."""
    person = caller(request)
    closed = cycle_close.do_close_ledger(person, visible_ledger(person, ledger_id))
    return {"carried": closed.carried, "next_ledger": closed.next_ledger.pk, "snapshot": closed.snapshot.pk}


@router.post("/ledgers/{int:ledger_id}/copy-structure", response={201: CopiedOut, **errors(403, 404, 409)})
def copy_structure(request, ledger_id: Id, payload: CopyIn):
    """Copy another year's programmes and task tree into this ledger being built (once)."""
    person = caller(request)
    ledger = visible_ledger(person, ledger_id)
    source = queries.visible_ledgers(person).filter(pk=payload.source).first()
    if source is None:
        raise InvalidInput("No such ledger.", "source")
    copied = cycle_close.do_copy_structure(person, ledger, source)
    return 201, {"ledger": ledger.pk, "source": source.pk, "copied": copied}


def _ref(t: Task) -> dict:
    return {
        "id": t.pk,
        "code": t.code,
        "title": t.title,
        "year": t.ledger.year,
        "ledger": t.ledger_id,
        "progress": str(t.progress),
        "done": t.done,
    }


@router.get("/ledgers/{int:ledger_id}/carried", response={200: list[CarriedOut], **errors(404)})
def list_carried(request, ledger_id: Id, filters: Query[CarriedQuery], page: Query[Page.Input]):
    """The carry-over list: each task carried into this ledger (direction "in") or out of it ("out"),
    with its origin; a unit sees the carry-over of its own rows."""
    person = caller(request)
    ledger = visible_ledger(person, ledger_id)
    qs = cycle_close.carried_links(person, ledger, filters.direction)
    rows = qs[page.offset : page.offset + page.limit]
    return [{"task": _ref(t), "origin": _ref(t.origin)} for t in rows if t.origin is not None]
