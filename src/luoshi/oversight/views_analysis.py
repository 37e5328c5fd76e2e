"""登台剖析's pages: the meetings, a new ranking, a meeting's ranking and agenda (with the office's changes,
confirmation and the heads' commitments), its documents, and each commitment's page, where the unit
reports on its duty like on any other.

The analyses are the office's and discipline inspection's alone (the dossiers hold talks): anyone else
gets 403, and every page or document of an analysis read is an audited event. A commitment's page is
seen by whoever may see its duty (the unit, the leaders over it) and by those two.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi.duties import completion
from luoshi.duties import services as duty_services
from luoshi.duties.api_duties import duty_light
from luoshi.duties.models import DutyStatus
from luoshi.errors import Conflict, InvalidInput, ServiceError
from luoshi.events.services import audit_read, audit_reads
from luoshi.lists.views_report import QuickReportForm
from luoshi.org import access
from luoshi.oversight import analysis, analysis_files, analysis_queries, analysis_services
from luoshi.oversight.analysis_forms import AgendaForm, AnalysisForm, CommitmentForm, DecideForm
from luoshi.oversight.analysis_queries import CommitmentView
from luoshi.oversight.analysis_services import CommitmentInput
from luoshi.oversight.models import Analysis
from luoshi.pages import Request, paginate


def _reader(request: Request) -> None:
    if not analysis_services.may_read(request.user):
        raise PermissionDenied(
            _("The public self-analysis is for the supervision office and discipline inspection only.")
        )


def _office(request: Request) -> None:
    if not request.user.is_office:
        raise PermissionDenied(_("Only the supervision office prepares the public self-analysis."))


def _analysis(analysis_id: int) -> Analysis:
    found = Analysis.objects.select_related("created_by").filter(pk=analysis_id).first()
    if found is None:
        raise Http404(_("No such analysis."))
    return found


# ---------------------------------------------------------------- the meetings, a new ranking


@login_required
@require_safe
def analyses(request: Request) -> HttpResponse:
    _reader(request)
    page = paginate(analysis_queries.analyses(), request.GET.get("page"))
    audit_reads(request.user, "analysis", [a.pk for a in page.object_list])
    return render(request, "oversight/analysis_index.html", {"page": page, "office": request.user.is_office})


def _new_page(request: Request, form: AnalysisForm, status: int = 200, error: str = "") -> HttpResponse:
    return render(request, "oversight/analysis_new.html", {"form": form, "error": error}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def analysis_new(request: Request) -> HttpResponse:
    _office(request)
    if request.method != "POST":
        return _new_page(request, AnalysisForm(initial=AnalysisForm.initial_for(timezone.localdate())))
    form = AnalysisForm(request.POST)
    if not form.is_valid():
        return _new_page(request, form, 400, _("Please correct the errors below."))
    c = form.cleaned_data
    try:
        a, created = analysis_services.do_create_analysis(
            request.user,
            period_from=c["period_from"],
            period_to=c["period_to"],
            meeting_on=c["meeting_on"],
            count=c["count"],
            weights=form.weights(),
            title=c["title"],
            place=c["place"],
            submission_key=c["submission_key"] or None,
        )
    except ServiceError as err:
        if isinstance(err, InvalidInput) and err.field and err.field.startswith("weights."):
            err = InvalidInput(err.message, "weight_" + err.field.removeprefix("weights."))
        form.show_refusal(err)
        return _new_page(request, form, err.status, err.message)
    if created:
        messages.success(request, _("Units ranked: the worst {n} are proposed for the agenda.").format(n=a.count))
    else:
        messages.info(request, _("This ranking was already made; it is stored once."))
    return redirect("oversight:analysis", a.pk)


# ---------------------------------------------------------------- a meeting's page


def _agenda_form(a: Analysis, rows: list, data: object = None) -> AgendaForm:
    ranked = {r.unit_id for r in rows}
    others = [
        (pk, name) for pk, name in analysis.ranked_units().order_by("id").values_list("pk", "name") if pk not in ranked
    ]
    people = analysis_queries.people_of(r.unit_id for r in rows if r.chosen)
    return AgendaForm(data, rows=rows, others=others, people=people)


def _page(request: Request, a: Analysis, status: int = 200, **extra: object) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    rows = analysis_queries.ordered_rows(a)
    info = analysis_queries.summary(a, rows)
    proposal = set(info["proposal"])
    page = paginate(rows, request.GET.get("page"))
    ranking = [
        {
            "row": r,
            "facts": analysis.fact_rows(r.facts, a.weights),
            "proposed": r.unit_id in proposal,
            "ranked": analysis.has_facts(r.facts),
        }
        for r in page.object_list
    ]
    agenda = analysis_queries.agenda_of(rows)
    commitments = [
        {"view": v, "light": duty_light(v.duty, today) if v.duty else None} for v in analysis_queries.commitments_of(a)
    ]
    office = user.is_office
    may_commit = office and a.confirmed_at is not None and today >= a.meeting_on
    context = {
        "analysis": a,
        "page": page,
        "ranking": ranking,
        "agenda": agenda,
        "labels": [analysis.LABELS[n] for n in analysis.FACTS],
        "weights": [(analysis.LABELS[n], a.weights.get(n, 0), analysis.HELP[n]) for n in analysis.FACTS],
        "info": info,
        "commitments": commitments,
        "office": office,
        "agenda_form": extra.pop("agenda_form", None)
        or (_agenda_form(a, rows) if office and a.confirmed_at is None else None),
        "commitment_form": extra.pop("commitment_form", None)
        or (
            CommitmentForm(initial=CommitmentForm.initial_for(), units=[(r.unit_id, r.unit.name) for r in agenda])
            if may_commit
            else None
        ),
        "may_commit": may_commit,
        "today": today,
        **extra,
    }
    audit_read(user, "analysis", a.pk)
    return render(request, "oversight/analysis_detail.html", context, status=status)


@login_required
@require_safe
def analysis_page(request: Request, analysis_id: int) -> HttpResponse:
    _reader(request)
    return _page(request, _analysis(analysis_id))


@login_required
@require_POST
def analysis_agenda(request: Request, analysis_id: int) -> HttpResponse:
    _office(request)
    a = _analysis(analysis_id)
    form = _agenda_form(a, analysis_queries.ordered_rows(a), request.POST)
    if not form.is_valid():
        return _page(request, a, 400, agenda_form=form, error=_("Please correct the errors below."))
    try:
        analysis_services.do_set_agenda(
            request.user, a, form.units(), heads=form.heads(), note=form.cleaned_data["note"]
        )
    except ServiceError as err:
        form.show_refusal(err)
        if err.field not in form.fields:
            form.add_error(None, err.message)
        return _page(request, a, err.status, agenda_form=form, error=err.message)
    messages.success(request, _("Agenda saved."))
    return redirect(reverse("oversight:analysis", args=[a.pk]) + "#agenda")


@login_required
@require_POST
def analysis_confirm(request: Request, analysis_id: int) -> HttpResponse:
    _office(request)
    a = _analysis(analysis_id)
    try:
        analysis_services.do_confirm_agenda(request.user, a)
        messages.success(request, _("Agenda confirmed: the dossiers and the agenda are final."))
    except Conflict as err:
        if a.confirmed_at is not None:
            messages.info(request, _("The agenda is already confirmed."))  # the same button pressed twice
        else:
            messages.error(request, err.message)
    return redirect(reverse("oversight:analysis", args=[a.pk]) + "#agenda")


@login_required
@require_POST
def analysis_commitment_new(request: Request, analysis_id: int) -> HttpResponse:
    _office(request)
    a = _analysis(analysis_id)
    agenda = analysis_queries.agenda_of(analysis_queries.ordered_rows(a))
    form = CommitmentForm(request.POST, units=[(r.unit_id, r.unit.name) for r in agenda])
    if not form.is_valid():
        return _page(request, a, 400, commitment_form=form, error=_("Please correct the errors below."))
    c = form.cleaned_data
    item = CommitmentInput(
        unit_id=c["unit"],
        text=c["text"],
        deadline=c["deadline"],
        report_every_days=c["report_every_days"],
        submission_key=c["submission_key"] or None,
    )
    try:
        _commitment, created = analysis_services.do_record_commitment(request.user, a, item)
    except ServiceError as err:
        form.show_refusal(err)
        if err.field not in form.fields:
            form.add_error(None, err.message)
        return _page(request, a, err.status, commitment_form=form, error=err.message)
    if created:
        messages.success(request, _("Commitment recorded: it is now the unit's duty."))
    else:
        messages.info(request, _("This commitment was already recorded; it is stored once."))
    return redirect(reverse("oversight:analysis", args=[a.pk]) + "#commitments")


@login_required
@require_safe
def agenda_document(request: Request, analysis_id: int, fmt: str) -> HttpResponse:
    _reader(request)
    if fmt not in analysis_files.FORMATS:
        raise Http404
    return analysis_files.agenda_download(_analysis(analysis_id), fmt, request.user)


@login_required
@require_safe
def dossier_document(request: Request, analysis_id: int, unit_id: int, fmt: str) -> HttpResponse:
    _reader(request)
    if fmt not in analysis_files.FORMATS:
        raise Http404
    a = _analysis(analysis_id)
    row = a.ranked.select_related("unit").filter(unit_id=unit_id).first()
    if row is None:
        raise Http404(_("This unit is not in the analysis's ranking."))
    return analysis_files.dossier_download(a, row, fmt, request.user)


# ---------------------------------------------------------------- a commitment's page


def _commitment(request: Request, commitment_id: int) -> CommitmentView:
    found = analysis_queries.find_commitment(request.user, commitment_id)
    if found is None:
        raise Http404(_("No such commitment, or not one you may see."))
    return found


def _commitment_page(
    request: Request, view: CommitmentView, status: int = 200, error: str = "", **forms: object
) -> HttpResponse:
    user, duty = request.user, view.duty
    live = duty is not None and duty.status in (DutyStatus.OPEN, DutyStatus.COMPLETION_REQUESTED)
    mine = duty is not None and access.can_report_for(user, duty.unit_id)
    report_form = forms.get("report_form")
    if report_form is None and mine and live and duty is not None:
        last = duty.last_report
        report_form = QuickReportForm(
            initial={
                "submission_key": QuickReportForm.new_key(),
                "progress": duty.progress,
                "difficulties": last.difficulties if last else "",
                "next_steps": last.next_steps if last else "",
            }
        )
    decide = duty is not None and duty.status == DutyStatus.COMPLETION_REQUESTED and completion.may_decide(user, duty)
    reports = duty.reports.select_related("author").order_by("-filed_at", "-id") if duty else []
    context = {
        "c": view.commitment,
        "row": view.commitment.analysis_unit,
        "analysis": view.commitment.analysis_unit.analysis,
        "duty": duty,
        "light": duty_light(duty, timezone.localdate()) if duty else None,
        "page": paginate(reports, request.GET.get("page")),
        "report_form": report_form if mine and live else None,
        "decide_form": forms.get("decide_form") or (DecideForm() if decide else None),
        "may_read_analysis": analysis_services.may_read(user),
        "error": error,
    }
    return render(request, "oversight/commitment_page.html", context, status=status)


@login_required
@require_safe
def commitment_page(request: Request, commitment_id: int) -> HttpResponse:
    return _commitment_page(request, _commitment(request, commitment_id))


@login_required
@require_POST
def commitment_report(request: Request, commitment_id: int) -> HttpResponse:
    view = _commitment(request, commitment_id)
    duty = view.duty
    if duty is None or not access.can_report_for(request.user, duty.unit_id):
        raise PermissionDenied(_("Only the unit's own liaison or head may report for it."))
    data = request.POST.copy()
    completing = data.get("action") == "complete"
    if completing:
        data["progress"] = "100"  # the button says it: the work is finished
    form = QuickReportForm(data)
    if not form.is_valid():
        return _commitment_page(request, view, 400, _("Please correct the errors below."), report_form=form)
    c = form.cleaned_data
    try:
        _report, created = duty_services.do_report(
            request.user,
            duty,
            progress=c["progress"],
            done=c["done"],
            difficulties=c["difficulties"],
            next_steps=c["next_steps"],
            request_completion=completing,
            submission_key=c["submission_key"] or None,
        )
    except ServiceError as err:
        form.show_refusal(err)
        return _commitment_page(request, view, err.status, err.message, report_form=form)
    if not created:
        messages.info(request, _("This report was already filed; it is stored once."))
    else:
        messages.success(request, _("Report on “{title}” filed.").format(title=duty.title))
    return redirect("oversight:commitment", view.commitment.pk)


@login_required
@require_POST
def commitment_decide(request: Request, commitment_id: int) -> HttpResponse:
    view = _commitment(request, commitment_id)
    duty = view.duty
    if duty is None or not completion.may_decide(request.user, duty):
        raise PermissionDenied(_("Only the office or the responsible leader decides on completion."))
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _commitment_page(request, view, 400, _("Please correct the errors below."), decide_form=form)
    try:
        if form.cleaned_data["decision"] == "accept":
            completion.do_accept(request.user, duty)
            messages.success(request, _("Completion of {unit} accepted.").format(unit=duty.unit.name))
        else:
            completion.do_return(request.user, duty, form.cleaned_data["reason"])
            messages.success(request, _("Completion request of {unit} returned.").format(unit=duty.unit.name))
    except ServiceError as err:
        duty.refresh_from_db()
        if duty.status == DutyStatus.COMPLETED and form.cleaned_data["decision"] == "accept":
            messages.info(request, _("This completion was already accepted."))
            return redirect("oversight:commitment", view.commitment.pk)
        form.show_refusal(err)
        return _commitment_page(request, view, err.status, err.message, decide_form=form)
    return redirect("oversight:commitment", view.commitment.pk)


urlpatterns = [
    path("analyses/", analyses, name="analyses"),
    path("analyses/new", analysis_new, name="analysis_new"),
    path("analyses/<int:analysis_id>/", analysis_page, name="analysis"),
    path("analyses/<int:analysis_id>/agenda", analysis_agenda, name="analysis_agenda"),
    path("analyses/<int:analysis_id>/confirm", analysis_confirm, name="analysis_confirm"),
    path("analyses/<int:analysis_id>/commitments", analysis_commitment_new, name="analysis_commitment_new"),
    path("analyses/<int:analysis_id>/agenda.<str:fmt>", agenda_document, name="analysis_agenda_document"),
    path(
        "analyses/<int:analysis_id>/units/<int:unit_id>/dossier.<str:fmt>",
        dossier_document,
        name="analysis_dossier",
    ),
    path("commitments/<int:commitment_id>/", commitment_page, name="commitment"),
    path("commitments/<int:commitment_id>/report", commitment_report, name="commitment_report"),
    path("commitments/<int:commitment_id>/decide", commitment_decide, name="commitment_decide"),
]
