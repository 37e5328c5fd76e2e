"""Changes of a published list through the API (lists.changes, lists.transfers): handling units added,
withdrawn and transferred, transfer requests and their decisions, suspension, resumption and
cancellation. Changing the list's own fields is PATCH /api/v1/lists/{id} (lists.api_drafts).

Each write answers the list as GET /lists/{id} does (or the transfer request); a repeated submission
changes nothing more. 403 for others than the office (a unit's liaison or head for its own transfer
request), 404 for a list the caller cannot see, 409 for a list struck off, cancelled or a draft.
"""

from datetime import datetime

from ninja import Field, Router, Schema

from luoshi.duties.models import HandlingRole
from luoshi.errors import InvalidInput, NotFound
from luoshi.lists import changes, transfers
from luoshi.lists.api import ListOut, _detail, _visible_list, lists_router
from luoshi.lists.models import TransferRequest, TransferStatus
from luoshi.org.caller import caller
from luoshi.org.models import Person, Unit
from luoshi.schemas import BodyIn, Id, RequiredText, Text, errors

transfer_requests_router = Router(tags=["lists"])


class AddUnitIn(BodyIn):
    unit: Id
    role: HandlingRole = Field(HandlingRole.CO, description="A list has one lead: `lead` only if it has none.")
    reason: Text = ""


class ReasonIn(BodyIn):
    reason: RequiredText


class OptionalReasonIn(BodyIn):
    reason: Text = ""


class TransferIn(BodyIn):
    from_unit: Id
    to_unit: Id
    reason: RequiredText


class TransferRequestIn(BodyIn):
    unit: Id = Field(description="The caller's own unit.")
    reason: RequiredText
    suggested_unit: Id | None = Field(None, description="The unit the work belongs to, in the unit's view.")


class TransferDecideIn(BodyIn):
    approve: bool
    to_unit: Id | None = Field(None, description="Where the work goes; by default the suggested unit.")
    note: Text = ""


class TransferRequestOut(Schema):
    id: int
    list: int
    unit: int
    unit_name: str
    status: TransferStatus
    reason: str
    suggested_unit: int | None
    suggested_unit_name: str | None
    to_unit: int | None
    to_unit_name: str | None
    note: str
    requested_by: str
    requested_at: datetime
    decided_at: datetime | None


def _unit(unit_id: int | None, field: str) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    if unit is None:
        raise InvalidInput("No such unit.", field)
    return unit


def _request_out(req: TransferRequest) -> dict:
    return {
        "id": req.pk,
        "list": req.list_id,
        "unit": req.unit_id,
        "unit_name": req.unit.name,
        "status": req.status,
        "reason": req.reason,
        "suggested_unit": req.suggested_unit_id,
        "suggested_unit_name": req.suggested_unit.name if req.suggested_unit else None,
        "to_unit": req.to_unit_id,
        "to_unit_name": req.to_unit.name if req.to_unit else None,
        "note": req.note,
        "requested_by": str(req.requested_by),
        "requested_at": req.requested_at,
        "decided_at": req.decided_at,
    }


def _with_names(pk: int) -> TransferRequest:
    return TransferRequest.objects.select_related("unit", "suggested_unit", "to_unit", "requested_by").get(pk=pk)


@lists_router.post("/{int:list_id}/units", response={201: ListOut, **errors(403, 404, 409)})
def add_unit(request, list_id: Id, payload: AddUnitIn):
    """Add a handling unit to a published list: its duty starts now, on the list's deadline."""
    rlist = _visible_list(request, list_id)
    changes.do_add_unit(caller(request), rlist, _unit(payload.unit, "unit"), payload.role, payload.reason)
    return 201, _detail(request, list_id)


@lists_router.post("/{int:list_id}/units/{int:unit_id}/withdraw", response={200: ListOut, **errors(403, 404, 409)})
def withdraw_unit(request, list_id: Id, unit_id: Id, payload: ReasonIn):
    """Withdraw a co-handling unit (never the lead: transfer it). Its history stays; the list may be
    struck off without it."""
    rlist = _visible_list(request, list_id)
    changes.do_withdraw_unit(caller(request), rlist, _unit(unit_id, "unit"), payload.reason)
    return _detail(request, list_id)


@lists_router.post("/{int:list_id}/transfer", response={200: ListOut, **errors(403, 404, 409)})
def transfer(request, list_id: Id, payload: TransferIn):
    """Transfer a unit's work to another unit (转办): the old duty is withdrawn, the new one starts now."""
    rlist = _visible_list(request, list_id)
    from_unit, to_unit = _unit(payload.from_unit, "from_unit"), _unit(payload.to_unit, "to_unit")
    changes.do_transfer(caller(request), rlist, from_unit, to_unit, payload.reason)
    return _detail(request, list_id)


@lists_router.post(
    "/{int:list_id}/transfer-requests",
    response={201: TransferRequestOut, 200: TransferRequestOut, **errors(403, 404, 409)},
)
def request_transfer(request, list_id: Id, payload: TransferRequestIn):
    """A unit says the work is not theirs (申请转办); the office decides, the duty runs until then.
    200 with the waiting request when the same request is sent again."""
    rlist = _visible_list(request, list_id)
    suggested = _unit(payload.suggested_unit, "suggested_unit") if payload.suggested_unit else None
    req, created = transfers.do_request_transfer(
        caller(request), rlist, _unit(payload.unit, "unit"), payload.reason, suggested
    )
    return (201 if created else 200), _request_out(_with_names(req.pk))


@lists_router.get("/{int:list_id}/transfer-requests", response={200: list[TransferRequestOut], **errors(404)})
def list_transfer_requests(request, list_id: Id):
    """The list's transfer requests, newest first: all for the office, a unit's own for its people."""
    rlist = _visible_list(request, list_id)
    person: Person = caller(request)
    qs = TransferRequest.objects.filter(list=rlist).select_related("unit", "suggested_unit", "to_unit", "requested_by")
    if not person.is_office:
        qs = qs.filter(unit_id=person.unit_id or 0)
    return [_request_out(r) for r in qs]


@transfer_requests_router.post("/{int:request_id}/decide", response={200: TransferRequestOut, **errors(403, 404, 409)})
def decide_transfer(request, request_id: Id, payload: TransferDecideIn):
    """The office approves (the work goes to `to_unit`, by default the suggested one) or refuses."""
    req = TransferRequest.objects.select_related("list").filter(pk=request_id).first()
    if req is None:
        raise NotFound("No such transfer request.")
    _visible_list(request, req.list_id)
    to_unit = _unit(payload.to_unit, "to_unit") if payload.to_unit else None
    transfers.do_decide_transfer(caller(request), req, payload.approve, to_unit, payload.note)
    return _request_out(_with_names(req.pk))


@lists_router.post("/{int:list_id}/suspend", response={200: ListOut, **errors(403, 404, 409)})
def suspend(request, list_id: Id, payload: ReasonIn):
    """Suspend the list (暂缓): clocks, lights and urging pause until it resumes."""
    changes.do_suspend(caller(request), _visible_list(request, list_id), payload.reason)
    return _detail(request, list_id)


@lists_router.post("/{int:list_id}/resume", response={200: ListOut, **errors(403, 404, 409)})
def resume(request, list_id: Id, payload: OptionalReasonIn | None = None):
    """Resume a suspended list: every deadline and report due moves by the days it was suspended."""
    reason = payload.reason if payload else ""
    changes.do_resume(caller(request), _visible_list(request, list_id), reason)
    return _detail(request, list_id)


@lists_router.post("/{int:list_id}/cancel", response={200: ListOut, **errors(403, 404, 409)})
def cancel(request, list_id: Id, payload: ReasonIn):
    """Cancel the list (撤销): every duty withdrawn, reporting ends; counted apart in every figure."""
    changes.do_cancel(caller(request), _visible_list(request, list_id), payload.reason)
    return _detail(request, list_id)
