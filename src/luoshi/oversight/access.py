"""Who may see and write oversight's records. Findings: the office, the discipline role, the inspection
team and the unit found. The restricted cases (talks, incidents, violations, accountability): the office
and the discipline role read and write them; a unit head reads those whose subject is the unit or its
people; a person reads his or her own. Every read of a restricted case is an audited event.

Incidents have no single subject: besides the office and the discipline role, the heads of the units
involved and the people involved read them (they are what those units' and people's cases cite).

A talk's follow-up (a duty of the talk's unit) is also seen, without the talk's record, by whoever may
report for that unit (its liaison): the unit owes the report, so its liaison must be able to file it."""

from django.db.models import Q

from luoshi.org.models import Person, Role

NOTHING = Q(pk__in=[])


def is_case_officer(person: Person) -> bool:
    """Reads and writes every restricted case: the supervision office and the discipline role."""
    return person.has_role(Role.OFFICE, Role.DISCIPLINE)


def may_see_oversight(person: Person) -> bool:
    return is_case_officer(person) or person.has_role(Role.LEADER)


def may_read_stats(person: Person) -> bool:
    """The oversight figures (counts, no names): the office, the discipline role and the leaders."""
    return may_see_oversight(person)


def cases_q(person: Person, *, unit_field: str = "unit", person_field: str = "person") -> Q | None:
    """The restricted cases this person may read, as a filter (None: all; Q(pk__in=[]) when none).
    A unit head: the unit's (its own cases and its people's); anyone: his or her own."""
    if is_case_officer(person):
        return None
    q = Q(**{person_field: person.pk})
    if person.has_role(Role.UNIT_HEAD) and person.unit_id:
        q |= Q(**{unit_field: person.unit_id})
    return q


def incidents_q(person: Person) -> Q | None:
    """The incidents this person may read: all for the officers; the heads of the units involved; the
    people involved. Subqueries, so that an incident of several units appears once."""
    if is_case_officer(person):
        return None
    from luoshi.oversight.models import Incident

    involved = Incident.people.through.objects.filter(person_id=person.pk).values("incident_id")
    q = Q(pk__in=involved)
    if person.has_role(Role.UNIT_HEAD) and person.unit_id:
        units = Incident.units.through.objects.filter(unit_id=person.unit_id).values("incident_id")
        q |= Q(pk__in=units)
    return q


def may_follow_up(person: Person, unit_id: int) -> bool:
    """Files a talk's follow-up report for the unit (its liaison or head), as any duty's report."""
    return person.unit_id == unit_id and person.has_role(Role.LIAISON, Role.UNIT_HEAD)
