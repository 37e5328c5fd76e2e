"""The administrator's settings: each owner kind's policy (lights and the ladder's N, M, K, L) and the
working-day calendar."""

import calendar as pycal
from dataclasses import dataclass, field
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from luoshi.duties import owners
from luoshi.duties import policy as settings_service
from luoshi.duties.forms import PolicyForm, SetDayForm, YearForm
from luoshi.errors import ServiceError
from luoshi.org import access
from luoshi.pages import Request, form_errors
from luoshi.workdays import china
from luoshi.workdays.models import CalendarDay


def _admin_only(request: Request) -> None:
    if not access.can_manage_org(request.user):
        raise PermissionDenied(_("This page is for administrators."))


# --- policy -------------------------------------------------------------------------------------


DEFAULT_KIND = "list"


def _default_kind() -> str:
    kinds = owners.kinds()
    return DEFAULT_KIND if DEFAULT_KIND in kinds or not kinds else kinds[0]


def _policy_url(kind: str) -> str:
    url = reverse("escalation:policy")
    return url if kind == _default_kind() else f"{url}?{urlencode({'kind': kind})}"


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: Request) -> HttpResponse:
    """One owner kind's policy (`?kind=`, the lists' by default); tabs switch between the registered kinds."""
    _admin_only(request)
    kind = request.GET.get("kind") or _default_kind()
    status, error = 200, None
    if kind not in owners.kinds():
        # Nothing is read or saved for a kind no app registered; the default kind's form is shown instead.
        error = _("Unknown kind of work “{kind}”.").format(kind=kind[:30])
        kind, status = _default_kind(), 400
        form = PolicyForm(initial=settings_service.policy_values(settings_service.stored_policy(kind)))
        return _policy_page(request, kind, form, error, status)
    stored = settings_service.stored_policy(kind)
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in settings_service.FIELDS}
            before = settings_service.policy_values(stored)
            try:
                settings_service.do_update_policy(request.user, kind, **values)
            except ServiceError as err:
                status, error = err.status, err.message
                form.show_refusal(err)
            else:
                if values == before:
                    messages.info(request, _("Nothing changed."))
                else:
                    messages.success(request, _("The policy is saved; the next sweep and every light use it."))
                return redirect(_policy_url(kind))
        else:
            status, error = 400, _("Please correct the errors below.")
    else:
        form = PolicyForm(initial=settings_service.policy_values(stored))
    return _policy_page(request, kind, form, error, status)


def _policy_page(request: Request, kind: str, form: PolicyForm, error: str | None, status: int) -> HttpResponse:
    stored = settings_service.stored_policy(kind)
    tabs = [
        {"kind": o.kind, "label": capfirst(str(o.label)), "url": _policy_url(o.kind), "active": o.kind == kind}
        for o in owners.all_owners()
    ]
    context = {
        "form": form,
        "error": error,
        "current": settings_service.policy_values(stored),
        "kind": kind,
        "kind_label": capfirst(str(owners.get(kind).label)) if kind in owners.kinds() else kind,
        "tabs": tabs if len(tabs) > 1 else [],
        "action": _policy_url(kind),
    }
    return render(request, "escalation/policy.html", context, status=status)


# --- calendar -----------------------------------------------------------------------------------


@dataclass
class Cell:
    day: date
    css: str
    mark: str = ""
    note: str = ""


@dataclass
class Month:
    number: int
    name: str
    weeks: list[list[Cell | None]]
    spans: list[dict] = field(default_factory=list)


def _spans(entries: list[CalendarDay]) -> list[dict]:
    """Consecutive days of the same kind and note as one line: 10-01 – 10-07 休 国庆节."""
    spans: list[dict] = []
    for e in entries:
        last = spans[-1] if spans else None
        if last and last["is_workday"] == e.is_workday and last["note"] == e.note and (e.date - last["last"]).days == 1:
            last["last"] = e.date
        else:
            spans.append({"first": e.date, "last": e.date, "is_workday": e.is_workday, "note": e.note})
    return spans


def _months(year: int, entries: list[CalendarDay], today: date) -> list[Month]:
    by_day = {e.date: e for e in entries}
    months = []
    for number in range(1, 13):
        weeks = []
        for week in pycal.Calendar(firstweekday=0).monthdatescalendar(year, number):
            row: list[Cell | None] = []
            for d in week:
                if d.month != number:
                    row.append(None)
                    continue
                entry = by_day.get(d)
                if entry is not None:
                    css = "cal-makeup" if entry.is_workday else "cal-holiday"
                    cell = Cell(d, css, "班" if entry.is_workday else "休", entry.note)
                else:
                    cell = Cell(d, "cal-weekend" if d.weekday() >= 5 else "cal-work")
                if d == today:
                    cell.css += " cal-today"
                row.append(cell)
            weeks.append(row)
        in_month = [e for e in entries if e.date.month == number]
        months.append(Month(number, str(MONTHS[number]), weeks, _spans(in_month)))
    return months


def _weekdays() -> list[str]:
    return [
        pgettext("calendar grid, Monday", "Mo"),
        pgettext("calendar grid, Tuesday", "Tu"),
        pgettext("calendar grid, Wednesday", "We"),
        pgettext("calendar grid, Thursday", "Th"),
        pgettext("calendar grid, Friday", "Fr"),
        pgettext("calendar grid, Saturday", "Sa"),
        pgettext("calendar grid, Sunday", "Su"),
    ]


def _calendar_page(request: Request, year: int, status: int = 200, **extra) -> HttpResponse:
    today = timezone.localdate()
    entries = list(CalendarDay.objects.filter(date__year=year).order_by("date"))
    context = {
        "year": year,
        "months": _months(year, entries, today),
        "weekdays": _weekdays(),
        "holidays": sum(1 for e in entries if not e.is_workday),
        "makeup_days": sum(1 for e in entries if e.is_workday),
        "can_load": not entries and year in china.HOLIDAYS,
        "official_years": settings_service.official_years(),
        "set_form": extra.pop("set_form", None) or SetDayForm(initial={"is_workday": "0"}),
        **extra,
    }
    return render(request, "escalation/calendar.html", context, status=status)


def _year_url(year: int) -> str:
    return f"{reverse('escalation:calendar')}?year={year}"


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: Request) -> HttpResponse:
    _admin_only(request)
    today = timezone.localdate()
    year_form = YearForm(request.GET)
    if not year_form.is_valid():
        return render(
            request, "escalation/calendar.html", {"errors": form_errors(year_form), "year": today.year}, status=400
        )
    year = year_form.cleaned_data["year"] or today.year
    if request.method == "GET":
        return _calendar_page(request, year)

    action = request.POST.get("action", "")
    if action == "load":
        load_form = YearForm(request.POST)
        if not load_form.is_valid() or load_form.cleaned_data["year"] is None:
            return _calendar_page(request, year, 400, error=_("Say which year to load."))
        load_year = load_form.cleaned_data["year"]
        try:
            n = settings_service.do_load_official_calendar(request.user, load_year)
        except ServiceError as err:
            return _calendar_page(request, load_year, err.status, error=err.message)
        messages.success(
            request, _("China's official calendar for {year} is loaded: {n} days.").format(year=load_year, n=n)
        )
        return redirect(_year_url(load_year))
    if action != "set":
        return _calendar_page(request, year, 400, error=_("Unknown action."))

    form = SetDayForm(request.POST)
    if not form.is_valid():
        return _calendar_page(request, year, 400, error=_("Please correct the errors below."), set_form=form)
    data = form.cleaned_data
    day = data["date"]
    try:
        entry, changed = settings_service.do_set_calendar_day(request.user, day, data["is_workday"], data["note"])
    except ServiceError as err:
        return _calendar_page(request, day.year, err.status, error=err.message, set_form=form)
    if not changed:
        messages.info(request, _("{date} already is so: nothing changed.").format(date=day.isoformat()))
    elif entry.pk is None:
        messages.success(
            request, _("{date} follows the weekday rule again: its exception is removed.").format(date=day.isoformat())
        )
    elif entry.is_workday:
        messages.success(request, _("{date} is now a working day (班).").format(date=day.isoformat()))
    else:
        messages.success(request, _("{date} is now a day off (休).").format(date=day.isoformat()))
    return redirect(_year_url(day.year))
