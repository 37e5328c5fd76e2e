"""The engine's writes on a duty: reporting, and the rules every write on a duty shares.

Completion, extensions and the end of a duty are in duties.completion; the changes an owner makes
after it went live (units added, withdrawn, transferred; suspension) in duties.changes; the ladder's
sweep in duties.sweep. Each write is one transaction with one event on the owner's timeline, and
ends with the owner's on_changed."""

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi import bulk
from luoshi.duties import handoffs, owners, tallies
from luoshi.duties.models import Duty, DutyStatus, Report
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.events.services import record
from luoshi.org import access
from luoshi.org.models import Person
from luoshi.workdays import calendar


def resolve_now(now: datetime | None) -> datetime:
    return now or timezone.now()


def require_office(actor: Person) -> None:
    if not access.can_steer_lists(actor):
        raise NotAllowed(_("Only the supervision office may do this."))


def next_due(today: date, every_days: int | None, deadline: date) -> date | None:
    """The next report falls one cadence from today on a working day, never after a deadline still ahead.
    A deadline-only duty (no cadence) owes no report."""
    if not every_days:
        return None
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


def duty_state(duty: Duty) -> dict:
    """What an event records of a unit's work, before and after a write."""
    return {
        "status": duty.status,
        "progress": duty.progress,
        "deadline": duty.deadline.isoformat(),
        "next_report_due": duty.next_report_due.isoformat() if duty.next_report_due else None,
    }


def locked_duty(duty: Duty) -> Duty:
    """Re-read the duty under a row lock so concurrent writers queue up (behind the owner's lock)."""
    owners.of(duty).lock(duty.owner_id)
    return Duty.objects.select_for_update(of=("self",)).select_related("unit").get(pk=duty.pk)


def record_on_owner(
    actor: Person | None,
    kind: str,
    duty: Duty,
    *,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    at: datetime,
) -> Event:
    """An event on the owner's timeline (e.g. ("list", 42)), naming the unit and the duty."""
    return record(
        actor,
        kind,
        duty.owner_kind,
        duty.owner_id,
        unit_id=duty.unit_id,
        before=before,
        after={**(after or {}), "duty": duty.pk},
        note=note,
        at=at,
    )


# Sent (duty, reason, now) inside the write's transaction after any duty changed, after its owner's
# on_changed: for apps that follow another owner's work (a ledger task reported through a list).
duty_changed = Signal()


def announce_change(duty: Duty, reason: str, now: datetime) -> None:
    """After a duty's dates or status changed: the ladder ends the episodes that no longer apply, and
    the owner hears of it (a ledger task rolls its progress up; a list refreshes its figures)."""
    from luoshi.duties.sweep import end_stale_episodes

    end_stale_episodes(duty, reason, now)
    owners.of(duty).on_changed(duty, reason, now)
    duty_changed.send(sender=Duty, duty=duty, reason=reason, now=now)


def may_report(actor: Person, duty: Duty) -> bool:
    return access.can_report_for(actor, duty.unit_id)


def do_report(
    actor: Person,
    duty: Duty,
    *,
    progress: int,
    done: str,
    difficulties: str = "",
    next_steps: str = "",
    request_completion: bool = False,
    submission_key: str | None = None,
    now: datetime | None = None,
    attach: Callable[[Report], dict] | None = None,
) -> tuple[Report, bool]:
    """File a direct report. Returns (report, created); a repeated submission_key returns the first.
    A unit's first report also signs for the duty (签收). `attach` stores what the owner's report carries
    besides (a ledger task's indicator actuals) in the same transaction, before the owner's figures are
    refreshed; what it returns joins the report's one event."""
    if not may_report(actor, duty):
        raise NotAllowed(_("Only the unit's own liaison or head may report for it."))
    if not 0 <= progress <= 100:
        raise InvalidInput(_("Progress is a percentage from 0 to 100."), "progress")
    if not done.strip():
        raise InvalidInput(_("Say what work was done."), "done")
    if request_completion and progress != 100:
        raise InvalidInput(_("Asking for completion needs progress 100."), "progress")
    now = resolve_now(now)
    if submission_key:
        earlier = Report.objects.filter(duty=duty, submission_key=submission_key).first()
        if earlier:
            return _same_submission(earlier, progress, done, difficulties, next_steps, request_completion), False
    try:
        with transaction.atomic():
            d = locked_duty(duty)
            if d.status in (DutyStatus.PENDING, DutyStatus.WITHDRAWN):
                raise Conflict(_("Reports are only filed on a published list that is not closed."))
            if d.status == DutyStatus.COMPLETED:
                raise Conflict(_("This unit's work is already accepted; reporting has ended."))
            before = duty_state(d)
            report = Report.objects.create(
                duty=d,
                author=actor,
                filed_at=now,
                progress=progress,
                done=done.strip(),
                difficulties=difficulties.strip(),
                next_steps=next_steps.strip(),
                request_completion=request_completion,
                submission_key=submission_key or None,
                due_date=d.next_report_due,
            )
            carried = attach(report) if attach else {}
            tallies.reports_filed([(owners.kind_of(d.owner_type_id), d.unit_id, now, report.due_date)])
            d.progress = progress
            d.last_report = report
            fields = ["progress", "last_report", "status", "next_report_due"]
            if d.signed_at is None:
                d.signed_at, d.signed_by = now, actor
                fields += ["signed_at", "signed_by"]
                if d.resolve_workdays:  # signing by the first report starts the clock (duties.respond)
                    from luoshi.duties.respond import deadline_from_sign

                    d.deadline = deadline_from_sign(now, d.resolve_workdays, calendar.load())
                    fields.append("deadline")
            if request_completion:
                d.status = DutyStatus.COMPLETION_REQUESTED
                d.next_report_due = None  # paused while the office decides
                d.completion_asked_at = now
                fields.append("completion_asked_at")
            else:
                d.status = DutyStatus.OPEN
                d.next_report_due = next_due(timezone.localdate(now), d.report_every_days, d.deadline)
            d.save(update_fields=fields)
            announce_change(d, "report", now)
            record_on_owner(
                actor, "report.filed", d, before=before, after={**duty_state(d), "report": report.pk, **carried}, at=now
            )
            if request_completion:
                handoffs.completion_requested(d, now)
    except IntegrityError:
        if not submission_key:
            raise
        # The same submission raced in twice: the other one stored it.
        earlier = Report.objects.get(duty=duty, submission_key=submission_key)
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


def do_open_duties(duties: list[Duty], now: datetime) -> None:
    """The owner went live (a list published): its pending duties open, their first report falls due.
    Called inside the owner's transaction, which records the owner's own event."""
    today = timezone.localdate(now)
    opened = []
    for d in duties:
        if d.status != DutyStatus.PENDING:
            continue
        d.status = DutyStatus.OPEN
        d.created_at = d.created_at or now
        d.next_report_due = next_due(today, d.report_every_days, d.deadline)
        opened.append(d)
    # One statement for all: a ledger of 10,000 tasks opens its duties at once.
    bulk.update(Duty, ["status", "created_at", "next_report_due"], opened)
