"""The changes of a published list (work changes under way): handling units added, withdrawn and
transferred (转办, also on a unit's request: lists.transfers), the list's title, requirements, leader
or deadline changed, the list suspended (暂缓), resumed and cancelled (撤销).

Each is the office's, one transaction holding the list's row lock, with a reason, events on the
list's timeline and a notice to the units concerned (lists.change_notices). The duties' side is the
engine's (duties.changes). A repeated submission is harmless: what is already so is not done again.
"""

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.duties import changes as engine
from luoshi.duties.models import Duty, DutyStatus, HandlingRole
from luoshi.duties.services import check_horizon, require_office, resolve_now
from luoshi.errors import Conflict, InvalidInput
from luoshi.events.models import Event
from luoshi.events.services import record
from luoshi.lists import change_notices as notices
from luoshi.lists import tallies
from luoshi.lists.models import ListStatus, ResponsibilityList, TransferRequest, TransferStatus
from luoshi.lists.services import copy_to_duties, list_duty, owner_type
from luoshi.org.models import Person, Role, Unit
from luoshi.text import check_text, is_blank

CHANGEABLE = (ListStatus.IN_PROGRESS, ListStatus.SUSPENDED)
PUBLISHED_FIELDS = ("title", "content", "leader", "deadline")


def required_reason(reason: str, field: str = "reason") -> str:
    reason = check_text(reason or "", field, multiline=True)
    if is_blank(reason):
        raise InvalidInput(_("Give a reason: it is kept in the list's timeline and sent to the units."), field)
    return reason


def locked_list(rlist: ResponsibilityList, *, changeable: bool = True) -> ResponsibilityList:
    locked = ResponsibilityList.objects.select_for_update().get(pk=rlist.pk)
    if changeable and locked.status not in CHANGEABLE:
        if locked.status == ListStatus.DRAFT:
            raise Conflict(_("This list is a draft: edit it as a draft."))
        raise Conflict(_("A struck-off or cancelled list cannot be changed."))
    return locked


def live_duties(rlist: ResponsibilityList) -> list[Duty]:
    return list(rlist.duties.exclude(status=DutyStatus.WITHDRAWN).select_related("unit").order_by("-role", "id"))


def live_duty(rlist: ResponsibilityList, unit: Unit, field: str = "unit") -> Duty:
    duty = engine.live_duty(owner_type().pk, rlist.pk, unit.pk)
    if duty is None:
        raise InvalidInput(_("{unit} does not handle this list.").format(unit=unit.name), field)
    return duty


def close_requests(
    actor: Person,
    rlist: ResponsibilityList,
    duty_ids: list[int] | None,
    status: str,
    note: str,
    now: datetime,
    to_unit: Unit | None = None,
) -> None:
    """Settle the pending transfer requests a change answers (duty_ids None: all of the list's)."""
    pending = TransferRequest.objects.filter(list=rlist, status=TransferStatus.PENDING)
    if duty_ids is not None:
        pending = pending.filter(duty_id__in=duty_ids)
    pending.update(status=status, decided_by=actor, decided_at=now, note=note, to_unit=to_unit)


# --- handling units -----------------------------------------------------------------------------


def do_add_unit(
    actor: Person,
    rlist: ResponsibilityList,
    unit: Unit,
    role: str = HandlingRole.CO,
    reason: str = "",
    now: datetime | None = None,
) -> Duty:
    """A unit turns out to be needed: its duty starts now, on the list's deadline."""
    require_office(actor)
    if role not in HandlingRole.values:
        raise InvalidInput(_("Unknown role."), "role")
    reason = check_text(reason or "", "reason")
    now = resolve_now(now)
    with transaction.atomic(), tallies.one_refresh():
        rlist = locked_list(rlist)
        duties = live_duties(rlist)
        if any(d.unit_id == unit.pk for d in duties):
            raise InvalidInput(_("{unit} already handles this list.").format(unit=unit.name), "unit")
        if role == HandlingRole.LEAD and any(d.role == HandlingRole.LEAD for d in duties):
            raise InvalidInput(_("The list already has a lead unit: transfer the lead to change it."), "role")
        if rlist.deadline < timezone.localdate(now):
            raise Conflict(_("The list's deadline has passed: move the deadline before adding a unit."))
        duty = list_duty(rlist, unit, role)
        engine.start(
            actor, duty, now, paused=rlist.status == ListStatus.SUSPENDED, note=reason, cause="list.unit_added"
        )
        notices.to_units(
            "duty.assigned",
            rlist,
            [unit.pk],
            now,
            unit=unit.name,
            role=role,
            deadline=duty.deadline.isoformat(),
            reason=reason,
        )
        tallies.refresh([rlist.pk])
    return duty


def do_withdraw_unit(
    actor: Person, rlist: ResponsibilityList, unit: Unit, reason: str, now: datetime | None = None
) -> Duty:
    """A co-handling unit turns out not to be needed: its duty is withdrawn, its history kept, and the
    list may be struck off without it. The lead is never withdrawn: transfer it instead."""
    require_office(actor)
    reason = required_reason(reason)
    now = resolve_now(now)
    with transaction.atomic(), tallies.one_refresh():
        rlist = locked_list(rlist)
        duty = engine.live_duty(owner_type().pk, rlist.pk, unit.pk)
        if duty is None:
            earlier = rlist.duties.filter(unit=unit, status=DutyStatus.WITHDRAWN).order_by("-id").first()
            if earlier is not None:
                return earlier  # withdrawn already (a repeated submission)
            raise InvalidInput(_("{unit} does not handle this list.").format(unit=unit.name), "unit")
        if duty.role == HandlingRole.LEAD:
            raise InvalidInput(_("The lead unit cannot be withdrawn: transfer the lead to another unit."), "unit")
        if duty.status == DutyStatus.COMPLETED:
            raise Conflict(_("The work of {unit} is already accepted; it stays on record.").format(unit=unit.name))
        duty = engine.withdraw(actor, duty, now, note=reason, cause="list.unit_withdrawn")
        close_requests(actor, rlist, [duty.pk], TransferStatus.APPROVED, reason, now)
        notices.to_units("duty.withdrawn", rlist, [unit.pk], now, unit=unit.name, reason=reason)
        tallies.refresh([rlist.pk])
    return duty


def transfer_duty(
    actor: Person,
    rlist: ResponsibilityList,
    duty: Duty,
    to_unit: Unit,
    note: str,
    now: datetime,
    *,
    request: TransferRequest | None = None,
) -> Duty:
    """Inside the list's transaction: hand `duty` on to `to_unit` and tell both units."""
    from_unit = duty.unit
    extra = {"request": request.pk} if request else {}
    new = engine.transfer(actor, duty, to_unit, now, note=note, extra=extra)
    if request is None:  # the office transferred of its own accord: a waiting request is answered too
        close_requests(actor, rlist, [duty.pk], TransferStatus.APPROVED, note, now, to_unit)
    notices.to_units(
        "duty.withdrawn", rlist, [from_unit.pk], now, unit=from_unit.name, to_unit=to_unit.name, reason=note
    )
    notices.to_units(
        "duty.assigned",
        rlist,
        [to_unit.pk],
        now,
        unit=to_unit.name,
        from_unit=from_unit.name,
        role=new.role,
        deadline=new.deadline.isoformat(),
        reason=note,
    )
    tallies.refresh([rlist.pk])
    return new


def do_transfer(
    actor: Person, rlist: ResponsibilityList, from_unit: Unit, to_unit: Unit, reason: str, now: datetime | None = None
) -> Duty:
    """The office transfers a unit's work to another unit (转办): the lead's too."""
    require_office(actor)
    reason = required_reason(reason)
    now = resolve_now(now)
    with transaction.atomic(), tallies.one_refresh():
        rlist = locked_list(rlist)
        if from_unit.pk == to_unit.pk:
            raise InvalidInput(_("Transfer to another unit than the one handling it."), "to_unit")
        duty = engine.live_duty(owner_type().pk, rlist.pk, from_unit.pk)
        if duty is None:
            taken = engine.live_duty(owner_type().pk, rlist.pk, to_unit.pk)
            done = Event.objects.filter(
                kind="duty.transferred",
                subject_type="list",
                subject_id=rlist.pk,
                unit=to_unit,
                before__unit=from_unit.pk,
            )
            if taken is not None and done.exists():
                return taken  # transferred already (a repeated submission)
            raise InvalidInput(_("{unit} does not handle this list.").format(unit=from_unit.name), "from_unit")
        if duty.status == DutyStatus.COMPLETED:
            raise Conflict(_("The work of {unit} is already accepted; it stays on record.").format(unit=from_unit.name))
        return transfer_duty(actor, rlist, duty, to_unit, reason, now)


# --- the list's own fields ----------------------------------------------------------------------


def _state(name: str, value: Any) -> Any:
    """A field as the event keeps it and as changes are compared."""
    if name == "leader":
        return value.pk if value is not None else None
    if name == "deadline":
        return value.isoformat()
    return value


def _checked(name: str, value: Any, today: date) -> Any:
    if name == "title":
        value = check_text(value or "", "title", multiline=False, required=True)
    elif name == "content":
        value = check_text(value or "", "content")
    elif name == "leader" and value is not None and not value.has_role(Role.LEADER):
        raise InvalidInput(_("The responsible leader must be a leader."), "leader")
    elif name == "deadline":
        if not isinstance(value, date):
            raise InvalidInput(_("Give a date."), "deadline")
        if value < today:
            raise InvalidInput(_("The deadline has already passed."), "deadline")
        check_horizon(value, "deadline", today)
    return value


def do_change_published(
    actor: Person,
    rlist: ResponsibilityList,
    changes: Mapping[str, Any],
    reason: str,
    now: datetime | None = None,
) -> ResponsibilityList:
    """Change the title, requirements, responsible leader or deadline of a published list. The duties
    keep their copies in step; a new deadline moves every unit's, except a unit whose approved
    extension reaches beyond it. A change that changes nothing records nothing."""
    require_office(actor)
    if unknown := sorted(set(changes) - set(PUBLISHED_FIELDS)):
        raise InvalidInput(
            _("This field cannot be changed once the list is published: {field}.").format(field=unknown[0]),
            unknown[0],
        )
    reason = required_reason(reason)
    now = resolve_now(now)
    today = timezone.localdate(now)
    with transaction.atomic(), tallies.one_refresh():
        rlist = locked_list(rlist)
        old = {name: getattr(rlist, name) for name in PUBLISHED_FIELDS}
        new = {**old, **{name: _checked(name, value, today) for name, value in changes.items()}}
        changed = [n for n in PUBLISHED_FIELDS if _state(n, new[n]) != _state(n, old[n])]
        if not changed:
            return rlist
        for name in changed:
            setattr(rlist, name, new[name])
        rlist.save(update_fields=changed)
        copy_to_duties(rlist)
        after: dict[str, Any] = {n: _state(n, new[n]) for n in changed}
        if "deadline" in changed:
            duties = live_duties(rlist)
            moved = engine.move_deadline(actor, duties, rlist.deadline, now, cause="list.changed")  # reason: below
            after["units_moved"] = [d.unit_id for d in moved]
            after["units_kept"] = [
                d.unit_id for d in duties if d.status in engine.UNFINISHED and d.pk not in {m.pk for m in moved}
            ]
        record(
            actor,
            "list.changed",
            "list",
            rlist.pk,
            before={n: _state(n, old[n]) for n in changed},
            after=after,
            note=reason,
            at=now,
        )
        notices.to_units(
            "list.changed",
            rlist,
            [d.unit_id for d in live_duties(rlist)],
            now,
            fields=changed,
            deadline=rlist.deadline.isoformat() if "deadline" in changed else "",
            reason=reason,
        )
        tallies.refresh([rlist.pk])
    return rlist


# --- suspension and cancellation ----------------------------------------------------------------


def do_suspend(
    actor: Person, rlist: ResponsibilityList, reason: str, now: datetime | None = None
) -> ResponsibilityList:
    """Suspend the list (暂缓): its units' clocks, lights and ladder stand still until it resumes."""
    require_office(actor)
    reason = required_reason(reason)
    now = resolve_now(now)
    with transaction.atomic(), tallies.one_refresh():
        rlist = locked_list(rlist)
        if rlist.status == ListStatus.SUSPENDED:
            return rlist  # suspended already
        duties = live_duties(rlist)
        rlist.status, rlist.suspended_at = ListStatus.SUSPENDED, now
        rlist.save(update_fields=["status", "suspended_at"])
        engine.pause(actor, duties, now, cause="list.suspended")
        record(
            actor,
            "list.suspended",
            "list",
            rlist.pk,
            before={"status": ListStatus.IN_PROGRESS},
            after={"status": rlist.status},
            note=reason,
            at=now,
        )
        notices.to_units("list.suspended", rlist, [d.unit_id for d in duties], now, reason=reason)
        tallies.refresh([rlist.pk])
    return rlist


def do_resume(
    actor: Person, rlist: ResponsibilityList, reason: str = "", now: datetime | None = None
) -> ResponsibilityList:
    """Resume a suspended list: every date moves by the calendar days it was suspended (the units'
    deadlines and next reports, the list's deadline and milestones) and the clocks run again."""
    require_office(actor)
    reason = check_text(reason or "", "reason")
    now = resolve_now(now)
    with transaction.atomic(), tallies.one_refresh():
        rlist = locked_list(rlist)
        if rlist.status == ListStatus.IN_PROGRESS:
            return rlist  # running already
        since = rlist.suspended_at or now
        days = max((timezone.localdate(now) - timezone.localdate(since)).days, 0)
        before = {"status": rlist.status, "deadline": rlist.deadline.isoformat(), "suspended_at": since.isoformat()}
        rlist.status, rlist.suspended_at = ListStatus.IN_PROGRESS, None
        rlist.deadline += timedelta(days=days)
        rlist.save(update_fields=["status", "suspended_at", "deadline"])
        rlist.milestones.update(due_date=F("due_date") + timedelta(days=days))
        duties = live_duties(rlist)
        engine.resume(actor, duties, now, cause="list.resumed")
        record(
            actor,
            "list.resumed",
            "list",
            rlist.pk,
            before=before,
            after={"status": rlist.status, "deadline": rlist.deadline.isoformat(), "shift_days": days},
            note=reason,
            at=now,
        )
        notices.to_units("list.resumed", rlist, [d.unit_id for d in duties], now, days=days, reason=reason)
        tallies.refresh([rlist.pk])
    return rlist


def do_cancel(actor: Person, rlist: ResponsibilityList, reason: str, now: datetime | None = None) -> ResponsibilityList:
    """Cancel the list (撤销): every duty is withdrawn, reporting ends, and the figures count the list
    apart from completed and in progress."""
    require_office(actor)
    reason = required_reason(reason)
    now = resolve_now(now)
    with transaction.atomic(), tallies.one_refresh():
        rlist = locked_list(rlist, changeable=False)
        if rlist.status == ListStatus.CANCELLED:
            return rlist  # cancelled already
        if rlist.status == ListStatus.DRAFT:
            raise Conflict(_("A draft is not cancelled: delete it instead."))
        if rlist.status == ListStatus.CLOSED:
            raise Conflict(_("A struck-off list cannot be cancelled."))
        before = {"status": rlist.status}
        duties = live_duties(rlist)
        for duty in duties:
            engine.withdraw(actor, duty, now, cause="list.cancelled")
        close_requests(actor, rlist, None, TransferStatus.REFUSED, _("Closed: the list was cancelled."), now)
        rlist.status, rlist.cancelled_at, rlist.suspended_at = ListStatus.CANCELLED, now, None
        rlist.save(update_fields=["status", "cancelled_at", "suspended_at"])
        # The duties withdrawn here: the overview counts them as cancelled for their units.
        after = {"status": rlist.status, "withdrawn": [d.pk for d in duties]}
        record(actor, "list.cancelled", "list", rlist.pk, before=before, after=after, note=reason, at=now)
        notices.to_units("list.cancelled", rlist, [d.unit_id for d in duties], now, reason=reason)
        tallies.refresh([rlist.pk])
    return rlist
