"""Who may do what, by role. Which records a person may see is decided by the area that owns them
(e.g. luoshi.lists.access); this module knows no area above org.

The three privileged roles (三员) have separate duties and none of the business: the system administrator
manages units, people and settings; the security administrator roles and lockouts; the auditor reads the
audit trail. The supervision office keeps the business."""

from luoshi.org.models import Person, Role

# Any two of these held by one person are refused (luoshi.org.services.check_roles).
PRIVILEGED = (Role.ADMIN, Role.SECURITY, Role.AUDITOR)
BUSINESS = (Role.OFFICE, Role.LEADER, Role.UNIT_HEAD, Role.LIAISON)


def kept_from_business(person: Person) -> bool:
    """A system or security administrator or an auditor holding no business role: every business page and
    endpoint (lists, duties, escalations, notices, league, to-do) refuses him, whatever unit he is in."""
    return person.has_role(*PRIVILEGED) and not person.has_role(*BUSINESS)


def can_manage_org(person: Person) -> bool:
    """Units, people (create, edit, disable), settings: the system administrator."""
    return person.is_active and person.has_role(Role.ADMIN)


def can_manage_security(person: Person) -> bool:
    """Roles and permissions, lockouts, the password and session policy: the security administrator."""
    return person.is_active and person.has_role(Role.SECURITY)


def can_audit(person: Person) -> bool:
    """Reading the audit trail and verifying its chain: the auditor."""
    return person.is_active and person.has_role(Role.AUDITOR)


def can_steer_lists(person: Person) -> bool:
    """Create, publish, close lists and decide extensions: the supervision office."""
    return person.is_office


def can_report_for(person: Person, unit_id: int) -> bool:
    """Direct reporting: only the unit's own liaison or head files for it."""
    return person.unit_id == unit_id and person.has_role(Role.LIAISON, Role.UNIT_HEAD)


def can_decide_completion(person: Person, leader_id: int | None) -> bool:
    """The office, or the list's responsible leader, accepts or returns a completion request."""
    return person.is_office or (leader_id is not None and person.pk == leader_id)
