"""The writes that bring a unit's duty to an end: accepting or returning its completion, asking for and
deciding on an extension of its deadline. Each is one transaction and one event, with the rules of
duties.services; who decides besides the office is the owner's to say (owners.Owner.may_decide)."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.duties import handoffs, owners
from luoshi.duties.models import Duty, DutyStatus, Extension, ExtensionStatus
from luoshi.duties.services import (
    announce_change,
    check_horizon,
    duty_state,
    locked_duty,
    may_report,
    next_due,
    record_on_owner,
    require_office,
    resolve_now,
)
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.org import access
from luoshi.org.models import Person


def may_decide(actor: Person, duty: Duty) -> bool:
    """The office, the duty's responsible leader, or whoever else its owner names."""
    return access.can_decide_completion(actor, duty.leader_id) or owners.of(duty).may_decide(actor, duty)


def _decide_completion(actor: Person, duty: Duty) -> tuple[Duty, dict]:
    d = locked_duty(duty)
    if not may_decide(actor, d):
        raise NotAllowed(_("Only the office or the responsible leader decides on completion."))
    if d.status != DutyStatus.COMPLETION_REQUESTED:
        raise Conflict(_("{unit} has not asked for completion.").format(unit=d.unit.name))
    return d, duty_state(d)


def finished_at(duty: Duty, now: datetime) -> datetime:
    """When the unit finished: the report that asked for the completion the office accepted, not the
    acceptance itself (the office's own delay is not the unit's lateness)."""
    if duty.last_report and duty.last_report.request_completion:
        return duty.last_report.filed_at
    return duty.completed_at or now  # do_accept stamps it; a unit accepted without a stamp counts as finished now


def do_accept(actor: Person, duty: Duty, now: datetime | None = None) -> Duty:
    """Accept a unit's completion; its lateness is frozen here."""
    now = resolve_now(now)
    with transaction.atomic():
        d, before = _decide_completion(actor, duty)
        d.status = DutyStatus.COMPLETED
        d.progress = 100
        d.completed_at = now
        d.next_report_due = None
        d.days_late = max((timezone.localdate(finished_at(d, now)) - d.deadline).days, 0)
        d.save(update_fields=["status", "progress", "completed_at", "next_report_due", "days_late"])
        announce_change(d, "accepted", now)
        record_on_owner(actor, "completion.accepted", d, before=before, after=duty_state(d), at=now)
        handoffs.completion_accepted(d, now)
    return d


def complete_by_owner(actor: Person, duty: Duty, now: datetime, *, cause: str) -> Duty:
    """The owner ends a duty as done by the unit's own act, with no completion for anyone to accept (a
    unit's quarter confirmation, its answer to an audit question). Called in the owner's transaction; its
    lateness is frozen as at an acceptance, and the act signs for the duty if nothing had."""
    d = locked_duty(duty)
    if not d.is_open:
        raise Conflict(_("This is no longer owed."))
    before = duty_state(d)
    d.status, d.progress, d.completed_at, d.next_report_due = DutyStatus.COMPLETED, 100, now, None
    d.days_late = max((timezone.localdate(now) - d.deadline).days, 0)
    fields = ["status", "progress", "completed_at", "next_report_due", "days_late"]
    if d.signed_at is None:
        d.signed_at, d.signed_by = now, actor
        fields += ["signed_at", "signed_by"]
    d.save(update_fields=fields)
    announce_change(d, "completed", now)
    record_on_owner(actor, "duty.completed", d, before=before, after={**duty_state(d), "cause": cause}, at=now)
    return d


def do_return(actor: Person, duty: Duty, reason: str, now: datetime | None = None) -> Duty:
    """Send a completion request back (退回): the unit keeps working and reporting."""
    if not reason.strip():
        raise InvalidInput(_("Say why the completion is returned."), "reason")
    now = resolve_now(now)
    with transaction.atomic():
        d, before = _decide_completion(actor, duty)
        d.status = DutyStatus.OPEN
        d.next_report_due = next_due(timezone.localdate(now), d.report_every_days, d.deadline)
        d.save(update_fields=["status", "next_report_due"])
        announce_change(d, "returned", now)
        record_on_owner(
            actor, "completion.returned", d, before=before, after=duty_state(d), note=reason.strip(), at=now
        )
        handoffs.completion_returned(d, reason, now)
    return d


def do_request_extension(
    actor: Person, duty: Duty, new_deadline: date, reason: str, now: datetime | None = None
) -> Extension:
    if not may_report(actor, duty):
        raise NotAllowed(_("Only the unit's own liaison or head may ask for an extension."))
    if not reason.strip():
        raise InvalidInput(_("Give a reason for the extension."), "reason")
    now = resolve_now(now)
    today = timezone.localdate(now)
    with transaction.atomic():
        d = locked_duty(duty)
        if not d.is_open:
            raise Conflict(_("Extensions are only asked for open work on a published list."))
        if today > d.deadline:
            raise Conflict(
                _("An extension must be asked for before the deadline ({deadline}).").format(
                    deadline=d.deadline.isoformat()
                )
            )
        if new_deadline <= d.deadline:
            raise InvalidInput(_("The new deadline must be later than the current one."), "new_deadline")
        check_horizon(new_deadline, "new_deadline", today)
        if d.extensions.filter(status=ExtensionStatus.PENDING).exists():
            raise Conflict(_("This unit already has an extension request waiting for a decision."))
        ext = Extension.objects.create(
            duty=d,
            requested_by=actor,
            requested_at=now,
            old_deadline=d.deadline,
            new_deadline=new_deadline,
            reason=reason.strip(),
        )
        record_on_owner(
            actor,
            "extension.requested",
            d,
            before={"deadline": d.deadline.isoformat()},
            after={"deadline": new_deadline.isoformat(), "extension": ext.pk},
            note=ext.reason,
            at=now,
        )
        handoffs.extension_requested(d, ext, now)
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
        d = locked_duty(ext.duty)
        if approve and not d.is_open:
            raise Conflict(_("This unit's work is finished; its deadline can no longer be extended."))
        before = duty_state(d)
        ext.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        ext.decided_by, ext.decided_at, ext.note = actor, now, note.strip()
        ext.save(update_fields=["status", "decided_by", "decided_at", "note"])
        if approve:
            d.deadline = ext.new_deadline
            if d.status == DutyStatus.OPEN:
                d.next_report_due = next_due(timezone.localdate(now), d.report_every_days, d.deadline)
            d.save(update_fields=["deadline", "next_report_due"])
            announce_change(d, "extension", now)
        record_on_owner(
            actor,
            f"extension.{ext.status}",
            d,
            before=before,
            after={**duty_state(d), "extension": ext.pk},
            note=ext.note,
            at=now,
        )
        handoffs.extension_decided(d, ext, now)
    return ext
