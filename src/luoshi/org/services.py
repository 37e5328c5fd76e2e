"""The writes on units and people."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events.services import record
from luoshi.org import access
from luoshi.org.models import Person, Role, Unit, UnitKind, normalize_username, validate_username
from luoshi.text import check_text


def do_create_unit(actor: Person, *, name: str, kind: str, parent_id: int | None = None) -> Unit:
    if not access.can_manage_org(actor):
        raise NotAllowed(_("Only an administrator manages units and people."))
    name = check_text(name, "name", multiline=False)
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
    username = clean_username(username)
    name = check_text(name, "name", multiline=False)
    title = check_text(title, "title", multiline=False)
    if unknown := [r for r in roles if r not in Role.values]:
        raise InvalidInput(_("Unknown role: {roles}").format(roles=", ".join(unknown)), "roles")
    if unit is not None and not Unit.objects.filter(pk=unit).exists():
        raise InvalidInput(_("No such unit."), "unit")
    if {Role.UNIT_HEAD, Role.LIAISON} & set(roles) and unit is None:
        raise InvalidInput(_("A unit head or liaison belongs to a unit."), "unit")
    if Unit.objects.filter(pk__in=supervised_units).count() != len(supervised_units):
        raise InvalidInput(_("No such unit among the supervised units."), "supervised_units")
    with transaction.atomic():
        if Person.objects.filter(username__iexact=username).exists():
            raise InvalidInput(_("This username is taken."), "username")
        person = Person(
            username=username,
            name=name,
            title=title,
            unit_id=unit,
            roles=roles,
            is_staff=Role.ADMIN in roles,
            is_superuser=Role.ADMIN in roles,
        )
        person.set_password(password)
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError as e:  # the same name in another case, created at the same moment
            raise InvalidInput(_("This username is taken."), "username") from e
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


def clean_username(raw: str) -> str:
    """Normalised (NFKC, stripped) and checked: letters, digits and . _ - @ only."""
    username = normalize_username(raw)
    try:
        validate_username(username)
    except ValidationError as e:
        raise InvalidInput(" ".join(e.messages), "username") from e
    return username


def do_create_admin(username: str, password: str, name: str = "") -> Person:
    """The first administrator, from the command line on the server (`luoshi createadmin`): no actor is
    signed in yet, so the event names none. Role admin, and Django's staff and superuser flags for /admin/."""
    username = clean_username(username)
    name = check_text(name, "name", multiline=False)
    try:
        validate_password(password)
    except ValidationError as e:
        raise InvalidInput(" ".join(e.messages), "password") from e
    with transaction.atomic():
        if Person.objects.filter(username__iexact=username).exists():
            raise InvalidInput(_("This username is taken."), "username")
        person = Person(username=username, name=name, roles=[Role.ADMIN], is_staff=True, is_superuser=True)
        person.set_password(password)
        person.save()
        record(
            None,
            "person.created",
            "person",
            person.pk,
            after={"username": person.username, "roles": [Role.ADMIN], "via": "createadmin"},
        )
    return person
