"""The engine's own API: every duty a person may see, of every owner kind, with its light; signing for one.

    GET  /api/v1/duties                 filters unit, owner_kind, light, due_before, open, signed
    POST /api/v1/duties/{id}/sign       the unit's liaison or head signs for it (签收)

A page costs a fixed number of queries: the count, the rows with their units, and each kind's policy
(read through its cache) for the lights.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from luoshi.duties import owners
from luoshi.duties.access import visible_duties_q
from luoshi.duties.lights import GREEN, light, light_q, thresholds
from luoshi.duties.models import LIVE_STATUSES, Duty, DutyStatus
from luoshi.duties.signing import do_sign, unsigned_q
from luoshi.errors import InvalidInput, NotFound
from luoshi.org.caller import caller
from luoshi.org.models import Person
from luoshi.schemas import BlankIsNone, Day, Id, Line, Page, errors

router = Router(tags=["duties"])

LightName = Literal["green", "yellow", "red"]
# Work with a light: owed (open), or done or awaiting acceptance (green, as on the owners' pages).
LIT_STATUSES = (DutyStatus.OPEN, DutyStatus.COMPLETION_REQUESTED, DutyStatus.COMPLETED)


def duty_light(duty: Duty, today: date) -> str | None:
    """The light of one duty with its kind's thresholds; none while nothing is owed (pending, withdrawn)
    or while its owner is suspended."""
    if duty.status not in LIT_STATUSES or duty.paused_at is not None:
        return None
    if duty.status != DutyStatus.OPEN:
        return light(today, None, None)
    return light(today, duty.next_report_due, duty.deadline, thresholds(duty.owner_kind))


def light_filter(wanted: str, today: date) -> Q:
    """`duty_light(d) == wanted` in SQL: each registered kind's rule with its own thresholds."""
    lit = Q(status__in=LIT_STATUSES, paused_at__isnull=True)
    owed = Q(status=DutyStatus.OPEN)
    by_kind = Q(pk__in=[])
    for kind in owners.kinds():
        rule = light_q(wanted, today, "next_report_due", "deadline", thresholds(kind))
        by_kind |= Q(owner_type_id=owners.content_type_id(kind)) & rule
    if wanted == GREEN:
        return lit & (~owed | (owed & by_kind))
    return lit & owed & by_kind


def check_kind(kind: str, field: str = "owner_kind") -> str:
    if kind not in owners.kinds():
        raise InvalidInput(
            _("Unknown kind of work “{kind}”: give one of {kinds}.").format(kind=kind, kinds=", ".join(owners.kinds())),
            field,
        )
    return kind


class DutyOut(Schema):
    id: int
    owner_kind: str = Field(description="The kind of work that owns the duty, e.g. `list`.")
    owner_id: int
    title: str
    code: str
    unit: int
    unit_name: str
    role: Literal["lead", "co"]
    status: Literal["pending", "open", "completion_requested", "completed", "withdrawn"]
    progress: int
    deadline: date = Field(description="The effective deadline, after approved extensions.")
    next_report_due: date | None
    signed_at: datetime | None = Field(description="When the unit signed for it (签收); null while unsigned.")
    light: LightName | None = Field(description="None while nothing is owed (pending, withdrawn) or suspended.")
    url: str = Field(description="The owner's page.")

    @staticmethod
    def resolve_owner_kind(obj: Duty) -> str:
        return obj.owner_kind

    @staticmethod
    def resolve_unit(obj: Duty) -> int:
        return obj.unit_id

    @staticmethod
    def resolve_unit_name(obj: Duty) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_light(obj: Duty) -> str | None:
        return duty_light(obj, timezone.localdate())

    @staticmethod
    def resolve_url(obj: Duty) -> str:
        return owners.url_of(obj)


class DutyQuery(Schema):
    unit: Annotated[Id | None, BlankIsNone] = None
    owner_kind: Annotated[Line | None, BlankIsNone] = Field(None, description="A registered kind, e.g. `list`.")
    light: Annotated[LightName | None, BlankIsNone] = None
    due_before: Annotated[Day | None, BlankIsNone] = Field(
        None, description="A report or the deadline falls due before this day."
    )
    open: bool | None = Field(None, description="true: still owed (open or awaiting acceptance).")
    signed: bool | None = Field(
        None, description="false: open duties not yet signed for (suspended ones wait); true: signed for."
    )


def visible(person: Person) -> QuerySet[Duty]:
    q = visible_duties_q(person)
    qs = Duty.objects.select_related("unit")
    return qs if q is None else qs.filter(q)


def filtered(person: Person, f: DutyQuery) -> QuerySet[Duty]:
    qs = visible(person)
    if f.unit:
        qs = qs.filter(unit_id=f.unit)
    if f.owner_kind:
        qs = qs.filter(owner_type_id=owners.content_type_id(check_kind(f.owner_kind)))
    if f.light:
        qs = qs.filter(light_filter(f.light, timezone.localdate()))
    if f.due_before:
        qs = qs.filter(Q(next_report_due__lt=f.due_before) | Q(deadline__lt=f.due_before))
    if f.open is not None:
        qs = qs.filter(status__in=LIVE_STATUSES) if f.open else qs.exclude(status__in=LIVE_STATUSES)
    if f.signed is not None:
        qs = qs.filter(signed_at__isnull=False) if f.signed else qs.filter(unsigned_q())
    return qs.order_by("deadline", "pk")


@router.get("", response={200: list[DutyOut], **errors()})
@paginate(Page)
def list_duties(request, filters: Query[DutyQuery]):
    """The duties the caller may see, of every kind of work, earliest deadline first: the office all;
    a leader those he is responsible for and those of the units he supervises; a unit its own."""
    return filtered(caller(request), filters)


@router.post("/{duty_id}/sign", response={200: DutyOut, **errors(403, 404, 409)})
def sign(request, duty_id: Id):
    """The unit's liaison or head signs for a duty (签收). Signing again returns it as it is: the first
    signature stands. 404 for a duty the caller cannot see, 403 for others than the unit's people, 409
    for work not (or no longer) owed."""
    duty = visible(caller(request)).filter(pk=duty_id).first()
    if duty is None:
        raise NotFound(_("No such duty, or not one you may see."))
    do_sign(caller(request), duty)
    return visible(caller(request)).get(pk=duty_id)
