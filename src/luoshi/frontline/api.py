"""The frontline API: leaders' frontline days, their monthly compliance and half-year totals, a problem met
made a list. Stationed cadres, postings and selection rounds are in api_people (mounted on this router)."""

from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema

from luoshi.errors import InvalidInput, NotAllowed, NotFound
from luoshi.frontline import access, config, queries, services
from luoshi.frontline.api_people import router as people_router
from luoshi.frontline.api_schemas import (
    ComplianceOut,
    FieldworkIn,
    FieldworkOut,
    Month,
    PagedFieldworkOut,
    SummaryOut,
    ToListIn,
    ToListOut,
)
from luoshi.frontline.models import FieldKind, FieldProblem, Fieldwork
from luoshi.frontline.rule import month_bounds
from luoshi.org.caller import caller
from luoshi.org.models import Person, Unit
from luoshi.schemas import ONE_LINE, BlankIsNone, Id, Page, Year, errors

router = Router(tags=["frontline"])
router.add_router("", people_router)

IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    max_length=64,
    description="Repeating a request with the same key stores it once; the same key with other content is 409.",
)
Key = Annotated[str | None, ONE_LINE]


def person_or_400(pk: int | None, field: str) -> Person | None:
    if pk is None:
        return None
    found = Person.objects.filter(pk=pk).first()
    if found is None:
        raise InvalidInput(_("No such person."), field)
    return found


def unit_or_400(pk: int | None, field: str) -> Unit | None:
    if pk is None:
        return None
    found = Unit.objects.filter(pk=pk).first()
    if found is None:
        raise InvalidInput(_("No such unit."), field)
    return found


def parse_month(value: str | None) -> tuple[int, int]:
    if not value:
        today = timezone.localdate()
        return today.year, today.month
    year, month = value.split("-")
    return int(year), int(month)


def fieldwork_out(e: Fieldwork) -> dict:
    return {
        "id": e.pk,
        "leader": e.leader_id,
        "leader_name": str(e.leader),
        "date": e.date,
        "days": e.days,
        "last_date": e.last_date,
        "kind": e.kind,
        "place": e.place,
        "unit": e.unit_id,
        "unit_name": e.unit.name if e.unit else None,
        "purpose": e.purpose,
        "problems": [{"id": p.pk, "text": p.text, "solved": p.solved, "list": p.list_id} for p in e.problems.all()],
        "logged_by": e.logged_by_id,
        "logged_at": e.logged_at,
    }


def _reader(request: HttpRequest) -> Person:
    person = caller(request)
    if not access.sees_fieldwork(person):
        raise NotAllowed(_("Frontline days are the leaders' and the supervision office's."))
    return person


def _entry(request: HttpRequest, entry_id: int) -> Fieldwork:
    found = queries.with_problems(queries.visible_fieldwork(_reader(request))).filter(pk=entry_id).first()
    if found is None:
        raise NotFound(_("No such frontline day, or not one you may see."))
    return found


@router.post("/fieldwork", response={201: FieldworkOut, 200: FieldworkOut, **errors(403, 409)})
def log_fieldwork(request, payload: FieldworkIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """Log a leader's frontline day (or a trip of `days` days), after the fact. The leader logs his or her
    own; the office logs for any leader. 200 when the same Idempotency-Key and entry came before."""
    actor = caller(request)
    leader = person_or_400(payload.leader, "leader") or actor
    entry, created = services.do_log_fieldwork(
        actor,
        leader=leader,
        date=payload.date,
        days=payload.days,
        kind=payload.kind,
        place=payload.place,
        unit=unit_or_400(payload.unit, "unit"),
        purpose=payload.purpose,
        problems=[services.ProblemInput(p.text, p.solved) for p in payload.problems],
        submission_key=idempotency_key or None,
    )
    return (201 if created else 200), fieldwork_out(_entry(request, entry.pk))


class FieldworkQuery(Schema):
    leader: Annotated[Id | None, BlankIsNone] = None
    month: Annotated[Month | None, BlankIsNone] = None
    kind: Annotated[FieldKind | None, BlankIsNone] = None


@router.get("/fieldwork", response={200: PagedFieldworkOut, **errors(403)})
def list_fieldwork(request, filters: Query[FieldworkQuery], params: Query[Page.Input]):
    """The frontline days the caller may see (a leader: his or her own; the office: all), newest first."""
    qs = queries.visible_fieldwork(_reader(request))
    if filters.leader:
        qs = qs.filter(leader_id=filters.leader)
    if filters.month:
        first, last = month_bounds(*parse_month(filters.month))
        qs = qs.filter(date__lte=last, last_date__gte=first)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    count = qs.count()
    page = list(queries.with_problems(qs.order_by("-date", "-id"))[params.offset : params.offset + params.limit])
    return {"items": [fieldwork_out(e) for e in page], "count": count}


@router.get("/fieldwork/{int:entry_id}", response={200: FieldworkOut, **errors(403, 404)})
def get_fieldwork(request, entry_id: Id):
    return fieldwork_out(_entry(request, entry_id))


class ComplianceQuery(Schema):
    month: Annotated[Month | None, BlankIsNone] = None


@router.get("/fieldwork/compliance", response={200: ComplianceOut, **errors(403)})
def compliance(request, filters: Query[ComplianceQuery]):
    """Each leader's month against the rule (the office: every leader; a leader: himself or herself).
    A day counts once whatever the number of entries; a trip counts each of its days in its own month."""
    person = _reader(request)
    year, month = parse_month(filters.month)
    rule = config.rule()
    rows = [
        {
            "leader": r.leader.pk,
            "leader_name": str(r.leader),
            "grassroots_days": r.month.grassroots_days,
            "supervised_days": r.month.supervised_days,
            "project_days": r.month.project_days,
            "total_days": r.month.total_days,
            "grassroots_short": r.month.grassroots_short,
            "supervised_short": r.month.supervised_short,
            "ok": r.month.ok,
        }
        for r in queries.month_table(queries.leaders_for(person), year, month)
    ]
    return {
        "month": f"{year:04d}-{month:02d}",
        "grassroots_rule": rule.grassroots_days,
        "supervised_rule": rule.supervised_days,
        "leaders": rows,
    }


class SummaryQuery(Schema):
    year: Annotated[Year | None, BlankIsNone] = None
    half: Annotated[int | None, Field(ge=1, le=2), BlankIsNone] = None


@router.get("/fieldwork/summary", response={200: SummaryOut, **errors(403)})
def summary(request, filters: Query[SummaryQuery]):
    """Trips and days per leader in a half year (by default the current one), the main leaders' and all."""
    person = _reader(request)
    today = timezone.localdate()
    year = filters.year or today.year
    half = filters.half or (1 if today.month <= 6 else 2)
    h = queries.half_year(queries.leaders_for(person), year, half, today)
    return {
        "period_from": h.first,
        "period_to": h.last,
        "leaders": [
            {
                "leader": r.leader.pk,
                "leader_name": str(r.leader),
                "main": r.main,
                "trips": r.totals.trips,
                "days": r.totals.days,
                "months_ok": r.months_ok,
                "months": r.months,
            }
            for r in h.rows
        ],
        "main": {"trips": h.main.trips, "days": h.main.days},
        "all": {"trips": h.all.trips, "days": h.all.days},
    }


@router.post(
    "/fieldwork/problems/{int:problem_id}/to-list", response={201: ToListOut, 200: ToListOut, **errors(403, 404)}
)
def problem_to_list(request, problem_id: Id, payload: ToListIn):
    """The office makes a problem met on a frontline day a published list (source `frontline`) in one step.
    Asked again, it answers the list made the first time (200)."""
    actor = caller(request)
    problem = FieldProblem.objects.filter(pk=problem_id, fieldwork__in=queries.visible_fieldwork(actor)).first()
    if problem is None:
        raise NotFound(_("No such problem, or not one you may see."))
    co_units = [unit_or_400(pk, "co_units") for pk in payload.co_units]
    rlist, created = services.do_problem_to_list(
        actor,
        problem,
        lead_unit=unit_or_400(payload.lead_unit, "lead_unit"),
        co_units=[u for u in co_units if u is not None],
        deadline=payload.deadline,
        report_every_days=payload.report_every_days,
        title=payload.title,
    )
    return (201 if created else 200), {"list": rlist.pk, "code": rlist.code}
