"""The writes on responsibility lists: one function per action, each one transaction and one event.

Here a list is created and published; a unit's report, completion and extension are the duty engine's
(duties.services, duties.completion); striking the list off is in lists.completion, changes after
publication in lists.changes."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.duties import handoffs
from luoshi.duties.models import Duty, HandlingRole
from luoshi.duties.services import check_horizon, do_open_duties, require_office, resolve_now
from luoshi.errors import Conflict, InvalidInput
from luoshi.events.models import Event
from luoshi.events.services import next_number, record
from luoshi.lists import tallies
from luoshi.lists.models import ListStatus, Milestone, ResponsibilityList, Source
from luoshi.org.models import Person, Role, Unit


def owner_type() -> ContentType:
    return ContentType.objects.get_for_model(ResponsibilityList)


def list_duty(rlist: ResponsibilityList, unit: Unit, role: str, **fields) -> Duty:
    """An unsaved duty of `unit` on the list, carrying the list's title, code, leader, deadline and cadence."""
    return Duty(
        owner_type=owner_type(),
        owner_id=rlist.pk,
        unit=unit,
        role=role,
        leader_id=rlist.leader_id,
        title=rlist.title,
        code=rlist.code or "",
        deadline=rlist.deadline,
        report_every_days=rlist.report_every_days,
        **fields,
    )


def copy_to_duties(rlist: ResponsibilityList) -> None:
    """Keep the list's duties in step with what they copy from it (the engine's notices, board and league
    read them there)."""
    rlist.duties.update(
        title=rlist.title, code=rlist.code or "", leader_id=rlist.leader_id, report_every_days=rlist.report_every_days
    )


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
    with transaction.atomic(), tallies.one_refresh():
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
        Duty.objects.bulk_create(list_duty(rlist, u, role) for u, role in units)
        Milestone.objects.bulk_create(
            Milestone(list=rlist, due_date=m.due_date, title=m.title.strip()) for m in milestones
        )
        after = {"title": rlist.title, **({"submission_key": submission_key} if submission_key else {})}
        record(actor, "list.created", "list", rlist.pk, after=after, at=now)
        tallies.refresh([rlist.pk])
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
    with transaction.atomic(), tallies.one_refresh():
        rlist = ResponsibilityList.objects.select_for_update().get(pk=rlist.pk)
        if rlist.status != ListStatus.DRAFT:
            raise Conflict(_("Only a draft can be published; this list is already published."))
        rlist.status = ListStatus.IN_PROGRESS
        rlist.published_at = now
        rlist.year = today.year
        rlist.code = f"{today.year}-ZR-{next_number(f'list-code-{today.year}'):04d}"
        rlist.save(update_fields=["status", "published_at", "year", "code"])
        Duty.objects.filter(owner_type=owner_type(), owner_id=rlist.pk).update(code=rlist.code)
        duties = list(rlist.duties.all())
        do_open_duties(duties, now)
        record(
            actor,
            "list.published",
            "list",
            rlist.pk,
            before={"status": ListStatus.DRAFT},
            after={"status": rlist.status, "code": rlist.code},
            at=now,
        )
        handoffs.assigned(duties, now)
        tallies.refresh([rlist.pk])
    return rlist
