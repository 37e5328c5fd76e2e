"""Reads about the organisation that several areas share."""

from luoshi.org.models import Person, Role, Unit


def responsible_leader(unit: Unit) -> Person | None:
    """The leader whose portfolio holds the unit (the first, when several do)."""
    for person in Person.objects.filter(supervised_units=unit, is_active=True).order_by("pk"):
        if person.has_role(Role.LEADER):
            return person
    return None
