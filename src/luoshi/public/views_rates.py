"""The rates page (三率: the month's ranking of units and of districts, the formula and the weights in
words, each unit's counts) and the programmes' pages (TV programmes and columns, their episodes with the
units on air and the problems taken in on air). Everyone in the business reads them (the rankings are
published); the office adds programmes and episodes."""

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from luoshi.errors import ServiceError
from luoshi.org import access
from luoshi.pages import Request, form_errors, office_only
from luoshi.public import programmes as services
from luoshi.public import rates
from luoshi.public.api_rates import parse_month
from luoshi.public.forms_rates import EpisodeForm, ProgrammeForm, new_key
from luoshi.public.models import Programme

INVALID = _("Please correct the errors below.")


def percent(rate: float | None) -> str:
    """A rate as the page shows it: 66.7%, or — without a denominator."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def shown(rows: list[rates.UnitRate]) -> list[dict[str, Any]]:
    return [
        {
            "r": r,
            "response": percent(r.response_rate),
            "resolution": percent(r.resolution_rate),
            "satisfaction": percent(r.satisfaction_rate),
            "score": "—" if r.score is None else f"{r.score:.2f}",
        }
        for r in rows
    ]


def _shift(month: date, by: int) -> date:
    return (month + timedelta(days=32)).replace(day=1) if by > 0 else (month - timedelta(days=1)).replace(day=1)


@login_required
@require_safe
def rates_page(request: Request) -> HttpResponse:
    """The month's rankings (`?month=YYYY-MM`, this month by default), in a constant number of queries
    whatever the number of units."""
    raw = request.GET.get("month", "")
    status = 200
    try:
        month = parse_month(raw)
        error = ""
    except ServiceError as err:
        month, error, status = parse_month(None), err.message, 400
    units, districts = rates.rankings(month) if not error else ([], [])
    context: dict[str, Any] = {
        "month": month,
        "month_value": f"{month:%Y-%m}",
        "previous": f"{_shift(month, -1):%Y-%m}",
        "following": f"{_shift(month, 1):%Y-%m}",
        "error": error,
        "weights": rates.weights(),
        "units": shown(units),
        "districts": shown(districts),
    }
    return render(request, "public/rates.html", context, status=status)


# ---------------------------------------------------------------- programmes


def _programmes_page(
    request: Request, form: ProgrammeForm | None = None, status: int = 200, error: str = ""
) -> HttpResponse:
    is_office = access.can_steer_lists(request.user)
    context = {
        "rows": list(services.programmes()),
        "form": (form or ProgrammeForm(initial={"submission_key": new_key()})) if is_office else None,
        "error": error,
    }
    return render(request, "public/programme_index.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def programmes(request: Request) -> HttpResponse:
    """Every programme and column with its episodes and problems counted; the office adds one."""
    if request.method != "POST":
        return _programmes_page(request)
    office_only(request)
    form = ProgrammeForm(request.POST)
    if not form.is_valid():
        return _programmes_page(request, form, 400, INVALID)
    c = form.cleaned_data
    try:
        p, created = services.do_create_programme(
            request.user, c["kind"], c["name"], c["description"], submission_key=c["submission_key"] or None
        )
    except ServiceError as err:
        form.show_refusal(err)
        return _programmes_page(request, form, err.status, err.message)
    if created:
        messages.success(request, _("Programme “{name}” added.").format(name=p.name))
    else:
        messages.info(request, _("This programme was already added; it is stored once."))
    return redirect("public:programme", p.pk)


def _programme_page(
    request: Request, p: Programme, form: EpisodeForm | None = None, status: int = 200, error: str = ""
) -> HttpResponse:
    is_office = access.can_steer_lists(request.user)
    episodes = list(services.episodes(p))
    number = max((e.number for e in episodes), default=0) + 1
    context = {
        "programme": p,
        "episodes": episodes,
        "form": (form or EpisodeForm(initial={"submission_key": new_key(), "number": number})) if is_office else None,
        "error": error,
        "errors": form_errors(form) if form is not None and form.errors else [],
    }
    return render(request, "public/programme_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def programme(request: Request, pk: int) -> HttpResponse:
    """A programme's episodes, the units on each and the problems taken in and accepted on air; the office
    adds an episode."""
    p = services.programmes().filter(pk=pk).first()
    if p is None:
        raise Http404(_("No such programme."))
    if request.method != "POST":
        return _programme_page(request, p)
    office_only(request)
    form = EpisodeForm(request.POST)
    if not form.is_valid():
        return _programme_page(request, p, form, 400, INVALID)
    c = form.cleaned_data
    data = services.EpisodeInput(c["number"], c["aired_on"], c["title"], [u.pk for u in c["units"]])
    try:
        b, created = services.do_add_episode(request.user, p, data, submission_key=c["submission_key"] or None)
    except ServiceError as err:
        form.show_refusal(err)
        return _programme_page(request, p, form, err.status, err.message)
    if created:
        messages.success(request, _("Episode {n} added.").format(n=b.number))
    else:
        messages.info(request, _("This episode was already added; it is stored once."))
    return redirect("public:programme", p.pk)


urlpatterns: list[URLPattern] = [
    path("rates/", rates_page, name="rates"),
    path("programmes/", programmes, name="programmes"),
    path("programmes/<int:pk>/", programme, name="programme"),
]
