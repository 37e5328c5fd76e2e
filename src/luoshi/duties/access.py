"""Which duties a person may see: the one rule the engine's pages, its API and the owners' own
visibility rules ask (a list is visible to whoever may see one of its duties)."""

from django.db.models import Q

from luoshi.duties.models import DutyStatus
from luoshi.org.models import Person, Role


def visible_duties_q(person: Person, prefix: str = "") -> Q | None:
    """A filter on duties this person may see (`prefix` names the relation, e.g. "duties__"); None
    means everything. The office sees all; a leader the duties he is responsible for and those of the
    units he supervises; a unit's head and liaison their unit's. Pending duties (an unpublished
    owner) are the office's alone."""
    if person.is_office:
        return None
    q = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
    if person.has_role(Role.LEADER):
        q |= Q(**{f"{prefix}leader": person}) | Q(**{f"{prefix}unit__in": person.supervised_units.values("pk")})
    if person.unit_id and person.has_role(Role.UNIT_HEAD, Role.LIAISON):
        q |= Q(**{f"{prefix}unit_id": person.unit_id})
    return q & ~Q(**{f"{prefix}status": DutyStatus.PENDING})
