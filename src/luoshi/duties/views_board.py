"""The office's escalation board (催办督办台) and talk-proposal queue, a leader's orders, a unit's escalations.

Thin views: parse with a form, check access, call one service, redirect with a message. Refusals:
400 input it cannot use, 403 not the office, 404 not there, 409 the state does not allow it.
Every page runs a fixed number of queries whatever the number of rows.
"""

from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi.duties import manual, queries, sweep
from luoshi.duties.forms import (
    AGE_4_10,
    AGE_GT10,
    AGE_LE3,
    BoardFilterForm,
    HandleTalkForm,
    ManualUrgeForm,
    StepFilterForm,
    TalkStateForm,
)
from luoshi.duties.ladder import Rules, workdays_overdue
from luoshi.duties.models import Duty, Episode, Escalation, Policy, Step
from luoshi.errors import ServiceError
from luoshi.org import access
from luoshi.org.models import Person, Role, Unit
from luoshi.pages import Request, form_errors, office_only, paginate
from luoshi.workdays import calendar

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

BOARD_TEMPLATE = "escalation/board.html"
TALKS_TEMPLATE = "escalation/talks.html"
CONFIRM_TEMPLATE = "escalation/confirm_urge.html"
NOTICE_STEPS = (Step.URGE, Step.ORDER)


# --- the board ----------------------------------------------------------------------------------


def _board_filter(qs: QuerySet[Episode], data: dict, today) -> QuerySet[Episode]:
    """Every filter but the step (the step tabs count over the others)."""
    if data.get("unit"):
        qs = qs.filter(unit_id=data["unit"])
    if raw := (data.get("list") or "").strip():
        by_id = Q(duty__owner_id=int(raw)) if raw.isdigit() and len(raw) < 10 else Q(pk__in=[])
        qs = qs.filter(Q(duty__code__iexact=raw) | by_id)
    age = data.get("age")
    if age == AGE_LE3:
        qs = qs.filter(due_date__gte=today - timedelta(days=3))
    elif age == AGE_4_10:
        qs = qs.filter(due_date__lte=today - timedelta(days=4), due_date__gte=today - timedelta(days=10))
    elif age == AGE_GT10:
        qs = qs.filter(due_date__lt=today - timedelta(days=10))
    return qs


def _ladder_params(params: QueryDict) -> tuple[dict[str, Any], list[str]]:
    """The drill-down filters the cockpit's links carry: `leader` (a leader's share, queries.leader_share_q)
    and `from` / `to` (inclusive days: the days the work fell due on the board and the episodes page, the
    days the steps were taken on the steps page); a bad value gives a message naming its parameter."""
    found: dict[str, Any] = {"leader": None, "from": None, "to": None}
    errors: list[str] = []
    raw = (params.get("leader") or "").strip()
    if raw:
        person = (
            Person.objects.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
        )
        if person is None or not person.has_role(Role.LEADER):
            errors.append(_("Unknown leader “%(value)s”: give a leader's id.") % {"value": raw[:20]})
        else:
            units = frozenset(person.supervised_units.values_list("pk", flat=True))
            found["leader"] = queries.leader_share_q(person.pk, units)
    for name in ("from", "to"):
        raw = (params.get(name) or "").strip()
        if not raw:
            continue
        try:
            found[name] = date.fromisoformat(raw) if len(raw) == 10 else None
        except ValueError:
            found[name] = None
        if found[name] is None:
            errors.append(_("“%(param)s”: give a date as YYYY-MM-DD.") % {"param": name})
    return found, errors


def _step_tabs(counts: dict[str, int], current: str) -> list[dict[str, Any]]:
    tabs: list[tuple[str, StrOrPromise, int]] = [("", _("All"), sum(counts.values()))]
    tabs += [(value, label, counts.get(value, 0)) for value, label in Step.choices]
    return [{"value": v, "label": label, "count": n, "active": v == current} for v, label, n in tabs]


def _board_context(request: Request, params: QueryDict) -> tuple[dict, int]:
    today = timezone.localdate()
    units = list(Unit.objects.order_by("id").values_list("pk", "name"))
    form = BoardFilterForm(params, units=units)
    office = access.can_steer_lists(request.user)
    context = {
        "form": form,
        "query": params.urlencode(),
        "today": today,
        "office": office,
        "board_url": reverse("escalation:board"),
    }
    extra, extra_errors = _ladder_params(params)
    if not form.is_valid() or extra_errors:
        context["errors"] = (form_errors(form) if not form.is_valid() else []) + extra_errors
        context["ladder_params"] = []
        return context, 400
    data = form.cleaned_data
    base = _board_filter(queries.open_episodes(request.user), data, today)
    if extra["leader"] is not None:
        base = base.filter(extra["leader"])
    if extra["from"]:
        base = base.filter(due_date__gte=extra["from"])
    if extra["to"]:
        base = base.filter(due_date__lte=extra["to"])
    kept = {k: (params.get(k) or "").strip() for k in ("leader", "from", "to")}
    context["ladder_params"] = [(k, v) for k, v in kept.items() if v]
    counts = dict(base.order_by().values_list("last_step").annotate(n=Count("pk")))
    qs = base.filter(last_step=data["step"]) if data["step"] else base
    qs = qs.prefetch_related(
        Prefetch(
            "steps",
            queryset=Escalation.objects.filter(step__in=NOTICE_STEPS).order_by("created_at", "id"),
            to_attr="notices",
        )
    )
    page = paginate(qs, params.get("page"))
    episodes = list(page.object_list)
    cal = calendar.load()
    for e in episodes:
        e.days_overdue = workdays_overdue(e.due_date, today, cal) if e.due_date < today else 0
        e.days_since_due = (today - e.due_date).days
        e.last_step_label = Step(e.last_step).label
        # What the row's button would send: an urge to a late unit, else a reminder.
        rules = Rules.from_policy(Policy.current(e.duty.owner_kind))
        e.manual_late = manual.manual_step(e.duty, today, cal, rules).late
    context.update(page=page, episodes=episodes, tabs=_step_tabs(counts, data["step"]), step=data["step"])
    return context, 200


@login_required
@require_safe
def board(request: Request) -> HttpResponse:
    office_only(request)
    context, status = _board_context(request, request.GET)
    return render(request, BOARD_TEMPLATE, context, status=status)


@login_required
@require_safe
def episodes(request: Request) -> HttpResponse:
    """The board to read (the open lateness each may see, queries.open_episodes), for the office and the
    leaders, without the office's buttons: the cockpit's ladder figures drill down here."""
    if not request.user.has_role(Role.LEADER):
        office_only(request)
    context, status = _board_context(request, request.GET)
    context.update(office=False, board_url=reverse("escalation:episodes"))
    return render(request, BOARD_TEMPLATE, context, status=status)


def _board_url(query: str) -> str:
    # Re-encoded, so only a query string of the board's own can follow the path.
    query = QueryDict(query).urlencode()
    url = reverse("escalation:board")
    return f"{url}?{query}" if query else url


def _confirm_context(request: Request, ob: Duty, query: str) -> dict:
    preview = manual.manual_preview(request.user, ob)
    # The notice as the office reads it here (units read it in their own language).
    title, body = preview.message.text_in()
    return {
        "ob": ob,
        "plan": preview.plan,
        "already": preview.already,
        "respond_by": preview.respond_by,
        "message_title": title,
        "message_body": body,
        "recipients": preview.recipients,
        "form": ManualUrgeForm(initial={"step": preview.plan.step, "query": query}),
        "back": _board_url(query),
    }


def _sent_message(esc: Escalation, created: bool, unit: Unit) -> str:
    if not created:
        what = esc.number or _("a reminder")
        return _("{unit} was already sent {what} by hand on {day} for this lateness: nothing more was sent.").format(
            unit=unit.name, what=what, day=timezone.localdate(esc.created_at).isoformat()
        )
    if esc.step == Step.REMINDER:
        return _("Reminder sent to {unit}.").format(unit=unit.name)
    return _("Urge notice {number} sent to {unit}.").format(number=esc.number, unit=unit.name)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def manual_urge(request: Request, duty_id: int) -> HttpResponse:
    """GET: the confirmation page (what will be sent, to whom); POST: send it, once."""
    office_only(request)
    ob = Duty.objects.select_related("unit", "leader").filter(pk=duty_id).first()
    if ob is None:
        raise Http404(_("No such duty."))
    error, status = None, 200
    if request.method == "POST":
        form = ManualUrgeForm(request.POST)
        query = (form.data.get("query") or "")[:500]
        if not form.is_valid():
            error, status = _("The confirmation was incomplete: look at it again and confirm."), 400
        else:
            try:
                esc, created = manual.do_manual_urge(request.user, ob, confirmed=form.cleaned_data["step"])
            except ServiceError as err:
                error, status = err.message, err.status
                ob.refresh_from_db()
            else:
                (messages.success if created else messages.info)(request, _sent_message(esc, created, ob.unit))
                return redirect(_board_url(query))
    else:
        query = (request.GET.get("query") or "")[:500]
    try:
        context = _confirm_context(request, ob, query)
    except ServiceError as err:
        # Nothing left to confirm (the work was accepted, the list struck off): the board says why.
        context, _status = _board_context(request, QueryDict(query))
        context["error"] = err.message
        return render(request, BOARD_TEMPLATE, context, status=err.status)
    context["error"] = error
    return render(request, CONFIRM_TEMPLATE, context, status=status)


# --- talk proposals -----------------------------------------------------------------------------


def _orders_before(proposals: list[Escalation], window_days: int) -> dict[int, int]:
    """For each proposal, the orders its unit received in the window before it: one query."""
    if not proposals:
        return {}
    window = timedelta(days=window_days)
    since = min(p.created_at for p in proposals) - window
    orders = defaultdict(list)
    for unit_id, created_at in Escalation.objects.filter(
        step=Step.ORDER, unit_id__in={p.unit_id for p in proposals}, created_at__gte=since
    ).values_list("unit_id", "created_at"):
        orders[unit_id].append(created_at)
    return {p.pk: sum(1 for at in orders[p.unit_id] if p.created_at - window <= at <= p.created_at) for p in proposals}


def _talks_context(request: Request, bound: dict | None = None) -> tuple[dict, int]:
    bound = bound or {}
    state_form = TalkStateForm(request.GET)
    if not state_form.is_valid():
        return {"errors": form_errors(state_form), "state": ""}, 400
    state = state_form.cleaned_data["state"]
    counts = queries.talk_counts()
    qs = queries.talk_queue().filter(queries.TALK_STATES[state])
    page = paginate(qs, request.GET.get("page"))
    proposals = list(page.object_list)
    policy = Policy.current()
    orders = _orders_before(proposals, policy.talk_window_days)
    for p in proposals:
        p.orders_in_window = orders.get(p.pk, 0)
        if not p.handled_at:
            p.form = bound.get(p.pk) or HandleTalkForm(auto_id=f"id_talk{p.pk}_%s")
    tabs = [
        {"value": "", "label": _("Not handled"), "count": counts["open"]},
        {"value": "ended", "label": _("Cause ended"), "count": counts["ended"]},
        {"value": "handled", "label": _("Handled"), "count": counts["handled"]},
        {"value": "all", "label": _("All"), "count": counts["all"]},
    ]
    for tab in tabs:
        tab["active"] = tab["value"] == state
    context = {
        "page": page,
        "proposals": proposals,
        "tabs": tabs,
        "state": state,
        "talk_orders": policy.talk_orders,
        "window_days": policy.talk_window_days,
        "overdue_limit": policy.talk_overdue_workdays,
    }
    return context, 200


@login_required
@require_safe
def talks(request: Request) -> HttpResponse:
    office_only(request)
    context, status = _talks_context(request)
    return render(request, TALKS_TEMPLATE, context, status=status)


@login_required
@require_POST
def handle_talk(request: Request, escalation_id: int) -> HttpResponse:
    office_only(request)
    esc = Escalation.objects.select_related("unit").filter(pk=escalation_id, step=Step.TALK_PROPOSAL).first()
    if esc is None:
        raise Http404(_("No such talk proposal."))
    form = HandleTalkForm(request.POST, auto_id=f"id_talk{esc.pk}_%s")
    if not form.is_valid():
        error, status = _("Please correct the errors below.") + " " + " ".join(form_errors(form)), 400
    else:
        try:
            sweep.do_handle_talk_proposal(request.user, esc, form.cleaned_data["note"])
        except ServiceError as err:
            error, status = err.message, err.status
        else:
            messages.success(request, _("The talk proposal for {unit} is recorded as handled.").format(unit=esc.unit))
            # Back to the view it was handled from (the form's address carries it).
            state = request.GET.get("state", "")
            url = reverse("escalation:talks")
            return redirect(f"{url}?state={state}" if state in queries.TALK_STATES and state else url)
    context, _status = _talks_context(request, {esc.pk: form})
    context["error"] = error
    return render(request, TALKS_TEMPLATE, context, status=status)


# --- a leader's orders, a unit's escalations ----------------------------------------------------


@login_required
@require_safe
def leader_orders(request: Request) -> HttpResponse:
    user = request.user
    if not user.has_role(Role.LEADER):
        raise Http404(_("This page is for leaders."))
    qs = queries.orders_for_leader(user).order_by("-is_open", "-created_at", "-id")
    counts = qs.order_by().aggregate(all=Count("pk"), open=Count("pk", filter=Q(is_open=True)))
    page = paginate(qs, request.GET.get("page"))
    context = {"page": page, "orders": list(page.object_list), "counts": counts, "today": timezone.localdate()}
    return render(request, "escalation/orders.html", context)


@login_required
@require_safe
def unit_escalations(request: Request) -> HttpResponse:
    user = request.user
    if not user.unit_id:
        raise Http404(_("You belong to no unit."))
    form = StepFilterForm(request.GET)
    context: dict[str, Any] = {"form": form, "unit": user.unit}
    if not form.is_valid():
        context["errors"] = form_errors(form)
        return render(request, "escalation/unit.html", context, status=400)
    base = queries.with_open(queries.visible_escalations(user).filter(unit_id=user.unit_id))
    by_step = base.order_by().values_list("step").annotate(n=Count("pk"), n_open=Count("pk", filter=Q(is_open=True)))
    counts = {step: n for step, n, _open in by_step}
    open_count = sum(n_open for _step, _n, n_open in by_step)
    step = form.cleaned_data["step"]
    qs = (base.filter(step=step) if step else base).select_related("duty").order_by("-created_at", "-id")
    page = paginate(qs, request.GET.get("page"))
    context.update(
        page=page,
        escalations=list(page.object_list),
        tabs=_step_tabs(counts, step),
        open_count=open_count,
    )
    return render(request, "escalation/unit.html", context)


@login_required
@require_safe
def steps(request: Request) -> HttpResponse:
    """The steps taken (reminders, urge notices, supervision orders, talk proposals) as the person may see
    them (queries.visible_escalations), filtered by `step`, `unit`, `leader` and `from` / `to` (the days
    they were taken): the cockpit's ladder figures drill down here."""
    form = StepFilterForm(request.GET)
    extra, errors = _ladder_params(request.GET)
    raw_unit = (request.GET.get("unit") or "").strip()
    unit = int(raw_unit) if raw_unit.isascii() and raw_unit.isdigit() and len(raw_unit) < 10 else None
    if raw_unit and unit is None:
        errors.append(_("Unknown unit “%(value)s”: choose one from the list.") % {"value": raw_unit[:20]})
    if not form.is_valid():
        errors = form_errors(form) + errors
    if errors:
        return render(request, "escalation/steps.html", {"form": form, "errors": errors}, status=400)
    step = form.cleaned_data["step"]
    f = queries.EscalationFilters(step=step, unit=unit, leader=extra["leader"], start=extra["from"], end=extra["to"])
    page = paginate(queries.filtered(request.user, f), request.GET.get("page"))
    context = {"form": form, "page": page, "escalations": list(page.object_list), "step": step}
    return render(request, "escalation/steps.html", context)
