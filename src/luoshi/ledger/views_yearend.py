"""The pages of 半年查账 and 年底交账: the office's audit of a snapshot row by row, a unit's answer to a
questioned row (made for a phone; the engine's notices link here), the hand-ins (a unit's form, the
office's view of who has handed in), closing the year with a confirmation, the carry-over list and the
copy-structure form that builds a new year's ledger from an old one."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from luoshi.errors import ServiceError
from luoshi.ledger import cycle_audit, cycle_close, queries
from luoshi.ledger.models import AuditVerdict, Handin, Ledger, LedgerStatus, Snapshot, SnapshotRow, Task
from luoshi.ledger.models_cycle import Verdict
from luoshi.org import access
from luoshi.pages import BootstrapMixin, Request, office_only, paginate
from luoshi.schemas import TEXT_MAX
from luoshi.web.business import business_view

SHOWS = {
    "": gettext_lazy("All rows"),
    "unaudited": gettext_lazy("Not audited"),
    "questioned": gettext_lazy("Questioned"),
    "unanswered": gettext_lazy("Awaiting an answer"),
    "answered": gettext_lazy("Answered"),
    "verified": gettext_lazy("Verified"),
}


def _ledger(request: Request, ledger_id: int) -> Ledger:
    ledger = queries.visible_ledgers(request.user).filter(pk=ledger_id).first()
    if ledger is None:
        raise Http404(_("No such ledger, or not one you may see."))
    return ledger


# ---- the audit of a snapshot (the office) --------------------------------------------------------


class AuditForm(BootstrapMixin, forms.Form):
    task = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    verdict = forms.ChoiceField(choices=Verdict.choices)
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


def _audit_rows(snapshot: Snapshot, show: str):  # -> QuerySet[SnapshotRow]
    rows = SnapshotRow.objects.filter(snapshot=snapshot).select_related("lead_unit")
    verdicts = AuditVerdict.objects.filter(snapshot=snapshot)
    if show == "unaudited":
        return rows.exclude(task_id__in=verdicts.values("task_id"))
    if show in cycle_audit.FILTERS:
        return rows.filter(task_id__in=cycle_audit.filtered(verdicts, show).values("task_id"))
    return rows


def _row_context(rows: list[SnapshotRow], snapshot: Snapshot) -> list[dict]:
    """Each row with its verdict and its question's duty: two queries for the page."""
    verdicts = {
        v.task_id: v for v in AuditVerdict.objects.filter(snapshot=snapshot, task_id__in=[r.task_id for r in rows])
    }
    duties = cycle_audit.query_duties_of(list(verdicts.values()))
    return [
        {"row": r, "verdict": verdicts.get(r.task_id), "duty": duties.get(getattr(verdicts.get(r.task_id), "pk", 0))}
        for r in rows
    ]


def _audit_page(request: Request, snapshot: Snapshot, status: int = 200, error: str = "") -> HttpResponse:
    show = request.GET.get("show", "")
    show = show if show in SHOWS else ""
    page = paginate(_audit_rows(snapshot, show).order_by("id"), request.GET.get("page"))
    verdicts = AuditVerdict.objects.filter(snapshot=snapshot)
    counts = {
        "": snapshot.rows_count,
        "unaudited": snapshot.rows_count - verdicts.count(),
        **{key: cycle_audit.filtered(verdicts, key).count() for key in ("questioned", "unanswered", "answered")},
    }
    context = {
        "snapshot": snapshot,
        "ledger": snapshot.ledger,
        "page": page,
        "rows": _row_context(list(page), snapshot),
        "show": show,
        "tabs": [(key, label, counts.get(key)) for key, label in SHOWS.items()],
        "writable": snapshot.ledger.status != LedgerStatus.CLOSED,
        "error": error,
    }
    return render(request, "ledger/audit_page.html", context, status=status)


@business_view
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def audit(request: Request, snapshot_id: int) -> HttpResponse:
    office_only(request)
    snapshot = Snapshot.objects.select_related("ledger").filter(pk=snapshot_id).first()
    if snapshot is None:
        raise Http404(_("No such snapshot."))
    if request.method != "POST":
        return _audit_page(request, snapshot)
    form = AuditForm(request.POST)
    if not form.is_valid():
        return _audit_page(request, snapshot, 400, _("Choose a row and a verdict."))
    task = Task.objects.filter(pk=form.cleaned_data["task"]).first()
    if task is None:
        return _audit_page(request, snapshot, 400, _("This task is not a row of the snapshot."))
    try:
        verdict, changed = cycle_audit.do_audit(
            request.user, snapshot, task, form.cleaned_data["verdict"], form.cleaned_data["note"]
        )
    except ServiceError as err:
        return _audit_page(request, snapshot, err.status, err.message)
    if request.htmx:
        row = SnapshotRow.objects.select_related("lead_unit").get(snapshot=snapshot, task=task)
        context = {"r": _row_context([row], snapshot)[0], "snapshot": snapshot, "writable": True}
        return render(request, "ledger/audit_row.html", context)
    if changed:
        messages.success(request, _("{code}: {verdict}.").format(code=task.code, verdict=verdict.get_verdict_display()))
    query = request.POST.get("return", "")
    return redirect(reverse("ledger:audit", args=[snapshot.pk]) + (f"?{query}" if query.startswith("show=") else ""))


# ---- a unit's answer (phone-first) ---------------------------------------------------------------


class AnswerForm(BootstrapMixin, forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("The unit's answer"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )


def _visible_verdict(request: Request, verdict_id: int) -> AuditVerdict:
    """The office sees every question; a unit's people (and its leader) their own unit's: else 404."""
    qs = AuditVerdict.objects.select_related("snapshot", "snapshot__ledger", "task", "unit", "answered_by")
    units = queries.units_of(request.user)
    if units is not None:
        qs = qs.filter(unit_id__in=units)
    verdict = qs.filter(pk=verdict_id, verdict=Verdict.QUESTIONED).first()
    if verdict is None:
        raise Http404(_("No such question, or not one of your unit's."))
    return verdict


def _answer_page(
    request: Request, v: AuditVerdict, form: AnswerForm, status: int = 200, error: str = ""
) -> HttpResponse:
    context = {
        "v": v,
        "row": SnapshotRow.objects.filter(snapshot_id=v.snapshot_id, task_id=v.task_id).first(),
        "duty": cycle_audit.query_duty(v),
        "form": form if v.answered_at is None and cycle_audit.may_answer(request.user, v) else None,
        "error": error,
    }
    return render(request, "ledger/answer.html", context, status=status)


@business_view
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: Request, verdict_id: int) -> HttpResponse:
    v = _visible_verdict(request, verdict_id)
    if request.method != "POST":
        return _answer_page(request, v, AnswerForm())
    if not cycle_audit.may_answer(request.user, v):
        raise PermissionDenied(_("Only the unit's own liaison or head may answer for it."))
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _answer_page(request, v, form, 400, _("Please correct the errors below."))
    try:
        cycle_audit.do_answer(request.user, v, form.cleaned_data["answer"])
    except ServiceError as err:
        form.show_refusal(err)
        return _answer_page(request, v, form, err.status, err.message)
    messages.success(request, _("Answer on {code} sent to the office.").format(code=v.task.code))
    return redirect("home")


# ---- hand-ins --------------------------------------------------------------------------------------


class HandinForm(BootstrapMixin, forms.Form):
    summary = forms.CharField(
        label=gettext_lazy("Summary of the unit's year"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("What was achieved, what is unfinished and why; it is signed in your name."),
    )


def _handin_page(
    request: Request, ledger: Ledger, form: HandinForm | None = None, status: int = 200, error: str = ""
) -> HttpResponse:
    person = request.user
    units = cycle_audit.handin_units(ledger)
    mine = queries.units_of(person)
    shown = units if mine is None else [u for u in units if u.pk in mine]
    handins = {
        h.unit_id: h
        for h in Handin.objects.filter(ledger=ledger, unit__in=[u.pk for u in shown]).select_related("signed_by")
    }
    own = person.unit if person.unit_id and access.can_report_for(person, person.unit_id) else None
    own_rows = cycle_audit.unit_rows(ledger, own.pk) if own and own.pk not in handins else []
    context = {
        "ledger": ledger,
        "units": [(u, handins.get(u.pk)) for u in shown],
        "done": len(handins),
        "office": person.is_office,
        "own": own,
        "own_handin": handins.get(own.pk) if own else None,
        "own_rows": own_rows,
        "form": (form or HandinForm()) if own_rows and ledger.status != LedgerStatus.DRAFT else None,
        "error": error,
    }
    return render(request, "ledger/handin.html", context, status=status)


@business_view
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def handin(request: Request, ledger_id: int) -> HttpResponse:
    ledger = _ledger(request, ledger_id)
    if request.method != "POST":
        return _handin_page(request, ledger)
    person = request.user
    if not (person.unit_id and access.can_report_for(person, person.unit_id)):
        raise PermissionDenied(_("Only the unit's own liaison or head may hand in for it."))
    form = HandinForm(request.POST)
    if not form.is_valid():
        return _handin_page(request, ledger, form, 400, _("Please correct the errors below."))
    try:
        cycle_audit.do_handin(person, ledger, person.unit, form.cleaned_data["summary"])  # type: ignore[arg-type]
    except ServiceError as err:
        form.show_refusal(err)
        return _handin_page(request, ledger, form, err.status, err.message)
    messages.success(request, _("The hand-in of {unit} is signed and sent.").format(unit=person.unit))
    return redirect("ledger:handin", ledger.pk)


@business_view
@login_required
@require_GET
def handin_detail(request: Request, handin_id: int) -> HttpResponse:
    h = Handin.objects.select_related("ledger", "unit", "signed_by").filter(pk=handin_id).first()
    units = queries.units_of(request.user)
    if (
        h is None
        or (units is not None and h.unit_id not in units)
        or not queries.visible_ledgers(request.user).filter(pk=h.ledger_id).exists()
    ):
        raise Http404(_("No such hand-in, or not one of your unit's."))
    return render(request, "ledger/handin_detail.html", {"h": h, "ledger": h.ledger})


# ---- closing the year, the carry-over, copying a structure ---------------------------------------------


@business_view
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def close(request: Request, ledger_id: int) -> HttpResponse:
    office_only(request)
    ledger = _ledger(request, ledger_id)
    error, status = "", 200
    if request.method == "POST":
        try:
            closed = cycle_close.do_close_ledger(request.user, ledger)
        except ServiceError as err:
            error, status = err.message, err.status
        else:
            messages.success(
                request,
                _("The ledger of {year} is closed: {n} unfinished tasks carried to {next}.").format(
                    year=ledger.year, n=closed.carried, next=closed.next_ledger.year
                ),
            )
            return redirect("ledger:carried", ledger.pk)
    units = cycle_audit.handin_units(ledger)
    handed = set(Handin.objects.filter(ledger=ledger).values_list("unit_id", flat=True))
    context = {
        "ledger": ledger,
        "unfinished": ledger.tasks.filter(done=False).count(),
        "finished": ledger.tasks.filter(done=True).count(),
        "missing": [u for u in units if u.pk not in handed],
        "next": Ledger.objects.filter(year=ledger.year + 1).first(),
        "closable": ledger.status == LedgerStatus.OPEN,
        "error": error,
    }
    return render(request, "ledger/carry_close.html", context, status=status)


@business_view
@login_required
@require_GET
def carried(request: Request, ledger_id: int) -> HttpResponse:
    ledger = _ledger(request, ledger_id)
    direction = request.GET.get("direction", "")
    direction = direction if direction in ("in", "out") else ""
    page = paginate(cycle_close.carried_links(request.user, ledger, direction or None), request.GET.get("page"))
    context = {"ledger": ledger, "page": page, "direction": direction}
    return render(request, "ledger/carry_list.html", context)


class CopyForm(BootstrapMixin, forms.Form):
    source = forms.ModelChoiceField(label=gettext_lazy("Copy the structure of"), queryset=Ledger.objects.none())

    def __init__(self, ledger: Ledger, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        field.queryset = Ledger.objects.exclude(pk=ledger.pk).order_by("-year")  # type: ignore[attr-defined]
        previous = Ledger.objects.filter(year=ledger.year - 1).first()
        if previous is not None and not self.is_bound:
            self.initial["source"] = previous.pk


@business_view
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def copy(request: Request, ledger_id: int) -> HttpResponse:
    office_only(request)
    ledger = _ledger(request, ledger_id)
    form = CopyForm(ledger, request.POST if request.method == "POST" else None)
    error, status = "", 200
    if request.method == "POST":
        if not form.is_valid():
            error, status = _("Please correct the errors below."), 400
        else:
            try:
                n = cycle_close.do_copy_structure(request.user, ledger, form.cleaned_data["source"])
            except ServiceError as err:
                form.show_refusal(err)
                error, status = err.message, err.status
            else:
                messages.success(
                    request, _("{n} tasks copied into the ledger of {year}.").format(n=n, year=ledger.year)
                )
                return redirect("ledger:tree", ledger.pk)
    context = {
        "ledger": ledger,
        "form": form,
        "writable": ledger.status == LedgerStatus.DRAFT,
        "own_tasks": ledger.tasks.filter(origin__isnull=True).count(),
        "carried_in": ledger.tasks.filter(origin__isnull=False).count(),
        "error": error,
    }
    return render(request, "ledger/copy_structure.html", context, status=status)


urlpatterns = [
    path("snapshots/<int:snapshot_id>/audit/", audit, name="audit"),
    path("audit/<int:verdict_id>/answer/", answer, name="answer"),
    path("<int:ledger_id>/handins/", handin, name="handin"),
    path("handins/<int:handin_id>/", handin_detail, name="handin_detail"),
    path("<int:ledger_id>/close/", close, name="close"),
    path("<int:ledger_id>/carried/", carried, name="carried"),
    path("<int:ledger_id>/copy/", copy, name="copy"),
]
