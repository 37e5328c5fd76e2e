"""The frontline API on people: stationed cadres, postings, selection rounds and frontline placements.

Postings and selection rounds are the office's and the organisation department's; a person reads his or
her own postings. Every read of a round's candidate list is an audited event (record.read)."""

from typing import Annotated, Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema

from luoshi.errors import InvalidInput, NotAllowed, NotFound
from luoshi.events.services import audit_read
from luoshi.frontline import access, config, services_people
from luoshi.frontline.api_schemas import (
    CandidatesIn,
    EndIn,
    PagedPostingOut,
    PagedSelectionOut,
    PlacementIn,
    PostingIn,
    PostingOut,
    SelectionIn,
    SelectionOut,
    StationingIn,
    StationingOut,
)
from luoshi.frontline.models import Candidate, Posting, Selection, Stationing
from luoshi.frontline.queries import rounds
from luoshi.frontline.rule import placement_state
from luoshi.ledger.models import Task
from luoshi.org.caller import caller
from luoshi.org.models import Person, Unit
from luoshi.schemas import ONE_LINE, BlankIsNone, Id, Page, errors

router = Router(tags=["frontline"])

IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    max_length=64,
    description="Repeating a request with the same key stores it once; the same key with other content is 409.",
)
Key = Annotated[str | None, ONE_LINE]


def _get(model: Any, pk: int | None, field: str, message: str) -> Any:
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise InvalidInput(message, field)
    return found


def _person(pk: int, field: str = "person") -> Person:
    found: Person = _get(Person, pk, field, _("No such person."))
    return found


def _unit(pk: int, field: str = "unit") -> Unit:
    found: Unit = _get(Unit, pk, field, _("No such unit."))
    return found


def _officer(request: HttpRequest) -> Person:
    person = caller(request)
    if not access.is_personnel_officer(person):
        raise NotAllowed(
            _("Postings and selection rounds are the supervision office's and the organisation department's.")
        )
    return person


# ---------------------------------------------------------------- stationed cadres


def _stationing_out(s: Stationing) -> dict:
    return {
        "id": s.pk,
        "person": s.person_id,
        "person_name": str(s.person),
        "unit_name": s.person.unit.name if s.person.unit else None,
        "project": s.project,
        "task": s.task_id,
        "start": s.start,
        "end": s.end,
    }


def _stationings() -> QuerySet[Stationing]:
    return Stationing.objects.select_related("person__unit")


@router.post("/stationings", response={201: StationingOut, 200: StationingOut, **errors(403)})
def station(request, payload: StationingIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """A cadre stationed at a major project site (蹲守干部): the office's. `task`: its ledger task, if any."""
    s, created = services_people.do_station(
        caller(request),
        person=_person(payload.person),
        project=payload.project,
        task=_get(Task, payload.task, "task", _("No such ledger task.")),
        start=payload.start,
        end=payload.end,
        submission_key=idempotency_key or None,
    )
    return (201 if created else 200), _stationing_out(_stationings().get(pk=s.pk))


class StationingQuery(Schema):
    current: bool = False
    task: Annotated[Id | None, BlankIsNone] = None


@router.get("/stationings", response={200: list[StationingOut], **errors(403)})
def list_stationings(request, filters: Query[StationingQuery], params: Query[Page.Input]):
    if not access.sees_stationing(caller(request)):
        raise NotAllowed(_("Stationed cadres are the office's, the organisation department's and the leaders'."))
    qs = _stationings()
    if filters.current:
        today = timezone.localdate()
        qs = qs.filter(Q(end=None) | Q(end__gte=today), start__lte=today)
    if filters.task:
        qs = qs.filter(task_id=filters.task)
    return [_stationing_out(s) for s in qs[params.offset : params.offset + params.limit]]


@router.post("/stationings/{int:stationing_id}/end", response={200: StationingOut, **errors(403, 404)})
def end_stationing(request, stationing_id: Id, payload: EndIn):
    s = _stationings().filter(pk=stationing_id).first()
    if s is None or not access.sees_stationing(caller(request)):
        raise NotFound(_("No such stationed cadre."))
    services_people.do_end_stationing(caller(request), s, payload.end)
    return _stationing_out(_stationings().get(pk=stationing_id))


# ---------------------------------------------------------------- postings


def posting_out(p: Posting, today, categories) -> dict:
    placement = p.placement_for_id is not None
    return {
        "id": p.pk,
        "person": p.person_id,
        "person_name": str(p.person),
        "unit": p.unit_id,
        "unit_name": p.unit.name,
        "post": p.post,
        "category": p.category,
        "frontline": p.category in categories,
        "level": p.level,
        "start": p.start,
        "end": p.end,
        "placement_for": p.placement_for_id,
        "planned_end": p.planned_end,
        "state": placement_state(p.end, p.planned_end, today) if placement else None,
    }


def _postings() -> QuerySet[Posting]:
    return Posting.objects.select_related("person", "unit")


@router.post("/postings", response={201: PostingOut, 200: PostingOut, **errors(403, 409)})
def add_posting(request, payload: PostingIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """A post in a person's history: unit, post, category, level, from–to (no end while it lasts)."""
    services_people.require_officer(caller(request))  # before the ids are looked up: a refusal tells nothing
    p, created = services_people.do_add_posting(
        caller(request),
        person=_person(payload.person),
        unit=_unit(payload.unit),
        post=payload.post,
        category=payload.category,
        level=payload.level,
        start=payload.start,
        end=payload.end,
        submission_key=idempotency_key or None,
    )
    return (201 if created else 200), posting_out(
        _postings().get(pk=p.pk), timezone.localdate(), config.frontline_categories()
    )


class PostingQuery(Schema):
    person: Annotated[Id | None, BlankIsNone] = None
    placements: bool = False


@router.get("/postings", response={200: PagedPostingOut, **errors(403)})
def list_postings(request, filters: Query[PostingQuery], params: Query[Page.Input]):
    """Postings in history order: the office and the organisation department see everyone's, a person
    his or her own (asking for another's is 403). `placements`: only frontline placements."""
    person = caller(request)
    qs = _postings()
    if not access.is_personnel_officer(person):
        if filters.person not in (None, person.pk):
            raise NotAllowed(_("A person sees his or her own postings only."))
        qs = qs.filter(person=person)
    elif filters.person:
        qs = qs.filter(person_id=filters.person)
    if filters.placements:
        qs = qs.exclude(placement_for=None)
    count = qs.count()
    page = qs.order_by("person_id", "start", "id")[params.offset : params.offset + params.limit]
    today, categories = timezone.localdate(), config.frontline_categories()
    return {"items": [posting_out(p, today, categories) for p in page], "count": count}


@router.post("/postings/{int:posting_id}/end", response={200: PostingOut, **errors(403, 404, 409)})
def end_posting(request, posting_id: Id, payload: EndIn):
    """A posting ends; a placement is then completed and its candidate checked again."""
    actor = _officer(request)
    p = _postings().filter(pk=posting_id).first()
    if p is None:
        raise NotFound(_("No such posting."))
    services_people.do_end_posting(actor, p, payload.end)
    return posting_out(_postings().get(pk=posting_id), timezone.localdate(), config.frontline_categories())


# ---------------------------------------------------------------- selection rounds


def selection_out(s: Selection) -> dict:
    """The round with its candidates (prefetched by _rounds): what an audited read returns."""
    today, categories = timezone.localdate(), config.frontline_categories()
    candidates = []
    for c in s.candidates.all():
        placements = list(c.placements.all())
        latest = placements[-1] if placements else None
        candidates.append(
            {
                "id": c.pk,
                "person": c.person_id,
                "person_name": str(c.person),
                "unit_name": c.person.unit.name if c.person.unit else None,
                "eligible": c.eligible,
                "missing": c.missing,
                "checked_at": c.checked_at,
                "placement": posting_out(latest, today, categories) if latest else None,
            }
        )
    return {"id": s.pk, "kind": s.kind, "title": s.title, "created_at": s.created_at, "candidates": candidates}


def _round(request: HttpRequest, selection_id: int) -> dict:
    actor = caller(request)
    s = rounds().filter(pk=selection_id).first() if access.is_personnel_officer(actor) else None
    if s is None:
        raise NotFound(_("No such selection round, or not one you may see."))
    audit_read(actor, "selection", s.pk)
    return selection_out(s)


def _people(ids: list[int]) -> list[Person]:
    found = Person.objects.in_bulk(ids)
    if missing := [pk for pk in ids if pk not in found]:
        raise InvalidInput(_("No such person: {ids}.").format(ids=missing), "candidates")
    return [found[pk] for pk in ids]


@router.post("/selections", response={201: SelectionOut, 200: SelectionOut, **errors(403)})
def create_selection(request, payload: SelectionIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """A selection round's candidates, each checked against the rule: eligible iff he or she has held a
    frontline post (LUOSHI_FRONTLINE_CATEGORIES); `missing` says what is lacking. The answer is an audited read."""
    actor = _officer(request)
    s, created = services_people.do_create_selection(
        actor,
        kind=payload.kind,
        title=payload.title,
        candidates=_people(payload.candidates),
        submission_key=idempotency_key or None,
    )
    return (201 if created else 200), _round(request, s.pk)


@router.get("/selections", response={200: PagedSelectionOut, **errors(403)})
def list_selections(request, params: Query[Page.Input]):
    """The rounds with how many candidates and how many eligible (no names: not a read of the lists)."""
    _officer(request)
    qs = Selection.objects.annotate(
        n_candidates=Count("candidates"), n_eligible=Count("candidates", filter=Q(candidates__eligible=True))
    ).order_by("-created_at", "-id")
    count = Selection.objects.count()
    items = [
        {
            "id": s.pk,
            "kind": s.kind,
            "title": s.title,
            "created_at": s.created_at,
            "candidates": s.n_candidates,
            "eligible": s.n_eligible,
        }
        for s in qs[params.offset : params.offset + params.limit]
    ]
    return {"items": items, "count": count}


@router.get("/selections/{int:selection_id}", response={200: SelectionOut, **errors(404)})
def get_selection(request, selection_id: Id):
    """The round's candidate list: an audited read."""
    return _round(request, selection_id)


@router.post("/selections/{int:selection_id}/candidates", response={200: SelectionOut, **errors(403, 404)})
def add_candidates(request, selection_id: Id, payload: CandidatesIn):
    actor = _officer(request)
    s = Selection.objects.filter(pk=selection_id).first()
    if s is None:
        raise NotFound(_("No such selection round, or not one you may see."))
    services_people.do_add_candidates(actor, s, _people(payload.candidates))
    return _round(request, selection_id)


@router.post(
    "/selections/{int:selection_id}/candidates/{int:candidate_id}/placement",
    response={201: PostingOut, 200: PostingOut, **errors(403, 404, 409)},
)
def place(request, selection_id: Id, candidate_id: Id, payload: PlacementIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """Send a candidate without frontline experience to a frontline post from `start` until `planned_end`;
    it is tracked (running, overdue) until its end is recorded (POST /postings/{id}/end)."""
    actor = _officer(request)
    c = Candidate.objects.filter(pk=candidate_id, selection_id=selection_id).first()
    if c is None:
        raise NotFound(_("No such candidate in this round."))
    p, created = services_people.do_place(
        actor,
        c,
        unit=_unit(payload.unit),
        post=payload.post,
        category=payload.category,
        level=payload.level,
        start=payload.start,
        planned_end=payload.planned_end,
        submission_key=idempotency_key or None,
    )
    return (201 if created else 200), posting_out(
        _postings().get(pk=p.pk), timezone.localdate(), config.frontline_categories()
    )
