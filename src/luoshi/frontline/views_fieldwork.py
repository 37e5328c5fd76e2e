"""The pages of frontline days: a leader's month at a glance (phone-first), logging a day, one entry and
its problems (each made a list in one step by the office), the office's table of every leader's month and
the half-year's trips and days.

Thin views: parse with a form, call the one service, redirect (post/redirect/get) with a message; a refusal
re-renders the form with the service error's status (400 invalid input, 403 not allowed, 409 state)."""

import re
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_safe

from luoshi.errors import ServiceError
from luoshi.frontline import access, config, queries, services
from luoshi.frontline.forms import FieldworkForm, ToListForm, new_key
from luoshi.frontline.models import FieldKind, FieldProblem, Fieldwork
from luoshi.frontline.rule import half_bounds, month_bounds
from luoshi.org.models import Person
from luoshi.pages import Request, paginate
from luoshi.schemas import MAX_ID

MONTH_RE = re.compile(r"^(20\d\d|2100)-(0[1-9]|1[0-2])$")


def kind_letters() -> dict[str, str]:
    """A kind's one-character mark in the calendar."""
    return {
        FieldKind.GRASSROOTS: pgettext("frontline kind, one character", "G"),
        FieldKind.SUPERVISED_UNIT: pgettext("frontline kind, one character", "S"),
        FieldKind.PROJECT_SITE: pgettext("frontline kind, one character", "P"),
    }


def _month_of(request: Request) -> tuple[int, int] | None:
    raw = request.GET.get("month", "")
    if not raw:
        today = timezone.localdate()
        return today.year, today.month
    found = MONTH_RE.match(raw)
    return (int(found[1]), int(found[2])) if found else None


def _shift(year: int, month: int, by: int) -> str:
    n = year * 12 + month - 1 + by
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def _reader(request: Request) -> Person:
    if not access.sees_fieldwork(request.user):
        raise PermissionDenied(_("Frontline days are the leaders' and the supervision office's."))
    return request.user


def _leader_of(request: Request) -> Person:
    """Whose month: a leader's own; the office names a leader with ?leader= (else the first leader)."""
    person = _reader(request)
    raw = request.GET.get("leader", "")
    if not access.sees_all_leaders(person):
        if raw and raw != str(person.pk):
            raise PermissionDenied(_("A leader sees his or her own frontline days."))
        return person
    if raw:
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
            raise Http404(_("No such leader."))
        found = next((p for p in queries.leaders() if p.pk == int(raw)), None)
        if found is None:
            raise Http404(_("No such leader."))
        return found
    if access.is_leader(person):
        return person
    first = next(iter(queries.leaders()), None)
    if first is None:
        raise Http404(_("No leader yet."))
    return first


@login_required
@require_safe
def index(request: Request) -> HttpResponse:
    """A leader lands on his or her month; the office on the table of every leader's."""
    person = request.user
    if access.sees_all_leaders(person):
        return redirect("frontline:compliance")
    if access.is_leader(person):
        return redirect("frontline:month")
    if access.is_personnel_officer(person):
        return redirect("frontline:selections")
    raise PermissionDenied(_("Frontline days are the leaders' and the supervision office's."))


@login_required
@require_safe
def month(request: Request) -> HttpResponse:
    leader = _leader_of(request)
    found = _month_of(request)
    if found is None:
        return render(
            request, "frontline/month.html", {"error": _("Give the month as YYYY-MM."), "leader": leader}, status=400
        )
    year, mon = found
    today = timezone.localdate()
    (row,) = queries.month_table([leader], year, mon)
    half = 1 if mon <= 6 else 2
    (totals,) = queries.half_year([leader], year, half, today).rows
    first, last = month_bounds(year, mon)
    context = {
        "leader": leader,
        "m": row.month,
        "label": f"{year:04d}-{mon:02d}",
        "weeks": queries.calendar_weeks(row.month, today, kind_letters()),
        "weekdays": [first - timedelta(days=first.weekday()) + timedelta(days=n) for n in range(7)],
        "nav_extra": f"&leader={leader.pk}" if leader.pk != request.user.pk else "",
        "entries": list(queries.month_entries(leader, year, mon)),
        "previous": _shift(year, mon, -1),
        "next": _shift(year, mon, 1) if last < today else None,
        "in_progress": first <= today <= last,
        "days_left": (last - today).days + 1 if first <= today <= last else 0,
        "half": totals,
        "half_bounds": half_bounds(year, half),
        "may_log": access.may_log_for(request.user, leader),
        "office": access.sees_all_leaders(request.user),
        "own": leader.pk == request.user.pk,
    }
    return render(request, "frontline/month.html", context)


def _log_form(request: Request, data=None) -> FieldworkForm:
    office = access.sees_all_leaders(request.user)
    people = Person.objects.filter(pk__in=[p.pk for p in queries.leaders()]).order_by("pk") if office else None
    if data is not None:
        return FieldworkForm(data, leaders=people)
    initial = {"submission_key": new_key(), "date": timezone.localdate(), "days": 1, "kind": FieldKind.GRASSROOTS}
    if office and request.GET.get("leader", "").isdigit():
        initial["leader"] = request.GET["leader"]
    return FieldworkForm(initial=initial, leaders=people)


@login_required
@require_http_methods(["GET", "POST"])
def log(request: Request) -> HttpResponse:
    person = request.user
    if not (person.is_office or access.is_leader(person)):
        raise PermissionDenied(
            _("Only the leader, or the supervision office for the leader, logs a leader's frontline days.")
        )
    status, error = 200, None
    if request.method == "POST":
        form = _log_form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry, _created = services.do_log_fieldwork(
                    person,
                    leader=data.get("leader") or person,
                    date=data["date"],
                    days=data["days"],
                    kind=data["kind"],
                    place=data["place"],
                    unit=data["unit"],
                    purpose=data["purpose"],
                    problems=form.problem_inputs(),
                    submission_key=data["submission_key"] or None,
                )
            except ServiceError as err:
                status, error = err.status, err.message
                form.show_refusal(err)
            else:
                messages.success(
                    request, _("Logged: {place}, {date}.").format(place=entry.place, date=entry.date.isoformat())
                )
                url = f"{reverse('frontline:month')}?month={entry.date:%Y-%m}"
                if entry.leader_id != person.pk:
                    url += f"&leader={entry.leader_id}"
                return redirect(url)
        else:
            status, error = 400, _("Please correct the errors below.")
    else:
        form = _log_form(request)
    supervised = [] if "leader" in form.fields else list(person.supervised_units.order_by("pk"))
    return render(
        request, "frontline/log.html", {"form": form, "error": error, "supervised": supervised}, status=status
    )


def _entry(request: Request, entry_id: int) -> Fieldwork:
    found = queries.with_problems(queries.visible_fieldwork(_reader(request))).filter(pk=entry_id).first()
    if found is None:
        raise Http404(_("No such frontline day, or not one you may see."))
    return found


@login_required
@require_safe
def entry(request: Request, entry_id: int) -> HttpResponse:
    e = _entry(request, entry_id)
    context = {"e": e, "office": request.user.is_office, "problems": list(e.problems.all())}
    return render(request, "frontline/entry.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def to_list(request: Request, problem_id: int) -> HttpResponse:
    """The office makes a problem a published list (source `frontline`) in one step."""
    if not request.user.is_office:
        raise PermissionDenied(_("Only the supervision office may do this."))
    problem = (
        FieldProblem.objects.select_related("fieldwork__leader", "fieldwork__unit", "list")
        .filter(pk=problem_id)
        .first()
    )
    if problem is None:
        raise Http404(_("No such problem."))
    if problem.list is not None:
        return redirect("lists:loop", problem.list.pk)
    status, error = 200, None
    if request.method == "POST":
        form = ToListForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                rlist, _created = services.do_problem_to_list(
                    request.user,
                    problem,
                    title=data["title"],
                    lead_unit=data["lead_unit"],
                    co_units=list(data["co_units"]),
                    deadline=data["deadline"],
                    report_every_days=data["report_every_days"],
                )
            except ServiceError as err:
                status, error = err.status, err.message
                form.show_refusal(err)
            else:
                messages.success(
                    request, _("The problem is now list {code}, published to its units.").format(code=rlist.code)
                )
                return redirect("lists:loop", rlist.pk)
        else:
            status, error = 400, _("Please correct the errors below.")
    else:
        initial = {"lead_unit": problem.fieldwork.unit, "deadline": timezone.localdate() + timedelta(days=30)}
        form = ToListForm(initial=initial)
    return render(request, "frontline/to_list.html", {"form": form, "problem": problem, "error": error}, status=status)


# ---------------------------------------------------------------- the tables (and the cockpit's drill-downs)


def _leader_param(request: Request) -> tuple[list[Person] | None, str]:
    """`leader=`: the office narrows a table to one leader's row, a leader names only himself or herself
    (anyone else: refused); None when not given. A bad value: no rows and a message naming it."""
    person, raw = request.user, request.GET.get("leader", "")
    if not raw:
        return None, ""
    if not access.sees_all_leaders(person):
        if raw != str(person.pk) or not access.is_leader(person):
            raise PermissionDenied(_("A leader sees his or her own frontline days."))
        return [person], ""
    found = next((p for p in queries.leaders() if str(p.pk) == raw), None) if raw.isdigit() else None
    if found is None:
        return [], _("“leader”: no leader has the id %(id)s.") % {"id": raw[:20]}
    return [found], ""


def _day_param(request: Request, name: str) -> tuple[date | None, str]:
    raw = request.GET.get(name, "")
    if not raw:
        return None, ""
    try:
        day = date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2100:
        return None, _("“{param}”: give a date as YYYY-MM-DD.").format(param=name)
    return day, ""


@login_required
@require_safe
def compliance(request: Request) -> HttpResponse:
    """The office's table: every leader's month against the rule; `ok=1` (meeting it) or `ok=0` (short of
    it) and `leader=` narrow it (a leader may open it for his or her own row only)."""
    narrowed, leader_error = _leader_param(request)
    if narrowed is None and not access.sees_all_leaders(request.user):
        raise PermissionDenied(_("This page is for the supervision office."))
    found = _month_of(request)
    ok = request.GET.get("ok", "")
    errors = [e for e in (leader_error,) if e]
    if found is None:
        errors.append(_("Give the month as YYYY-MM."))
    if ok not in ("", "0", "1"):
        errors.append(_("“ok”: give 1 (meeting the rule) or 0 (short of it)."))
    if errors:
        return render(request, "frontline/compliance.html", {"error": " ".join(errors)}, status=400)
    assert found is not None
    year, mon = found
    today = timezone.localdate()
    first, last = month_bounds(year, mon)
    rows = queries.month_table(queries.leaders() if narrowed is None else narrowed, year, mon)
    short = sum(1 for r in rows if not r.month.ok)
    if ok:
        rows = [r for r in rows if r.month.ok == (ok == "1")]
    kept = [(k, request.GET[k]) for k in ("ok", "leader") if request.GET.get(k)]
    context = {
        "rows": rows,
        "label": f"{year:04d}-{mon:02d}",
        "rule": config.rule(),
        "previous": _shift(year, mon, -1),
        "next": _shift(year, mon, 1) if last < today else None,
        "in_progress": first <= today <= last,
        "short": short,
        "ok": ok,
        "nav_extra": "".join(f"&{k}={v}" for k, v in kept),
    }
    return render(request, "frontline/compliance.html", context)


def _period_of(request: Request, today: date) -> tuple[int, int, date | None, date | None, list[str]]:
    """The half year (`year`, `half`; this one by default), or any period (`from`, `to`) in its place."""
    raw_year, raw_half = request.GET.get("year", ""), request.GET.get("half", "")
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else today.year
    half = int(raw_half) if raw_half in ("1", "2") else (1 if today.month <= 6 else 2)
    start, start_error = _day_param(request, "from")
    end, end_error = _day_param(request, "to")
    errors = [e for e in (start_error, end_error) if e]
    if (start or end) and not errors:
        start = start or date((end or today).year, 1, 1)
        end = end or date(start.year, 12, 31)
        if end < start:
            errors.append(_("“to” is before “from”."))
        year, half = start.year, 1 if start.month <= 6 else 2
    return year, half, start, end, errors


@login_required
@require_safe
def half_year(request: Request) -> HttpResponse:
    """Trips and days per leader in a half year (or between `from` and `to`): the office sees every leader
    (or one, `leader=`), a leader himself or herself. `show=trips` lists the trips (the entries) too."""
    person = _reader(request)
    today = timezone.localdate()
    narrowed, leader_error = _leader_param(request)
    year, half, start, end, errors = _period_of(request, today)
    show = request.GET.get("show", "")
    if show not in ("", "trips"):
        errors.append(_("“show”: give trips, or nothing for the days."))
    if leader_error:
        errors.append(leader_error)
    people = queries.leaders_for(person) if narrowed is None else narrowed
    first, last = (start, end) if start and end else half_bounds(year, half)
    h = queries.period(people if not errors else [], first, last, today)
    previous = (year - 1, 2) if half == 1 else (year, 1)
    following = (year, 2) if half == 1 else (year + 1, 1)
    begins = half_bounds(*following)[0]
    page = None
    if show and not errors:
        page = paginate(queries.trips(people, first, last), request.GET.get("page"), h.all.trips)
    context = {
        "h": h,
        "year": year,
        "half": half,
        "previous": previous,
        "following": following if begins <= today else None,
        "office": access.sees_all_leaders(person),
        "errors": errors,
        "show": show,
        "page": page,
        "count": h.all.trips if show else h.all.days,
        "kept": "".join(f"&{k}={request.GET[k]}" for k in ("leader",) if request.GET.get(k) and not leader_error),
        "trips_query": _query(request, show="trips"),
        "days_query": _query(request, show=""),
    }
    return render(request, "frontline/half_year.html", context, status=400 if errors else 200)


def _query(request: Request, **changes: str) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    for k, v in changes.items():
        query.pop(k, None)
        if v:
            query[k] = v
    return query.urlencode()
