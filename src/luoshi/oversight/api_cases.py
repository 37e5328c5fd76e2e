"""The restricted cases' API: talks (and a talk from the ladder's proposal), incidents, violations and
accountability decisions, and the oversight figures. Thin handlers over oversight.queries_cases (reads:
each one an audited event, a page of a list one event naming the ids shown) and oversight.cases /
cases_records (writes). A case the caller may not see is a 404, as one that does not exist."""

from collections.abc import Sequence
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, Query, Router

from luoshi.duties.models import Escalation, Step
from luoshi.errors import InvalidInput, NotAllowed, NotFound
from luoshi.events.services import audit_read, audit_reads
from luoshi.files import services as files
from luoshi.org.caller import caller
from luoshi.org.models import Person, Unit
from luoshi.oversight import cases, cases_records, queries_cases, stats
from luoshi.oversight.access import may_read_stats
from luoshi.oversight.api_case_schemas import (
    AccountabilityIn,
    AccountabilityOut,
    CaseQuery,
    CitedReasonIn,
    IncidentIn,
    IncidentOut,
    OversightStatsOut,
    PagedAccountabilityOut,
    PagedIncidentsOut,
    PagedTalksOut,
    PagedViolationsOut,
    PeriodQuery,
    ProposalTalkIn,
    TalkIn,
    TalkOut,
    TalkQuery,
    ViolationIn,
    ViolationOut,
)
from luoshi.oversight.models import Accountability, Incident, Talk, Violation
from luoshi.oversight.queries_cases import CaseFilters, Cited
from luoshi.schemas import ONE_LINE, Id, Page, errors

router = Router(tags=["oversight"])

IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    max_length=64,
    description="Repeating a request with the same key stores it once and answers the first record (200).",
)
Key = Annotated[str | None, ONE_LINE]


def _officer(request: HttpRequest) -> Person:
    person = caller(request)
    cases.require_officer(person)
    return person


def _unit(unit_id: int | None, field: str = "unit") -> Unit | None:
    if unit_id is None:
        return None
    if (unit := Unit.objects.filter(pk=unit_id).first()) is None:
        raise InvalidInput(_("No such unit."), field)
    return unit


def _person(person_id: int | None, field: str = "person") -> Person | None:
    if person_id is None:
        return None
    if (person := Person.objects.select_related("unit").filter(pk=person_id).first()) is None:
        raise InvalidInput(_("No such person."), field)
    return person


def _reasons(reasons: Sequence[CitedReasonIn]) -> list[tuple[str, int]]:
    return [(str(r.kind), r.id) for r in reasons]


def _cited(rows: list[Cited]) -> list[dict]:
    return [{"kind": c.kind, "id": c.ref_id, "label": c.label} for c in rows]


def _page(qs: Any, params: Page.Input) -> tuple[list, int]:
    count = qs.count()
    return list(qs[params.offset : params.offset + params.limit]), count


def _filters(f: CaseQuery) -> CaseFilters:
    return CaseFilters(unit=f.unit, person=f.person, start=f.start, end=f.end, kind=getattr(f, "kind", None) or "")


# ---------------------------------------------------------------- talks


def _talks_out(talks: list[Talk]) -> list[dict]:
    reasons = queries_cases.reasons_of("talk", [t.pk for t in talks])
    out = []
    for t in talks:
        duty = next(iter(t.duties.all()), None)
        out.append(
            {
                "id": t.pk,
                "kind": t.kind,
                "subject": t.subject_kind,
                "unit": t.unit_id,
                "unit_name": t.unit.name,
                "person": t.person_id,
                "person_name": str(t.person) if t.person else None,
                "talked_by": t.talked_by_id,
                "held_on": t.held_on,
                "record": t.record,
                "reasons": _cited(reasons.get(t.pk, [])),
                "proposal": t.proposal_id,
                "followup": t.followup,
                "followup_deadline": t.followup_deadline,
                "duty": duty.pk if duty else None,
                "duty_status": duty.status if duty else None,
                "created_at": t.created_at,
            }
        )
    return out


def _talk(request: HttpRequest, talk_id: int) -> dict:
    talk = queries_cases.visible_talks(caller(request)).prefetch_related("duties").filter(pk=talk_id).first()
    if talk is None:
        raise NotFound(_("No such talk, or not one you may see."))
    audit_read(caller(request), "talk", talk.pk, unit_id=talk.unit_id)
    return _talks_out([talk])[0]


@router.post("/talks", response={201: TalkOut, 200: TalkOut, **errors(403, 409)})
def create_talk(request, payload: TalkIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """Record a talk held (约谈). With `followup` and `followup_deadline` the unit owes a follow-up report."""
    actor = _officer(request)
    data = cases.TalkInput(
        kind=payload.kind,
        held_on=payload.held_on,
        unit=_unit(payload.unit),
        person=_person(payload.person),
        record=payload.record,
        reasons=_reasons(payload.reasons),
        talked_by=_person(payload.talked_by, "talked_by"),
        followup=payload.followup,
        followup_deadline=payload.followup_deadline,
    )
    talk, created = cases.do_create_talk(actor, data, submission_key=idempotency_key or None)
    return (201 if created else 200), _talk(request, talk.pk)


@router.get("/talks", response={200: PagedTalksOut, **errors()})
def list_talks(request, filters: Query[TalkQuery], params: Query[Page.Input]):
    """The talks the caller may see, newest first; the page read is one audited event."""
    qs = queries_cases.filtered("talks", caller(request), _filters(filters)).prefetch_related("duties")
    talks, count = _page(qs, params)
    audit_reads(caller(request), "talk", [t.pk for t in talks])
    return {"items": _talks_out(talks), "count": count}


@router.get("/talks/{int:talk_id}", response={200: TalkOut, **errors(404)})
def get_talk(request, talk_id: Id):
    return _talk(request, talk_id)


@router.post("/escalations/{int:escalation_id}/talk", response={201: TalkOut, 200: TalkOut, **errors(403, 404, 409)})
def talk_from_proposal(request, escalation_id: Id, payload: ProposalTalkIn):
    """The ladder's talk proposal becomes a talk with the unit's head and leaves the office's queue
    (send `{}` for a reminder talk today). A second request answers the talk it became (200)."""
    actor = _officer(request)
    esc = Escalation.objects.filter(pk=escalation_id, step=Step.TALK_PROPOSAL).first()
    if esc is None:
        raise NotFound(_("No such talk proposal."))
    talk, created = cases.do_talk_from_proposal(
        actor, esc, kind=payload.kind, held_on=payload.held_on, record_text=payload.record
    )
    return (201 if created else 200), _talk(request, talk.pk)


# ---------------------------------------------------------------- incidents


def _incidents_out(incidents: list[Incident]) -> list[dict]:
    return [
        {
            "id": i.pk,
            "title": i.title,
            "happened_on": i.happened_on,
            "place": i.place,
            "description": i.description,
            "units": [u.pk for u in i.units.all()],
            "people": [p.pk for p in i.people.all()],
            "created_at": i.created_at,
        }
        for i in incidents
    ]


def _incident(request: HttpRequest, incident_id: int) -> dict:
    person = caller(request)
    incident = queries_cases.visible_incidents(person).filter(pk=incident_id).first()
    if incident is None:
        raise NotFound(_("No such incident, or not one you may see."))
    audit_read(person, "incident", incident.pk)
    return {**_incidents_out([incident])[0], "cases": _cited(queries_cases.citing("incident", incident.pk, person))}


@router.post("/incidents", response={201: IncidentOut, 200: IncidentOut, **errors(403, 409)})
def create_incident(request, payload: IncidentIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    actor = _officer(request)
    units = Unit.objects.in_bulk(payload.units)
    if missing := [u for u in payload.units if u not in units]:
        raise InvalidInput(_("No such unit: {ids}.").format(ids=missing[:5]), "units")
    people = Person.objects.in_bulk(payload.people)
    if missing := [p for p in payload.people if p not in people]:
        raise InvalidInput(_("No such person: {ids}.").format(ids=missing[:5]), "people")
    data = cases_records.IncidentInput(
        title=payload.title,
        happened_on=payload.happened_on,
        place=payload.place,
        description=payload.description,
        units=[units[u] for u in payload.units],
        people=[people[p] for p in payload.people],
    )
    incident, created = cases_records.do_create_incident(actor, data, submission_key=idempotency_key or None)
    return (201 if created else 200), _incident(request, incident.pk)


@router.get("/incidents", response={200: PagedIncidentsOut, **errors()})
def list_incidents(request, filters: Query[CaseQuery], params: Query[Page.Input]):
    rows, count = _page(queries_cases.filtered("incidents", caller(request), _filters(filters)), params)
    audit_reads(caller(request), "incident", [i.pk for i in rows])
    return {"items": _incidents_out(rows), "count": count}


@router.get("/incidents/{int:incident_id}", response={200: IncidentOut, **errors(404)})
def get_incident(request, incident_id: Id):
    return _incident(request, incident_id)


# ---------------------------------------------------------------- violations


def _violation_out(v: Violation) -> dict:
    return {
        "id": v.pk,
        "person": v.person_id,
        "person_name": str(v.person),
        "unit": v.unit_id,
        "unit_name": v.unit.name,
        "description": v.description,
        "found_on": v.found_on,
        "created_at": v.created_at,
    }


def _violation(request: HttpRequest, violation_id: int) -> dict:
    v = queries_cases.visible_violations(caller(request)).filter(pk=violation_id).first()
    if v is None:
        raise NotFound(_("No such violation, or not one you may see."))
    audit_read(caller(request), "violation", v.pk, unit_id=v.unit_id)
    return _violation_out(v)


@router.post("/violations", response={201: ViolationOut, 200: ViolationOut, **errors(403, 409)})
def create_violation(request, payload: ViolationIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    actor = _officer(request)
    person = _person(payload.person)
    assert person is not None
    v, created = cases_records.do_create_violation(
        actor,
        person=person,
        unit=_unit(payload.unit),
        description=payload.description,
        found_on=payload.found_on,
        submission_key=idempotency_key or None,
    )
    return (201 if created else 200), _violation(request, v.pk)


@router.get("/violations", response={200: PagedViolationsOut, **errors()})
def list_violations(request, filters: Query[CaseQuery], params: Query[Page.Input]):
    rows, count = _page(queries_cases.filtered("violations", caller(request), _filters(filters)), params)
    audit_reads(caller(request), "violation", [v.pk for v in rows])
    return {"items": [_violation_out(v) for v in rows], "count": count}


@router.get("/violations/{int:violation_id}", response={200: ViolationOut, **errors(404)})
def get_violation(request, violation_id: Id):
    return _violation(request, violation_id)


# ---------------------------------------------------------------- accountability


def _cases_out(rows: list[Accountability]) -> list[dict]:
    ids = [a.pk for a in rows]
    reasons = queries_cases.reasons_of("accountability", ids)
    dossiers = files.listed("accountability", ids)
    return [
        {
            "id": a.pk,
            "subject": a.subject_kind,
            "unit": a.unit_id,
            "unit_name": a.unit.name,
            "person": a.person_id,
            "person_name": str(a.person) if a.person else None,
            "measures": a.measures,
            "disciplined": a.disciplined,
            "decided_on": a.decided_on,
            "body": a.body,
            "summary": a.summary,
            "public": a.public,
            "reasons": _cited(reasons.get(a.pk, [])),
            "files": [
                {"id": f.pk, "name": f.name, "content_type": f.content_type, "size": f.size}
                for f in dossiers.get(a.pk, [])
            ],
            "created_at": a.created_at,
        }
        for a in rows
    ]


def _accountability(request: HttpRequest, case_id: int) -> dict:
    case = queries_cases.visible_accountability(caller(request)).filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("No such accountability decision, or not one you may see."))
    audit_read(caller(request), "accountability", case.pk, unit_id=case.unit_id)
    return _cases_out([case])[0]


@router.post("/accountability", response={201: AccountabilityOut, 200: AccountabilityOut, **errors(403, 409)})
def create_accountability(request, payload: AccountabilityIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """An accountability decision (问责) on a unit or a person, with the measures the rules allow it."""
    actor = _officer(request)
    data = cases_records.AccountabilityInput(
        measures=[str(m) for m in payload.measures],
        decided_on=payload.decided_on,
        body=payload.body,
        unit=_unit(payload.unit),
        person=_person(payload.person),
        reasons=_reasons(payload.reasons),
        summary=payload.summary,
        public=payload.public,
    )
    case, created = cases_records.do_create_accountability(actor, data, submission_key=idempotency_key or None)
    return (201 if created else 200), _accountability(request, case.pk)


@router.get("/accountability", response={200: PagedAccountabilityOut, **errors()})
def list_accountability(request, filters: Query[CaseQuery], params: Query[Page.Input]):
    rows, count = _page(queries_cases.filtered("accountability", caller(request), _filters(filters)), params)
    audit_reads(caller(request), "accountability", [a.pk for a in rows])
    return {"items": _cases_out(rows), "count": count}


@router.get("/accountability/{int:case_id}", response={200: AccountabilityOut, **errors(404)})
def get_accountability(request, case_id: Id):
    return _accountability(request, case_id)


# ---------------------------------------------------------------- figures


@router.get("/stats/oversight", response={200: OversightStatsOut, **errors(403)})
def oversight_stats(request, period: Query[PeriodQuery]):
    """The period's oversight figures (both ends inclusive; an end left out counts all on that side)."""
    if not may_read_stats(caller(request)):
        raise NotAllowed(_("The oversight figures are for the office, discipline inspection and the leaders."))
    if period.start and period.end and period.start > period.end:
        raise InvalidInput(_("The period ends before it begins."), "to")
    return stats.figures(period.start, period.end).as_dict()
