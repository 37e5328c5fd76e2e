"""The writes on responsibility lists: one function per action, each one transaction and one event.

Here a list is created, published and reported on, with the rules those writes share; deciding on a
unit's completion, extending its deadline and striking the list off are in lists.completion."""

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


def resolve_now(now: datetime | None) -> datetime:
    return now or timezone.now()


def require_office(actor: Person) -> None:
    if not access.can_steer_lists(actor):
        raise NotAllowed(_("Only the supervision office may do this."))


def next_due(today: date, every_days: int, deadline: date) -> date:
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


def announce_change(ob: Obligation, reason: str, now: datetime) -> None:
    """Tell whoever follows a unit's dates (the escalation ladder ends its episodes) that they changed."""
    obligation_changed.send(sender=Obligation, obligation=ob, reason=reason, now=now)


def obligation_state(ob: Obligation) -> dict:
    """What an event records of a unit's work, before and after a write."""
    return {
        "status": ob.status,
        "progress": ob.progress,
        "deadline": ob.deadline.isoformat(),
        "next_report_due": ob.next_report_due.isoformat() if ob.next_report_due else None,
    }


def locked_obligation(ob: Obligation) -> Obligation:
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
    require_office(actor)
    now = resolve_now(now)
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
    require_office(actor)
    now = resolve_now(now)
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
            ob.next_report_due = next_due(today, rlist.report_every_days, ob.deadline)
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
    now = resolve_now(now)
    if submission_key:
        earlier = Report.objects.filter(obligation=obligation, submission_key=submission_key).first()
        if earlier:
            return _same_submission(earlier, progress, done, difficulties, next_steps, request_completion), False
    try:
        with transaction.atomic():
            ob = locked_obligation(obligation)
            if ob.list.status != ListStatus.IN_PROGRESS:
                raise Conflict(_("Reports are only filed on a published list that is not closed."))
            if ob.status == ObligationStatus.COMPLETED:
                raise Conflict(_("This unit's work is already accepted; reporting has ended."))
            before = obligation_state(ob)
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
                ob.next_report_due = next_due(timezone.localdate(now), ob.list.report_every_days, ob.deadline)
            ob.save(update_fields=["progress", "last_report", "status", "next_report_due"])
            announce_change(ob, "report", now)
            record(
                actor,
                "report.filed",
                "list",
                ob.list_id,
                unit_id=ob.unit_id,
                before=before,
                after={**obligation_state(ob), "report": report.pk},
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
