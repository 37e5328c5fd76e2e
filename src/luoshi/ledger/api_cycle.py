"""The ledger cycle's API, quarters and snapshots (季度对账): start a quarter, its board, a unit's rows and
confirmation, the freeze; the snapshots of a ledger, their rows and the comparison of two.

`{q}` in the quarter paths is the quarter's number in its ledger (1–4). A unit's people see and confirm
their own unit's rows only (another unit's are 404); the office starts and freezes; leaders read.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Header, Query, Router, Schema

from luoshi.errors import NotAllowed, NotFound
from luoshi.ledger import cycle_quarters, queries, snapshots
from luoshi.ledger.models import Confirmation, Ledger, Quarter, Snapshot, SnapshotRow
from luoshi.ledger.services import MAX_AMOUNT
from luoshi.org import access
from luoshi.org.caller import caller
from luoshi.org.models import Person, Role, Unit
from luoshi.schemas import ONE_LINE, BodyIn, Day, Id, Page, Progress, Text, errors

router = Router(tags=["ledger"])

Amount = Annotated[Decimal, Field(gt=-MAX_AMOUNT, lt=MAX_AMOUNT, max_digits=18, decimal_places=4)]
QuarterNumber = Annotated[int, Field(ge=1, le=4)]
MAX_ROWS = 5000


class QuarterIn(BodyIn):
    number: QuarterNumber
    due: Day


class BoardUnitOut(Schema):
    unit: int
    unit_name: str
    status: str
    rows: int
    confirmed_at: datetime | None
    confirmed_by: str
    corrected: int
    late: bool
    step: str = Field(description="The ladder's highest step on the unit's confirmation, if urged.")


class QuarterSummaryOut(Schema):
    id: int
    ledger: int
    number: int
    label: str
    due: date
    started_at: datetime
    frozen_at: datetime | None
    snapshot: int | None


class QuarterOut(QuarterSummaryOut):
    owed: int
    confirmed: int
    late: int
    units: list[BoardUnitOut]


class IndicatorRowOut(Schema):
    id: int
    name: str
    measure: str
    target: str
    actual: str


class QuarterRowOut(Schema):
    task: int
    code: str
    title: str
    programme: str
    deadline: date
    progress: str = Field(description="The task's progress, rolled up.")
    unit_progress: int = Field(description="The unit's own progress on it, as last reported.")
    status: str
    indicators: list[IndicatorRowOut]


class IndicatorActualIn(BodyIn):
    indicator: Id
    actual: Amount


class CorrectionIn(BodyIn):
    progress: Progress | None = None
    indicators: list[IndicatorActualIn] = Field([], max_length=50)


class RowIn(BodyIn):
    task: Id
    confirmed: bool = False
    correction: CorrectionIn | None = None
    reason: Text = ""


class ConfirmationIn(BodyIn):
    unit: Id
    rows: list[RowIn] = Field(max_length=MAX_ROWS)


class ConfirmationRowOut(Schema):
    task: int
    confirmed: bool
    correction: dict
    reason: str
    report: int | None


class ConfirmationOut(Schema):
    id: int
    quarter: int
    unit: int
    confirmed_at: datetime
    confirmed_by: str
    rows: list[ConfirmationRowOut]


class FreezeIn(BodyIn):
    cut_off: bool = False


class FreezeOut(Schema):
    snapshot: int
    label: str
    complete: bool
    rows: int


class SnapshotOut(Schema):
    id: int
    ledger: int
    kind: str
    label: str
    quarter: int | None
    frozen_at: datetime
    frozen_by: str
    complete: bool
    rows: int


class SnapshotRowOut(Schema):
    task: int
    code: str
    parent_code: str
    programme: str
    title: str
    leader: str
    units: str
    deadline: date
    progress: str
    status: str
    forecast: str
    indicators: list[dict]
    changed_by: str
    reason: str


class PagedSnapshotRowsOut(Schema):
    items: list[SnapshotRowOut]
    count: int


class CompareQuery(Schema):
    a: Id
    b: Id


class CompareRowOut(Schema):
    task: int
    code: str
    title: str
    field: str
    before: str | None
    after: str | None
    by: str
    reason: str


class CompareOut(Schema):
    a: int
    b: int
    rows: list[CompareRowOut]


IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    max_length=64,
    description="Repeating a confirmation with the same key returns the first; it is stored once.",
)


def _ledger(request: HttpRequest, ledger_id: int) -> Ledger:
    ledger = queries.visible_ledgers(caller(request)).filter(pk=ledger_id).first()
    if ledger is None:
        raise NotFound("No such ledger, or not one you may see.")
    return ledger


def sees_every_unit(person: Person) -> bool:
    """The office and the city's leaders read the whole board; a unit's people their own line."""
    return person.is_office or person.has_role(Role.LEADER)


def _quarter(request: HttpRequest, ledger_id: int, number: int) -> Quarter:
    ledger = _ledger(request, ledger_id)
    quarter = Quarter.objects.filter(ledger=ledger, number=number).select_related("ledger").first()
    person = caller(request)
    if quarter is None or not (sees_every_unit(person) or cycle_quarters.owes(quarter, person.unit_id)):
        raise NotFound("No such quarter, or not one you may see.")
    return quarter


def _summary(q: Quarter) -> dict:
    return {
        "id": q.pk,
        "ledger": q.ledger_id,
        "number": q.number,
        "label": cycle_quarters.quarter_label(q.ledger.year, q.number),
        "due": q.due,
        "started_at": q.started_at,
        "frozen_at": q.frozen_at,
        "snapshot": q.snapshot_id,
    }


def _board(request: HttpRequest, q: Quarter) -> dict:
    person = caller(request)
    scope = None if sees_every_unit(person) else [person.unit_id or 0]
    rows = cycle_quarters.board(q, timezone.localdate(), scope)
    units = [{"unit": r.unit_id, **{k: v for k, v in vars(r).items() if k not in ("unit_id", "duty_id")}} for r in rows]
    return {
        **_summary(q),
        "owed": len(rows),
        "confirmed": sum(1 for r in rows if r.confirmed_at),
        "late": sum(1 for r in rows if r.late),
        "units": units,
    }


@router.post("/ledgers/{int:ledger_id}/quarters", response={201: QuarterOut, **errors(403, 404, 409)})
def start_quarter(request, ledger_id: Id, payload: QuarterIn):
    """Start a quarter's reconciliation: every unit with live work on the ledger owes its confirmation by `due`."""
    q = cycle_quarters.do_start_quarter(caller(request), _ledger(request, ledger_id), payload.number, payload.due)
    return 201, _board(request, Quarter.objects.select_related("ledger").get(pk=q.pk))


@router.get("/ledgers/{int:ledger_id}/quarters", response={200: list[QuarterSummaryOut], **errors(404)})
def list_quarters(request, ledger_id: Id):
    ledger = _ledger(request, ledger_id)
    return [_summary(q) for q in Quarter.objects.filter(ledger=ledger).select_related("ledger")]


@router.get("/ledgers/{int:ledger_id}/quarters/{int:q}", response={200: QuarterOut, **errors(404)})
def get_quarter(request, ledger_id: Id, q: QuarterNumber):
    """The cycle board: who owes, who has confirmed, who is late (a unit's people: their own line)."""
    return _board(request, _quarter(request, ledger_id, q))


def _unit_for(request: HttpRequest, unit_id: int) -> Unit:
    """The unit a person confirms for: their own (another unit's rows are 404; the office and leaders
    read them but do not confirm)."""
    person = caller(request)
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not (access.can_report_for(person, unit_id) or sees_every_unit(person)):
        raise NotFound("No such unit, or not yours.")
    return unit


class UnitQuery(Schema):
    unit: Id


@router.get("/ledgers/{int:ledger_id}/quarters/{int:q}/rows", response={200: list[QuarterRowOut], **errors(404)})
def quarter_rows(request, ledger_id: Id, q: QuarterNumber, filters: Query[UnitQuery]):
    """A unit's rows to confirm, with their figures."""
    quarter = _quarter(request, ledger_id, q)
    unit = _unit_for(request, filters.unit)
    today = timezone.localdate()
    return [
        {
            "task": t.pk,
            "code": t.code,
            "title": t.title,
            "programme": t.programme.name,
            "deadline": t.deadline,
            "progress": snapshots.amount(t.progress),
            "unit_progress": duty.progress,
            "status": snapshots.row_status(t.done, t.deadline, t.working_due, t.working_deadline, today),
            "indicators": [
                {
                    "id": i.pk,
                    "name": i.name,
                    "measure": i.measure,
                    "target": snapshots.amount(i.target),
                    "actual": snapshots.amount(i.actual),
                }
                for i in t.indicators.all()
            ],
        }
        for t, duty in cycle_quarters.unit_rows(quarter, unit.pk)
    ]


def _confirmation_out(c: Confirmation) -> dict:
    return {
        "id": c.pk,
        "quarter": c.quarter_id,
        "unit": c.unit_id,
        "confirmed_at": c.confirmed_at,
        "confirmed_by": str(c.confirmed_by),
        "rows": [
            {
                "task": r.task_id,
                "confirmed": r.confirmed,
                "correction": r.correction,
                "reason": r.reason,
                "report": r.report_id,
            }
            for r in c.rows.order_by("pk")
        ],
    }


@router.post(
    "/ledgers/{int:ledger_id}/quarters/{int:q}/confirmations",
    response={201: ConfirmationOut, 200: ConfirmationOut, **errors(403, 404, 409)},
)
def confirm_quarter(
    request,
    ledger_id: Id,
    q: QuarterNumber,
    payload: ConfirmationIn,
    idempotency_key: Annotated[str | None, ONE_LINE] = IDEMPOTENCY_KEY,
):
    """A unit confirms every one of its rows (`confirmed: true`) or corrects it (`correction` with a
    `reason`); sent once. 200 with the first answer for a repeated Idempotency-Key."""
    quarter = _quarter(request, ledger_id, q)
    unit = _unit_for(request, payload.unit)
    if not access.can_report_for(caller(request), unit.pk):
        raise NotAllowed("Only the unit's own liaison or head may confirm its rows.")
    rows = [
        cycle_quarters.RowInput(
            task_id=r.task,
            confirmed=r.confirmed,
            progress=r.correction.progress if r.correction else None,
            indicators=[(i.indicator, i.actual) for i in r.correction.indicators] if r.correction else (),
            reason=r.reason,
        )
        for r in payload.rows
    ]
    confirmation, created = cycle_quarters.do_confirm_quarter(
        caller(request), quarter, unit, rows, submission_key=idempotency_key or None
    )
    confirmation = Confirmation.objects.select_related("confirmed_by").get(pk=confirmation.pk)
    return (201 if created else 200), _confirmation_out(confirmation)


@router.post("/ledgers/{int:ledger_id}/quarters/{int:q}/freeze", response={200: FreezeOut, **errors(403, 404, 409)})
def freeze_quarter(request, ledger_id: Id, q: QuarterNumber, payload: FreezeIn):
    """Freeze the quarter as a snapshot: when every unit has confirmed, or with `cut_off` (marked incomplete)."""
    snapshot = cycle_quarters.do_freeze_quarter(
        caller(request), _quarter(request, ledger_id, q), cut_off=payload.cut_off
    )
    return {
        "snapshot": snapshot.pk,
        "label": snapshot.label,
        "complete": snapshot.complete,
        "rows": snapshot.rows_count,
    }


def _snapshot_out(s: Snapshot) -> dict:
    return {
        "id": s.pk,
        "ledger": s.ledger_id,
        "kind": s.kind,
        "label": s.label,
        "quarter": s.quarter_number,
        "frozen_at": s.frozen_at,
        "frozen_by": str(s.frozen_by),
        "complete": s.complete,
        "rows": s.rows_count,
    }


@router.get("/ledgers/{int:ledger_id}/snapshots", response={200: list[SnapshotOut], **errors(404)})
def list_snapshots(request, ledger_id: Id):
    ledger = _ledger(request, ledger_id)
    return [_snapshot_out(s) for s in Snapshot.objects.filter(ledger=ledger).select_related("frozen_by")]


def visible_snapshot(person: Person, snapshot_id: int) -> Snapshot | None:
    ledgers = queries.visible_ledgers(person).values("pk")
    return Snapshot.objects.filter(pk=snapshot_id, ledger_id__in=ledgers).select_related("frozen_by").first()


def rows_scope(person: Person):  # -> QuerySet of task ids, or None for every row
    q = queries.visible_tasks_q(person)
    return None if q is None else queries.visible_tasks(person).values("pk")


@router.get("/snapshots/compare", response={200: CompareOut, **errors(404)})
def compare_snapshots(request, filters: Query[CompareQuery]):
    """What changed from snapshot `a` to `b`, row by row, by whom and why (the rows you may see)."""
    person = caller(request)
    a, b = visible_snapshot(person, filters.a), visible_snapshot(person, filters.b)
    if a is None or b is None:
        raise NotFound("No such snapshot, or not one you may see.")
    return {"a": a.pk, "b": b.pk, "rows": snapshots.compare(a, b, rows_scope(person))}


@router.get("/snapshots/{int:snapshot_id}/rows", response={200: PagedSnapshotRowsOut, **errors(404)})
def snapshot_rows(request, snapshot_id: Id, params: Query[Page.Input]):
    """A snapshot's rows as they were frozen (the rows you may see), in the ledger's order."""
    person = caller(request)
    snapshot = visible_snapshot(person, snapshot_id)
    if snapshot is None:
        raise NotFound("No such snapshot, or not one you may see.")
    qs = SnapshotRow.objects.filter(snapshot=snapshot)
    if (scope := rows_scope(person)) is not None:
        qs = qs.filter(task_id__in=scope)
    count = qs.count() if scope is not None else snapshot.rows_count
    page = qs.order_by("pk")[params.offset : params.offset + params.limit]
    items = [
        {
            "task": r.task_id,
            "code": r.code,
            "parent_code": r.parent_code,
            "programme": r.programme,
            "title": r.title,
            "leader": r.leader,
            "units": r.units,
            "deadline": r.deadline,
            "progress": snapshots.amount(r.progress),
            "status": r.status,
            "forecast": r.forecast,
            "indicators": r.indicators,
            "changed_by": r.changed_by,
            "reason": r.reason,
        }
        for r in page
    ]
    return {"items": items, "count": count}
