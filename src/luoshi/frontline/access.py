"""Who may do what in frontline work.

- Frontline days: a leader logs his or her own; the supervision office logs for any leader (the office is
  where a leader's secretary (秘书) works, and Luoshi has no secretary role). Nobody else logs, and another
  leader never logs for a leader. A leader reads his or her own days; the office reads every leader's.
- A problem met on a frontline day becomes a responsibility list in one step: the office's (it steers lists).
- Stationed cadres (蹲守干部): the office records them; the office, the organisation department and the
  leaders read them.
- Postings and selection rounds (赛场选马): the office and the organisation department (`organisation`)
  read and write them; a person reads his or her own postings. Every read of a candidate list is audited.
"""

from django.db.models import Q

from luoshi.org.models import Person, Role


def is_leader(person: Person) -> bool:
    return person.has_role(Role.LEADER)


def may_log_for(actor: Person, leader: Person) -> bool:
    return actor.is_active and (actor.is_office or (actor.pk == leader.pk and is_leader(actor)))


def sees_fieldwork(person: Person) -> bool:
    """Has frontline days to read at all: the office (everyone's) or a leader (his or her own)."""
    return person.is_office or is_leader(person)


def fieldwork_q(person: Person) -> Q | None:
    """The entries this person may read (None: all; Q(pk__in=[]) when none)."""
    if person.is_office:
        return None
    if is_leader(person):
        return Q(leader=person.pk)
    return Q(pk__in=[])


def sees_all_leaders(person: Person) -> bool:
    return person.is_office


def may_steer_stationing(person: Person) -> bool:
    return person.is_office


def sees_stationing(person: Person) -> bool:
    return person.has_role(Role.OFFICE, Role.ORGANISATION, Role.LEADER)


def is_personnel_officer(person: Person) -> bool:
    """Reads and writes postings and selection rounds: the office and the organisation department."""
    return person.is_active and person.has_role(Role.OFFICE, Role.ORGANISATION)


def may_see_postings_of(actor: Person, person_id: int) -> bool:
    return is_personnel_officer(actor) or actor.pk == person_id
