"""Who may do what, by role. Which records a person may see is decided by the area that owns them
(e.g. luoshi.lists.access); this module knows no area above org."""

from luoshi.org.models import Person, Role


def can_manage_org(person: Person) -> bool:
    return person.has_role(Role.ADMIN)


def can_steer_lists(person: Person) -> bool:
    """Create, publish, close lists and decide extensions: the supervision office."""
    return person.is_office


def can_report_for(person: Person, unit_id: int) -> bool:
    """Direct reporting: only the unit's own liaison or head files for it."""
    return person.unit_id == unit_id and person.has_role(Role.LIAISON, Role.UNIT_HEAD)


def can_decide_completion(person: Person, leader_id: int | None) -> bool:
    """The office, or the list's responsible leader, accepts or returns a completion request."""
    return person.is_office or (leader_id is not None and person.pk == leader_id)
