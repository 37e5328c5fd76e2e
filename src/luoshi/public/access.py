"""Who may see public problems and their reporters. The office sees every problem; the city's leaders see
every problem (they steer the work); a unit's people see the problems dispatched to their unit, now or
before (a unit that sent one back still sees what it sent back). The reporter's name and contact are
restricted: the office sees them; a unit's people only when the reporter agreed and the problem is with
their unit now; never the public, Open311 or an export to units without that consent. Every read of a
reporter's contact is an audited event ("record.read" on subject "problem_reporter")."""

from django.db.models import Q, QuerySet

from luoshi.duties import owners
from luoshi.duties.models import Duty, DutyStatus
from luoshi.events.services import audit_read, audit_reads
from luoshi.org import access
from luoshi.org.models import Person, Role
from luoshi.public.models import Problem

REPORTER = "problem_reporter"  # the audited subject type


def is_office(person: Person) -> bool:
    return access.can_steer_lists(person)


def sees_all(person: Person) -> bool:
    return is_office(person) or person.has_role(Role.LEADER)


def _unit_duties(person: Person, *, live: bool) -> QuerySet[Duty]:
    qs = Duty.objects.filter(owner_type_id=owners.content_type_id("problem"), unit_id=person.unit_id or 0)
    return qs.exclude(status=DutyStatus.WITHDRAWN) if live else qs


def visible_q(person: Person) -> Q | None:
    """The problems this person may see, as a filter (None: all)."""
    if sees_all(person):
        return None
    if not person.unit_id:
        return Q(pk__in=[])
    return Q(pk__in=_unit_duties(person, live=False).values("owner_id"))


def visible(person: Person) -> QuerySet[Problem]:
    q = visible_q(person)
    return Problem.objects.all() if q is None else Problem.objects.filter(q)


def may_see(person: Person, problem: Problem) -> bool:
    q = visible_q(person)
    return q is None or Problem.objects.filter(q, pk=problem.pk).exists()


def may_see_reporter(person: Person, problem: Problem) -> bool:
    if is_office(person):
        return True
    if not problem.reporter_consents or not person.unit_id:
        return False
    return _unit_duties(person, live=True).filter(owner_id=problem.pk).exists()


def reporter_of(person: Person, problem: Problem) -> dict[str, str] | None:
    """The reporter's name and contact if this person may read them (the read audited), else None."""
    if not may_see_reporter(person, problem):
        return None
    if problem.reporter_name or problem.reporter_contact:
        audit_read(person, REPORTER, problem.pk)
    return {"name": problem.reporter_name, "contact": problem.reporter_contact}


def reporters_shown(person: Person, problems: list[Problem]) -> set[int]:
    """Of a page or an export of problems, those whose reporter this person may read: one audited read
    for all of them. The office: every one; a unit: the consenting ones with the unit now (one query)."""
    if is_office(person):
        shown = {p.pk for p in problems}
    elif person.unit_id:
        consenting = [p.pk for p in problems if p.reporter_consents]
        shown = set(_unit_duties(person, live=True).filter(owner_id__in=consenting).values_list("owner_id", flat=True))
    else:
        shown = set()
    if shown:
        audit_reads(person, REPORTER, sorted(shown))
    return shown
