"""The supervision bulletins through the API.

    GET  /api/v1/bulletins                 the archive, the latest first (limit, offset)
    POST /api/v1/bulletins                 {from, to} → 201 {id, number, pdf, docx, …}; the office only
    GET  /api/v1/bulletins/{id}            one bulletin, with the figures it printed
    GET  /api/v1/bulletins/{id}.pdf | .docx

`pdf` and `docx` are the API's download URLs (the same token reads them). Readers: the office, the leaders,
the units' heads and liaisons. POST takes an Idempotency-Key: the same key stores one bulletin, and a repeat
answers 200 with the first."""

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Header, Query, Router, Schema

from luoshi.cockpit import bulletin_documents, bulletins, views_bulletins
from luoshi.cockpit.models import Bulletin
from luoshi.errors import NotFound
from luoshi.org.caller import caller
from luoshi.org.models import Person
from luoshi.printing import DOCX_TYPE, PDF_TYPE
from luoshi.schemas import ONE_LINE, BodyIn, Day, Id, Page, errors

router = Router(tags=["cockpit"])

IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    max_length=64,
    description="Repeating the request with the same key stores it once and answers what the first stored.",
)


class BulletinIn(BodyIn):
    start: Day = Field(..., alias="from", description="The period's first day (YYYY-MM-DD).")
    end: Day = Field(..., alias="to", description="The period's last day, inclusive; at most a year after `from`.")


class BulletinOut(Schema):
    id: int
    number: str = Field(description="As printed: 2026年第N期.")
    year: int
    issue: int = Field(description="N of the year's numbering.")
    period_from: date
    period_to: date
    created_at: datetime
    made_by_worker: bool
    pdf: str = Field(description="The PDF's download URL (this API).")
    docx: str = Field(description="The DOCX's download URL (this API).")
    page: str = Field(description="The bulletin's web page.")


class BulletinDetailOut(BulletinOut):
    figures: dict[str, Any] = Field(description="What it printed; `sections` are the cockpit's for the period.")


class PagedBulletinsOut(Schema):
    items: list[BulletinOut]
    count: int


def _reader(request: HttpRequest) -> Person:
    person = caller(request)
    bulletins.require_reader(person)
    return person


def out(b: Bulletin) -> dict[str, Any]:
    return {
        "id": b.pk,
        "number": bulletin_documents.number_label(b.year, b.number),
        "year": b.year,
        "issue": b.number,
        "period_from": b.period_from,
        "period_to": b.period_to,
        "created_at": b.created_at,
        "made_by_worker": b.created_by_id is None,
        "pdf": reverse("api:bulletin_pdf", args=[b.pk]),
        "docx": reverse("api:bulletin_docx", args=[b.pk]),
        "page": reverse("cockpit:bulletin", args=[b.pk]),
    }


def _bulletin(bulletin_id: int, *fields: str) -> Bulletin:
    found = Bulletin.objects.only(*fields).filter(pk=bulletin_id).first()
    if found is None:
        raise NotFound("No such bulletin.")
    return found


SUMMARY = ("id", "year", "number", "period_from", "period_to", "created_at", "created_by")


@router.get("/bulletins", response={200: PagedBulletinsOut, **errors(403)})
def list_bulletins(request: HttpRequest, params: Query[Page.Input]) -> dict[str, Any]:
    """The archive, the latest first."""
    _reader(request)
    qs = Bulletin.objects.only(*SUMMARY).order_by("-year", "-number")
    rows = list(qs[params.offset : params.offset + params.limit])
    return {"items": [out(b) for b in rows], "count": qs.count()}


@router.post("/bulletins", response={201: BulletinOut, 200: BulletinOut, **errors(403)})
def make_bulletin(
    request: HttpRequest,
    payload: BulletinIn,
    idempotency_key: Annotated[str | None, ONE_LINE] = IDEMPOTENCY_KEY,
) -> tuple[int, dict[str, Any]]:
    """Make the bulletin of a period (the office): numbered for the year, printed, archived, sent to the leaders
    and the units. 200 with the first bulletin when the same Idempotency-Key came before."""
    person = caller(request)
    b, created = bulletins.do_make_bulletin(person, payload.start, payload.end, submission_key=idempotency_key or None)
    return (201 if created else 200), out(b)


@router.get("/bulletins/{int:bulletin_id}", response={200: BulletinDetailOut, **errors(403, 404)})
def get_bulletin(request: HttpRequest, bulletin_id: Id) -> dict[str, Any]:
    _reader(request)
    b = _bulletin(bulletin_id, *SUMMARY, "figures")
    return {**out(b), "figures": b.figures}


def _binary(content_type: str) -> dict:
    file = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {200: {"description": "The document", "content": {content_type: file}}}}


@router.get(
    "/bulletins/{int:bulletin_id}.pdf",
    response=errors(403, 404),
    openapi_extra=_binary(PDF_TYPE),
    url_name="bulletin_pdf",
)
def bulletin_pdf(request: HttpRequest, bulletin_id: Id) -> HttpResponse:
    """The bulletin as A4 PDF (Chinese), as it was printed."""
    person = _reader(request)
    return views_bulletins.download(_bulletin(bulletin_id, "id", "year", "number", "pdf"), "pdf", person)


@router.get(
    "/bulletins/{int:bulletin_id}.docx",
    response=errors(403, 404),
    openapi_extra=_binary(DOCX_TYPE),
    url_name="bulletin_docx",
)
def bulletin_docx(request: HttpRequest, bulletin_id: Id) -> HttpResponse:
    """The bulletin as DOCX (Chinese), as it was printed."""
    person = _reader(request)
    return views_bulletins.download(_bulletin(bulletin_id, "id", "year", "number", "docx"), "docx", person)
