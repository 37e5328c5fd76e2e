"""Which responsibility lists a person may see: the one rule every list page and endpoint asks.
A list is visible to whoever may see one of its duties (duties.access), and to its responsible leader."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from luoshi.duties.access import visible_duties_q
from luoshi.duties.models import Duty
from luoshi.org.models import Person, Role


def visible_lists_q(person: Person) -> Q | None:
    """A filter on responsibility lists this person may see; None means everything."""
    duty_q = visible_duties_q(person)
    if duty_q is None:
        return None
    from luoshi.lists.models import ResponsibilityList

    # A subquery rather than a join, so that a list handled by several visible units appears once.
    duties = Duty.objects.filter(duty_q, owner_type=ContentType.objects.get_for_model(ResponsibilityList))
    q = Q(pk__in=duties.values("owner_id"))
    if person.has_role(Role.LEADER):
        q |= Q(leader=person)
    return q & ~Q(status="draft")  # drafts are the office's until published
