"""The bulletins' pages: the archive (with the office's form to make one for any period), a bulletin's page
(the document as printed, with its downloads), and the PDF and DOCX.

Who may read: the office, the leaders, the units' heads and liaisons (they received it); anyone else 403.
Only the office makes one. Each download is an export event. The archive is a constant number of queries
(the documents' bytes and figures are not read for it)."""

import uuid
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from luoshi import printing, sheets
from luoshi.cockpit import bulletin_documents, bulletins
from luoshi.cockpit.models import Bulletin
from luoshi.errors import ServiceError
from luoshi.events.services import record_export
from luoshi.org.models import Person
from luoshi.pages import BootstrapMixin, DateInput, Request, paginate

LIST_FIELDS = ("id", "year", "number", "period_from", "period_to", "created_at", "created_by")
TYPES = {"pdf": printing.PDF_TYPE, "docx": printing.DOCX_TYPE}


class BulletinForm(BootstrapMixin, forms.Form):
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    start = forms.DateField(label=gettext_lazy("From"), widget=DateInput())
    end = forms.DateField(label=gettext_lazy("To"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The form's names are the API's: from and to (Python cannot name a field "from").
        self.fields["from"] = self.fields.pop("start")
        self.fields["to"] = self.fields.pop("end")

    @classmethod
    def initial_for(cls, today: date) -> dict[str, Any]:
        start, end = bulletins.last_week(today + timedelta(days=7))  # this week so far
        return {"submission_key": uuid.uuid4().hex, "from": start, "to": min(end, today)}


def _reader(request: Request) -> Person:
    try:
        bulletins.require_reader(request.user)
    except ServiceError as e:
        raise PermissionDenied(e.message) from None
    return request.user


def _bulletin(bulletin_id: int, *fields: str) -> Bulletin:
    qs = Bulletin.objects.only(*fields)
    if "created_by" in fields:
        qs = qs.select_related("created_by")
    found = qs.filter(pk=bulletin_id).first()
    if found is None:
        raise Http404(_("No such bulletin."))
    return found


def label(b: Bulletin) -> str:
    return bulletin_documents.number_label(b.year, b.number)


def filename(b: Bulletin, fmt: str) -> str:
    return f"督查通报-{b.year}-{b.number:02d}.{fmt}"


def download(b: Bulletin, fmt: str, person: Person) -> HttpResponse:
    """The stored document as a download, an export event; never cached by the browser."""
    content = bytes(b.pdf if fmt == "pdf" else b.docx)
    response = sheets.attachment(content, TYPES[fmt], filename(b, fmt))
    patch_cache_control(response, private=True, no_store=True)
    record_export(person, "bulletin", fmt, subject=("bulletin", b.pk))
    return response


def _archive(request: Request, form: BulletinForm | None, status: int = 200, error: str = "") -> HttpResponse:
    qs = Bulletin.objects.select_related("created_by").only(*LIST_FIELDS, "created_by__name", "created_by__username")
    page = paginate(qs.order_by("-year", "-number"), request.GET.get("page"))
    context = {"page": page, "form": form, "error": error, "office": bulletins.may_make(request.user)}
    return render(request, "cockpit/bulletins.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def index(request: Request) -> HttpResponse:
    person = _reader(request)
    today = timezone.localdate()
    if request.method != "POST":
        form = BulletinForm(initial=BulletinForm.initial_for(today)) if bulletins.may_make(person) else None
        return _archive(request, form)
    if not bulletins.may_make(person):
        raise PermissionDenied(_("Only the supervision office makes the bulletin."))
    form = BulletinForm(request.POST)
    if not form.is_valid():
        return _archive(request, form, 400, _("Please correct the errors below."))
    c = form.cleaned_data
    try:
        b, created = bulletins.do_make_bulletin(person, c["from"], c["to"], submission_key=c["submission_key"] or None)
    except ServiceError as err:
        form.show_refusal(err)
        return _archive(request, form, err.status, err.message)
    if created:
        messages.success(request, _("Bulletin %(number)s made and sent.") % {"number": label(b)})
    else:
        messages.info(request, _("This bulletin was already made; it is stored once."))
    return redirect("cockpit:bulletin", b.pk)


@login_required
@require_safe
def detail(request: Request, bulletin_id: int) -> HttpResponse:
    _reader(request)
    b = _bulletin(bulletin_id, *LIST_FIELDS, "figures", "created_by__name", "created_by__username")
    doc = bulletin_documents.document_fields(b.year, b.number, timezone.localdate(b.created_at), b.figures)
    return render(request, "cockpit/bulletin.html", {"b": b, "doc": doc, "number": label(b)})


def _file(request: Request, bulletin_id: int, fmt: str) -> HttpResponse:
    person = _reader(request)
    return download(_bulletin(bulletin_id, "id", "year", "number", fmt), fmt, person)


@login_required
@require_safe
def pdf(request: Request, bulletin_id: int) -> HttpResponse:
    return _file(request, bulletin_id, "pdf")


@login_required
@require_safe
def docx(request: Request, bulletin_id: int) -> HttpResponse:
    return _file(request, bulletin_id, "docx")


urlpatterns: list[URLPattern] = [
    path("bulletins/", index, name="bulletins"),
    path("bulletins/<int:bulletin_id>/", detail, name="bulletin"),
    path("bulletins/<int:bulletin_id>.pdf", pdf, name="bulletin_pdf"),
    path("bulletins/<int:bulletin_id>.docx", docx, name="bulletin_docx"),
]
