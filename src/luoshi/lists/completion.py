"""The writes that bring a unit's work and then the list to an end: accepting or returning a unit's
completion, asking for and deciding on an extension of its deadline, and striking the list off (销号).
Each is one transaction and one event, with the rules of lists.services."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.services import record
from luoshi.lists.models import Extension, ExtensionStatus, ListStatus, Obligation, ObligationStatus, ResponsibilityList
from luoshi.lists.services import (
    announce_change,
    check_horizon,
    locked_obligation,
    next_due,
    obligation_state,
    require_office,
    resolve_now,
)
from luoshi.org import access
from luoshi.org.models import Person


def _decide_completion(actor: Person, obligation: Obligation, now: datetime | None) -> tuple[Obligation, dict]:
    ob = locked_obligation(obligation)
    if not access.can_decide_completion(actor, ob.list.leader_id):
        raise NotAllowed(_("Only the office or the responsible leader decides on completion."))
    if ob.status != ObligationStatus.COMPLETION_REQUESTED:
        raise Conflict(_("{unit} has not asked for completion.").format(unit=ob.unit.name))
    return ob, obligation_state(ob)


def do_accept(actor: Person, obligation: Obligation, now: datetime | None = None) -> Obligation:
    now = resolve_now(now)
    with transaction.atomic():
        ob, before = _decide_completion(actor, obligation, now)
        ob.status = ObligationStatus.COMPLETED
        ob.progress = 100
        ob.completed_at = now
        ob.next_report_due = None
        ob.save(update_fields=["status", "progress", "completed_at", "next_report_due"])
        announce_change(ob, "accepted", now)
        record(
            actor,
            "completion.accepted",
            "list",
            ob.list_id,
            unit_id=ob.unit_id,
            before=before,
            after=obligation_state(ob),
            at=now,
        )
    return ob


def do_return(actor: Person, obligation: Obligation, reason: str, now: datetime | None = None) -> Obligation:
    """Send a completion request back (退回): the unit keeps working and reporting."""
    if not reason.strip():
        raise InvalidInput(_("Say why the completion is returned."), "reason")
    now = resolve_now(now)
    with transaction.atomic():
        ob, before = _decide_completion(actor, obligation, now)
        ob.status = ObligationStatus.IN_PROGRESS
        ob.next_report_due = next_due(timezone.localdate(now), ob.list.report_every_days, ob.deadline)
        ob.save(update_fields=["status", "next_report_due"])
        announce_change(ob, "returned", now)
        record(
            actor,
            "completion.returned",
            "list",
            ob.list_id,
            unit_id=ob.unit_id,
            before=before,
            after=obligation_state(ob),
            note=reason.strip(),
            at=now,
        )
    return ob


def do_request_extension(
    actor: Person, obligation: Obligation, new_deadline: date, reason: str, now: datetime | None = None
) -> Extension:
    if not access.can_report_for(actor, obligation.unit_id):
        raise NotAllowed(_("Only the unit's own liaison or head may ask for an extension."))
    if not reason.strip():
        raise InvalidInput(_("Give a reason for the extension."), "reason")
    now = resolve_now(now)
    today = timezone.localdate(now)
    with transaction.atomic():
        ob = locked_obligation(obligation)
        if ob.list.status != ListStatus.IN_PROGRESS or ob.status == ObligationStatus.COMPLETED:
            raise Conflict(_("Extensions are only asked for open work on a published list."))
        if today > ob.deadline:
            raise Conflict(
                _("An extension must be asked for before the deadline ({deadline}).").format(
                    deadline=ob.deadline.isoformat()
                )
            )
        if new_deadline <= ob.deadline:
            raise InvalidInput(_("The new deadline must be later than the current one."), "new_deadline")
        check_horizon(new_deadline, "new_deadline", today)
        if ob.extensions.filter(status=ExtensionStatus.PENDING).exists():
            raise Conflict(_("This unit already has an extension request waiting for a decision."))
        ext = Extension.objects.create(
            obligation=ob,
            requested_by=actor,
            requested_at=now,
            old_deadline=ob.deadline,
            new_deadline=new_deadline,
            reason=reason.strip(),
        )
        record(
            actor,
            "extension.requested",
            "list",
            ob.list_id,
            unit_id=ob.unit_id,
            before={"deadline": ob.deadline.isoformat()},
            after={"deadline": new_deadline.isoformat(), "extension": ext.pk},
            note=ext.reason,
            at=now,
        )
    return ext


def do_decide_extension(
    actor: Person, extension: Extension, approve: bool, note: str = "", now: datetime | None = None
) -> Extension:
    require_office(actor)
    now = resolve_now(now)
    with transaction.atomic():
        ext = Extension.objects.select_for_update().get(pk=extension.pk)
        if ext.status != ExtensionStatus.PENDING:
            raise Conflict(_("This extension request has already been decided."))
        ob = locked_obligation(ext.obligation)
        if approve and (ob.status == ObligationStatus.COMPLETED or ob.list.status != ListStatus.IN_PROGRESS):
            raise Conflict(_("This unit's work is finished; its deadline can no longer be extended."))
        before = obligation_state(ob)
        ext.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        ext.decided_by, ext.decided_at, ext.note = actor, now, note.strip()
        ext.save(update_fields=["status", "decided_by", "decided_at", "note"])
        if approve:
            ob.deadline = ext.new_deadline
            if ob.status == ObligationStatus.IN_PROGRESS:
                ob.next_report_due = next_due(timezone.localdate(now), ob.list.report_every_days, ob.deadline)
            ob.save(update_fields=["deadline", "next_report_due"])
            announce_change(ob, "extension", now)
        record(
            actor,
            f"extension.{ext.status}",
            "list",
            ob.list_id,
            unit_id=ob.unit_id,
            before=before,
            after={**obligation_state(ob), "extension": ext.pk},
            note=ext.note,
            at=now,
        )
    return ext


def _finished_at(ob: Obligation, now: datetime) -> datetime:
    """When the unit finished: the report that asked for the completion the office accepted, not the
    acceptance itself (the office's own delay is not the unit's lateness)."""
    if ob.last_report and ob.last_report.request_completion:
        return ob.last_report.filed_at
    return ob.completed_at or now  # do_accept stamps it; a unit accepted without a stamp counts as finished now


def do_close(actor: Person, rlist: ResponsibilityList, now: datetime | None = None) -> ResponsibilityList:
    """Strike the list off (销号) once every unit's work is accepted; lateness is frozen here."""
    require_office(actor)
    now = resolve_now(now)
    with transaction.atomic():
        rlist = ResponsibilityList.objects.select_for_update().get(pk=rlist.pk)
        if rlist.status != ListStatus.IN_PROGRESS:
            raise Conflict(_("Only a list in progress can be struck off."))
        obligations = list(rlist.obligations.select_related("unit", "last_report"))
        still_open = [ob.unit.name for ob in obligations if ob.status != ObligationStatus.COMPLETED]
        if still_open:
            raise Conflict(
                _("The list cannot be struck off: not yet completed by {units}.").format(units="、".join(still_open))
            )
        days_late = max(
            ((timezone.localdate(_finished_at(ob, now)) - ob.deadline).days for ob in obligations), default=0
        )
        rlist.status = ListStatus.CLOSED
        rlist.closed_at = now
        rlist.days_late = max(days_late, 0)
        rlist.closed_late = days_late > 0
        rlist.save(update_fields=["status", "closed_at", "days_late", "closed_late"])
        record(
            actor,
            "list.closed",
            "list",
            rlist.pk,
            before={"status": ListStatus.IN_PROGRESS},
            after={"status": rlist.status, "closed_late": rlist.closed_late, "days_late": rlist.days_late},
            at=now,
        )
    return rlist
