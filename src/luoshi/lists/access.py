"""Which responsibility lists a person may see: the one rule every list page and endpoint asks."""

from django.db.models import Q

from luoshi.lists.models import Obligation
from luoshi.org.models import Person, Role


def visible_lists_q(person: Person) -> Q | None:
    """A filter on responsibility lists this person may see; None means everything."""
    if person.is_office:
        return None
    # Subqueries rather than joins, so that a list handled by several visible units appears once.
    obligations = Obligation.objects
    q = Q(pk__in=[])
    published = ~Q(status="draft")  # drafts are the office's until published
    if person.has_role(Role.LEADER):
        supervised = person.supervised_units.values("pk")
        q |= Q(leader=person) | Q(pk__in=obligations.filter(unit__in=supervised).values("list_id"))
    if person.unit_id and person.has_role(Role.UNIT_HEAD, Role.LIAISON):
        q |= Q(pk__in=obligations.filter(unit_id=person.unit_id).values("list_id"))
    return q & published
