"""The settings the administrator keeps beside the business (mounted without the business guard, so the
system administrator reaches it): the problem categories with their service levels, the three rates'
weights, and the dispatch suggestion's measured accuracy. The office edits the categories too (see
categories.py); only the administrator sets the weights."""

from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from luoshi.duties.services import resolve_now
from luoshi.errors import NotAllowed, NotFound
from luoshi.org import access
from luoshi.org.caller import caller
from luoshi.org.models import Person, Role
from luoshi.public import categories, rates, suggest
from luoshi.public.models import Category
from luoshi.schemas import ONE_LINE, VISIBLE_LINE, BodyIn, Id, errors

router = Router(tags=["public problems"])

Name = Annotated[str, Field(min_length=1, max_length=categories.NAME_MAX), VISIBLE_LINE]
Code = Annotated[str, Field(min_length=1, max_length=40), ONE_LINE]
Description = Annotated[str, Field(max_length=200), ONE_LINE]
RespondHours = Annotated[int, Field(ge=1, le=168)]
UrgentHours = Annotated[int, Field(ge=1, le=48)]
Workdays = Annotated[int, Field(ge=1, le=120)]
Percent = Annotated[int, Field(ge=0, le=100)]


class ProblemCategoryOut(Schema):
    id: int
    name: str
    code: str
    description: str
    respond_hours: int
    urgent_respond_hours: int
    resolve_workdays: int
    active: bool


class ProblemCategoryIn(BodyIn):
    name: Name
    code: Code
    description: Description = ""
    respond_hours: RespondHours = 24
    urgent_respond_hours: UrgentHours = 2
    resolve_workdays: Workdays = 15


class ProblemCategoryPatch(BodyIn):
    description: Description | None = None
    respond_hours: RespondHours | None = None
    urgent_respond_hours: UrgentHours | None = None
    resolve_workdays: Workdays | None = None
    active: bool | None = None


class WeightsIO(BodyIn):
    response: Percent
    resolution: Percent
    satisfaction: Percent
    basically_counts: Percent


class AccuracyOut(Schema):
    top1: float | None = Field(description="Share of held-out problems whose unit was suggested first.")
    top3: float | None = Field(description="… among the first three.")
    n: int = Field(description="Held-out problems measured (the newest fifth of the history).")


def _category_out(c: Category) -> dict:
    return {"id": c.pk, **categories.category_state(c), "description": c.description}


@router.get("/problem-categories", response={200: list[ProblemCategoryOut], **errors()})
def list_categories(request):
    """Every category, in use or not, in the order the forms show them, with its service levels."""
    return [_category_out(c) for c in Category.objects.order_by("position", "pk")]


@router.post("/problem-categories", response={201: ProblemCategoryOut, **errors(403, 409)})
def add_category(request, payload: ProblemCategoryIn):
    """A new category (the administrator or the office). Its name and code are unique: a second POST of
    the same is a 409."""
    c = categories.do_add_category(
        caller(request),
        payload.name,
        payload.code,
        resolve_now(None),
        payload.description,
        respond_hours=payload.respond_hours,
        urgent_respond_hours=payload.urgent_respond_hours,
        resolve_workdays=payload.resolve_workdays,
    )
    return 201, _category_out(c)


@router.patch("/problem-categories/{int:category_id}", response={200: ProblemCategoryOut, **errors(403, 404)})
def update_category(request, category_id: Id, payload: ProblemCategoryPatch):
    """Change service levels, the description, or take the category out of use (never deleted)."""
    c = Category.objects.filter(pk=category_id).first()
    if c is None:
        raise NotFound(_("No such category."))
    changes = payload.model_dump(exclude_none=True)
    c, _changed = categories.do_update_category(caller(request), c, resolve_now(None), **changes)
    return _category_out(c)


@router.get("/stats/rate-weights", response={200: WeightsIO, **errors()})
def get_weights(request):
    """The weights of the three rates in the score (%, summing to 100) and what a 基本满意 counts for (%)."""
    return rates.vars_of(rates.weights())


@router.put("/stats/rate-weights", response={200: WeightsIO, **errors(403)})
def put_weights(request, payload: WeightsIO):
    """The administrator's: the three weights must add up to 100; the same values again record nothing."""
    w, _changed = rates.do_set_weights(
        caller(request), payload.response, payload.resolution, payload.satisfaction, payload.basically_counts
    )
    return rates.vars_of(w)


def may_see_accuracy(person: Person) -> bool:
    return access.can_manage_org(person) or access.can_steer_lists(person) or person.has_role(Role.LEADER)


@router.get("/problems/suggestion-accuracy", response={200: AccuracyOut, **errors(403)})
def suggestion_accuracy(request):
    """The dispatch suggestion's top-1 and top-3 accuracy on the newest fifth of the city's history, the
    model trained on the older part (computed on demand, kept until the history changes). The office, the
    leaders and the administrator."""
    if not may_see_accuracy(caller(request)):
        raise NotAllowed(_("Only the office, the leaders and the administrator see this."))
    return suggest.cached_accuracy()
