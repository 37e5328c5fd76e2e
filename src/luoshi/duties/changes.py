"""The changes an owner makes to its duties after it went live: a unit added, withdrawn or replaced by
another (转办), the owner suspended (暂缓) and resumed, its deadline moved.

Generic: the owner (a list, later a ledger task …) decides who may do what and calls these inside its
own transaction, holding its own row lock; each records the duty's facts on the owner's timeline
(services.record_on_owner) and ends with announce_change where dates or status moved. `cause` names
the owner's action (e.g. "list.suspended") in the duty's event, so a timeline may group them.

Choices made here:
- a transferred duty is new work for the new unit: same role, title, leader, cadence and deadline
  (its effective deadline, extensions included: the work's time does not shrink by being handed on),
  but progress 0 and not signed for: progress and reports are the old unit's, kept on the old duty;
- a suspension ends the open episodes of the ladder (the lateness of a halted piece of work is not
  pursued, and the board and the talk queue stop showing it); on resumption the dates move by the
  calendar days of the suspension and the ladder starts afresh from them;
- a duty added while its owner is suspended starts paused, and resumes with the others.
"""

from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.duties.models import LIVE_STATUSES, Duty, DutyStatus, Episode, ExtensionStatus
from luoshi.duties.services import announce_change, duty_state, locked_duty, next_due, record_on_owner
from luoshi.errors import Conflict, InvalidInput
from luoshi.events.models import Event
from luoshi.events.services import build
from luoshi.org.models import Person, Unit

# Duties whose dates a suspension or a deadline change moves: work not yet finished.
UNFINISHED = (DutyStatus.PENDING, *LIVE_STATUSES)


def live_duty(owner_type_id: int, owner_id: int, unit_id: int) -> Duty | None:
    """The unit's duty on the owner that is not withdrawn (there is at most one)."""
    return (
        Duty.objects.filter(owner_type_id=owner_type_id, owner_id=owner_id, unit_id=unit_id)
        .exclude(status=DutyStatus.WITHDRAWN)
        .select_related("unit")
        .first()
    )


def start(
    actor: Person | None, duty: Duty, now: datetime, *, paused: bool = False, note: str = "", cause: str = ""
) -> Duty:
    """Save an unsaved duty as live work from now: open, its first report one cadence from today.
    `paused` when the owner is suspended (the duty waits for the owner's resumption)."""
    if live_duty(duty.owner_type_id, duty.owner_id, duty.unit_id):
        raise InvalidInput(_("{unit} already handles this.").format(unit=duty.unit.name), "unit")
    today = timezone.localdate(now)
    duty.status = DutyStatus.OPEN
    duty.created_at = now
    duty.next_report_due = next_due(today, duty.report_every_days, duty.deadline)
    duty.paused_at = now if paused else None
    duty.save()
    record_on_owner(
        actor,
        "duty.started",
        duty,
        after={**duty_state(duty), "role": duty.role, **({"cause": cause} if cause else {})},
        note=note,
        at=now,
    )
    return duty


def _close_pending_extensions(duty: Duty, actor: Person | None, now: datetime) -> None:
    """A withdrawn duty's open extension request has nothing left to extend."""
    duty.extensions.filter(status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.REFUSED,
        decided_by=actor,
        decided_at=now,
        note=_("Closed: the unit's duty was withdrawn."),
    )


def _withdraw(actor: Person | None, duty: Duty, now: datetime) -> tuple[Duty, dict]:
    d = locked_duty(duty)
    before = duty_state(d)
    if d.status == DutyStatus.WITHDRAWN:
        return d, before
    d.status = DutyStatus.WITHDRAWN
    d.next_report_due = None
    d.paused_at = None
    d.save(update_fields=["status", "next_report_due", "paused_at"])
    _close_pending_extensions(d, actor, now)
    announce_change(d, "withdrawn", now)
    return d, before


def withdraw(actor: Person | None, duty: Duty, now: datetime, *, note: str = "", cause: str = "") -> Duty:
    """The unit no longer owes the work: withdrawn, nothing more due, its reports and history kept.
    Withdrawing a withdrawn duty changes nothing and records nothing."""
    d, before = _withdraw(actor, duty, now)
    if before["status"] != DutyStatus.WITHDRAWN:
        after = {**duty_state(d), **({"cause": cause} if cause else {})}
        record_on_owner(actor, "duty.withdrawn", d, before=before, after=after, note=note, at=now)
    return d


def transfer(
    actor: Person | None, duty: Duty, to_unit: Unit, now: datetime, *, note: str = "", extra: dict | None = None
) -> Duty:
    """Hand the work on to another unit (转办): the old duty is withdrawn, the new unit's starts now
    (see the module's note for what it keeps). One event, on the new duty, names both units."""
    d = locked_duty(duty)
    if d.status not in LIVE_STATUSES:
        raise Conflict(_("Only work still in progress can be transferred."))
    if to_unit.pk == d.unit_id:
        raise InvalidInput(_("Transfer to another unit than the one handling it."), "to_unit")
    if live_duty(d.owner_type_id, d.owner_id, to_unit.pk):
        raise InvalidInput(_("{unit} already handles this.").format(unit=to_unit.name), "to_unit")
    paused = d.paused_at is not None
    d, before = _withdraw(actor, d, now)
    new = Duty(
        owner_type_id=d.owner_type_id,
        owner_id=d.owner_id,
        unit=to_unit,
        role=d.role,
        leader_id=d.leader_id,
        title=d.title,
        code=d.code,
        deadline=d.deadline,
        report_every_days=d.report_every_days,
        status=DutyStatus.OPEN,
        created_at=now,
        next_report_due=next_due(timezone.localdate(now), d.report_every_days, d.deadline),
        paused_at=now if paused else None,
    )
    new.save()
    record_on_owner(
        actor,
        "duty.transferred",
        new,
        before={**before, "unit": d.unit_id, "unit_name": d.unit.name, "duty": d.pk},
        after={**duty_state(new), "unit": to_unit.pk, "unit_name": to_unit.name, "role": new.role, **(extra or {})},
        note=note,
        at=now,
    )
    return new


def _end_open_episodes(duty: Duty, reason: str, now: datetime) -> None:
    episodes = list(Episode.objects.filter(duty=duty, closed_at__isnull=True))
    if not episodes:
        return
    Episode.objects.filter(pk__in=[e.pk for e in episodes]).update(closed_at=now, closed_reason=reason)
    Event.objects.bulk_create(
        build(
            None,
            "escalation.ended",
            duty.owner_kind,
            duty.owner_id,
            at=now,
            unit_id=duty.unit_id,
            before={"step": e.last_step, "kind": e.kind, "due_date": e.due_date.isoformat()},
            after={"reason": reason, "episode": e.pk, "duty": duty.pk},
        )
        for e in episodes
    )


def pause(actor: Person | None, duties: list[Duty], now: datetime, *, cause: str = "") -> list[Duty]:
    """The owner is suspended: the clocks, lights and ladder of its unfinished duties stand still
    (the sweep and manual urges skip paused duties). Returns the duties paused by this call."""
    paused = []
    for duty in duties:
        d = locked_duty(duty)
        if d.status not in UNFINISHED or d.paused_at is not None:
            continue
        d.paused_at = now
        d.save(update_fields=["paused_at"])
        _end_open_episodes(d, "suspended", now)
        record_on_owner(actor, "duty.paused", d, after={**duty_state(d), **({"cause": cause} if cause else {})}, at=now)
        paused.append(d)
    return paused


def _shifted(day: date | None, days: int) -> date | None:
    return day + timedelta(days=days) if day is not None else None


def resume(actor: Person | None, duties: list[Duty], now: datetime, *, cause: str = "") -> list[Duty]:
    """The owner resumes: each paused duty's deadline and next report move by the calendar days it
    stood still, and its clocks run again. Returns the duties resumed by this call."""
    today = timezone.localdate(now)
    resumed = []
    for duty in duties:
        d = locked_duty(duty)
        if d.paused_at is None:
            continue
        days = max((today - timezone.localdate(d.paused_at)).days, 0)
        before = duty_state(d)
        d.deadline = _shifted(d.deadline, days) or d.deadline
        d.next_report_due = _shifted(d.next_report_due, days)
        d.paused_at = None
        d.save(update_fields=["deadline", "next_report_due", "paused_at"])
        announce_change(d, "resumed", now)
        after = {**duty_state(d), "shift_days": days, **({"cause": cause} if cause else {})}
        record_on_owner(actor, "duty.resumed", d, before=before, after=after, at=now)
        resumed.append(d)
    return resumed


def extended_beyond(duty: Duty, deadline: date) -> bool:
    """The unit has an approved extension to a date later than `deadline`: that date stands."""
    return duty.extensions.filter(status=ExtensionStatus.APPROVED, new_deadline__gt=deadline).exists()


def move_deadline(
    actor: Person | None, duties: list[Duty], deadline: date, now: datetime, *, note: str = "", cause: str = ""
) -> list[Duty]:
    """The owner's deadline changed: every unfinished duty takes it, except a unit whose approved
    extension reaches beyond it. A report due after the new deadline falls due on it (a report
    already due stays due). Returns the duties whose deadline moved."""
    today = timezone.localdate(now)
    moved = []
    for duty in duties:
        d = locked_duty(duty)
        if d.status not in UNFINISHED or d.deadline == deadline or extended_beyond(d, deadline):
            continue
        before = duty_state(d)
        d.deadline = deadline
        if d.status == DutyStatus.OPEN and d.next_report_due and d.next_report_due > deadline >= today:
            d.next_report_due = deadline
        d.save(update_fields=["deadline", "next_report_due"])
        announce_change(d, "deadline", now)
        after = {**duty_state(d), **({"cause": cause} if cause else {})}
        record_on_owner(actor, "duty.deadline_moved", d, before=before, after=after, note=note, at=now)
        moved.append(d)
    return moved
