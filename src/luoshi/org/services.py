"""The writes on units and people."""

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events.services import record
from luoshi.org import access
from luoshi.org.models import Person, Role, Unit, UnitKind


def do_create_unit(actor: Person, *, name: str, kind: str, parent_id: int | None = None) -> Unit:
    if not access.can_manage_org(actor):
        raise NotAllowed(_("Only an administrator manages units and people."))
    name = name.strip()
    if not name:
        raise InvalidInput(_("A name is required."), "name")
    if kind not in UnitKind.values:
        raise InvalidInput(_("Unknown kind of unit."), "kind")
    if parent_id is not None and not Unit.objects.filter(pk=parent_id).exists():
        raise InvalidInput(_("No such parent unit."), "parent")
    with transaction.atomic():
        if Unit.objects.filter(name=name).exists():
            raise InvalidInput(_("A unit with this name exists already."), "name")
        unit = Unit.objects.create(name=name, kind=kind, parent_id=parent_id)
        record(actor, "unit.created", "unit", unit.pk, unit_id=unit.pk, after={"name": name, "kind": kind})
    return unit


def do_create_person(
    actor: Person,
    *,
    username: str,
    name: str,
    password: str,
    title: str = "",
    unit: int | None = None,
    roles: list[str] | None = None,
    supervised_units: list[int] | None = None,
) -> Person:
    if not access.can_manage_org(actor):
        raise NotAllowed(_("Only an administrator manages units and people."))
    roles = list(dict.fromkeys(roles or []))
    supervised_units = list(dict.fromkeys(supervised_units or []))
    if not username.strip():
        raise InvalidInput(_("A username is required."), "username")
    if unknown := [r for r in roles if r not in Role.values]:
        raise InvalidInput(_("Unknown role: {roles}").format(roles=", ".join(unknown)), "roles")
    if unit is not None and not Unit.objects.filter(pk=unit).exists():
        raise InvalidInput(_("No such unit."), "unit")
    if {Role.UNIT_HEAD, Role.LIAISON} & set(roles) and unit is None:
        raise InvalidInput(_("A unit head or liaison belongs to a unit."), "unit")
    if Unit.objects.filter(pk__in=supervised_units).count() != len(supervised_units):
        raise InvalidInput(_("No such unit among the supervised units."), "supervised_units")
    with transaction.atomic():
        if Person.objects.filter(username=username).exists():
            raise InvalidInput(_("This username is taken."), "username")
        person = Person(
            username=username.strip(),
            name=name.strip(),
            title=title.strip(),
            unit_id=unit,
            roles=roles,
            is_staff=Role.ADMIN in roles,
            is_superuser=Role.ADMIN in roles,
        )
        person.set_password(password)
        person.save()
        person.supervised_units.set(supervised_units)
        record(
            actor,
            "person.created",
            "person",
            person.pk,
            unit_id=unit,
            after={"username": person.username, "roles": roles, "supervised_units": supervised_units},
        )
    return person
