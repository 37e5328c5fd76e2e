"""The closing record (销号单) of a struck-off list through the API, as PDF or DOCX."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from luoshi.errors import Conflict, NotFound
from luoshi.lists import closing, queries
from luoshi.lists.models import ListStatus
from luoshi.org.models import Person
from luoshi.printing import DOCX_TYPE, PDF_TYPE
from luoshi.schemas import Id, errors

router = Router(tags=["lists"])


def _binary(content_type: str) -> dict:
    """The OpenAPI description of a file answer (ninja describes JSON schemas only)."""
    file = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {200: {"description": "The closing record", "content": {content_type: file}}}}


def _record(request: HttpRequest, list_id: int, fmt: str) -> HttpResponse:
    person = getattr(request, "auth", None)  # the token's (or the session's) person, set by ninja
    assert isinstance(person, Person)
    rlist = queries.visible_lists(person).filter(pk=list_id).first()
    if rlist is None:
        raise NotFound("No such list, or not one you may see.")
    if rlist.status != ListStatus.CLOSED:
        raise Conflict(closing.not_closed_message())
    return closing.attachment(rlist, fmt, person)


@router.get("/{int:list_id}/closing-record.pdf", response=errors(404, 409), openapi_extra=_binary(PDF_TYPE))
def closing_record_pdf(request: HttpRequest, list_id: Id) -> HttpResponse:
    """The closing record of a struck-off list as A4 PDF (Chinese); 409 while the list is not struck off."""
    return _record(request, list_id, "pdf")


@router.get("/{int:list_id}/closing-record.docx", response=errors(404, 409), openapi_extra=_binary(DOCX_TYPE))
def closing_record_docx(request: HttpRequest, list_id: Id) -> HttpResponse:
    """The closing record of a struck-off list as DOCX (Chinese); 409 while the list is not struck off."""
    return _record(request, list_id, "docx")
