"""The public problems' API: intake, triage, dispatch, the unit's sign-for, send-back, progress and reply,
the office's ruling, return visit, closing, exposure and the list in one step, and the suggested units.
Thin handlers over public.queries (reads) and public.intake / dispatch / handling (writes, which check who
may act). A problem the caller may not see is a 404, as one that does not exist.

A repeated Idempotency-Key answers the first answer and stores nothing twice. Intake and the reply keep
the key (submission_key); the other steps are idempotent in the services while the state stands, and when
the state has moved on (the service refuses a repeat with 409) the first answer is read back from what
that step by the same person stored (its event, send-back or visit)."""

import hashlib
from collections.abc import Callable
from typing import Annotated, TypeVar

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, Query, Router

from luoshi.duties.models import Duty, HandlingRole, Report
from luoshi.duties.services import require_office
from luoshi.errors import Conflict, InvalidInput, NotFound
from luoshi.events.models import Event
from luoshi.org.caller import caller
from luoshi.org.models import Person, Unit
from luoshi.public import api_problem_schemas as out
from luoshi.public import dispatch, handling, intake, queries
from luoshi.public.api_problem_schemas import (
    CreatedOut,
    DispatchIn,
    DispatchOut,
    DuplicateIn,
    NewProblemIn,
    PagedProblemsOut,
    ProblemDetailOut,
    ProblemQuery,
    ProblemReplyOut,
    ProblemToListOut,
    ProblemUnitIn,
    ProgressOut,
    RejectIn,
    RuleOut,
    SendBackIn,
    SentBackOut,
    SignOut,
    StateOut,
    SuggestionsOut,
    TextIn,
    VisitIn,
    VisitOut,
)
from luoshi.public.models import Category, Problem, SendBack, Visit
from luoshi.public.queries import ProblemFilters
from luoshi.public.suggest import suggest_units
from luoshi.schemas import ONE_LINE, Id, Page, errors
from luoshi.text import check_text

router = Router(tags=["public problems"])

IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    max_length=64,
    description="Repeating a request with the same key stores it once and answers the first answer.",
)
Key = Annotated[str | None, ONE_LINE]
WRITE = errors(403, 404, 409)
T = TypeVar("T")


def _visible(request: HttpRequest, problem_id: int) -> Problem:
    p = queries.one(caller(request), problem_id)
    if p is None:
        raise NotFound(_("No such problem, or not one you may see."))
    return p


def _once(key: str | None, step: Callable[[], T], first: Callable[[], T | None]) -> T:
    """The step; when a keyed repeat is refused because the first request moved the state on, the first
    request's answer as read back by `first` (None: not a repeat, the refusal stands)."""
    try:
        return step()
    except Conflict:
        if key and (answer := first()) is not None:
            return answer
        raise


def _my_event(request: HttpRequest, p: Problem, kind: str) -> Event | None:
    return (
        Event.objects.filter(subject_type="problem", subject_id=p.pk, kind=kind, actor=caller(request))
        .order_by("-at", "-pk")
        .first()
    )


def _state_step(request: HttpRequest, p: Problem, key: str | None, kind: str, step: Callable[[], Problem]) -> dict:
    """A triage step: its answer is the state after it, a keyed repeat's that of the first (its event)."""

    def first() -> dict | None:
        event = _my_event(request, p, kind)
        return out.state(p, event.after) if event is not None else None

    return _once(key, lambda: out.state(step()), first)


# ---------------------------------------------------------------- intake and reads


def _submission_key(person: Person, key: str | None) -> str | None:
    # One person's key never answers another's problem: the stored key is a digest of both.
    return hashlib.sha256(f"api:{person.pk}:{key}".encode()).hexdigest() if key else None


@router.post("/problems", response={201: CreatedOut, 200: CreatedOut, **errors(403)})
def create_problem(request, payload: NewProblemIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """Take a problem in (the office: hotline, TV, newspaper, tips…). 200 with the first problem when the
    same Idempotency-Key came before."""
    me = caller(request)
    data = intake.Submission(**payload.dict())
    p, created = intake.do_submit(me, data, submission_key=_submission_key(me, idempotency_key))
    return (201 if created else 200), {"id": p.pk, "code": p.code, "status": p.status}


def _filters(f: ProblemQuery) -> ProblemFilters:
    category = None
    if f.category is not None:
        category = Category.objects.filter(name=f.category.strip()).first()
        if category is None:
            raise InvalidInput(_("No such category: {name}.").format(name=f.category), "category")
    if f.unit is not None and not Unit.objects.filter(pk=f.unit).exists():
        raise InvalidInput(_("No such unit."), "unit")
    if f.start and f.end and f.start > f.end:
        raise InvalidInput(_("The period ends before it begins."), "to")
    return ProblemFilters(
        status=f.status or "",
        channel=f.channel or "",
        category=category,
        unit=f.unit,
        start=f.start,
        end=f.end,
        hot=f.hot,
    )


@router.get("/problems", response={200: PagedProblemsOut, **errors()})
def list_problems(request, filters: Query[ProblemQuery], params: Query[Page.Input]):
    """The problems the caller may see, newest first: a unit's people see those dispatched to their unit.
    Rows never carry the reporter."""
    rows, leads, count = queries.page(caller(request), _filters(filters), params.offset, params.limit)
    return {"items": [out.row(p, leads.get(p.pk)) for p in rows], "count": count}


@router.get("/problems/{int:problem_id}", response={200: ProblemDetailOut, **errors(404)})
def get_problem(request, problem_id: Id):
    """One problem with its units, send-backs, latest reply and visit; the reporter only for the office, or
    for a handling unit when the reporter agreed (each such read is audited)."""
    d = queries.detail(caller(request), problem_id)
    if d is None:
        raise NotFound(_("No such problem, or not one you may see."))
    return out.detail(d)


# ---------------------------------------------------------------- triage (the office)


@router.post("/problems/{int:problem_id}/accept", response={200: StateOut, **WRITE})
def accept(request, problem_id: Id, idempotency_key: Key = IDEMPOTENCY_KEY):
    p = _visible(request, problem_id)
    return _state_step(request, p, idempotency_key, "problem.accepted", lambda: intake.do_accept(caller(request), p))


@router.post("/problems/{int:problem_id}/reject", response={200: StateOut, **WRITE})
def reject(request, problem_id: Id, payload: RejectIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    p = _visible(request, problem_id)
    step = lambda: intake.do_reject(caller(request), p, payload.reason)  # noqa: E731
    return _state_step(request, p, idempotency_key, "problem.rejected", step)


@router.post("/problems/{int:problem_id}/duplicate", response={200: StateOut, **WRITE})
def duplicate(request, problem_id: Id, payload: DuplicateIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """Mark as a duplicate of `of` (or of the original `of` duplicates): its reporters follow the original."""
    p = _visible(request, problem_id)
    step = lambda: intake.do_mark_duplicate(caller(request), p, payload.of)  # noqa: E731
    return _state_step(request, p, idempotency_key, "problem.duplicate", step)


# ---------------------------------------------------------------- dispatch, sign-for, send-back, ruling


def _lead_duty_at(p: Problem, unit_id: int, event: Event | None) -> Duty | None:
    """The lead duty a dispatch (its event) started for the unit."""
    if event is None:
        return None
    return (
        queries.problem_duties()
        .filter(owner_id=p.pk, unit_id=unit_id, role=HandlingRole.LEAD, created_at__lte=event.at)
        .order_by("-pk")
        .first()
    )


@router.post("/problems/{int:problem_id}/dispatch", response={200: DispatchOut, **WRITE})
def dispatch_problem(request, problem_id: Id, payload: DispatchIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """Dispatch to a lead unit (and co units): it signs for it within the category's hours; the deadline
    runs from the sign-for unless one is given. Again to the same units: the same duty."""
    p = _visible(request, problem_id)

    def first() -> dict | None:
        event = _my_event(request, p, "problem.dispatched")
        if event is None or event.unit_id != payload.unit:
            return None
        duty = _lead_duty_at(p, payload.unit, event)
        return out.dispatched(duty) if duty else None

    step = lambda: dispatch.do_dispatch(  # noqa: E731
        caller(request), p, payload.unit, payload.co_units, payload.deadline
    )
    return _once(idempotency_key, lambda: out.dispatched(step()), first)


@router.post("/problems/{int:problem_id}/sign", response={200: SignOut, **WRITE})
def sign(request, problem_id: Id, payload: ProblemUnitIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """The unit's liaison or head signs for it: its deadline now runs from today. A second tap: the same."""
    p = _visible(request, problem_id)

    def first() -> dict | None:
        duty = (
            queries.problem_duties()
            .filter(owner_id=p.pk, unit_id=payload.unit, signed_by=caller(request))
            .order_by("-pk")
            .first()
        )
        return out.signed(duty) if duty else None

    return _once(idempotency_key, lambda: out.signed(handling.do_sign(caller(request), p, payload.unit)), first)


@router.post("/problems/{int:problem_id}/send-back", response={200: SentBackOut, **WRITE})
def send_back(request, problem_id: Id, payload: SendBackIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """The unit returns a problem not its own (退单), within the time limit, with a reason and its basis;
    counted against nobody until the office rules."""
    p = _visible(request, problem_id)

    def first() -> dict | None:
        sb = (
            SendBack.objects.filter(
                problem=p,
                unit_id=payload.unit,
                by=caller(request),
                reason=payload.reason,
                basis=check_text(payload.basis, "basis", multiline=True),
            )
            .order_by("-pk")
            .first()
        )
        return out.sent_back(sb) if sb else None

    step = lambda: dispatch.do_send_back(caller(request), p, payload.unit, payload.reason, payload.basis)  # noqa: E731
    return _once(idempotency_key, lambda: out.sent_back(step()), first)


@router.post("/problems/{int:problem_id}/rule", response={200: RuleOut, **WRITE})
def rule(request, problem_id: Id, payload: ProblemUnitIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """The office rules who owns a problem sent back: the send-backs are settled (against the owner when it
    sent it back), the owner gets or keeps the lead duty."""
    p = _visible(request, problem_id)

    def first() -> dict | None:
        event = _my_event(request, p, "problem.ruled")
        if event is None or event.after.get("owner") != payload.unit:
            return None
        duty = _lead_duty_at(p, payload.unit, event)
        return {"duty": duty.pk, "unit": duty.unit_id} if duty else None

    def step() -> dict:
        duty = dispatch.do_rule(caller(request), p, payload.unit)
        return {"duty": duty.pk, "unit": duty.unit_id}

    return _once(idempotency_key, step, first)


# ---------------------------------------------------------------- handling (the unit)


@router.post("/problems/{int:problem_id}/progress", response={200: ProgressOut, **WRITE})
def progress(request, problem_id: Id, payload: TextIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """A progress report (办理进展) by the unit's liaison or head on its duty."""
    p = _visible(request, problem_id)
    if idempotency_key:
        # Read first: the service's next report would carry a higher progress than the stored one.
        earlier = (
            Report.objects.filter(
                duty__in=queries.problem_duties().filter(owner_id=p.pk, unit_id=payload.unit),
                submission_key=idempotency_key,
                author=caller(request),
                done=check_text(payload.text, "text", multiline=True).strip(),  # the same key for another text: 409
            )
            .select_related("duty")
            .first()
        )
        if earlier is not None:
            return {"duty": earlier.duty_id, "unit": earlier.duty.unit_id, "progress": earlier.progress}
    duty = handling.do_progress(caller(request), p, payload.unit, payload.text, submission_key=idempotency_key or None)
    return {"duty": duty.pk, "unit": duty.unit_id, "progress": duty.progress}


@router.post("/problems/{int:problem_id}/reply", response={200: ProblemReplyOut, **WRITE})
def reply(request, problem_id: Id, payload: TextIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """The lead unit's reply to the reporter (答复): it asks the office to accept its work."""
    p = _visible(request, problem_id)
    r = handling.do_reply(caller(request), p, payload.unit, payload.text, submission_key=idempotency_key or None)
    return out.reply(r)


# ---------------------------------------------------------------- visit, close, exposure, list (the office)


@router.post("/problems/{int:problem_id}/visit", response={200: VisitOut, **WRITE})
def visit(request, problem_id: Id, payload: VisitIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """The return visit (回访): the reporter's satisfaction and whether it was solved; `reopen` (when not
    satisfied or not solved) sends it back to the unit, otherwise the reply is accepted."""
    p = _visible(request, problem_id)

    def first() -> dict | None:
        v = (
            Visit.objects.filter(
                problem=p,
                by=caller(request),
                satisfaction=payload.satisfaction,
                solved=payload.solved,
                reopened=payload.reopen,
                note=check_text(payload.note, "note", multiline=True),
            )
            .order_by("-pk")
            .first()
        )
        return out.visit(v) if v else None

    def step() -> dict:
        me = caller(request)
        return out.visit(handling.do_visit(me, p, payload.satisfaction, payload.solved, payload.note, payload.reopen))

    return _once(idempotency_key, step, first)


@router.post("/problems/{int:problem_id}/close", response={200: StateOut, **WRITE})
def close(request, problem_id: Id, idempotency_key: Key = IDEMPOTENCY_KEY):
    """Close a visited problem (its outcome: solved, or closed but not solved). Again: the same."""
    p = _visible(request, problem_id)
    return _state_step(request, p, idempotency_key, "problem.closed", lambda: handling.do_close(caller(request), p))


@router.post("/problems/{int:problem_id}/expose", response={200: StateOut, **WRITE})
def expose(request, problem_id: Id, idempotency_key: Key = IDEMPOTENCY_KEY):
    """A hot issue, exposed publicly (曝光): the portal shows it and its progress."""
    p = _visible(request, problem_id)
    return _state_step(request, p, idempotency_key, "problem.exposed", lambda: handling.do_expose(caller(request), p))


@router.post("/problems/{int:problem_id}/to-list", response={201: ProblemToListOut, 200: ProblemToListOut, **WRITE})
def to_list(request, problem_id: Id, idempotency_key: Key = IDEMPOTENCY_KEY):
    """One step: a published responsibility list for the lead unit by its deadline; a second call answers
    the same list (200)."""
    rlist, created = handling.do_to_list(caller(request), _visible(request, problem_id))
    return (201 if created else 200), {"list": rlist.pk, "code": rlist.code}


@router.get("/problems/{int:problem_id}/suggestions", response={200: SuggestionsOut, **errors(403, 404)})
def suggestions(request, problem_id: Id):
    """The units most likely to own the problem, best first, with a score (the office's)."""
    p = _visible(request, problem_id)
    require_office(caller(request))  # the office dispatches: units and leaders have no use for a guess
    return {"units": [{"unit": u.pk, "name": u.name, "score": float(s)} for u, s in suggest_units(p, k=3)]}
