"""Who may see and write oversight's records. Findings: the office, the discipline role, the inspection
team and the unit found. The restricted cases (talks, incidents, violations, accountability): the office
and the discipline role read and write them; a unit head reads those whose subject is the unit or its
people; a person reads his or her own. Every read of a restricted case is an audited event."""

from django.db.models import Q

from luoshi.org.models import Person, Role


def is_case_officer(person: Person) -> bool:
    """Reads and writes every restricted case: the supervision office and the discipline role."""
    return person.has_role(Role.OFFICE, Role.DISCIPLINE)


def may_see_oversight(person: Person) -> bool:
    return is_case_officer(person) or person.has_role(Role.LEADER)


def cases_q(person: Person, *, unit_field: str = "unit", person_field: str = "person") -> Q | None:
    """The restricted cases this person may read, as a filter (None: all; Q(pk__in=[]) when none).
    A unit head: the unit's (its own cases and its people's); anyone: his or her own."""
    if is_case_officer(person):
        return None
    q = Q(**{person_field: person.pk})
    if person.has_role(Role.UNIT_HEAD) and person.unit_id:
        q |= Q(**{unit_field: person.unit_id})
    return q
