"""The pages of incidents, violations and accountability decisions (with their dossiers). As everywhere
in the restricted cases: every read is an audited event, a case the user may not see is a 404, writing
is the officers' (403 else); the index with its tabs is views_cases.index."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi.errors import ServiceError
from luoshi.events.services import audit_read
from luoshi.files import services as files
from luoshi.files.models import Attachment
from luoshi.oversight import cases_records, queries_cases
from luoshi.oversight.access import is_case_officer
from luoshi.oversight.forms_cases import AccountabilityForm, DossierForm, IncidentForm, ViolationForm, new_key
from luoshi.oversight.models import Accountability, ReasonKind
from luoshi.pages import Request

FORM_TEMPLATE = "oversight/case_form.html"
DOSSIER_TYPES = files.EVIDENCE  # images and PDFs


def _officer_only(request: Request) -> None:
    if not is_case_officer(request.user):
        raise PermissionDenied(_("Only the supervision office and discipline inspection record talks and cases."))


def _form_page(request: Request, form, heading: str, back: str, status: int = 200, error: str = "") -> HttpResponse:
    context = {"form": form, "heading": heading, "back": back, "error": error}
    return render(request, FORM_TEMPLATE, context, status=status)


def _initial() -> dict:
    return {"submission_key": new_key()}


# ---------------------------------------------------------------- incidents


@login_required
@require_safe
def incident(request: Request, incident_id: int) -> HttpResponse:
    found = queries_cases.visible_incidents(request.user).filter(pk=incident_id).first()
    if found is None:
        raise Http404(_("No such incident, or not one you may see."))
    audit_read(request.user, "incident", found.pk)
    context = {
        "incident": found,
        "linked": queries_cases.citing(ReasonKind.INCIDENT, found.pk, request.user),
        "officer": is_case_officer(request.user),
    }
    return render(request, "oversight/incident_detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def incident_new(request: Request) -> HttpResponse:
    _officer_only(request)
    heading = _("Record an incident")
    if request.method != "POST":
        return _form_page(
            request, IncidentForm(initial={**_initial(), "happened_on": timezone.localdate()}), heading, "incidents"
        )
    form = IncidentForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, heading, "incidents", 400, _("Please correct the errors below."))
    c = form.cleaned_data
    data = cases_records.IncidentInput(
        title=c["title"],
        happened_on=c["happened_on"],
        place=c["place"],
        description=c["description"],
        units=list(c["units"]),
        people=list(c["people"]),
    )
    try:
        found, created = cases_records.do_create_incident(
            request.user, data, submission_key=c["submission_key"] or None
        )
    except ServiceError as err:
        form.show_refusal(err)
        return _form_page(request, form, heading, "incidents", err.status, err.message)
    (messages.success if created else messages.info)(
        request, _("Incident recorded.") if created else _("This incident was already recorded; it is stored once.")
    )
    return redirect("oversight:incident", found.pk)


# ---------------------------------------------------------------- violations


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def violation_new(request: Request) -> HttpResponse:
    _officer_only(request)
    heading = _("Record a violation of work-style discipline")
    if request.method != "POST":
        return _form_page(
            request, ViolationForm(initial={**_initial(), "found_on": timezone.localdate()}), heading, "violations"
        )
    form = ViolationForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, heading, "violations", 400, _("Please correct the errors below."))
    c = form.cleaned_data
    try:
        _v, created = cases_records.do_create_violation(
            request.user,
            person=c["person"],
            unit=c["unit"],
            description=c["description"],
            found_on=c["found_on"],
            submission_key=c["submission_key"] or None,
        )
    except ServiceError as err:
        form.show_refusal(err)
        return _form_page(request, form, heading, "violations", err.status, err.message)
    (messages.success if created else messages.info)(
        request, _("Violation recorded.") if created else _("This violation was already recorded; it is stored once.")
    )
    return redirect(reverse("oversight:cases") + "?tab=violations")


# ---------------------------------------------------------------- accountability


def _case(request: Request, case_id: int) -> Accountability:
    found = queries_cases.visible_accountability(request.user).filter(pk=case_id).first()
    if found is None:
        raise Http404(_("No such accountability decision, or not one you may see."))
    return found


def _case_page(
    request: Request, case: Accountability, form: DossierForm | None = None, status: int = 200, error: str = ""
) -> HttpResponse:
    officer = is_case_officer(request.user)
    context = {
        "case": case,
        "subject": queries_cases.subject_name(case),
        "measures": queries_cases.measures_text(case.measures),
        "cited": queries_cases.reasons_of("accountability", [case.pk]).get(case.pk, []),
        "dossier": files.listed("accountability", [case.pk]).get(case.pk, []),
        "form": (form or DossierForm()) if officer else None,
        "officer": officer,
        "error": error,
    }
    return render(request, "oversight/accountability_detail.html", context, status=status)


@login_required
@require_safe
def accountability(request: Request, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    audit_read(request.user, "accountability", case.pk, unit_id=case.unit_id)
    return _case_page(request, case)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def accountability_new(request: Request) -> HttpResponse:
    _officer_only(request)
    heading = _("Record an accountability decision")
    if request.method != "POST":
        initial = {**_initial(), "decided_on": timezone.localdate()}
        return _form_page(request, AccountabilityForm(initial=initial), heading, "accountability")
    form = AccountabilityForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_page(request, form, heading, "accountability", 400, _("Please correct the errors below."))
    c = form.cleaned_data
    data = cases_records.AccountabilityInput(
        measures=c["measures"],
        decided_on=c["decided_on"],
        body=c["body"],
        unit=c["unit"],
        person=c["person"],
        reasons=form.reasons(),
        summary=c["summary"],
        public=c["public"],
    )
    try:
        checked = files.check_uploads(c["documents"], "documents", DOSSIER_TYPES)
        case, created = cases_records.do_create_accountability(
            request.user, data, dossier=checked, submission_key=c["submission_key"] or None
        )
    except ServiceError as err:
        form.show_refusal(err)
        return _form_page(request, form, heading, "accountability", err.status, err.message)
    (messages.success if created else messages.info)(
        request,
        _("Accountability decision recorded.")
        if created
        else _("This decision was already recorded; it is stored once."),
    )
    return redirect("oversight:accountability", case.pk)


@login_required
@require_POST
def dossier_add(request: Request, case_id: int) -> HttpResponse:
    _officer_only(request)
    case = _case(request, case_id)
    form = DossierForm(request.POST, request.FILES)
    if not form.is_valid():
        return _case_page(request, case, form, 400, _("Please correct the errors below."))
    try:
        checked = files.check_uploads(form.cleaned_data["documents"], "documents", DOSSIER_TYPES)
        cases_records.do_add_to_dossier(request.user, case, checked)
    except ServiceError as err:
        form.show_refusal(err)
        return _case_page(request, case, form, err.status, err.message)
    messages.success(request, _("Added to the dossier."))
    return redirect("oversight:accountability", case.pk)


@login_required
@require_safe
def dossier_file(request: Request, case_id: int, file_id: int) -> HttpResponse:
    """One document of a decision's dossier, for whoever may read the decision (an audited read)."""
    case = _case(request, case_id)
    att = Attachment.objects.filter(pk=file_id, subject_type="accountability", subject_id=case.pk).first()
    if att is None:
        raise Http404(_("No such file in this dossier."))
    audit_read(request.user, "accountability", case.pk, unit_id=case.unit_id)
    return files.download(att)


urlpatterns: list[URLPattern] = [
    path("incidents/new", incident_new, name="incident_new"),
    path("incidents/<int:incident_id>/", incident, name="incident"),
    path("violations/new", violation_new, name="violation_new"),
    path("accountability/new", accountability_new, name="accountability_new"),
    path("accountability/<int:case_id>/", accountability, name="accountability"),
    path("accountability/<int:case_id>/dossier", dossier_add, name="dossier_add"),
    path("accountability/<int:case_id>/files/<int:file_id>", dossier_file, name="dossier_file"),
]
