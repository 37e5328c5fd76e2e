"""A unit's request that a published list's work is not theirs (申请转办), and the office's decision.
Until the office decides, the unit's duty runs as before; approving transfers it (lists.changes)."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.duties.models import DutyStatus
from luoshi.duties.services import record_on_owner, require_office, resolve_now
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.lists import change_notices as notices
from luoshi.lists import tallies
from luoshi.lists.changes import live_duty, locked_list, required_reason, transfer_duty
from luoshi.lists.models import ResponsibilityList, TransferRequest, TransferStatus
from luoshi.org import access
from luoshi.org.models import Person, Unit
from luoshi.text import check_text


def may_request(person: Person, unit_id: int) -> bool:
    """The unit's own liaison or head, as for its reports."""
    return access.can_report_for(person, unit_id)


def do_request_transfer(
    actor: Person,
    rlist: ResponsibilityList,
    unit: Unit,
    reason: str,
    suggested_unit: Unit | None = None,
    now: datetime | None = None,
) -> tuple[TransferRequest, bool]:
    """Ask the office to transfer the unit's work on the list. Returns (request, created): the same
    request sent again returns the waiting one; a different one while it waits is refused (409)."""
    if not may_request(actor, unit.pk):
        raise NotAllowed(_("Only the unit's own liaison or head may ask for a transfer."))
    reason = required_reason(reason)
    if suggested_unit is not None and suggested_unit.pk == unit.pk:
        raise InvalidInput(_("Suggest another unit than your own."), "suggested_unit")
    now = resolve_now(now)
    with transaction.atomic(), tallies.one_refresh():
        rlist = locked_list(rlist)
        duty = live_duty(rlist, unit)
        if duty.status == DutyStatus.COMPLETED:
            raise Conflict(_("The work of {unit} is already accepted; it stays on record.").format(unit=unit.name))
        waiting = TransferRequest.objects.filter(duty=duty, status=TransferStatus.PENDING).first()
        if waiting is not None:
            if (waiting.reason, waiting.suggested_unit_id) == (reason, suggested_unit.pk if suggested_unit else None):
                return waiting, False
            raise Conflict(
                _("{unit} has already asked for a transfer; the office has not decided yet.").format(unit=unit.name)
            )
        req = TransferRequest.objects.create(
            list=rlist,
            duty=duty,
            unit=unit,
            requested_by=actor,
            requested_at=now,
            reason=reason,
            suggested_unit=suggested_unit,
        )
        record_on_owner(
            actor,
            "transfer.requested",
            duty,
            after={"request": req.pk, "suggested_unit": req.suggested_unit_id},
            note=reason,
            at=now,
        )
        notices.to_office(
            "transfer.requested",
            rlist,
            now,
            unit=unit.name,
            suggested_unit=suggested_unit.name if suggested_unit else "",
            reason=reason,
        )
    return req, True


def do_decide_transfer(
    actor: Person,
    request: TransferRequest,
    approve: bool,
    to_unit: Unit | None = None,
    note: str = "",
    now: datetime | None = None,
) -> TransferRequest:
    """The office approves (the work goes to `to_unit`, by default the suggested unit) or refuses
    (the unit keeps the work). A decision is taken once (409 after)."""
    require_office(actor)
    note = check_text(note or "", "note")
    now = resolve_now(now)
    with transaction.atomic(), tallies.one_refresh():
        rlist = locked_list(request.list)
        req = TransferRequest.objects.select_for_update().select_related("duty__unit").get(pk=request.pk)
        if req.status != TransferStatus.PENDING:
            raise Conflict(_("This transfer request has already been decided."))
        req.decided_by, req.decided_at, req.note = actor, now, note
        if approve:
            target = to_unit or req.suggested_unit
            if target is None:
                raise InvalidInput(_("Choose the unit the work goes to."), "to_unit")
            transfer_duty(actor, rlist, req.duty, target, note or req.reason, now, request=req)
            req.status, req.to_unit = TransferStatus.APPROVED, target
        else:
            req.status = TransferStatus.REFUSED
            record_on_owner(actor, "transfer.refused", req.duty, after={"request": req.pk}, note=note, at=now)
        req.save(update_fields=["status", "to_unit", "decided_by", "decided_at", "note"])
        notices.to_units(
            "transfer.decided",
            rlist,
            [req.unit_id],
            now,
            approved=approve,
            unit=req.duty.unit.name,
            to_unit=req.to_unit.name if req.to_unit else "",
            reason=note,
        )
        tallies.refresh([rlist.pk])
    return req
