"""The pages of 季度对账: a unit's quarter confirmation (made for a phone: a card per row, a "确认无误"
switch or a correction with its reason, one submit for all), the office's cycle board (who has confirmed,
who is late, start and freeze), the snapshots of a ledger, one snapshot's rows and the comparison of two.
"""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luoshi.errors import InvalidInput, ServiceError
from luoshi.ledger import cycle_quarters, queries, snapshots
from luoshi.ledger.api_cycle import rows_scope, sees_every_unit, visible_snapshot
from luoshi.ledger.models import Confirmation, Indicator, Ledger, LedgerStatus, Quarter, Snapshot, SnapshotRow, Task
from luoshi.org import access
from luoshi.pages import BootstrapMixin, DateInput, Request, paginate
from luoshi.web.business import business_view


def _ledger(request: Request, ledger_id: int) -> Ledger:
    ledger = queries.visible_ledgers(request.user).filter(pk=ledger_id).first()
    if ledger is None:
        raise Http404(_("No such ledger, or not one you may see."))
    return ledger


def _readers_only(request: Request) -> None:
    if not sees_every_unit(request.user):
        raise PermissionDenied(_("The cycle board is for the office and the city's leaders."))


DUE_DAYS = 10  # the date to confirm by, as the start form proposes it


class StartForm(BootstrapMixin, forms.Form):
    number = forms.TypedChoiceField(
        label=gettext_lazy("Quarter"), coerce=int, choices=[(n, n) for n in cycle_quarters.QUARTER_NAMES]
    )
    due = forms.DateField(label=gettext_lazy("Units confirm by"), widget=DateInput())


def _board_page(request: Request, ledger: Ledger, status: int = 200, error: str = "", form: Any = None) -> HttpResponse:
    quarters = list(Quarter.objects.filter(ledger=ledger).select_related("snapshot"))
    wanted = request.GET.get("q", "")
    selected = next((q for q in quarters if str(q.number) == wanted), quarters[-1] if quarters else None)
    rows = cycle_quarters.board(selected, timezone.localdate()) if selected else []
    running = any(q.frozen_at is None for q in quarters)
    used = {q.number for q in quarters}
    free = [n for n in cycle_quarters.QUARTER_NAMES if n not in used]
    if form is None and free:
        form = StartForm(initial={"number": free[0], "due": timezone.localdate() + timedelta(days=DUE_DAYS)})
        form.fields["number"].choices = [(n, cycle_quarters.QUARTER_NAMES[n]) for n in free]
    context = {
        "ledger": ledger,
        "quarters": [(q, cycle_quarters.quarter_label(ledger.year, q.number)) for q in quarters],
        "selected": selected,
        "rows": rows,
        "confirmed": sum(1 for r in rows if r.confirmed_at),
        "late": sum(1 for r in rows if r.late and not r.confirmed_at),
        "missing": sum(1 for r in rows if not r.confirmed_at),
        "office": request.user.is_office,
        "can_start": request.user.is_office and ledger.status == LedgerStatus.OPEN and not running and bool(free),
        "form": form,
        "error": error,
    }
    return render(request, "ledger/cycle_board.html", context, status=status)


@business_view
@login_required
@require_GET
def cycle_board(request: Request, ledger_id: int) -> HttpResponse:
    _readers_only(request)
    return _board_page(request, _ledger(request, ledger_id))


@business_view
@login_required
@require_POST
def start_quarter(request: Request, ledger_id: int) -> HttpResponse:
    ledger = _ledger(request, ledger_id)
    _readers_only(request)
    form = StartForm(request.POST)
    if not form.is_valid():
        return _board_page(request, ledger, 400, _("Please correct the errors below."), form)
    try:
        quarter = cycle_quarters.do_start_quarter(
            request.user, ledger, form.cleaned_data["number"], form.cleaned_data["due"]
        )
    except ServiceError as err:
        form.show_refusal(err)
        return _board_page(request, ledger, err.status, err.message, form)
    messages.success(request, _("The reconciliation of quarter {number} has started.").format(number=quarter.number))
    return redirect(f"{reverse('ledger:cycle', args=[ledger.pk])}?q={quarter.number}")


def _quarter(request: Request, quarter_id: int) -> Quarter:
    quarter = Quarter.objects.select_related("ledger").filter(pk=quarter_id).first()
    if quarter is None or not queries.visible_ledgers(request.user).filter(pk=quarter.ledger_id).exists():
        raise Http404(_("No such quarter, or not one you may see."))
    return quarter


@business_view
@login_required
@require_POST
def freeze_quarter(request: Request, quarter_id: int) -> HttpResponse:
    quarter = _quarter(request, quarter_id)
    _readers_only(request)
    try:
        snapshot = cycle_quarters.do_freeze_quarter(request.user, quarter, cut_off=request.POST.get("cut_off") == "1")
    except ServiceError as err:
        return _board_page(request, quarter.ledger, err.status, err.message)
    messages.success(request, _("Frozen as the snapshot “{label}”.").format(label=snapshot.label))
    return redirect(f"{reverse('ledger:cycle', args=[quarter.ledger_id])}?q={quarter.number}")


@dataclass
class Card:
    """A row on the confirmation page, with what was typed into it."""

    task: Task
    unit_progress: int
    status: str
    ok: bool = True
    progress: str = ""
    reason: str = ""
    values: dict[int, str] = field(default_factory=dict)
    error: str = ""
    sent: Any = None  # the row as confirmed (a ConfirmationRow), once the unit has sent it

    @property
    def indicators(self) -> list[tuple[Indicator, str]]:
        return [(i, self.values.get(i.pk, "")) for i in self.task.indicators.all()]


def _cards(quarter: Quarter, unit_id: int) -> list[Card]:
    today = timezone.localdate()
    return [
        Card(
            task=t,
            unit_progress=duty.progress,
            status=snapshots.row_status(t.done, t.deadline, t.working_due, t.working_deadline, today),
            progress=str(duty.progress),
            values={i.pk: snapshots.amount(i.actual) for i in t.indicators.all()},
        )
        for t, duty in cycle_quarters.unit_rows(quarter, unit_id)
    ]


def _parse(card: Card, post: Any) -> cycle_quarters.RowInput:
    """A card's input: a correction holds only the figures that differ from those shown."""
    t = card.task.pk
    card.ok = post.get(f"ok-{t}") == "on"
    card.progress = post.get(f"progress-{t}", "").strip()
    card.reason = post.get(f"reason-{t}", "")
    card.values = {i.pk: post.get(f"ind-{t}-{i.pk}", "").strip() for i in card.task.indicators.all()}
    if card.ok:
        return cycle_quarters.RowInput(t, confirmed=True)
    progress = None
    if card.progress:
        if not card.progress.isdigit():
            raise InvalidInput(_("Progress is a percentage from 0 to 100."), f"card.{t}")
        progress = int(card.progress) if int(card.progress) != card.unit_progress else None
    values = []
    for ind in card.task.indicators.all():
        raw = card.values[ind.pk].replace(",", "").replace("，", "")
        if not raw:
            continue
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise InvalidInput(_("Give the actual as a number."), f"card.{t}") from None
        if ind.actual is None or value != ind.actual:
            values.append((ind.pk, value))
    return cycle_quarters.RowInput(t, progress=progress, indicators=values, reason=card.reason)


def _confirm_page(
    request: Request, quarter: Quarter, cards: list[Card], key: str, status: int = 200, error: str = ""
) -> HttpResponse:
    confirmation = (
        Confirmation.objects.filter(quarter=quarter, unit_id=request.user.unit_id or 0)
        .select_related("confirmed_by")
        .first()
    )
    if confirmation is not None:
        sent = {r.task_id: r for r in confirmation.rows.all()}
        for card in cards:
            card.sent = sent.get(card.task.pk)
    context = {
        "quarter": quarter,
        "label": cycle_quarters.quarter_label(quarter.ledger.year, quarter.number),
        "unit": request.user.unit,
        "cards": cards,
        "confirmation": confirmation,
        "key": key,
        "today": timezone.localdate(),
        "error": error,
        "status_labels": snapshots.STATUS_LABELS,
    }
    return render(request, "ledger/quarter_confirm.html", context, status=status)


@business_view
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: Request, quarter_id: int) -> HttpResponse:
    quarter = _quarter(request, quarter_id)
    user = request.user
    unit = user.unit
    if unit is None or not (access.can_report_for(user, unit.pk) and cycle_quarters.owes(quarter, unit.pk)):
        if sees_every_unit(user):
            return redirect(f"{reverse('ledger:cycle', args=[quarter.ledger_id])}?q={quarter.number}")
        raise Http404(_("Your unit has no rows to confirm in this quarter."))
    cards = _cards(quarter, unit.pk)
    if request.method != "POST":
        return _confirm_page(request, quarter, cards, uuid.uuid4().hex)
    key = request.POST.get("submission_key", "")[:64]
    rows, errors = [], 0
    for card in cards:
        try:
            rows.append(_parse(card, request.POST))
        except InvalidInput as err:
            card.error, errors = err.message, errors + 1
    if errors:
        return _confirm_page(request, quarter, cards, key, 400, _("Please correct the rows marked below."))
    try:
        _c, created = cycle_quarters.do_confirm_quarter(user, quarter, unit, rows, submission_key=key or None)
    except ServiceError as err:
        if err.field and err.field.startswith("rows.") and err.field.split(".")[1].isdigit():
            cards[int(err.field.split(".")[1])].error = err.message
        return _confirm_page(request, quarter, cards, key, err.status, err.message)
    if created:
        messages.success(request, _("Your unit's rows are confirmed for this quarter."))
    else:
        messages.info(request, _("This confirmation was already sent; it is stored once."))
    return redirect("ledger:confirm", quarter.pk)


@business_view
@login_required
@require_GET
def snapshot_list(request: Request, ledger_id: int) -> HttpResponse:
    ledger = _ledger(request, ledger_id)
    items = list(Snapshot.objects.filter(ledger=ledger).select_related("frozen_by").order_by("-frozen_at", "-id"))
    context = {"ledger": ledger, "snapshots": items, "choices": items, "readers": sees_every_unit(request.user)}
    return render(request, "ledger/snapshot_list.html", context)


@business_view
@login_required
@require_GET
def snapshot_rows(request: Request, snapshot_id: int) -> HttpResponse:
    snapshot = visible_snapshot(request.user, snapshot_id)
    if snapshot is None:
        raise Http404(_("No such snapshot, or not one you may see."))
    qs = SnapshotRow.objects.filter(snapshot=snapshot).order_by("pk")
    scope = rows_scope(request.user)
    if scope is not None:
        qs = qs.filter(task_id__in=scope)
    page = paginate(qs, request.GET.get("page"), None if scope is not None else snapshot.rows_count)
    context = {"snapshot": snapshot, "page": page, "status_labels": snapshots.STATUS_LABELS}
    return render(request, "ledger/snapshot_rows.html", context)


@dataclass
class Change:
    row: dict

    @property
    def label(self) -> str:
        return snapshots.field_label(self.row["field"])

    @property
    def before(self) -> str:
        return snapshots.shown(self.row["field"], self.row["before"])

    @property
    def after(self) -> str:
        return snapshots.shown(self.row["field"], self.row["after"])


def _snapshot_id(request: Request, name: str) -> int | None:
    raw = request.GET.get(name, "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 10:
        raise InvalidInput(_("Choose a snapshot."), name)
    return int(raw)


@business_view
@login_required
@require_GET
def compare(request: Request) -> HttpResponse:
    user = request.user
    ledgers = queries.visible_ledgers(user).values("pk")
    choices = list(
        Snapshot.objects.filter(ledger_id__in=ledgers).select_related("ledger").order_by("-frozen_at", "-id")
    )
    context: dict[str, Any] = {"choices": choices, "a": None, "b": None, "compared": False, "error": ""}
    try:
        a_id, b_id = _snapshot_id(request, "a"), _snapshot_id(request, "b")
    except InvalidInput as err:
        context["error"] = err.message
        return render(request, "ledger/snapshot_compare.html", context, status=400)
    if a_id is None and b_id is None and len(choices) >= 2:
        a_id, b_id = choices[1].pk, choices[0].pk  # the two latest, the older first
    if a_id is not None and b_id is not None:
        a, b = visible_snapshot(user, a_id), visible_snapshot(user, b_id)
        if a is None or b is None:
            raise Http404(_("No such snapshot, or not one you may see."))
        changes = [Change(r) for r in snapshots.compare(a, b, rows_scope(user))]
        context.update(a=a, b=b, page=paginate(changes, request.GET.get("page")), count=len(changes), compared=True)
    return render(request, "ledger/snapshot_compare.html", context)


urlpatterns = [
    path("<int:ledger_id>/cycle/", cycle_board, name="cycle"),
    path("<int:ledger_id>/quarters/start/", start_quarter, name="quarter_start"),
    path("quarters/<int:quarter_id>/confirm/", confirm, name="confirm"),
    path("quarters/<int:quarter_id>/freeze/", freeze_quarter, name="quarter_freeze"),
    path("<int:ledger_id>/snapshots/", snapshot_list, name="snapshots"),
    path("snapshots/compare/", compare, name="compare"),
    path("snapshots/<int:snapshot_id>/", snapshot_rows, name="snapshot"),
]
