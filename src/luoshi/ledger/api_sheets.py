"""The ledger's workbooks through the API: imports (queued, then polled), the export and the template.

POST /ledgers/{id}/imports takes the file (multipart) and an optional reason (required once the ledger
is open); a file that cannot be read is a 400 at once, naming the problem; otherwise 202 and the
import's id, whose GET answers its status, progress and row-by-row problems until it is done.
"""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile

from luoshi.duties.services import require_office
from luoshi.errors import InvalidInput, NotFound
from luoshi.ledger import export_book, import_book, import_jobs
from luoshi.ledger.api import visible_ledger
from luoshi.ledger.models import LedgerImport
from luoshi.org.caller import caller
from luoshi.schemas import MULTILINE, BlankIsNone, Id, errors
from luoshi.sheets import XLSX_TYPE

router = Router(tags=["ledger"])
Reason = Annotated[str, Field(max_length=2000, description="Required once the ledger is open."), MULTILINE]
NO_REASON = Form("")  # a form field, optional (ninja's Form[...] = "" would mark it required)


class ImportProblemOut(Schema):
    row: int | None = Field(description="The row as the sheet numbers it; none for the file as a whole.")
    column: str = Field(description="The column by its header in the sheet.")
    message: str


class ImportQueuedOut(Schema):
    id: int
    status: str
    progress: int


class ImportOut(Schema):
    id: int
    ledger: int
    filename: str
    status: str = Field(description="queued, running, failed or done")
    progress: int
    errors: list[ImportProblemOut]
    created: int
    updated: int
    at: datetime
    finished_at: datetime | None


class ExportQuery(Schema):
    unit: Annotated[Id | None, BlankIsNone] = None
    leader: Annotated[Id | None, BlankIsNone] = None


def _binary(what: str) -> dict:
    """The OpenAPI description of a workbook answer (ninja describes JSON only)."""
    content = {XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}}
    return {"responses": {200: {"description": what, "content": content}}}


def import_out(job: LedgerImport) -> dict:
    return {
        "id": job.pk,
        "ledger": job.ledger_id,
        "filename": job.filename,
        "status": job.status,
        "progress": job.progress,
        "errors": job.errors,
        "created": job.created,
        "updated": job.updated,
        "at": job.at,
        "finished_at": job.finished_at,
    }


@router.post(
    "/ledgers/{int:ledger_id}/imports",
    response={202: ImportQueuedOut, 200: ImportQueuedOut, **errors(403, 404, 409)},
    openapi_extra={"requestBody": {"description": "The workbook (.xlsx) or CSV, and the reason."}},
)
def queue_import(request: HttpRequest, ledger_id: Id, file: File[UploadedFile], reason: Reason = NO_REASON):
    """Import a workbook into the ledger, all or nothing, in the background: 202 with the import's id
    (poll GET /imports/{id}); 200 with the same import when the same file was just sent. The office only."""
    person = caller(request)
    require_office(person)
    ledger = visible_ledger(person, ledger_id)
    if (file.size or 0) > import_book.MAX_BYTES:
        raise InvalidInput(import_book.too_large(), "file")
    data = file.read(import_book.MAX_BYTES + 1)
    job, queued = import_jobs.do_queue_import(person, ledger, data, file.name or "", reason=reason)
    return (202 if queued else 200), {"id": job.pk, "status": job.status, "progress": job.progress}


@router.get("/imports/{int:import_id}", response={200: ImportOut, **errors(404)})
def get_import(request: HttpRequest, import_id: Id):
    """An import's status (queued, running, failed, done), progress (0–100), its problems by row and
    column (nothing is written when there is any), and how many tasks it created and updated."""
    person = caller(request)
    job = LedgerImport.objects.filter(pk=import_id).first() if person.is_office else None
    if job is None:
        raise NotFound("No such import, or not one you may see.")
    return import_out(job)


@router.get("/ledgers/import-template.xlsx", response=errors(403), openapi_extra=_binary("The workbook to fill in"))
def import_template(request: HttpRequest) -> HttpResponse:
    """The ledger workbook to fill in: the headers, an example row (never imported) and the instructions."""
    person = caller(request)
    require_office(person)
    return export_book.template_download(person)


@router.get(
    "/ledgers/{int:ledger_id}/export.xlsx", response=errors(404), openapi_extra=_binary("The ledger's workbook")
)
def export_ledger(request: HttpRequest, ledger_id: Id, filters: Query[ExportQuery]) -> HttpResponse:
    """The ledger as a workbook in the import's format; `unit` or `leader` narrow it to their rows. A
    unit's people get their unit's rows only."""
    person = caller(request)
    ledger = visible_ledger(person, ledger_id)
    return export_book.download(person, ledger, unit=filters.unit, leader=filters.leader)
