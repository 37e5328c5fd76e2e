"""Units and people. Everyone signed in reads the units; each role reads the people it works with."""

from typing import Annotated

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from ninja import Field, Header, Router, Schema

from luoshi.errors import InvalidInput, NotAllowed, NotFound
from luoshi.org import access, services
from luoshi.org.aliases import ALIASES_MAX, do_set_aliases
from luoshi.org.caller import caller
from luoshi.org.models import USERNAME_MAX, Person, Role, Unit, UnitKind
from luoshi.schemas import ONE_LINE, VISIBLE_LINE, BodyIn, Id, errors

router = Router(tags=["org"])

IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    max_length=64,
    description="Repeating a request with the same key stores it once and answers the first record (200); "
    "the key again with another body is a 409 on submission_key.",
)
Key = Annotated[str | None, ONE_LINE]


class UnitOut(Schema):
    id: int
    name: str
    kind: UnitKind
    parent: int | None
    aliases: list[str]

    @staticmethod
    def resolve_parent(obj: Unit) -> int | None:
        return obj.parent_id


# Short names are checked by luoshi.org.aliases (400 on "aliases" naming the one refused); the schema bounds
# only the size of what is read.
Aliases = list[Annotated[str, Field(max_length=200)]]


class UnitIn(BodyIn):
    name: Annotated[str, Field(min_length=1, max_length=100), VISIBLE_LINE]
    kind: UnitKind
    parent: Id | None = None
    aliases: Aliases = Field([], max_length=ALIASES_MAX, description="Short names (简称), 2–50 characters each.")


class AliasesIn(BodyIn):
    aliases: Aliases = Field(..., max_length=ALIASES_MAX)


class PersonOut(Schema):
    id: int
    username: str
    name: str
    title: str
    unit: int | None
    roles: list[Role]
    supervised_units: list[int]

    @staticmethod
    def resolve_unit(obj: Person) -> int | None:
        return obj.unit_id

    is_active: bool

    @staticmethod
    def resolve_supervised_units(obj: Person) -> list[int]:
        return [u.pk for u in obj.supervised_units.all()]


class PersonIn(BodyIn):
    username: Annotated[str, Field(min_length=1, max_length=USERNAME_MAX), ONE_LINE]
    name: Annotated[str, Field(max_length=50), ONE_LINE]
    password: str = Field(..., max_length=128)
    title: Annotated[str, Field(max_length=80), ONE_LINE] = ""
    unit: Id | None = None
    roles: list[Role] = Field([], max_length=len(Role))
    supervised_units: list[Id] = Field([], max_length=1000)


def _admin(request) -> Person:
    if not access.can_manage_org(caller(request)):
        raise NotAllowed("Only an administrator manages units and people.")
    return caller(request)


@router.get("/units", response={200: list[UnitOut], **errors()})
def list_units(request):
    return Unit.objects.all()


@router.post("/units", response={201: UnitOut, 200: UnitOut, **errors(403, 409)})
def create_unit(request, payload: UnitIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """A unit (the system administrator's). 200 with the same unit when the same Idempotency-Key and unit
    came before."""
    actor = _admin(request)
    unit, created = services.do_create_unit(
        actor,
        name=payload.name,
        kind=payload.kind,
        parent_id=payload.parent,
        aliases=list(payload.aliases),
        submission_key=idempotency_key or None,
    )
    return (201 if created else 200), unit


@router.put("/units/{unit_id}/aliases", response={200: UnitOut, **errors(403, 404)})
def set_unit_aliases(request, unit_id: Id, payload: AliasesIn):
    """The system administrator's: the unit's short names, replaced by these (an empty list clears them).
    Each is 2–50 characters on one line, at most 20, none twice, none another unit's name or short name (else
    400 on aliases naming it). A change is the event unit.aliases_changed; the same list again records nothing."""
    actor = _admin(request)
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("No such unit.")
    return do_set_aliases(actor, unit, list(payload.aliases))


def visible_people(person: Person) -> QuerySet[Person]:
    """Whom a person may look up: the office and the system and security administrators everyone; a leader
    the people of the units he supervises and the office staff; a unit's liaison or head the people of the
    own unit and the office staff. Anyone at least himself."""
    active = Person.objects.filter(is_active=True)
    if person.is_office or access.can_manage_org(person) or access.can_manage_security(person):
        return active
    supervised = set(person.supervised_units.values_list("pk", flat=True)) if person.has_role(Role.LEADER) else set()
    own = {person.unit_id} if person.unit_id and person.has_role(Role.LIAISON, Role.UNIT_HEAD) else set()
    units = supervised | own
    contacts = bool(person.has_role(Role.LEADER) or own)  # the office is whom they report to
    # roles is a JSON list, filtered in Python to stay portable; people are counted in hundreds.
    ids = [
        pk
        for pk, unit_id, roles in active.values_list("pk", "unit_id", "roles")
        if pk == person.pk or unit_id in units or (contacts and Role.OFFICE in roles)
    ]
    return active.filter(pk__in=ids)


@router.get("/people", response={200: list[PersonOut], **errors()})
def list_people(request):
    """The people the caller works with. The office and the system and security administrators see everyone
    (the auditor only himself); a leader the
    people of the units he supervises and the office staff; a liaison or unit head the people of the
    own unit and the office staff (the contacts for reports and urging). Others see only themselves."""
    return (
        visible_people(caller(request))
        .prefetch_related(Prefetch("supervised_units", queryset=Unit.objects.only("pk")))
        .order_by("id")
    )


@router.post("/people", response={201: PersonOut, 200: PersonOut, **errors(403, 409)})
def create_person(request, payload: PersonIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """A person (the system administrator's). 200 with the same person when the same Idempotency-Key and
    person came before."""
    actor = _admin(request)
    try:
        validate_password(payload.password)
    except DjangoValidationError as e:
        raise InvalidInput(" ".join(e.messages), "password") from e
    person, created = services.do_create_person(actor, **payload.dict(), submission_key=idempotency_key or None)
    return (201 if created else 200), person


class RolesIn(BodyIn):
    roles: list[Role] = Field(..., max_length=len(Role))


def _person(person_id: int) -> Person:
    """Anyone, disabled or not: the administrators' endpoints act on people the lists do not show."""
    found = Person.objects.prefetch_related("supervised_units").filter(pk=person_id).first()
    if found is None:
        raise NotFound("No such person.")
    return found


@router.put("/people/{person_id}/roles", response={200: PersonOut, **errors(403, 404)})
def set_roles(request, person_id: Id, payload: RolesIn):
    """The security administrator's: at most one of admin, security, auditor (else 400 on roles)."""
    if not access.can_manage_security(caller(request)):
        raise NotAllowed("Only the security administrator changes roles.")
    return services.do_set_roles(caller(request), _person(person_id), list(payload.roles))


@router.post("/people/{person_id}/disable", response={200: PersonOut, **errors(403, 404)})
def disable_person(request, person_id: Id):
    """No sign-in, every session ended, every API token revoked (the system administrator's)."""
    actor = _admin(request)
    return services.do_disable_person(actor, _person(person_id))


@router.post("/people/{person_id}/enable", response={200: PersonOut, **errors(403, 404)})
def enable_person(request, person_id: Id):
    actor = _admin(request)
    return services.do_enable_person(actor, _person(person_id))
