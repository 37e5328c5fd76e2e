"""The restricted cases' pages: the index with its tabs (talks, incidents, violations, accountability),
a talk, a new talk, a talk from the ladder's proposal, and a talk's follow-up (the unit's report, the
office's decision). Incidents, violations and accountability decisions are in views_cases_records.

Every read is an audited event (one per record opened, one per page of a list naming the ids shown); a
case the user may not see is a 404, as one that does not exist; writing is the officers' (403 else).
Each page runs a fixed number of queries whatever the number of rows."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.duties.models import Duty, DutyStatus, Escalation, Step
from luoshi.errors import ServiceError
from luoshi.events.services import audit_read, audit_reads
from luoshi.files import services as files
from luoshi.org import access as org_access
from luoshi.oversight import cases, queries_cases, views_cases_import, views_cases_records
from luoshi.oversight.access import is_case_officer, may_follow_up
from luoshi.oversight.forms_cases import CaseFilterForm, DecideForm, FollowupReportForm, TalkForm, new_key
from luoshi.oversight.models import Talk
from luoshi.oversight.queries_cases import SUBJECT_TYPE, TABS, CaseFilters
from luoshi.pages import Request, form_errors, paginate

FORM_TEMPLATE = "oversight/case_form.html"


def officer_only(request: Request) -> None:
    if not is_case_officer(request.user):
        raise PermissionDenied(_("Only the supervision office and discipline inspection record talks and cases."))


# ---------------------------------------------------------------- the index


def _decorate(tab: str, rows: list[Any]) -> None:
    """What a page's rows show besides their own fields: reasons, dossiers (a query or a few)."""
    if tab in ("talks", "accountability"):
        reasons = queries_cases.reasons_of(SUBJECT_TYPE[tab], [r.pk for r in rows])
        for r in rows:
            r.cited = reasons.get(r.pk, [])
    if tab == "accountability":
        dossiers = files.listed("accountability", [r.pk for r in rows])
        for r in rows:
            r.dossier = dossiers.get(r.pk, [])
            r.measure_labels = queries_cases.measures_text(r.measures)


@login_required
@require_safe
def index(request: Request) -> HttpResponse:
    form = CaseFilterForm(request.GET)
    context: dict[str, Any] = {"form": form, "officer": is_case_officer(request.user)}
    if not form.is_valid():
        context.update(errors=form_errors(form), tab="talks")
        return render(request, "oversight/case_index.html", context, status=400)
    c = form.cleaned_data
    tab = c["tab"] or "talks"
    f = CaseFilters(
        unit=c["unit"].pk if c["unit"] else None, start=c["start"], end=c["end"], kind=c["kind"], leader=c["leader"]
    )
    counts = queries_cases.counts(request.user, f)
    page = paginate(queries_cases.filtered(tab, request.user, f), request.GET.get("page"), counts[tab])
    rows = list(page.object_list)
    _decorate(tab, rows)
    audit_reads(request.user, SUBJECT_TYPE[tab], [r.pk for r in rows])
    labels = {
        "talks": _("Talks"),
        "incidents": _("Incidents"),
        "violations": _("Violations"),
        "accountability": _("Accountability"),
    }
    tabs = [{"value": t, "label": labels[t], "count": counts[t], "active": t == tab} for t in TABS]
    context.update(tab=tab, tabs=tabs, page=page, rows=rows, total=counts[tab], leader=c["leader"])
    return render(request, "oversight/case_index.html", context)


# ---------------------------------------------------------------- a talk


def _followup_duty(talk: Talk) -> Duty | None:
    return next(iter(talk.duties.all()), None)


def _talk_for(request: Request, talk_id: int) -> tuple[Talk, bool]:
    """The talk and whether its whole record may be read; the unit's liaison reads its follow-up only.
    Anyone else: 404. The read is an audited event."""
    base = Talk.objects.select_related("unit", "person", "talked_by", "proposal").prefetch_related(
        "duties__last_report"
    )
    talk = queries_cases.visible_talks(request.user).filter(pk=talk_id).first()
    whole = talk is not None
    if talk is None:
        talk = base.filter(pk=talk_id, followup_deadline__isnull=False).first()
        if talk is None or not may_follow_up(request.user, talk.unit_id):
            raise Http404(_("No such talk, or not one you may see."))
    else:
        talk = base.get(pk=talk.pk)
    audit_read(request.user, "talk", talk.pk, unit_id=talk.unit_id)
    return talk, whole


def _talk_page(
    request: Request,
    talk: Talk,
    whole: bool,
    *,
    report_form: FollowupReportForm | None = None,
    decide_form: DecideForm | None = None,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    duty = _followup_duty(talk)
    may_report = duty is not None and duty.status == DutyStatus.OPEN and may_follow_up(request.user, duty.unit_id)
    may_decide = (
        duty is not None
        and duty.status == DutyStatus.COMPLETION_REQUESTED
        and org_access.can_decide_completion(request.user, duty.leader_id)
    )
    context = {
        "talk": talk,
        "whole": whole,
        "cited": queries_cases.reasons_of("talk", [talk.pk]).get(talk.pk, []) if whole else [],
        "duty": duty,
        "report_form": (report_form or FollowupReportForm(initial={"submission_key": new_key()}))
        if may_report
        else None,
        "decide_form": (decide_form or DecideForm()) if may_decide else None,
        "subject": queries_cases.subject_name(talk),
        "officer": is_case_officer(request.user),
        "error": error,
        "today": timezone.localdate(),
    }
    return render(request, "oversight/talk_detail.html", context, status=status)


@login_required
@require_safe
def talk(request: Request, talk_id: int) -> HttpResponse:
    found, whole = _talk_for(request, talk_id)
    return _talk_page(request, found, whole)


@login_required
@require_POST
def talk_followup(request: Request, talk_id: int) -> HttpResponse:
    """The unit's follow-up report: it reports the follow-up done and asks the office to accept it."""
    found, whole = _talk_for(request, talk_id)
    duty = _followup_duty(found)
    if duty is None:
        raise Http404(_("This talk asks for no follow-up."))
    form = FollowupReportForm(request.POST)
    if not form.is_valid():
        return _talk_page(
            request, found, whole, report_form=form, status=400, error=_("Please correct the errors below.")
        )
    try:
        _report, created = duty_services.do_report(
            request.user,
            duty,
            progress=100,
            done=form.cleaned_data["done"],
            request_completion=True,
            submission_key=form.cleaned_data["submission_key"] or None,
        )
    except ServiceError as err:
        form.show_refusal(err)
        found, whole = _talk_for(request, talk_id)
        return _talk_page(request, found, whole, report_form=form, status=err.status, error=err.message)
    if created:
        messages.success(request, _("Follow-up report filed; the office decides on it."))
    else:
        messages.info(request, _("This report was already filed; it is stored once."))
    return redirect("oversight:talk", found.pk)


@login_required
@require_POST
def talk_decide(request: Request, talk_id: int) -> HttpResponse:
    """The office accepts the follow-up (the duty is done) or returns it with what is missing."""
    found, whole = _talk_for(request, talk_id)
    duty = _followup_duty(found)
    if duty is None:
        raise Http404(_("This talk asks for no follow-up."))
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _talk_page(
            request, found, whole, decide_form=form, status=400, error=_("Please correct the errors below.")
        )
    try:
        if form.cleaned_data["decision"] == "accept":
            duty_completion.do_accept(request.user, duty)
            messages.success(request, _("Follow-up accepted."))
        else:
            duty_completion.do_return(request.user, duty, form.cleaned_data["reason"])
            messages.success(request, _("Follow-up returned to the unit."))
    except ServiceError as err:
        duty.refresh_from_db()
        if duty.status == DutyStatus.COMPLETED and form.cleaned_data["decision"] == "accept":
            messages.info(request, _("This follow-up was already accepted."))
            return redirect("oversight:talk", found.pk)
        form.show_refusal(err)
        found, whole = _talk_for(request, talk_id)
        return _talk_page(request, found, whole, decide_form=form, status=err.status, error=err.message)
    return redirect("oversight:talk", found.pk)


def _talk_initial(request: Request) -> dict[str, Any]:
    """A new talk's form may come pre-filled from a link (?unit=…&person=…&list=…)."""
    initial: dict[str, Any] = {"submission_key": new_key(), "held_on": timezone.localdate()}
    for name, field in (("unit", "unit"), ("person", "person"), ("list", "lists")):
        raw = request.GET.get(name, "")
        if raw.isdigit() and len(raw) < 10:
            initial[field] = [int(raw)] if field == "lists" else int(raw)
    return initial


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def talk_new(request: Request) -> HttpResponse:
    officer_only(request)
    heading = _("Record a talk")
    if request.method != "POST":
        form = TalkForm(initial=_talk_initial(request))
        return render(request, FORM_TEMPLATE, {"form": form, "heading": heading, "back": "talks"})
    form = TalkForm(request.POST)
    error, status = _("Please correct the errors below."), 400
    if form.is_valid():
        c = form.cleaned_data
        data = cases.TalkInput(
            kind=c["kind"],
            held_on=c["held_on"],
            unit=c["unit"],
            person=c["person"],
            record=c["record"],
            reasons=form.reasons(),
            talked_by=c["talked_by"],
            followup=c["followup"],
            followup_deadline=c["followup_deadline"],
        )
        try:
            found, created = cases.do_create_talk(request.user, data, submission_key=c["submission_key"] or None)
        except ServiceError as err:
            form.show_refusal(err)
            error, status = err.message, err.status
        else:
            if created:
                messages.success(request, _("Talk recorded."))
            else:
                messages.info(request, _("This talk was already recorded; it is stored once."))
            return redirect("oversight:talk", found.pk)
    context = {"form": form, "heading": heading, "back": "talks", "error": error}
    return render(request, FORM_TEMPLATE, context, status=status)


@login_required
@require_POST
def talk_from_proposal(request: Request, escalation_id: int) -> HttpResponse:
    """One step from the office's queue of talk proposals: the reminder talk is recorded, the
    proposal is handled. Sent twice, it answers the talk it became."""
    officer_only(request)
    esc = Escalation.objects.filter(pk=escalation_id, step=Step.TALK_PROPOSAL).select_related("unit").first()
    if esc is None:
        raise Http404(_("No such talk proposal."))
    try:
        found, created = cases.do_talk_from_proposal(request.user, esc)
    except ServiceError as err:
        messages.error(request, err.message)
        return redirect("escalation:talks")
    if created:
        messages.success(
            request, _("Reminder talk with {unit} recorded; the proposal is handled.").format(unit=esc.unit)
        )
    else:
        messages.info(request, _("This proposal is already a talk."))
    return redirect("oversight:talk", found.pk)


urlpatterns: list[URLPattern] = [
    path("cases/", index, name="cases"),
    path("talks/new", talk_new, name="talk_new"),
    path("talks/<int:talk_id>/", talk, name="talk"),
    path("talks/<int:talk_id>/followup", talk_followup, name="talk_followup"),
    path("talks/<int:talk_id>/decide", talk_decide, name="talk_decide"),
    path("talks/from-proposal/<int:escalation_id>", talk_from_proposal, name="talk_from_proposal"),
    *views_cases_records.urlpatterns,
    *views_cases_import.urlpatterns,
]
