"""The changes page of a published list (调整, the office's: lists/<id>/changes/) and a unit's transfer
request (申请转办: lists/<id>/transfer-request/).

Post/redirect/get: each action posts its own form to its own address, calls the one service and lands
back on the page with a message; a refusal re-renders the page with the message and the form's errors,
with the service error's status (400, 403, 409).
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi.duties.models import Duty, DutyStatus, HandlingRole
from luoshi.errors import ServiceError
from luoshi.lists import changes, transfers
from luoshi.lists.forms import units
from luoshi.lists.forms_changes import (
    AddUnitForm,
    ChangeListForm,
    DecideTransferForm,
    OptionalReasonForm,
    ReasonForm,
    TransferForm,
    TransferRequestForm,
    WithdrawUnitForm,
    other_units,
)
from luoshi.lists.models import ResponsibilityList, TransferRequest, TransferStatus
from luoshi.lists.views_loop import _visible
from luoshi.org.models import Unit
from luoshi.pages import Request, office_only

CHANGES_TEMPLATE = "lists/changes.html"
REQUEST_TEMPLATE = "lists/transfer_request.html"


def _forms(rlist: ResponsibilityList, duties: list[Duty], everyone: list[Unit], bound: dict) -> dict[str, Any]:
    """Every form of the page, each with its own id prefix; `bound` holds the one that failed."""
    live = [d for d in duties if d.status != DutyStatus.WITHDRAWN]
    working = {d.unit_id for d in live if d.status != DutyStatus.COMPLETED}
    co = {d.unit_id for d in live if d.role == HandlingRole.CO} & working
    taken = {d.unit_id for d in live}
    handling = [u for u in everyone if u.pk in working]
    others = [u for u in everyone if u.pk not in taken]
    initial = {"title": rlist.title, "content": rlist.content, "leader": rlist.leader_id, "deadline": rlist.deadline}
    built: dict[str, Any] = {
        "edit": ChangeListForm(initial=initial, auto_id="id_edit_%s"),
        "add": AddUnitForm(others=others, auto_id="id_add_%s"),
        "withdraw": WithdrawUnitForm(co_units=[u for u in everyone if u.pk in co], auto_id="id_withdraw_%s"),
        "transfer": TransferForm(handling=handling, others=others, auto_id="id_transfer_%s"),
        "suspend": ReasonForm(auto_id="id_suspend_%s"),
        "resume": OptionalReasonForm(auto_id="id_resume_%s"),
        "cancel": ReasonForm(auto_id="id_cancel_%s"),
        "others": others,
    }
    built.update(bound)
    return built


def _context(request: Request, rlist: ResponsibilityList, bound: dict[str, forms.Form] | None = None) -> dict:
    """The page in a fixed number of queries, whatever the number of units and requests."""
    bound = bound or {}
    duties = list(rlist.duties.select_related("unit").order_by("-role", "id"))
    everyone = list(units())
    built = _forms(rlist, duties, everyone, bound)
    requests = list(
        TransferRequest.objects.filter(list=rlist).select_related(
            "unit", "suggested_unit", "to_unit", "requested_by", "decided_by"
        )
    )
    pending = []
    for req in requests:
        if req.status == TransferStatus.PENDING:
            key = f"decide{req.pk}"
            form = bound.get(key) or DecideTransferForm(
                others=built["others"], initial={"to_unit": req.suggested_unit_id}, auto_id=f"id_decide{req.pk}_%s"
            )
            pending.append((req, form))
    return {
        "rlist": rlist,
        "changeable": rlist.status in changes.CHANGEABLE,
        "duties": duties,
        "forms": built,
        "pending": pending,
        "decided": [r for r in requests if r.status != TransferStatus.PENDING][:10],
    }


def _page(request: Request, rlist: ResponsibilityList, status: int = 200, error: str = "", bound=None) -> HttpResponse:
    context = _context(request, rlist, bound)
    context["error"] = error
    return render(request, CHANGES_TEMPLATE, context, status=status)


@login_required
@require_safe
def page(request: Request, list_id: int) -> HttpResponse:
    rlist = _visible(request, list_id)
    office_only(request)
    return _page(request, rlist)


def _act(
    request: Request,
    list_id: int,
    key: str,
    form: forms.Form,
    run: Callable[[ResponsibilityList, dict], str],
) -> HttpResponse:
    """Validate `form`, run the service, come back to the page with its message or with the refusal."""
    rlist = _visible(request, list_id)
    office_only(request)
    if not form.is_valid():
        return _page(request, rlist, 400, _("Please correct the errors below."), {key: form})
    try:
        message = run(rlist, form.cleaned_data)
    except ServiceError as err:
        show = getattr(form, "show_refusal", None)
        if show:
            show(err)
        return _page(request, _visible(request, list_id), err.status, err.message, {key: form})
    messages.success(request, message)
    return redirect(reverse("lists:changes", args=[list_id]))


@login_required
@require_POST
def change_fields(request: Request, list_id: int) -> HttpResponse:
    def run(rlist: ResponsibilityList, data: dict) -> str:
        fields = {k: data[k] for k in changes.PUBLISHED_FIELDS}
        before = rlist.title, rlist.content, rlist.leader_id, rlist.deadline
        after = changes.do_change_published(request.user, rlist, fields, data["reason"])
        if before == (after.title, after.content, after.leader_id, after.deadline):
            return _("Nothing was changed.")
        return _("The list is changed; the units have been told.")

    return _act(request, list_id, "edit", ChangeListForm(request.POST, auto_id="id_edit_%s"), run)


@login_required
@require_POST
def add_unit(request: Request, list_id: int) -> HttpResponse:
    form = AddUnitForm(request.POST, others=units(), auto_id="id_add_%s")

    def run(rlist: ResponsibilityList, data: dict) -> str:
        duty = changes.do_add_unit(request.user, rlist, data["unit"], HandlingRole.CO, data["reason"])
        return _("{unit} now handles this list; its duty starts now.").format(unit=duty.unit.name)

    return _act(request, list_id, "add", form, run)


@login_required
@require_POST
def withdraw_unit(request: Request, list_id: int) -> HttpResponse:
    form = WithdrawUnitForm(request.POST, co_units=units(), auto_id="id_withdraw_%s")

    def run(rlist: ResponsibilityList, data: dict) -> str:
        duty = changes.do_withdraw_unit(request.user, rlist, data["unit"], data["reason"])
        return _("{unit} is withdrawn from this list; its history is kept.").format(unit=duty.unit.name)

    return _act(request, list_id, "withdraw", form, run)


@login_required
@require_POST
def transfer(request: Request, list_id: int) -> HttpResponse:
    form = TransferForm(request.POST, handling=units(), others=units(), auto_id="id_transfer_%s")

    def run(rlist: ResponsibilityList, data: dict) -> str:
        duty = changes.do_transfer(request.user, rlist, data["from_unit"], data["to_unit"], data["reason"])
        return _("The work is transferred to {unit}; its duty starts now.").format(unit=duty.unit.name)

    return _act(request, list_id, "transfer", form, run)


@login_required
@require_POST
def suspend(request: Request, list_id: int) -> HttpResponse:
    def run(rlist: ResponsibilityList, data: dict) -> str:
        changes.do_suspend(request.user, rlist, data["reason"])
        return _("The list is suspended: reports, lights and urging pause until it resumes.")

    return _act(request, list_id, "suspend", ReasonForm(request.POST, auto_id="id_suspend_%s"), run)


@login_required
@require_POST
def resume(request: Request, list_id: int) -> HttpResponse:
    def run(rlist: ResponsibilityList, data: dict) -> str:
        resumed = changes.do_resume(request.user, rlist, data["reason"])
        return _("The list is resumed; the deadline is now {deadline}.").format(deadline=resumed.deadline.isoformat())

    return _act(request, list_id, "resume", OptionalReasonForm(request.POST, auto_id="id_resume_%s"), run)


@login_required
@require_POST
def cancel(request: Request, list_id: int) -> HttpResponse:
    def run(rlist: ResponsibilityList, data: dict) -> str:
        changes.do_cancel(request.user, rlist, data["reason"])
        return _("The list is cancelled; every unit's duty is withdrawn.")

    return _act(request, list_id, "cancel", ReasonForm(request.POST, auto_id="id_cancel_%s"), run)


@login_required
@require_POST
def decide_transfer(request: Request, request_id: int) -> HttpResponse:
    req = TransferRequest.objects.select_related("list").filter(pk=request_id).first()
    if req is None:
        raise Http404(_("No such transfer request."))
    form = DecideTransferForm(request.POST, others=units(), auto_id=f"id_decide{req.pk}_%s")

    def run(rlist: ResponsibilityList, data: dict) -> str:
        decided = transfers.do_decide_transfer(request.user, req, data["approve"], data["to_unit"], data["note"])
        if decided.status == TransferStatus.APPROVED and decided.to_unit:
            return _("Transfer approved: the work goes to {unit}.").format(unit=decided.to_unit.name)
        return _("Transfer refused: {unit} keeps the work.").format(unit=req.unit.name)

    return _act(request, req.list_id, f"decide{req.pk}", form, run)


# --- a unit's transfer request ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def request_transfer(request: Request, list_id: int) -> HttpResponse:
    """A unit's liaison or head says the work is not theirs; phone-first, one form."""
    rlist = _visible(request, list_id)
    user = request.user
    unit = user.unit
    if unit is None or not transfers.may_request(user, unit.pk):
        raise PermissionDenied(_("Only the unit's own liaison or head may ask for a transfer."))
    duty = rlist.duties.exclude(status=DutyStatus.WITHDRAWN).filter(unit=unit).first()
    if duty is None:
        raise Http404(_("Your unit does not handle this list."))
    others = other_units([unit.pk])
    waiting = TransferRequest.objects.filter(duty=duty, status=TransferStatus.PENDING).first()
    status, error = 200, ""
    if request.method == "POST":
        form = TransferRequestForm(request.POST, others=others)
        if form.is_valid():
            data = form.cleaned_data
            try:
                _req, created = transfers.do_request_transfer(user, rlist, unit, data["reason"], data["suggested_unit"])
            except ServiceError as err:
                form.show_refusal(err)
                status, error = err.status, err.message
            else:
                message = (
                    _("Transfer requested. The office will decide; until then your unit's duty runs.")
                    if created
                    else _("This request was already sent; it is stored once.")
                )
                messages.success(request, message)
                return redirect(reverse("lists:loop", args=[list_id]))
        else:
            status, error = 400, _("Please correct the errors below.")
    else:
        form = TransferRequestForm(others=others)
    context = {"rlist": rlist, "duty": duty, "form": form, "waiting": waiting, "error": error}
    return render(request, REQUEST_TEMPLATE, context, status=status)
