"""The writes on responsibility lists: one function per action, each one transaction and one event."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.events.services import next_number, record
from luoshi.lists.models import (
    Extension,
    ExtensionStatus,
    HandlingRole,
    ListStatus,
    Milestone,
    Obligation,
    ObligationStatus,
    Report,
    ResponsibilityList,
    Source,
)
from luoshi.lists.signals import obligation_changed
from luoshi.org import access
from luoshi.org.models import Person, Role, Unit
from luoshi.workdays import calendar


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _require_office(actor: Person) -> None:
    if not access.can_steer_lists(actor):
        raise NotAllowed(_("Only the supervision office may do this."))


def _next_due(today: date, every_days: int, deadline: date) -> date:
    """The next report falls one cadence from today on a working day, never after a deadline still ahead."""
    due = calendar.load().next_workday(today + timedelta(days=every_days))
    return min(due, deadline) if deadline >= today else due


EARLIEST_DATE = date(2000, 1, 1)


def check_horizon(day: date, field: str, today: date) -> None:
    """Dates far outside reason (0001-01-01, 9999-12-31) are typing slips, and a deadline in 9999 switches
    the ladder off for its unit: dates lie between 2000 and LUOSHI_DATE_HORIZON_YEARS years from today."""
    years = settings.LUOSHI_DATE_HORIZON_YEARS
    try:
        last = today.replace(year=today.year + years)
    except ValueError:  # 29 February
        last = today.replace(year=today.year + years, day=28)
    if day > last:
        raise InvalidInput(
            _("Give a date at most {years} years ahead, until {last}.").format(years=years, last=last.isoformat()),
            field,
        )
    if day < EARLIEST_DATE:
        raise InvalidInput(_("Give a date from {first} on.").format(first=EARLIEST_DATE.isoformat()), field)


def _changed(ob: Obligation, reason: str, now: datetime) -> None:
    obligation_changed.send(sender=Obligation, obligation=ob, reason=reason, now=now)


def _obligation_state(ob: Obligation) -> dict:
    return {
        "status": ob.status,
        "progress": ob.progress,
        "deadline": ob.deadline.isoformat(),
        "next_report_due": ob.next_report_due.isoformat() if ob.next_report_due else None,
    }


def _locked(ob: Obligation) -> Obligation:
    """Re-read the obligation under a row lock so concurrent writers queue up."""
    return Obligation.objects.select_for_update().select_related("list", "unit").get(pk=ob.pk)


@dataclass(frozen=True)
class MilestoneInput:
    due_date: date
    title: str


def do_create_list(
    actor: Person,
    *,
    source: str,
    title: str,
    content: str,
    leader: Person | None,
    lead_unit: Unit,
    co_units: Iterable[Unit],
    deadline: date,
    report_every_days: int,
    milestones: Sequence[MilestoneInput] = (),
    now: datetime | None = None,
    submission_key: str | None = None,
) -> ResponsibilityList:
    """Create a draft. A repeated `submission_key` (the form's, on a double click or a resent POST)
    returns the draft it created the first time instead of a second one."""
    _require_office(actor)
    now = _now(now)
    co_units = list(dict.fromkeys(co_units))
    check_list_input(
        source=source,
        title=title,
        content=content,
        leader=leader,
        lead_unit=lead_unit,
        co_units=co_units,
        deadline=deadline,
        report_every_days=report_every_days,
        milestones=milestones,
        now=now,
    )
    with transaction.atomic():
        if submission_key and (earlier := _created_with(actor, submission_key)):
            return earlier
        rlist = ResponsibilityList.objects.create(
            year=timezone.localdate(now).year,
            source=source,
            title=title.strip(),
            content=content.strip(),
            leader=leader,
            deadline=deadline,
            report_every_days=report_every_days,
            created_by=actor,
            created_at=now,
        )
        units = [(lead_unit, HandlingRole.LEAD)] + [(u, HandlingRole.CO) for u in co_units]
        Obligation.objects.bulk_create(
            Obligation(list=rlist, unit=u, role=role, deadline=deadline) for u, role in units
        )
        Milestone.objects.bulk_create(
            Milestone(list=rlist, due_date=m.due_date, title=m.title.strip()) for m in milestones
        )
        after = {"title": rlist.title, **({"submission_key": submission_key} if submission_key else {})}
        record(actor, "list.created", "list", rlist.pk, after=after, at=now)
    return rlist


def check_list_input(
    *,
    source: str,
    title: str,
    content: str,
    leader: Person | None,
    lead_unit: Unit,
    co_units: list[Unit],
    deadline: date,
    report_every_days: int,
    milestones: Sequence[MilestoneInput],
    now: datetime,
) -> None:
    """The rules a list's fields follow, when it is created and when a draft is edited."""
    if source not in Source.values:
        raise InvalidInput(_("Unknown source."), "source")
    if not title.strip():
        raise InvalidInput(_("A title is required."), "title")
    if leader is not None and not leader.has_role(Role.LEADER):
        raise InvalidInput(_("The responsible leader must be a leader."), "leader")
    if lead_unit in co_units:
        raise InvalidInput(_("The lead unit cannot also be a co-handling unit."), "co_units")
    if not 1 <= report_every_days <= 366:
        raise InvalidInput(_("Report every 1 to 366 days."), "report_every_days")
    if deadline < timezone.localdate(now):
        raise InvalidInput(_("The deadline has already passed."), "deadline")
    check_horizon(deadline, "deadline", timezone.localdate(now))
    for m in milestones:
        if not m.title.strip():
            raise InvalidInput(_("Every milestone needs a title."), "milestones")
        check_horizon(m.due_date, "milestones", timezone.localdate(now))


def _created_with(actor: Person, submission_key: str) -> ResponsibilityList | None:
    """The list this person created with this key, if any. The person's row is locked first, so that
    two requests with the same key queue up here and the second finds the first's event."""
    Person.objects.select_for_update().filter(pk=actor.pk).first()
    created = Event.objects.filter(kind="list.created", actor=actor, after__submission_key=submission_key)
    list_id = created.values_list("subject_id", flat=True).first()
    return ResponsibilityList.objects.filter(pk=list_id).first() if list_id else None


def do_publish(actor: Person, rlist: ResponsibilityList, now: datetime | None = None) -> ResponsibilityList:
    _require_office(actor)
    now = _now(now)
    today = timezone.localdate(now)
    with transaction.atomic():
        rlist = ResponsibilityList.objects.select_for_update().get(pk=rlist.pk)
        if rlist.status != ListStatus.DRAFT:
            raise Conflict(_("Only a draft can be published; this list is already published."))
        rlist.status = ListStatus.IN_PROGRESS
        rlist.published_at = now
        rlist.year = today.year
        rlist.code = f"{today.year}-ZR-{next_number(f'list-code-{today.year}'):04d}"
        rlist.save(update_fields=["status", "published_at", "year", "code"])
        for ob in rlist.obligations.all():
            ob.next_report_due = _next_due(today, rlist.report_every_days, ob.deadline)
            ob.save(update_fields=["next_report_due"])
        record(
            actor,
            "list.published",
            "list",
            rlist.pk,
            before={"status": ListStatus.DRAFT},
            after={"status": rlist.status, "code": rlist.code},
            at=now,
        )
    return rlist


def do_report(
    actor: Person,
    obligation: Obligation,
    *,
    progress: int,
    done: str,
    difficulties: str = "",
    next_steps: str = "",
    request_completion: bool = False,
    submission_key: str | None = None,
    now: datetime | None = None,
) -> tuple[Report, bool]:
    """File a direct report. Returns (report, created); a repeated submission_key returns the first."""
    if not access.can_report_for(actor, obligation.unit_id):
        raise NotAllowed(_("Only the unit's own liaison or head may report for it."))
    if not 0 <= progress <= 100:
        raise InvalidInput(_("Progress is a percentage from 0 to 100."), "progress")
    if not done.strip():
        raise InvalidInput(_("Say what work was done."), "done")
    if request_completion and progress != 100:
        raise InvalidInput(_("Asking for completion needs progress 100."), "progress")
    now = _now(now)
    if submission_key:
        earlier = Report.objects.filter(obligation=obligation, submission_key=submission_key).first()
        if earlier:
            return _same_submission(earlier, progress, done, difficulties, next_steps, request_completion), False
    try:
        with transaction.atomic():
            ob = _locked(obligation)
            if ob.list.status != ListStatus.IN_PROGRESS:
                raise Conflict(_("Reports are only filed on a published list that is not closed."))
            if ob.status == ObligationStatus.COMPLETED:
                raise Conflict(_("This unit's work is already accepted; reporting has ended."))
            before = _obligation_state(ob)
            report = Report.objects.create(
                obligation=ob,
                author=actor,
                filed_at=now,
                progress=progress,
                done=done.strip(),
                difficulties=difficulties.strip(),
                next_steps=next_steps.strip(),
                request_completion=request_completion,
                submission_key=submission_key or None,
                due_date=ob.next_report_due,
            )
            ob.progress = progress
            ob.last_report = report
            if request_completion:
                ob.status = ObligationStatus.COMPLETION_REQUESTED
                ob.next_report_due = None  # paused while the office decides
            else:
                ob.status = ObligationStatus.IN_PROGRESS
                ob.next_report_due = _next_due(timezone.localdate(now), ob.list.report_every_days, ob.deadline)
            ob.save(update_fields=["progress", "last_report", "status", "next_report_due"])
            _changed(ob, "report", now)
            record(
                actor,
                "report.filed",
                "list",
                ob.list_id,
                unit_id=ob.unit_id,
                before=before,
                after={**_obligation_state(ob), "report": report.pk},
                at=now,
            )
    except IntegrityError:
        if not submission_key:
            raise
        # The same submission raced in twice: the other one stored it.
        earlier = Report.objects.get(obligation=obligation, submission_key=submission_key)
        return _same_submission(earlier, progress, done, difficulties, next_steps, request_completion), False
    return report, True


def _same_submission(
    earlier: Report, progress: int, done: str, difficulties: str, next_steps: str, request_completion: bool
) -> Report:
    """A repeated submission key returns the stored report, but only for the same report: another report
    under a used key would otherwise be dropped without a word."""
    sent = (progress, done.strip(), difficulties.strip(), next_steps.strip(), request_completion)
    stored = (earlier.progress, earlier.done, earlier.difficulties, earlier.next_steps, earlier.request_completion)
    if sent != stored:
        raise Conflict(
            _("This submission key (Idempotency-Key) was already used for a different report."), "submission_key"
        )
    return earlier


def _decide_completion(actor: Person, obligation: Obligation, now: datetime | None) -> tuple[Obligation, dict]:
    ob = _locked(obligation)
    if not access.can_decide_completion(actor, ob.list.leader_id):
        raise NotAllowed(_("Only the office or the responsible leader decides on completion."))
    if ob.status != ObligationStatus.COMPLETION_REQUESTED:
        raise Conflict(_("{unit} has not asked for completion.").format(unit=ob.unit.name))
    return ob, _obligation_state(ob)


def do_accept(actor: Person, obligation: Obligation, now: datetime | None = None) -> Obligation:
    now = _now(now)
    with transaction.atomic():
        ob, before = _decide_completion(actor, obligation, now)
        ob.status = ObligationStatus.COMPLETED
        ob.progress = 100
        ob.completed_at = now
        ob.next_report_due = None
        ob.save(update_fields=["status", "progress", "completed_at", "next_report_due"])
        _changed(ob, "accepted", now)
        record(
            actor,
            "completion.accepted",
            "list",
            ob.list_id,
            unit_id=ob.unit_id,
            before=before,
            after=_obligation_state(ob),
            at=now,
        )
    return ob


def do_return(actor: Person, obligation: Obligation, reason: str, now: datetime | None = None) -> Obligation:
    """Send a completion request back (退回): the unit keeps working and reporting."""
    if not reason.strip():
        raise InvalidInput(_("Say why the completion is returned."), "reason")
    now = _now(now)
    with transaction.atomic():
        ob, before = _decide_completion(actor, obligation, now)
        ob.status = ObligationStatus.IN_PROGRESS
        ob.next_report_due = _next_due(timezone.localdate(now), ob.list.report_every_days, ob.deadline)
        ob.save(update_fields=["status", "next_report_due"])
        _changed(ob, "returned", now)
        record(
            actor,
            "completion.returned",
            "list",
            ob.list_id,
            unit_id=ob.unit_id,
            before=before,
            after=_obligation_state(ob),
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
    now = _now(now)
    today = timezone.localdate(now)
    with transaction.atomic():
        ob = _locked(obligation)
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
    _require_office(actor)
    now = _now(now)
    with transaction.atomic():
        ext = Extension.objects.select_for_update().get(pk=extension.pk)
        if ext.status != ExtensionStatus.PENDING:
            raise Conflict(_("This extension request has already been decided."))
        ob = _locked(ext.obligation)
        if approve and (ob.status == ObligationStatus.COMPLETED or ob.list.status != ListStatus.IN_PROGRESS):
            raise Conflict(_("This unit's work is finished; its deadline can no longer be extended."))
        before = _obligation_state(ob)
        ext.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        ext.decided_by, ext.decided_at, ext.note = actor, now, note.strip()
        ext.save(update_fields=["status", "decided_by", "decided_at", "note"])
        if approve:
            ob.deadline = ext.new_deadline
            if ob.status == ObligationStatus.IN_PROGRESS:
                ob.next_report_due = _next_due(timezone.localdate(now), ob.list.report_every_days, ob.deadline)
            ob.save(update_fields=["deadline", "next_report_due"])
            _changed(ob, "extension", now)
        record(
            actor,
            f"extension.{ext.status}",
            "list",
            ob.list_id,
            unit_id=ob.unit_id,
            before=before,
            after={**_obligation_state(ob), "extension": ext.pk},
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
    _require_office(actor)
    now = _now(now)
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
