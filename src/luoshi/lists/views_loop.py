"""The loop page (点开闭环) and the actions posted from it (drafts are created and edited in views_drafts).

Every view is thin: parse with a form, check the list is visible (else 404), call the one service,
redirect back to the loop page with a message. A refusal re-renders the page with the message and
the form's errors, with the service error's status: 400 invalid input, 403 not allowed, 409 state.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.duties.models import Duty, DutyStatus, Extension, ExtensionStatus
from luoshi.errors import InvalidInput, ServiceError
from luoshi.lists import completion, queries, services, timeline
from luoshi.lists.forms import (
    DecideExtensionForm,
    ExtensionForm,
    ReportForm,
    ReturnForm,
    UnitForm,
)
from luoshi.lists.models import ListStatus, ResponsibilityList, TransferRequest, TransferStatus
from luoshi.org import access
from luoshi.pages import Request
from luoshi.schemas import MAX_ID

LOOP_TEMPLATE = "lists/loop.html"
TIMELINE_PAGE_TEMPLATE = "lists/_timeline_entries.html"  # the "more" link's answer

# Several forms share the page: each gets its own id prefix so labels point at the right field.
REPORT_IDS = "id_report_%s"
EXTENSION_IDS = "id_extension_%s"


def _return_ids(unit_id: int | None) -> str:
    return f"id_return{unit_id}_%s"


def _decide_ids(extension_id: int | None) -> str:
    return f"id_decide{extension_id}_%s"


# --- reading ------------------------------------------------------------------------------------


def _visible(request: Request, list_id: int) -> ResponsibilityList:
    """The list with its light and leader, if the user may see it; otherwise 404."""
    lists = queries.with_lights(queries.visible_lists(request.user))
    # The document it was drafted from, without its (long) text: the loop page shows its name and date.
    lists = lists.select_related("leader", "source_text").defer("source_text__text")
    rlist = lists.filter(pk=list_id).first()
    if rlist is None:
        raise Http404(_("No such list, or not one you may see."))
    return rlist


def _obligation(rlist: ResponsibilityList, unit_id: int | None) -> Duty:
    live = rlist.duties.select_related("unit").exclude(status=DutyStatus.WITHDRAWN)
    ob = live.filter(unit_id=unit_id).first() if unit_id else None
    if ob is None:
        raise InvalidInput(_("This unit does not handle this list."), "unit")
    return ob


@dataclass
class Row:
    """One handling unit on the loop page, with the forms the current user may use on it."""

    ob: Duty
    light: str | None
    extensions: list[Extension]
    pending: Extension | None
    mine: bool
    report_form: ReportForm | None = None
    extension_form: ExtensionForm | None = None
    accept_form: UnitForm | None = None
    return_form: ReturnForm | None = None
    decide_form: DecideExtensionForm | None = None


def _status_label(kind: str, value: str) -> str:
    choices = ListStatus if kind.startswith("list.") else DutyStatus
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _timeline(rlist: ResponsibilityList, before: int | None) -> dict:
    """The context of one page of the timeline (newest first, older than event `before`); raises
    timeline.UnknownCursor."""
    page = timeline.page(rlist.pk, before=before, hide_quiet=True)
    for entry in page.entries:
        e = entry.event
        was, now = e.before.get("status"), e.after.get("status")
        if was and now and was != now:
            entry.status_change = (_status_label(e.kind, was), _status_label(e.kind, now))
    return {"timeline": page.entries, "timeline_next": page.next_before, "timeline_before": before}


def _cursor(raw: str) -> int | None:
    """`?before=` as an event id, None when it cannot be one."""
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID else None


def _loop_context(
    request: Request, rlist: ResponsibilityList, bound: dict | None = None, before: int | None = None
) -> dict:
    """Everything the loop page shows, in a fixed number of queries. `bound` holds forms that failed;
    `before` pages the timeline (timeline.UnknownCursor when it names no event of the list)."""
    bound = bound or {}
    user = request.user
    today = timezone.localdate()
    in_progress = rlist.status == ListStatus.IN_PROGRESS
    office = access.can_steer_lists(user)
    decides_completion = access.can_decide_completion(user, rlist.leader_id)
    rows = []
    for ob in queries.loop_obligations(rlist):
        extensions = list(ob.extensions.all())
        pending = next((x for x in extensions if x.status == ExtensionStatus.PENDING), None)
        row = Row(
            ob,
            queries.obligation_light(ob, today, rlist.status),
            extensions,
            pending,
            access.can_report_for(user, ob.unit_id),
        )
        if row.mine and in_progress and ob.is_open:
            row.report_form = bound.get(("report", ob.unit_id)) or ReportForm(
                initial={"unit": ob.unit_id, "submission_key": ReportForm.new_key(), "progress": ob.progress},
                auto_id=REPORT_IDS,
            )
            row.extension_form = bound.get(("extension", ob.unit_id))
            if row.extension_form is None and pending is None and today <= ob.deadline:
                row.extension_form = ExtensionForm(initial={"unit": ob.unit_id}, auto_id=EXTENSION_IDS)
        if decides_completion and in_progress and ob.status == DutyStatus.COMPLETION_REQUESTED:
            row.accept_form = UnitForm(initial={"unit": ob.unit_id}, auto_id=f"id_accept{ob.unit_id}_%s")
            row.return_form = bound.get(("return", ob.unit_id)) or ReturnForm(
                initial={"unit": ob.unit_id}, auto_id=_return_ids(ob.unit_id)
            )
        if office and pending is not None:
            row.decide_form = bound.get(("decide", pending.pk)) or DecideExtensionForm(auto_id=_decide_ids(pending.pk))
        rows.append(row)
    return {
        "rlist": rlist,
        "light": queries.list_light(rlist, today),
        "milestones": list(rlist.milestones.all()),
        "rows": rows,
        "my_rows": [r for r in rows if r.report_form or r.extension_form or (r.mine and r.pending)],
        "awaiting": [r for r in rows if r.return_form or r.decide_form],
        "open_units": [r.ob.unit for r in rows if r.ob.status not in (DutyStatus.COMPLETED, DutyStatus.WITHDRAWN)],
        "can_publish": office and rlist.status == ListStatus.DRAFT,
        "can_edit_draft": office and rlist.status == ListStatus.DRAFT,
        "effective_deadline": queries.effective_deadline(rlist),
        "units_past_deadline": [r.ob.unit for r in rows if r.ob.status == DutyStatus.OPEN and r.ob.deadline < today]
        if in_progress
        else [],
        "can_close": office and in_progress,
        # Changes after publication (lists.views_changes): the office's page, a unit's transfer request.
        "can_change": office and rlist.status in (ListStatus.IN_PROGRESS, ListStatus.SUSPENDED),
        "transfers_waiting": set(
            TransferRequest.objects.filter(list=rlist, status=TransferStatus.PENDING).values_list("unit_id", flat=True)
        ),
        **_timeline(rlist, before),
        "today": today,
        "next": _back_to(request),  # the forms carry it: back to the to-do after acting
    }


@login_required
@require_safe
def loop(request: Request, list_id: int) -> HttpResponse:
    """The loop page; `?before=<event id>` pages its timeline: the whole page as a plain link, only the
    next entries (and the next "more" link) when htmx asks."""
    rlist = _visible(request, list_id)
    response = _loop_page(request, rlist)
    patch_vary_headers(response, ["HX-Request"])  # one address, two answers: caches keep them apart
    return response


def _loop_page(request: Request, rlist: ResponsibilityList) -> HttpResponse:
    raw = request.GET.get("before")
    before = None if raw is None else _cursor(raw)
    bad_cursor = _("No such place in the timeline: start again from its newest events.")
    try:
        if raw is not None and before is None:
            raise timeline.UnknownCursor(raw)
        if request.htmx and before is not None:
            return render(request, TIMELINE_PAGE_TEMPLATE, {"rlist": rlist, **_timeline(rlist, before)})
        return render(request, LOOP_TEMPLATE, _loop_context(request, rlist, before=before))
    except timeline.UnknownCursor:
        if request.htmx and raw is not None:
            return render(request, TIMELINE_PAGE_TEMPLATE, {"rlist": rlist, "timeline_error": bad_cursor}, status=400)
        return _refused(request, rlist, 400, bad_cursor)


# --- writing ------------------------------------------------------------------------------------


def _back_to(request: Request) -> str:
    """The page the person came from when it asked to be returned to (?next=/ from the to-do home): a
    local address only."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and safe else ""


def _done(request: Request, list_id: int, message: str, level: int = messages.SUCCESS) -> HttpResponse:
    messages.add_message(request, level, message)
    url = _back_to(request) or reverse("lists:loop", args=[list_id])
    # htmx posts get a full page load of the loop page, so every part of it is fresh.
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _refused(
    request: Request,
    rlist: ResponsibilityList,
    status: int,
    message: str,
    key: tuple | None = None,
    form=None,
) -> HttpResponse:
    context = _loop_context(request, rlist, {key: form} if key and form is not None else {})
    context["error"] = message
    return render(request, LOOP_TEMPLATE, context, status=status)


def _invalid(request: Request, rlist: ResponsibilityList, key: tuple, form) -> HttpResponse:
    return _refused(request, rlist, 400, _("Please correct the errors below."), key, form)


def _service_error(request: Request, rlist: ResponsibilityList, err: ServiceError, key: tuple, form):
    form.show_refusal(err, skip=("unit",))
    return _refused(request, rlist, err.status, err.message, key, form)


def _unit_of(data) -> int | None:
    try:
        return int(data.get("unit"))
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def publish(request: Request, list_id: int) -> HttpResponse:
    rlist = _visible(request, list_id)
    try:
        published = services.do_publish(request.user, rlist)
    except ServiceError as err:
        return _refused(request, rlist, err.status, err.message)
    return _done(
        request, list_id, _("Published as {code}. The handling units now report directly.").format(code=published.code)
    )


@login_required
@require_POST
def report(request: Request, list_id: int) -> HttpResponse:
    rlist = _visible(request, list_id)
    form = ReportForm(request.POST, auto_id=REPORT_IDS)
    key = ("report", _unit_of(request.POST))
    if not form.is_valid():
        return _invalid(request, rlist, key, form)
    data = form.cleaned_data
    try:
        ob = _obligation(rlist, data["unit"])
        _report, created = duty_services.do_report(
            request.user,
            ob,
            progress=data["progress"],
            done=data["done"],
            difficulties=data["difficulties"],
            next_steps=data["next_steps"],
            request_completion=data["request_completion"],
            submission_key=data["submission_key"] or None,
        )
    except ServiceError as err:
        return _service_error(request, rlist, err, key, form)
    if not created:
        return _done(request, list_id, _("This report was already filed; it is stored once."), messages.INFO)
    if data["request_completion"]:
        return _done(request, list_id, _("Report filed. The office has been asked to accept completion."))
    return _done(request, list_id, _("Report filed."))


@login_required
@require_POST
def accept(request: Request, list_id: int) -> HttpResponse:
    rlist = _visible(request, list_id)
    form = UnitForm(request.POST)
    if not form.is_valid():
        return _refused(request, rlist, 400, _("Say which unit's completion is accepted."))
    try:
        ob = duty_completion.do_accept(request.user, _obligation(rlist, form.cleaned_data["unit"]))
    except ServiceError as err:
        return _refused(request, rlist, err.status, err.message)
    return _done(request, list_id, _("Completion of {unit} accepted; its reporting has ended.").format(unit=ob.unit))


@login_required
@require_POST
def return_completion(request: Request, list_id: int) -> HttpResponse:
    rlist = _visible(request, list_id)
    form = ReturnForm(request.POST, auto_id=_return_ids(_unit_of(request.POST)))
    key = ("return", _unit_of(request.POST))
    if not form.is_valid():
        return _invalid(request, rlist, key, form)
    try:
        ob = _obligation(rlist, form.cleaned_data["unit"])
        ob = duty_completion.do_return(request.user, ob, form.cleaned_data["reason"])
    except ServiceError as err:
        return _service_error(request, rlist, err, key, form)
    return _done(request, list_id, _("Completion of {unit} returned; the unit keeps reporting.").format(unit=ob.unit))


@login_required
@require_POST
def request_extension(request: Request, list_id: int) -> HttpResponse:
    rlist = _visible(request, list_id)
    form = ExtensionForm(request.POST, auto_id=EXTENSION_IDS)
    key = ("extension", _unit_of(request.POST))
    if not form.is_valid():
        return _invalid(request, rlist, key, form)
    data = form.cleaned_data
    try:
        ob = _obligation(rlist, data["unit"])
        duty_completion.do_request_extension(request.user, ob, data["new_deadline"], data["reason"])
    except ServiceError as err:
        return _service_error(request, rlist, err, key, form)
    return _done(request, list_id, _("Extension requested. The office will decide."))


@login_required
@require_POST
def decide_extension(request: Request, extension_id: int) -> HttpResponse:
    ext = Extension.objects.select_related("duty__unit").filter(pk=extension_id).first()
    if ext is None:
        raise Http404(_("No such extension request."))
    if ext.duty.owner_kind != "list":
        raise Http404(_("No such extension request."))
    rlist = _visible(request, ext.duty.owner_id)
    form = DecideExtensionForm(request.POST, auto_id=_decide_ids(ext.pk))
    key = ("decide", ext.pk)
    if not form.is_valid():
        return _invalid(request, rlist, key, form)
    try:
        ext = duty_completion.do_decide_extension(
            request.user, ext, form.cleaned_data["approve"], form.cleaned_data["note"]
        )
    except ServiceError as err:
        return _service_error(request, rlist, err, key, form)
    unit = ext.duty.unit
    if ext.status == ExtensionStatus.APPROVED:
        message = _("Extension approved: the deadline of {unit} is now {deadline}.").format(
            unit=unit, deadline=ext.new_deadline.isoformat()
        )
    else:
        message = _("Extension refused: the deadline of {unit} stays {deadline}.").format(
            unit=unit, deadline=ext.old_deadline.isoformat()
        )
    return _done(request, rlist.pk, message)


@login_required
@require_POST
def close(request: Request, list_id: int) -> HttpResponse:
    rlist = _visible(request, list_id)
    try:
        completion.do_close(request.user, rlist)
    except ServiceError as err:
        return _refused(request, rlist, err.status, err.message)
    return _done(request, list_id, _("The list is struck off."))
