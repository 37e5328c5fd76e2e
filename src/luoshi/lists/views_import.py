"""Import responsibility lists from an Excel sheet (office only): upload → check → preview → confirm.

The checked rows wait in the session between the preview and the confirmation, under a one-time
token: the confirmation pops it, so a second click on "Create" finds nothing and creates nothing.
"""

import uuid
from collections import Counter
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRedirect

from luoshi import sheets
from luoshi.events.services import record_export
from luoshi.lists import import_file, import_template, imports
from luoshi.lists.models import ListStatus, ResponsibilityList
from luoshi.org.models import Person, Unit
from luoshi.pages import BootstrapMixin, Request, office_only

UPLOAD_TEMPLATE = "lists/import.html"
PREVIEW_TEMPLATE = "lists/import_preview.html"
SESSION_KEY = "lists-import-{token}"
CLAIM_SECONDS = 24 * 3600
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NAME = "责任清单导入模板.xlsx"


class UploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.FileInput(attrs={"accept": f".xlsx,{XLSX}"}),
        error_messages={"required": gettext_lazy("Choose the Excel file to import.")},
    )


class ConfirmForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)


# --- the checked rows wait in the session as primitive values (ids, strings, ISO dates) ---------------

SIMPLE = ("source", "title", "content", "report_every_days")


def to_session(parsed: imports.ParsedSheet) -> list[dict[str, Any]]:
    return [
        {
            **{f: r.cleaned[f] for f in SIMPLE},
            "row": r.number,
            "leader": r.cleaned["leader"].pk if r.cleaned["leader"] else None,
            "lead_unit": r.cleaned["lead_unit"].pk,
            "co_units": [u.pk for u in r.cleaned["co_units"]],
            "deadline": r.cleaned["deadline"].isoformat(),
        }
        for r in parsed.rows
    ]


def from_session(data: list[dict[str, Any]]) -> imports.ParsedSheet:
    """The rows again, with their units and leader; a row whose unit or leader has gone gets an error."""
    units = Unit.objects.in_bulk({d["lead_unit"] for d in data} | {u for d in data for u in d["co_units"]})
    people = Person.objects.in_bulk({d["leader"] for d in data if d["leader"]})
    rows = []
    for d in data:
        cleaned = {f: d[f] for f in SIMPLE} | {
            "leader": people.get(d["leader"]) if d["leader"] else None,
            "lead_unit": units.get(d["lead_unit"]),
            "co_units": [units.get(u) for u in d["co_units"]],
            "deadline": date.fromisoformat(d["deadline"]),
        }
        row = imports.RowResult(d["row"], {}, cleaned)
        row.raw = {f: row.display(f) for f in import_file.FIELDS}
        if (d["leader"] and cleaned["leader"] is None) or None in (cleaned["lead_unit"], *cleaned["co_units"]):
            row.add_error("row", _("A person or unit of this row no longer exists."))
        rows.append(row)
    return imports.ParsedSheet(rows)


def _repeats(parsed: imports.ParsedSheet) -> list[int]:
    """Rows whose title is already on an open list, or on another row: a warning, not an error."""
    titles = Counter(r.cleaned["title"] for r in parsed.rows)
    known = set(
        ResponsibilityList.objects.filter(title__in=list(titles))
        .exclude(status=ListStatus.CLOSED)
        .values_list("title", flat=True)
    )
    return [r.number for r in parsed.rows if r.cleaned["title"] in known or titles[r.cleaned["title"]] > 1]


# --- views -------------------------------------------------------------------------------------------


def _go(request: Request, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _drafts_url() -> str:
    return f"{reverse('lists:index')}?status=draft"


def _columns() -> list[str]:
    return [str(imports.LABELS[f]) for f in import_file.FIELDS]


def _upload_page(
    request: Request,
    form: UploadForm,
    status: int = 200,
    error: str | None = None,
    parsed: imports.ParsedSheet | None = None,
) -> HttpResponse:
    context = {
        "form": form,
        "error": error,
        "columns": _columns(),
        "rows": parsed.bad_rows if parsed else [],
        "total": len(parsed.rows) if parsed else 0,
        "max_rows": import_file.MAX_ROWS,
    }
    return render(request, UPLOAD_TEMPLATE, context, status=status)


class CappedUpload(FileUploadHandler):
    """Stops taking an uploaded file in once it passes the import's limit: a 2 GB upload is neither
    kept in memory nor written to a temporary file."""

    too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > import_file.MAX_BYTES:
            self.too_large = True
            raise SkipFile
        return raw_data  # on to Django's own handlers

    def file_complete(self, file_size: int) -> None:
        return None


TOO_LARGE = gettext_lazy("The file is larger than 5 MB.")
BODY_SLACK = 64 * 1024  # the form's other fields and the multipart boundaries


@csrf_exempt  # checked by _upload, once the capped upload handler is in place (Django's documented way)
@login_required
@require_http_methods(["GET", "POST"])
def upload(request: Request) -> HttpResponse:
    office_only(request)
    if request.method == "GET":
        return _upload_page(request, UploadForm())
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > import_file.MAX_BYTES + BODY_SLACK:
        return _upload_page(request, UploadForm(), 400, str(TOO_LARGE))  # refused before reading the body
    capped = CappedUpload(request)
    handlers = request.upload_handlers
    assert isinstance(handlers, list)  # still a list: nothing has read the body yet
    handlers.insert(0, capped)
    return _upload(request, capped)


@csrf_protect
def _upload(request: Request, capped: CappedUpload) -> HttpResponse:
    if "token" in request.POST:
        return _confirm(request)
    if capped.too_large:
        return _upload_page(request, UploadForm(), 400, str(TOO_LARGE))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form, 400, _("Please correct the errors below."))
    sheet = form.cleaned_data["file"]
    try:
        if sheet.size > import_file.MAX_BYTES:
            raise import_file.ImportFileError(str(TOO_LARGE))
        parsed = imports.parse(sheet)
    except import_file.ImportFileError as err:
        return _upload_page(request, form, 400, err.message)
    if not parsed.valid:
        return _upload_page(request, UploadForm(), 400, imports.ImportRejected(parsed).message, parsed)
    token = uuid.uuid4().hex
    request.session[SESSION_KEY.format(token=token)] = to_session(parsed)
    context = {
        "rows": parsed.rows,
        "columns": _columns(),
        "confirm": ConfirmForm(initial={"token": token}),
        "repeats": _repeats(parsed),
        "filename": sheet.name,
    }
    return render(request, PREVIEW_TEMPLATE, context)


def _confirm(request: Request) -> HttpResponse:
    form = ConfirmForm(request.POST)
    token = form.cleaned_data["token"].hex if form.is_valid() else ""
    data = request.session.pop(SESSION_KEY.format(token=token), None) if token else None
    # The session forgets the token at once; the cache claim also stops a double click whose second request
    # read the session before the first saved it (across worker processes only with a shared cache).
    if data is None or not cache.add(SESSION_KEY.format(token=token), True, CLAIM_SECONDS):
        messages.info(
            request, _("This sheet was already imported, or its preview has expired: nothing more was created.")
        )
        return _go(request, _drafts_url())
    request.session.save()
    try:
        created = imports.do_import(request.user, from_session(data))
    except imports.ImportRejected as err:
        return _upload_page(request, UploadForm(), 400, err.message, err.parsed)
    count = len(created)
    messages.success(
        request,
        ngettext(
            "%(count)d draft created. Check it, then publish it.",
            "%(count)d drafts created. Check them, then publish them.",
            count,
        )
        % {"count": count},
    )
    return _go(request, _drafts_url())


@login_required
@require_safe
def template(request: Request) -> HttpResponse:
    office_only(request)
    response = sheets.attachment(import_template.template_workbook(), sheets.XLSX_TYPE, TEMPLATE_NAME)
    record_export(request.user, "import_template", "xlsx")  # it lists the units' and leaders' names
    return response
