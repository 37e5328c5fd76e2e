"""The ledger's workbooks on the web: the import (upload, then a progress page polled every second
until it is done, with the problems by row and column and the form to upload the corrected file),
the export (whole, a unit's or a leader's rows) and the template.

The upload is refused as it arrives once past the size limit (an upload handler, as the lists'
import does), and read as a file at once: a file that cannot be used is a 400 with its reason.
"""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRedirect

from luoshi.errors import ServiceError
from luoshi.ledger import export_book, import_book, import_jobs, queries
from luoshi.ledger.models import Ledger, LedgerImport, LedgerStatus
from luoshi.ledger.models_cycle import ImportStatus
from luoshi.org.models import Person, Role, Unit
from luoshi.pages import BootstrapMixin, Request, office_only

BODY_SLACK = 64 * 1024  # the form's other fields and the multipart boundaries
ACCEPT = ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"


class UploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Workbook (.xlsx) or CSV"),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": gettext_lazy("Choose the file to import.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Required once the ledger is open: the change of its structure is recorded with it."),
    )


class ExportForm(forms.Form):
    unit = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    leader = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class CappedUpload(FileUploadHandler):
    """Stops taking the file in once it passes the import's limit: neither kept in memory nor on disk."""

    too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > import_book.MAX_BYTES:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _ledger(request: Request, ledger_id: int) -> Ledger:
    ledger = queries.visible_ledgers(request.user).filter(pk=ledger_id).first()
    if ledger is None:
        raise Http404(_("No such ledger, or not one you may see."))
    return ledger


def _export_choices(ledger: Ledger) -> dict[str, Any]:
    leaders = [p for p in Person.objects.filter(is_active=True).order_by("name", "id") if p.has_role(Role.LEADER)]
    return {"units": Unit.objects.order_by("name"), "leaders": leaders}


def _upload_page(
    request: Request, ledger: Ledger, form: UploadForm, status: int = 200, error: str | None = None
) -> HttpResponse:
    context = {
        "ledger": ledger,
        "form": form,
        "error": error,
        "open": ledger.status == LedgerStatus.OPEN,
        "recent": LedgerImport.objects.filter(ledger=ledger).select_related("by").defer("content")[:10],
        "max_rows": import_book.MAX_ROWS,
        "max_mb": import_book.MAX_BYTES // (1024 * 1024),
        **_export_choices(ledger),
    }
    return render(request, "ledger/import.html", context, status=status)


@csrf_exempt  # checked by _upload, once the capped upload handler is in place (Django's documented way)
@login_required
@require_http_methods(["GET", "POST"])
def upload(request: Request, ledger_id: int) -> HttpResponse:
    office_only(request)
    ledger = _ledger(request, ledger_id)
    if request.method == "GET":
        return _upload_page(request, ledger, UploadForm())
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > import_book.MAX_BYTES + BODY_SLACK:
        return _upload_page(request, ledger, UploadForm(), 400, import_book.too_large())  # the body unread
    capped = CappedUpload(request)
    handlers = request.upload_handlers
    assert isinstance(handlers, list)  # still a list: nothing has read the body yet
    handlers.insert(0, capped)
    return _upload(request, ledger, capped)


@csrf_protect
def _upload(request: Request, ledger: Ledger, capped: CappedUpload) -> HttpResponse:
    if capped.too_large:
        return _upload_page(request, ledger, UploadForm(), 400, import_book.too_large())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, ledger, form, 400, _("Please correct the errors below."))
    sheet = form.cleaned_data["file"]
    try:
        if sheet.size > import_book.MAX_BYTES:
            raise import_book.BookFileError(import_book.too_large())
        data = sheet.read(import_book.MAX_BYTES + 1)
        job, _queued = import_jobs.do_queue_import(
            request.user, ledger, data, sheet.name or "", reason=form.cleaned_data["reason"]
        )
    except ServiceError as err:
        form.show_refusal(err, skip=("file",))
        return _upload_page(request, ledger, form, err.status, err.message)
    url = reverse("ledger:import_status", args=[job.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
@require_safe
def status(request: Request, import_id: int) -> HttpResponse:
    """The import's page; its htmx poll (every second while queued or running) gets the progress part."""
    office_only(request)
    job = get_object_or_404(LedgerImport.objects.select_related("ledger", "by").defer("content"), pk=import_id)
    context = {
        "job": job,
        "ledger": job.ledger,
        "running": job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
        "form": UploadForm(),
        "open": job.ledger.status == LedgerStatus.OPEN,
        "max_mb": import_book.MAX_BYTES // (1024 * 1024),
    }
    if request.htmx and request.htmx.target == "import-progress":
        return render(request, "ledger/import_progress.html", context)
    return render(request, "ledger/import_status.html", context)


@login_required
@require_safe
def export(request: Request, ledger_id: int) -> HttpResponse:
    ledger = _ledger(request, ledger_id)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return HttpResponse(_("Choose a unit or a leader from the lists."), status=400, content_type="text/plain")
    try:
        return export_book.download(
            request.user, ledger, unit=form.cleaned_data["unit"], leader=form.cleaned_data["leader"]
        )
    except ServiceError as err:
        return HttpResponse(err.message, status=err.status, content_type="text/plain; charset=utf-8")


@login_required
@require_safe
def template(request: Request) -> HttpResponse:
    office_only(request)
    return export_book.template_download(request.user)


urlpatterns = [
    path("<int:ledger_id>/import/", upload, name="import"),
    path("import/<int:import_id>/", status, name="import_status"),
    path("<int:ledger_id>/export.xlsx", export, name="export"),
    path("import-template.xlsx", template, name="template"),
]
