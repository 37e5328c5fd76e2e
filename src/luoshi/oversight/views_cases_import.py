"""Importing the units' tallies of talks from Excel (the officers'): the page, the upload, the template.
Every row is checked before any talk is stored; a refused sheet lists each bad row and column (400)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from luoshi.errors import ServiceError
from luoshi.events.services import record_export
from luoshi.oversight import cases, cases_import
from luoshi.oversight.access import is_case_officer
from luoshi.oversight.forms_cases import new_key
from luoshi.pages import BootstrapMixin, Request

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TallyForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Sheet of talks (.xlsx)"),
        help_text=gettext_lazy("One row a unit, day and kind of talk, with how many were held."),
    )
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


def _officer_only(request: Request) -> None:
    if not is_case_officer(request.user):
        raise PermissionDenied(_("Only the supervision office and discipline inspection record talks and cases."))


def _page(request: Request, form: TallyForm, status: int = 200, **extra) -> HttpResponse:
    return render(request, "oversight/talk_import.html", {"form": form, **extra}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def talks_import(request: Request) -> HttpResponse:
    _officer_only(request)
    if request.method != "POST":
        return _page(request, TallyForm(initial={"submission_key": new_key()}))
    form = TallyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, 400, error=_("Please correct the errors below."))
    upload = form.cleaned_data["file"]
    tally: cases_import.Tally | None = None
    try:
        tally = cases_import.read_tally(upload)
        if tally.errors:
            raise cases_import.first_error(tally)
        stored = cases.do_import_talks(
            request.user,
            tally.rows,
            note=_("Imported from {name} ({n} rows)").format(name=upload.name[:100], n=tally.lines),
            submission_key=form.cleaned_data["submission_key"] or None,
        )
    except ServiceError as err:
        rows = tally.errors[:200] if tally else []
        return _page(request, form, err.status, error=err.message, row_errors=rows)
    messages.success(request, _("{n} talks imported.").format(n=stored))
    return redirect(reverse("oversight:cases") + "?tab=talks")


@login_required
@require_safe
def talks_import_template(request: Request) -> HttpResponse:
    _officer_only(request)
    response = HttpResponse(cases_import.template(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''talks-tally.xlsx"
    record_export(request.user, "talks_template", "xlsx")
    return response


urlpatterns: list[URLPattern] = [
    path("talks/import", talks_import, name="talks_import"),
    path("talks/import-template.xlsx", talks_import_template, name="talks_import_template"),
]
