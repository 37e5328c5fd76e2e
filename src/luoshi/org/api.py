from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from ninja import Router, Schema

from luoshi.errors import InvalidInput, NotAllowed
from luoshi.org import access, services
from luoshi.org.models import Person, Unit

router = Router(tags=["org"])


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    parent: int | None

    @staticmethod
    def resolve_parent(obj: Unit) -> int | None:
        return obj.parent_id


class UnitIn(Schema):
    name: str
    kind: str
    parent: int | None = None


class PersonOut(Schema):
    id: int
    username: str
    name: str
    title: str
    unit: int | None
    roles: list[str]
    supervised_units: list[int]

    @staticmethod
    def resolve_unit(obj: Person) -> int | None:
        return obj.unit_id

    @staticmethod
    def resolve_supervised_units(obj: Person) -> list[int]:
        return [u.pk for u in obj.supervised_units.all()]


class PersonIn(Schema):
    username: str
    name: str
    password: str
    title: str = ""
    unit: int | None = None
    roles: list[str] = []
    supervised_units: list[int] = []


def _admin(request) -> Person:
    if not access.can_manage_org(request.auth):
        raise NotAllowed("Only an administrator manages units and people.")
    return request.auth


@router.get("/units", response=list[UnitOut])
def list_units(request):
    return Unit.objects.all()


@router.post("/units", response={201: UnitOut})
def create_unit(request, payload: UnitIn):
    actor = _admin(request)
    return 201, services.do_create_unit(actor, name=payload.name, kind=payload.kind, parent_id=payload.parent)


@router.get("/people", response=list[PersonOut])
def list_people(request):
    return (
        Person.objects.filter(is_active=True)
        .prefetch_related(Prefetch("supervised_units", queryset=Unit.objects.only("pk")))
        .order_by("id")
    )


@router.post("/people", response={201: PersonOut})
def create_person(request, payload: PersonIn):
    actor = _admin(request)
    try:
        validate_password(payload.password)
    except DjangoValidationError as e:
        raise InvalidInput(" ".join(e.messages), "password") from e
    return 201, services.do_create_person(actor, **payload.dict())
