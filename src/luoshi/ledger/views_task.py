"""A task's page (the duty engine links a ledger task's duties here), a unit's report on it, the office's
task form, linking a list (report once) and deciding a unit's completion request.

Thin views: parse with a form, find the task the person may see (else 404), call the one service,
redirect back with a message. A refusal re-renders the form with the service's message on its field and
the service error's status (400 invalid, 403 not allowed, 409 state).
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseFormSet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi.duties import completion
from luoshi.duties.models import Duty, DutyStatus
from luoshi.errors import ServiceError
from luoshi.ledger import queries, services, task_data
from luoshi.ledger.forms import (
    DecideForm,
    IndicatorFormSet,
    LinkForm,
    TaskForm,
    TaskReportForm,
    indicator_initial,
    new_key,
)
from luoshi.ledger.models import Ledger, LedgerStatus, Task
from luoshi.ledger.services import IndicatorInput, TaskInput
from luoshi.ledger.views_tree import office_only, visible_ledger
from luoshi.lists.models import ListStatus, ResponsibilityList
from luoshi.org import access
from luoshi.pages import Request
from luoshi.schemas import MAX_ID

MAX_LINKABLE = 2000  # running lists offered to link, newest first


def _task(request: Request, task_id: int) -> Task:
    task = task_data.find_task(request.user, task_id)
    if task is None:
        raise Http404(_("No such task, or not one you may see."))
    return task


# ---------------------------------------------------------------- the task's page


def _page(request: Request, task: Task, status: int = 200, **extra: object) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    task_links = task_data.links(task)
    duties = task_data.duties(user, task, task_links, today)
    for view in duties:
        d = view.duty
        if view.via is None and d.status == DutyStatus.COMPLETION_REQUESTED and completion.may_decide(user, d):
            bound = extra.get("decide_form")
            if isinstance(bound, DecideForm) and bound.data.get("duty") == str(d.pk):
                view.decide_form = bound  # type: ignore[attr-defined]
            else:
                view.decide_form = DecideForm(initial={"duty": d.pk}, auto_id=f"id_decide{d.pk}_%s")  # type: ignore[attr-defined]
    children = task_data.children(task, today)
    context = {
        "task": task,
        "ledger": task.ledger,
        "light": queries.task_light(task, today),
        "children": children,
        "task_links": task_links,
        "duties": duties,
        "indicators": task_data.indicators(task, today, has_children=bool(children)),
        "timeline": task_data.timeline(task, task_data.reports_by_id(duties)),
        "office": user.is_office,
        "may_report": any(v.mine for v in duties),
        "may_link": user.is_office and task.ledger.status != LedgerStatus.CLOSED and not children,
        "today": today,
        **extra,
    }
    return render(request, "ledger/task.html", context, status=status)


@login_required
@require_safe
def task_page(request: Request, task_id: int) -> HttpResponse:
    return _page(request, _task(request, task_id))


# ---------------------------------------------------------------- a unit's report


def _report_duty(request: Request, task: Task) -> Duty:
    unit = request.user.unit
    duty = services.reporting_duty(task, unit) if unit is not None else None
    if duty is None or not access.can_report_for(request.user, duty.unit_id):
        raise Http404(_("Your unit has no share of this task to report on."))
    return duty


def _report_page(request: Request, task: Task, duty: Duty, form: TaskReportForm, status: int = 200, error: str = ""):
    open_for_reports = duty.status in (DutyStatus.OPEN, DutyStatus.COMPLETION_REQUESTED)
    context = {
        "task": task,
        "duty": duty,
        "last": duty.last_report,
        "form": form if open_for_reports else None,
        "error": error,
        "today": timezone.localdate(),
    }
    return render(request, "ledger/report_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report(request: Request, task_id: int) -> HttpResponse:
    task = _task(request, task_id)
    duty = _report_duty(request, task)
    indicators = list(task.indicators.all())
    if request.method != "POST":
        last = duty.last_report
        initial = {
            "submission_key": new_key(),
            "progress": duty.progress,
            "difficulties": last.difficulties if last else "",
            "next_steps": last.next_steps if last else "",
        }
        return _report_page(request, task, duty, TaskReportForm(initial=initial, indicators=indicators))
    data = request.POST.copy()
    completing = data.get("action") == "complete"
    if completing:
        data["progress"] = "100"  # the button says it: the work is finished
    form = TaskReportForm(data, indicators=indicators)
    if not form.is_valid():
        return _report_page(request, task, duty, form, 400, _("Please correct the errors below."))
    c = form.cleaned_data
    try:
        _report, created = services.do_report_task(
            request.user,
            task,
            duty.unit,
            progress=c["progress"],
            done=c["done"],
            difficulties=c["difficulties"],
            next_steps=c["next_steps"],
            request_completion=completing,
            indicators=form.actuals(),
            submission_key=c["submission_key"] or None,
        )
    except ServiceError as err:
        form.show_refusal(err)
        return _report_page(request, task, duty, form, err.status, err.message)
    if not created:
        messages.info(request, _("This report was already filed; it is stored once."))
    else:
        messages.success(request, _("Report on “{title}” filed.").format(title=task.title))
    return redirect("ledger:task", task.pk)


# ---------------------------------------------------------------- the office's task form


def _form_page(
    request: Request,
    ledger: Ledger,
    form: TaskForm,
    formset: BaseFormSet,
    task: Task | None,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    context = {"ledger": ledger, "form": form, "formset": formset, "task": task, "error": error}
    return render(request, "ledger/task_form.html", context, status=status)


def _task_input(form: TaskForm, formset: BaseFormSet, ledger: Ledger, task: Task | None) -> TaskInput:
    c = form.cleaned_data
    quarters = {f"{ledger.year}-Q{n}" for n in (1, 2, 3, 4)}
    existing = {i.name: i for i in task.indicators.prefetch_related("trajectory")} if task else {}
    indicators = []
    for f in formset.forms:
        if not f.cleaned_data or f.is_blank():
            continue
        i = f.cleaned_data
        plan: list[tuple[str, Decimal]] = [
            (f"{ledger.year}-Q{n}", i[f"q{n}"]) for n in (1, 2, 3, 4) if i[f"q{n}"] is not None
        ]
        if old := existing.get(i["name"]):
            # The form plans by quarter; a monthly plan (from an import) is kept as it was.
            plan += [(p.period, p.planned) for p in old.trajectory.all() if p.period not in quarters]
        indicators.append(IndicatorInput(i["name"], i["measure"], i["target"], i["kind"], plan))
    return TaskInput(
        programme=ledger.programmes.get(pk=int(c["programme"])),
        title=c["title"],
        deadline=c["deadline"],
        parent=form.parent_task,
        requirements=c["requirements"],
        leader=c["leader"],
        lead_unit=c["lead_unit"],
        co_units=list(c["co_units"]),
        weight=c["weight"],
        report_every_days=c["report_every_days"],
        indicators=indicators,
        starts_on=c["starts_on"],
        completes_on=c["completes_on"],
    )


def _refuse(form: TaskForm, formset: object, err: ServiceError) -> None:
    form.show_refusal(err)
    if err.field not in form.fields:
        form.add_error(None, err.message)


def _parent_of(request: Request, ledger: Ledger) -> Task | None:
    raw = request.GET.get("parent", "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID):
        raise Http404(_("No such task in this ledger."))
    parent = ledger.tasks.filter(pk=int(raw)).first()
    if parent is None:
        raise Http404(_("No such task in this ledger."))
    return parent


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def task_new(request: Request, ledger_id: int) -> HttpResponse:
    office_only(request)
    ledger = visible_ledger(request, ledger_id)
    if request.method != "POST":
        parent = _parent_of(request, ledger)
        first = ledger.programmes.first()
        initial = {
            "programme": parent.programme_id if parent else (first.pk if first else ""),
            "parent": parent.code if parent else "",
            "deadline": parent.deadline if parent else f"{ledger.year}-12-31",
            "weight": 1,
            "leader": parent.leader_id if parent else None,
            "submission_key": new_key(),
        }
        form = TaskForm(initial=initial, ledger=ledger)
        return _form_page(request, ledger, form, IndicatorFormSet(prefix="ind"), None)
    form = TaskForm(request.POST, ledger=ledger)
    formset = IndicatorFormSet(request.POST, prefix="ind")
    if not (form.is_valid() & formset.is_valid()):
        return _form_page(request, ledger, form, formset, None, 400, _("Please correct the errors below."))
    data = _task_input(form, formset, ledger, None)
    reason = form.cleaned_data.get("reason") or ""
    try:
        key = form.cleaned_data["submission_key"] or None
        earlier = services.task_created_with(request.user, key) if key else None
        task = earlier or services.do_create_task(request.user, ledger, data, reason=reason, submission_key=key)
        created = earlier is None
    except ServiceError as err:
        _refuse(form, formset, err)
        return _form_page(request, ledger, form, formset, None, err.status, err.message)
    if created:
        messages.success(request, _("Task {code} added.").format(code=task.code))
    else:
        messages.info(request, _("This task was already added; it is stored once."))
    return redirect("ledger:task", task.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def task_edit(request: Request, task_id: int) -> HttpResponse:
    office_only(request)
    task = _task(request, task_id)
    ledger = task.ledger
    if request.method != "POST":
        initial = {
            "programme": task.programme_id,
            "parent": task.parent.code if task.parent else "",
            "title": task.title,
            "requirements": task.requirements,
            "leader": task.leader_id,
            "lead_unit": task.lead_unit_id,
            "co_units": [u.pk for u in task.co_units.all()],
            "deadline": task.deadline,
            "weight": task.weight,
            "report_every_days": task.report_every_days,
            "starts_on": task.starts_on,
            "completes_on": task.completes_on,
        }
        form = TaskForm(initial=initial, ledger=ledger, task=task)
        formset = IndicatorFormSet(initial=indicator_initial(task), prefix="ind")
        return _form_page(request, ledger, form, formset, task)
    form = TaskForm(request.POST, ledger=ledger, task=task)
    formset = IndicatorFormSet(request.POST, initial=indicator_initial(task), prefix="ind")
    if not (form.is_valid() & formset.is_valid()):
        return _form_page(request, ledger, form, formset, task, 400, _("Please correct the errors below."))
    try:
        services.do_update_task(
            request.user, task, _task_input(form, formset, ledger, task), reason=form.cleaned_data.get("reason") or ""
        )
    except ServiceError as err:
        _refuse(form, formset, err)
        return _form_page(request, ledger, form, formset, task, err.status, err.message)
    messages.success(request, _("Task {code} saved.").format(code=task.code))
    return redirect("ledger:task", task.pk)


# ---------------------------------------------------------------- linking a list, deciding a completion


def linkable_lists(task: Task) -> list[tuple[int, str]]:
    linked = task.links.values("list_id")
    rows = (
        ResponsibilityList.objects.filter(status=ListStatus.IN_PROGRESS)
        .exclude(pk__in=linked)
        .order_by("-id")
        .values_list("pk", "code", "title")[:MAX_LINKABLE]
    )
    return [(pk, f"{code} {title}" if code else title) for pk, code, title in rows]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def link(request: Request, task_id: int) -> HttpResponse:
    office_only(request)
    task = _task(request, task_id)
    if request.method != "POST":
        return _page(request, task, link_form=LinkForm(lists=linkable_lists(task)))
    form = LinkForm(request.POST, lists=linkable_lists(task))
    if not form.is_valid():
        # A list already linked is no longer offered: the same form sent twice links once.
        raw = request.POST.get("list", "")
        if raw.isdigit() and int(raw) <= MAX_ID and task.links.filter(list_id=int(raw)).exists():
            messages.info(request, _("This list is already linked to the task."))
            return redirect("ledger:task", task.pk)
        return _page(request, task, 400, link_form=form)
    rlist = ResponsibilityList.objects.get(pk=int(form.cleaned_data["list"]))
    try:
        services.do_link_list(request.user, task, rlist)
    except ServiceError as err:
        form.show_refusal(err)
        return _page(request, task, err.status, link_form=form, error=err.message)
    messages.success(request, _("Linked: the list's reports are this task's reports from now on."))
    return redirect("ledger:task", task.pk)


@login_required
@require_POST
def decide(request: Request, task_id: int) -> HttpResponse:
    """Accept or return a unit's completion request on the task (the office or the task's leader)."""
    task = _task(request, task_id)
    raw = request.POST.get("duty", "")
    form = DecideForm(request.POST, auto_id=f"id_decide{raw[:12] if raw.isdigit() else ''}_%s")
    if not form.is_valid():
        return _page(request, task, 400, decide_form=form, error=_("Please correct the errors below."))
    duty = Duty.objects.filter(
        pk=form.cleaned_data["duty"], owner_type_id=services.task_type_id(), owner_id=task.pk
    ).first()
    if duty is None:
        raise Http404(_("This unit has no share of the task."))
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
            messages.info(request, _("This completion was already accepted."))  # the same decision sent twice
            return redirect("ledger:task", task.pk)
        form.show_refusal(err)
        return _page(request, task, err.status, decide_form=form, error=err.message)
    return redirect("ledger:task", task.pk)


urlpatterns = [
    path("task/<int:task_id>/", task_page, name="task"),
    path("task/<int:task_id>/report", report, name="report"),
    path("task/<int:task_id>/edit", task_edit, name="task_edit"),
    path("task/<int:task_id>/link", link, name="link"),
    path("task/<int:task_id>/decide", decide, name="decide"),
    path("<int:ledger_id>/tasks/new", task_new, name="task_new"),
]
