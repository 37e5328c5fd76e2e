"""Who may see and do what. Views and the API ask here; nothing else decides access."""

from django.apps import apps
from django.db.models import Q

from luoshi.org.models import Person, Role


def can_manage_org(person: Person) -> bool:
    return person.has_role(Role.ADMIN)


def can_steer_lists(person: Person) -> bool:
    """Create, publish, close lists and decide extensions: the supervision office."""
    return person.is_office


def visible_lists_q(person: Person) -> Q | None:
    """A filter on responsibility lists this person may see; None means everything."""
    if person.is_office:
        return None
    # Subqueries rather than joins, so that a list handled by several visible units appears once.
    obligations = apps.get_model("lists", "Obligation").objects
    q = Q(pk__in=[])
    published = ~Q(status="draft")  # drafts are the office's until published
    if person.has_role(Role.LEADER):
        supervised = person.supervised_units.values("pk")
        q |= Q(leader=person) | Q(pk__in=obligations.filter(unit__in=supervised).values("list_id"))
    if person.unit_id and person.has_role(Role.UNIT_HEAD, Role.LIAISON):
        q |= Q(pk__in=obligations.filter(unit_id=person.unit_id).values("list_id"))
    return q & published


def can_report_for(person: Person, unit_id: int) -> bool:
    """Direct reporting: only the unit's own liaison or head files for it."""
    return person.unit_id == unit_id and person.has_role(Role.LIAISON, Role.UNIT_HEAD)


def can_decide_completion(person: Person, leader_id: int | None) -> bool:
    """The office, or the list's responsible leader, accepts or returns a completion request."""
    return person.is_office or (leader_id is not None and person.pk == leader_id)
