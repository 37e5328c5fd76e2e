"""登台剖析 through the API: the office ranks the units for a period, sets and confirms the meeting's agenda,
prints each unit's dossier and the agenda, and records the heads' commitments as duties.

    POST/GET /api/v1/analyses                                   {period_from, period_to, meeting_on, count, weights, title, place}
    GET      /api/v1/analyses/{id}                              the ranking with each unit's facts, points and score; the weights
    PUT      /api/v1/analyses/{id}/agenda                       {units: [ids in speaking order], heads: [{unit, person}], note}
    POST     /api/v1/analyses/{id}/confirm
    POST     /api/v1/analyses/{id}/commitments                  {unit, text, deadline, report_every_days} → {id, duty}
    GET      /api/v1/analyses/{id}/agenda.pdf | agenda.docx
    GET      /api/v1/analyses/{id}/units/{unit_id}/dossier.pdf | dossier.docx

For the office and discipline inspection only (the dossiers hold talks); every read is an audited event,
every document also an export. Writes are the office's.
"""

from datetime import date, datetime
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Header, Query, Router, Schema
from pydantic import ConfigDict

from luoshi.duties.api_duties import duty_light
from luoshi.errors import InvalidInput, NotFound
from luoshi.events.services import audit_read, audit_reads
from luoshi.org.caller import caller
from luoshi.org.models import Person
from luoshi.oversight import analysis, analysis_files, analysis_queries, analysis_services
from luoshi.oversight.analysis_services import CommitmentInput
from luoshi.oversight.models import Analysis, AnalysisUnit
from luoshi.printing import DOCX_TYPE, PDF_TYPE
from luoshi.schemas import MULTILINE, ONE_LINE, VISIBLE_TEXT, BodyIn, Day, Id, Line, Page, errors

router = Router(tags=["oversight"])

Weight = Annotated[int, Field(ge=0, le=analysis.MAX_WEIGHT)]
IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    max_length=64,
    description="Repeating the request with the same key stores it once and answers what the first stored.",
)


class WeightsIn(BodyIn):
    """Whole numbers from 0 to 100; a fact left out keeps its default weight."""

    model_config = ConfigDict(extra="forbid")

    late_days: Weight | None = None
    overdue_reports: Weight | None = None
    urges: Weight | None = None
    orders: Weight | None = None
    unrectified_findings: Weight | None = None
    talks: Weight | None = None


class AnalysisIn(BodyIn):
    period_from: Day
    period_to: Day
    meeting_on: Day
    count: int = Field(4, ge=1, le=analysis.MAX_COUNT, description="How many of the worst units to propose.")
    weights: WeightsIn | None = None
    title: Line = ""
    place: Annotated[str, Field(max_length=analysis_services.PLACE_MAX), ONE_LINE] = ""


class HeadIn(BodyIn):
    unit: Id
    person: Id


class AgendaIn(BodyIn):
    units: list[Id] = Field(..., min_length=1, max_length=analysis.MAX_COUNT, description="In speaking order.")
    heads: list[HeadIn] = Field([], max_length=analysis.MAX_COUNT)
    note: Annotated[str, Field(max_length=analysis_services.NOTE_MAX), MULTILINE] = ""


class CommitmentIn(BodyIn):
    unit: Id
    text: Annotated[str, Field(min_length=1, max_length=analysis_services.COMMITMENT_MAX), VISIBLE_TEXT]
    deadline: Day
    report_every_days: int | None = Field(30, ge=1, le=analysis_services.CADENCE_MAX)


class RankOut(Schema):
    unit: int
    unit_name: str
    rank: int
    score: int
    facts: dict[str, int]
    points: dict[str, int] = Field(description="Each fact's count times its weight; their sum is the score.")
    proposed: bool = Field(description="Among the worst `count` the ranking proposed.")
    chosen: bool = Field(description="On the agenda.")
    speaking_order: int | None
    head: int | None
    head_name: str | None


class CommitmentOut(Schema):
    id: int
    unit: int
    text: str
    deadline: date
    duty: int | None
    status: str | None
    progress: int | None
    light: str | None


class AnalysisSummaryOut(Schema):
    id: int
    title: str
    period_from: date
    period_to: date
    meeting_on: date
    place: str
    count: int
    weights: dict[str, int]
    created_at: datetime
    confirmed_at: datetime | None
    held_at: datetime | None


class AnalysisOut(AnalysisSummaryOut):
    facts: list[str] = Field(description="The facts scored, in the order shown.")
    proposal: list[int] = Field(description="The units the ranking proposed, worst first.")
    agenda: list[int] = Field(description="The units on the agenda, in speaking order.")
    tie_at_cut: bool = Field(description="The last proposed unit has the same score as the next one.")
    ranking: list[RankOut]
    commitments: list[CommitmentOut]


class CommitmentCreatedOut(Schema):
    id: int
    duty: int
    code: str
    deadline: date


def _reader(request: HttpRequest) -> Person:
    person = caller(request)
    analysis_services.require_reader(person)
    return person


def _analysis(analysis_id: int) -> Analysis:
    found = Analysis.objects.filter(pk=analysis_id).first()
    if found is None:
        raise NotFound("No such analysis.")
    return found


def detail(a: Analysis) -> dict:
    """The AnalysisOut dict: four queries."""
    rows = analysis_queries.ordered_rows(a)
    info = analysis_queries.summary(a, rows)
    proposal = set(info["proposal"])
    today = timezone.localdate()
    return {
        **{k: getattr(a, k) for k in AnalysisSummaryOut.model_fields},
        "facts": list(analysis.FACTS),
        "proposal": info["proposal"],
        "agenda": [r.unit_id for r in analysis_queries.agenda_of(rows)],
        "tie_at_cut": info["tie_at_cut"],
        "ranking": [
            {
                "unit": r.unit_id,
                "unit_name": r.unit.name,
                "rank": r.rank,
                "score": int(r.score),
                "facts": r.facts,
                "points": analysis.points(r.facts, a.weights),
                "proposed": r.unit_id in proposal,
                "chosen": r.chosen,
                "speaking_order": r.speaking_order,
                "head": r.head_id,
                "head_name": str(r.head) if r.head else None,
            }
            for r in rows
        ],
        "commitments": [
            {
                "id": v.commitment.pk,
                "unit": v.commitment.analysis_unit.unit_id,
                "text": v.commitment.text,
                "deadline": v.commitment.deadline,
                "duty": v.duty.pk if v.duty else None,
                "status": v.duty.status if v.duty else None,
                "progress": v.duty.progress if v.duty else None,
                "light": duty_light(v.duty, today) if v.duty else None,
            }
            for v in analysis_queries.commitments_of(a)
        ],
    }


@router.post("/analyses", response={201: AnalysisOut, 200: AnalysisOut, **errors(403)})
def create_analysis(request, payload: AnalysisIn, idempotency_key: Annotated[str | None, ONE_LINE] = IDEMPOTENCY_KEY):
    """Rank every unit with facts in the period and propose the worst `count` for the meeting's agenda.
    200 with the first analysis when the same Idempotency-Key came before."""
    person = caller(request)
    weights = payload.weights.model_dump(exclude_none=True) if payload.weights else None
    a, created = analysis_services.do_create_analysis(
        person,
        period_from=payload.period_from,
        period_to=payload.period_to,
        meeting_on=payload.meeting_on,
        count=payload.count,
        weights=weights,
        title=payload.title,
        place=payload.place,
        submission_key=idempotency_key or None,
    )
    return (201 if created else 200), detail(a)


class PagedAnalysesOut(Schema):
    items: list[AnalysisSummaryOut]
    count: int


@router.get("/analyses", response={200: PagedAnalysesOut, **errors(403)})
def list_analyses(request, params: Query[Page.Input]):
    """The meetings, the latest first (an audited read of the ones listed)."""
    person = _reader(request)
    qs = analysis_queries.analyses()
    rows = list(qs[params.offset : params.offset + params.limit])
    audit_reads(person, "analysis", [a.pk for a in rows])
    items = [{k: getattr(a, k) for k in AnalysisSummaryOut.model_fields} for a in rows]
    return {"items": items, "count": qs.count()}


@router.get("/analyses/{int:analysis_id}", response={200: AnalysisOut, **errors(403, 404)})
def get_analysis(request, analysis_id: Id):
    """The ranking: each unit's facts, their points (count × weight) and the score, with the weights used."""
    person = _reader(request)
    a = _analysis(analysis_id)
    audit_read(person, "analysis", a.pk)
    return detail(a)


@router.put("/analyses/{int:analysis_id}/agenda", response={200: AnalysisOut, **errors(403, 404, 409)})
def set_agenda(request, analysis_id: Id, payload: AgendaIn):
    """The units on the agenda in speaking order (before it is confirmed); an agenda that differs from the
    ranking's proposal needs a `note` saying why."""
    person = caller(request)
    a = _analysis(analysis_id)
    heads = {}
    for h in payload.heads:
        if h.unit in heads:
            raise InvalidInput("A unit's head is named once.", "heads")
        heads[h.unit] = h.person
    a = analysis_services.do_set_agenda(person, a, payload.units, heads=heads, note=payload.note)
    return detail(a)


@router.post("/analyses/{int:analysis_id}/confirm", response={200: AnalysisOut, **errors(403, 404, 409)})
def confirm_agenda(request, analysis_id: Id):
    person = caller(request)
    a = analysis_services.do_confirm_agenda(person, _analysis(analysis_id))
    return detail(a)


@router.post(
    "/analyses/{int:analysis_id}/commitments",
    response={201: CommitmentCreatedOut, 200: CommitmentCreatedOut, **errors(403, 404, 409)},
)
def record_commitment(
    request, analysis_id: Id, payload: CommitmentIn, idempotency_key: Annotated[str | None, ONE_LINE] = IDEMPOTENCY_KEY
):
    """After the meeting: a head's commitment becomes the unit's duty, open at once. 200 with the first
    commitment when the same Idempotency-Key and commitment came before."""
    person = caller(request)
    a = _analysis(analysis_id)
    item = CommitmentInput(
        unit_id=payload.unit,
        text=payload.text,
        deadline=payload.deadline,
        report_every_days=payload.report_every_days,
        submission_key=idempotency_key or None,
    )
    c, created = analysis_services.do_record_commitment(person, a, item)
    duty = analysis_services.commitment_duty(c)
    assert duty is not None
    return (201 if created else 200), {"id": c.pk, "duty": duty.pk, "code": duty.code, "deadline": c.deadline}


def _binary(content_type: str) -> dict:
    file = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {200: {"description": "The document", "content": {content_type: file}}}}


def _row(a: Analysis, unit_id: int) -> AnalysisUnit:
    row = a.ranked.select_related("unit").filter(unit_id=unit_id).first()
    if row is None:
        raise NotFound("This unit is not in the analysis's ranking.")
    return row


def _agenda(request: HttpRequest, analysis_id: int, fmt: str) -> HttpResponse:
    person = _reader(request)
    return analysis_files.agenda_download(_analysis(analysis_id), fmt, person)


def _dossier(request: HttpRequest, analysis_id: int, unit_id: int, fmt: str) -> HttpResponse:
    person = _reader(request)
    a = _analysis(analysis_id)
    return analysis_files.dossier_download(a, _row(a, unit_id), fmt, person)


@router.get("/analyses/{int:analysis_id}/agenda.pdf", response=errors(403, 404), openapi_extra=_binary(PDF_TYPE))
def agenda_pdf(request, analysis_id: Id):
    """The meeting's agenda as A4 PDF (Chinese)."""
    return _agenda(request, analysis_id, "pdf")


@router.get("/analyses/{int:analysis_id}/agenda.docx", response=errors(403, 404), openapi_extra=_binary(DOCX_TYPE))
def agenda_docx(request, analysis_id: Id):
    """The meeting's agenda as DOCX (Chinese)."""
    return _agenda(request, analysis_id, "docx")


@router.get(
    "/analyses/{int:analysis_id}/units/{int:unit_id}/dossier.pdf",
    response=errors(403, 404),
    openapi_extra=_binary(PDF_TYPE),
)
def dossier_pdf(request, analysis_id: Id, unit_id: Id):
    """A ranked unit's dossier as A4 PDF (Chinese)."""
    return _dossier(request, analysis_id, unit_id, "pdf")


@router.get(
    "/analyses/{int:analysis_id}/units/{int:unit_id}/dossier.docx",
    response=errors(403, 404),
    openapi_extra=_binary(DOCX_TYPE),
)
def dossier_docx(request, analysis_id: Id, unit_id: Id):
    """A ranked unit's dossier as DOCX (Chinese)."""
    return _dossier(request, analysis_id, unit_id, "docx")
