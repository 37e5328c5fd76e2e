"""The findings' pages: the index (filters; a unit sees its own only), a new finding (the team's or the
office's, with evidence), and one finding's page: who, what, the deadline, the duty's reports with their
evidence; the unit's report form (photos from a phone), its extension request; the team's verification;
the office's "make it a list" and its decision on an extension. Files are served only to whoever may see
the record they belong to. A finding one may not see is a 404, as one that does not exist."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi.duties import completion
from luoshi.duties import services as duty_services
from luoshi.duties.models import Duty, DutyStatus, Extension, ExtensionStatus
from luoshi.errors import ServiceError
from luoshi.files import services as files
from luoshi.oversight import findings, queries_findings
from luoshi.oversight.forms_inspections import (
    DecideExtensionForm,
    ExtensionForm,
    FindingFilterForm,
    FindingForm,
    RectifyReportForm,
    VerifyForm,
    new_key,
)
from luoshi.oversight.models import Finding, FindingStatus, Inspection
from luoshi.oversight.queries_findings import FindingFilters
from luoshi.pages import Request, form_errors, paginate

INVALID = _("Please correct the errors below.")


def _finding(request: Request, finding_id: int) -> Finding:
    found = queries_findings.one_finding(request.user, finding_id)
    if found is None:
        raise Http404(_("No such finding, or not one you may see."))
    return found


# ---------------------------------------------------------------- the index


@login_required
@require_safe
def index(request: Request) -> HttpResponse:
    """The findings the person sees, filtered, newest first, with the counts of each status: five queries
    whatever the number of rows."""
    form = FindingFilterForm(request.GET)
    today = timezone.localdate()
    person = request.user
    context: dict[str, Any] = {
        "form": form,
        "unit_only": not queries_findings.sees_all(person)
        and not queries_findings.team_inspection_ids(person).exists(),
        "today": today,
    }
    if not form.is_valid():
        context.update(errors=form_errors(form), rows=[], page=None, tabs=[])
        return render(request, "oversight/finding_index.html", context, status=400)
    c = form.cleaned_data
    f = FindingFilters(
        inspection=c["inspection"],
        unit=c["unit"].pk if c["unit"] else None,
        category=c["category"].pk if c["category"] else None,
        severity=c["severity"],
        overdue=c["overdue"],
        found_from=c["found_from"],
        found_to=c["found_to"],
        leader=c["leader"],
    )
    base = queries_findings.filtered(person, f, today)
    counts = base.order_by().aggregate(
        all=Count("pk"), **{s: Count("pk", filter=queries_findings.status_q(s)) for s in FindingStatus.values}
    )
    wanted = c["status"]
    qs = base.filter(queries_findings.status_q(wanted)) if wanted else base
    page = paginate(qs, request.GET.get("page"), counts[wanted] if wanted else counts["all"])
    rows = list(page.object_list)
    for row in rows:
        row.state = findings.status(row, queries_findings.duty_of(row))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("status", None)
    tabs = [{"value": "", "label": _("All"), "count": counts["all"], "active": not wanted}]
    tabs += [
        {"value": s, "label": FindingStatus(s).label, "count": counts[s], "active": wanted == s}
        for s in FindingStatus.values
    ]
    total = counts[wanted] if wanted else counts["all"]
    context.update(rows=rows, page=page, tabs=tabs, query=query.urlencode(), total=total, leader=c["leader"])
    return render(request, "oversight/finding_index.html", context)


# ---------------------------------------------------------------- a new finding


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def finding_new(request: Request, inspection_id: int) -> HttpResponse:
    inspection = queries_findings.visible_inspections(request.user).filter(pk=inspection_id).first()
    if inspection is None:
        raise Http404(_("No such inspection, or not one you may see."))
    if not findings.may_record(request.user, inspection):
        raise PermissionDenied(_("Only the inspection team or the supervision office records findings."))
    if request.method != "POST":
        form = FindingForm(initial={"submission_key": new_key()}, inspection=inspection)
        return _new_page(request, inspection, form)
    form = FindingForm(request.POST, request.FILES, inspection=inspection)
    if not form.is_valid():
        return _new_page(request, inspection, form, 400, INVALID)
    c = form.cleaned_data
    data = findings.FindingInput(
        unit=c["unit"],
        category=c["category"],
        severity=c["severity"],
        description=c["description"],
        requirement=c["requirement"],
        deadline=c["deadline"],
        found_on=c["found_on"],
    )
    try:
        checked = files.check_uploads(c["evidence"], "evidence")
        finding, created = findings.do_create_finding(
            request.user, inspection, data, evidence=checked, submission_key=c["submission_key"] or None
        )
    except ServiceError as err:
        form.show_refusal(err)
        return _new_page(request, inspection, form, err.status, err.message)
    if created:
        messages.success(
            request, _("Finding {code} recorded; {unit} is to rectify it.").format(code=finding.code, unit=finding.unit)
        )
    else:
        messages.info(request, _("This finding was already recorded; it is stored once."))
    return redirect("oversight:finding", finding.pk)


def _new_page(request: Request, inspection: Inspection, form: FindingForm, status: int = 200, error: str = ""):
    context = {"inspection": inspection, "form": form, "error": error}
    return render(request, "oversight/finding_form.html", context, status=status)


# ---------------------------------------------------------------- one finding


def _page(request: Request, finding: Finding, status: int = 200, error: str = "", **forms: Any) -> HttpResponse:
    person = request.user
    today = timezone.localdate()
    duty = queries_findings.duty_of(finding)
    state = findings.status(finding, duty)
    data = queries_findings.page_data(finding, duty)
    pending = next((e for e in data.extensions if e.status == ExtensionStatus.PENDING), None)
    live = duty is not None and duty.status in (DutyStatus.OPEN, DutyStatus.COMPLETION_REQUESTED)
    may_report = live and duty is not None and duty_services.may_report(person, duty)
    may_verify = (
        duty is not None and duty.status == DutyStatus.COMPLETION_REQUESTED and completion.may_decide(person, duty)
    )
    context = {
        "finding": finding,
        "inspection": finding.inspection,
        "duty": duty,
        "state": state,
        "overdue": state != FindingStatus.CLOSED and duty is not None and duty.deadline < today,
        "data": data,
        "pending_extension": pending,
        "report_form": forms.get("report_form")
        or RectifyReportForm(initial={"submission_key": new_key(), "progress": duty.progress if duty else 0})
        if may_report
        else None,
        "extension_form": forms.get("extension_form") or ExtensionForm()
        if may_report and pending is None and duty is not None and duty.deadline >= today
        else None,
        "verify_form": forms.get("verify_form") or VerifyForm(initial={"submission_key": new_key()})
        if may_verify
        else None,
        "decide_form": forms.get("decide_form") or DecideExtensionForm()
        if pending is not None and person.is_office
        else None,
        "may_list": person.is_office and finding.list_id is None and state != FindingStatus.CLOSED,
        "error": error,
        "today": today,
    }
    return render(request, "oversight/finding_detail.html", context, status=status)


@login_required
@require_safe
def finding(request: Request, finding_id: int) -> HttpResponse:
    return _page(request, _finding(request, finding_id))


def _duty(finding: Finding) -> Duty:
    duty = queries_findings.duty_of(finding)
    if duty is None:  # pragma: no cover - every finding is made with its duty
        raise Http404(_("This finding owes no rectification."))
    return duty


@login_required
@require_POST
def finding_report(request: Request, finding_id: int) -> HttpResponse:
    """The unit's report with photos; the "ask for verification" button files it at 100% and asks."""
    found = _finding(request, finding_id)
    if not duty_services.may_report(request.user, _duty(found)):
        raise PermissionDenied(_("Only the unit's own liaison or head may report for it."))
    data = request.POST.copy()
    completing = data.get("action") == "complete"
    if completing:
        data["progress"] = "100"  # the button says it: the rectification is done
    form = RectifyReportForm(data, request.FILES)
    if not form.is_valid():
        return _page(request, found, 400, INVALID, report_form=form)
    c = form.cleaned_data
    try:
        checked = files.check_uploads(c["photos"], "photos")
        _report, created = findings.do_report_finding(
            request.user,
            found,
            progress=c["progress"],
            done=c["done"],
            difficulties=c["difficulties"],
            next_steps=c["next_steps"],
            request_completion=completing,
            uploads=checked,
            submission_key=c["submission_key"] or None,
        )
    except ServiceError as err:
        form.show_refusal(err)
        return _page(request, _finding(request, finding_id), err.status, err.message, report_form=form)
    if not created:
        messages.info(request, _("This report was already filed; it is stored once."))
    elif completing:
        messages.success(request, _("Report filed; the inspection team will verify the rectification."))
    else:
        messages.success(request, _("Report filed."))
    return redirect("oversight:finding", found.pk)


@login_required
@require_POST
def finding_verify(request: Request, finding_id: int) -> HttpResponse:
    found = _finding(request, finding_id)
    if not completion.may_decide(request.user, _duty(found)):
        raise PermissionDenied(_("Only the inspection team or the supervision office verifies a rectification."))
    form = VerifyForm(request.POST)
    if not form.is_valid():
        return _page(request, found, 400, INVALID, verify_form=form)
    c = form.cleaned_data
    try:
        verification, created = findings.do_verify(
            request.user,
            found,
            passed=c["verdict"] == "passed",
            note=c["note"],
            submission_key=c["submission_key"] or None,
        )
    except ServiceError as err:
        form.show_refusal(err)
        return _page(request, _finding(request, finding_id), err.status, err.message, verify_form=form)
    if not created:
        messages.info(request, _("This verification was already recorded; it is stored once."))
    elif verification.passed:
        messages.success(request, _("Rectification verified: the finding is closed."))
    else:
        messages.success(request, _("Rectification not passed: it goes back to the unit."))
    return redirect("oversight:finding", found.pk)


@login_required
@require_POST
def finding_to_list(request: Request, finding_id: int) -> HttpResponse:
    found = _finding(request, finding_id)
    try:
        rlist, created = findings.do_finding_to_list(request.user, found)
    except ServiceError as err:
        if err.status == 403:
            raise PermissionDenied(err.message) from err
        return _page(request, found, err.status, err.message)
    if created:
        messages.success(request, _("Responsibility list {code} published from this finding.").format(code=rlist.code))
    else:
        messages.info(request, _("This finding is already the list {code}.").format(code=rlist.code))
    return redirect("oversight:finding", found.pk)


@login_required
@require_POST
def finding_extension(request: Request, finding_id: int) -> HttpResponse:
    found = _finding(request, finding_id)
    duty = _duty(found)
    if not duty_services.may_report(request.user, duty):
        raise PermissionDenied(_("Only the unit's own liaison or head may ask for an extension."))
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        return _page(request, found, 400, INVALID, extension_form=form)
    try:
        completion.do_request_extension(
            request.user, duty, form.cleaned_data["new_deadline"], form.cleaned_data["reason"]
        )
    except ServiceError as err:
        form.show_refusal(err)
        return _page(request, found, err.status, err.message, extension_form=form)
    messages.success(request, _("Extension requested; the office decides on it."))
    return redirect("oversight:finding", found.pk)


@login_required
@require_POST
def finding_extension_decide(request: Request, finding_id: int, extension_id: int) -> HttpResponse:
    found = _finding(request, finding_id)
    if not request.user.is_office:
        raise PermissionDenied(_("Only the supervision office may do this."))
    ext = Extension.objects.filter(pk=extension_id, duty=_duty(found)).first()
    if ext is None:
        raise Http404(_("No such extension request."))
    form = DecideExtensionForm(request.POST)
    if not form.is_valid():
        return _page(request, found, 400, INVALID, decide_form=form)
    try:
        ext = completion.do_decide_extension(request.user, ext, form.cleaned_data["approve"], form.cleaned_data["note"])
    except ServiceError as err:
        return _page(request, found, err.status, err.message, decide_form=form)
    if ext.status == ExtensionStatus.APPROVED:
        messages.success(
            request, _("Extension approved: the deadline is now {deadline}.").format(deadline=ext.new_deadline)
        )
    else:
        messages.success(request, _("Extension refused."))
    return redirect("oversight:finding", found.pk)


@login_required
@require_safe
def attachment(request: Request, attachment_id: int) -> HttpResponse:
    """A finding's evidence or a report's, for whoever may see the finding (an upload waiting for its
    report: its uploader only)."""
    att = queries_findings.attachment_for(request.user, attachment_id)
    if att is None:
        raise Http404(_("No such file, or not one you may see."))
    return files.download(att)


urlpatterns: list[URLPattern] = [
    path("findings/", index, name="findings"),
    path("inspections/<int:inspection_id>/findings/new", finding_new, name="finding_new"),
    path("findings/<int:finding_id>/", finding, name="finding"),
    path("findings/<int:finding_id>/report", finding_report, name="finding_report"),
    path("findings/<int:finding_id>/verify", finding_verify, name="finding_verify"),
    path("findings/<int:finding_id>/to-list", finding_to_list, name="finding_to_list"),
    path("findings/<int:finding_id>/extension", finding_extension, name="finding_extension"),
    path(
        "findings/<int:finding_id>/extensions/<int:extension_id>/decide",
        finding_extension_decide,
        name="finding_extension_decide",
    ),
    path("inspection-files/<int:attachment_id>", attachment, name="attachment"),
]
