"""The year in figures (/cockpit/summary/): the figures the article reports for a period (cockpit.summary), each
linking to the index of the records it counts, with the index's own filters (`from`, `to` and what the figure
needs). A form picks the period (default: this year to date). The office and the leaders read it; a bad or
reversed date is shown as a message naming the field (400). A constant number of queries."""

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_safe

from luoshi.cockpit import summary
from luoshi.errors import InvalidInput
from luoshi.ledger.models import Task
from luoshi.pages import Request
from luoshi.schemas import MAX_YEAR, MIN_YEAR

# What a figure counts, shown after it (个, 项, 人…): the context keeps each apart from the same word elsewhere.
MEASURES: dict[str, Any] = {
    "lists": pgettext_lazy("summary measure", "lists"),
    "tasks": pgettext_lazy("summary measure", "tasks"),
    "units": pgettext_lazy("summary measure", "units"),
    "problems": pgettext_lazy("summary measure", "problems"),
    "talks": pgettext_lazy("summary measure", "talks"),
    "cases": pgettext_lazy("summary measure", "cases"),
    "people": pgettext_lazy("summary measure", "people"),
    "episodes": pgettext_lazy("summary measure", "episodes"),
    "trips": pgettext_lazy("summary measure", "trips"),
    "days": pgettext_lazy("summary measure", "days"),
    "projects": pgettext_lazy("summary measure", "projects"),
    "100 million yuan": pgettext_lazy("summary measure", "100 million yuan"),
}


# (section, key, label, unit): the page's order, the API's keys.
FIGURES: tuple[tuple[str, str, Any, Any], ...] = (
    ("lists", "issued", gettext_lazy("Lists issued"), MEASURES["lists"]),
    ("lists", "completed", gettext_lazy("Completed"), MEASURES["lists"]),
    ("lists", "in_progress", gettext_lazy("In progress"), MEASURES["lists"]),
    ("ledger", "tasks", gettext_lazy("Tasks on the master ledger"), MEASURES["tasks"]),
    ("inspections", "units_inspected", gettext_lazy("Units inspected"), MEASURES["units"]),
    ("inspections", "findings", gettext_lazy("Problems found"), MEASURES["problems"]),
    ("inspections", "units_talked", gettext_lazy("Units given reminder talks"), MEASURES["units"]),
    ("discipline", "talks", gettext_lazy("Talks"), MEASURES["talks"]),
    ("discipline", "violations", gettext_lazy("Violations of work-style discipline"), MEASURES["cases"]),
    ("discipline", "accountable", gettext_lazy("People held accountable"), MEASURES["people"]),
    ("discipline", "disciplined", gettext_lazy("People disciplined"), MEASURES["people"]),
    ("public", "problems", gettext_lazy("Problems taken in on the programmes"), MEASURES["problems"]),
    ("public", "exposed", gettext_lazy("Hot issues exposed"), MEASURES["problems"]),
    ("public", "programme_episodes", gettext_lazy("Episodes aired"), MEASURES["episodes"]),
    ("public", "units_on_air", gettext_lazy("Units on air"), MEASURES["units"]),
    ("fieldwork", "trips", gettext_lazy("Main leaders' trips to the grassroots"), MEASURES["trips"]),
    ("fieldwork", "days", gettext_lazy("Their days in the field"), MEASURES["days"]),
    ("projects", "signed", gettext_lazy("New projects signed"), MEASURES["projects"]),
    ("projects", "total_investment", gettext_lazy("Their total investment"), MEASURES["100 million yuan"]),
    ("projects", "funds_in_place", gettext_lazy("Funds in place"), MEASURES["100 million yuan"]),
    ("projects", "fixed_asset_investment", gettext_lazy("Fixed-asset investment"), MEASURES["100 million yuan"]),
)
SECTIONS: dict[str, Any] = {
    "lists": gettext_lazy("Responsibility lists"),
    "ledger": gettext_lazy("The master ledger"),
    "inspections": gettext_lazy("Inspection"),
    "discipline": gettext_lazy("Talks and accountability"),
    "public": gettext_lazy("Media and public supervision"),
    "fieldwork": gettext_lazy("Frontline work"),
    "projects": gettext_lazy("Investment and projects"),
}


def _day(raw: str, name: str) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw) if len(raw) == 10 and raw.isascii() else None
    except ValueError:
        day = None
    if day is None or not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InvalidInput(
            _("“%(param)s”: give a date as YYYY-MM-DD between %(first)s and %(last)s.")
            % {"param": name, "first": MIN_YEAR, "last": MAX_YEAR},
            field=name,
        )
    return day


def period_from(params: Mapping[str, str], today: date) -> summary.Period:
    """`from` (default 1 January of this year) and `to` (default today), inclusive."""
    first = _day(params.get("from", ""), "from") or today.replace(month=1, day=1)
    last = _day(params.get("to", ""), "to") or max(today, first)
    if last < first:
        raise InvalidInput(_("“to” is before “from”."), field="to")
    return summary.Period(first, last)


def _url(name: str, params: dict[str, Any], *args: int) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name, args=args) + (f"?{query}" if query else "")


def _ledger_tasks(period: summary.Period) -> dict[str, int | None]:
    """The ledger's tasks the projects' figures add up (the parents of the leaves reporting them): one query."""
    rows = (
        Task.objects.filter(
            ledger__year__gte=period.start.year,
            ledger__year__lte=period.end.year,
            children__isnull=False,
            indicators__name__in=(summary.SIGNED, summary.FIXED_ASSETS),
        )
        .order_by("-ledger__year", "pk")
        .values_list("pk", "indicators__name", "ledger_id")
    )
    found: dict[str, int | None] = {"signed": None, "fixed": None, "ledger": None}
    for pk, name, ledger_id in rows:
        key = "signed" if name == summary.SIGNED else "fixed"
        found[key] = found[key] or pk
        found["ledger"] = found["ledger"] or ledger_id
    return found


def links(period: summary.Period) -> dict[str, dict[str, str]]:
    """Each figure's records: the index it is counted from, filtered to the period."""
    span = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    tasks = _ledger_tasks(period)
    ledger = _url("ledger:tree", {}, tasks["ledger"]) if tasks["ledger"] else _url("ledger:index", {})
    signed = _url("ledger:task", {}, tasks["signed"]) if tasks["signed"] else ledger
    fixed = _url("ledger:task", {}, tasks["fixed"]) if tasks["fixed"] else ledger
    field = _url("frontline:half_year", span)
    cases = "oversight:cases"
    return {
        "lists": {
            "issued": _url("lists:index", span),
            "completed": _url("lists:index", {**span, "status": "closed", "closed_to": span["to"]}),
            "in_progress": _url("lists:index", {**span, "status": "in_progress"}),
        },
        "ledger": {"tasks": ledger},
        "inspections": {
            "units_inspected": _url("oversight:inspections", span),
            "findings": _url("oversight:findings", span),
            "units_talked": _url(cases, {"tab": "talks", "kind": "reminder", **span}),
        },
        "discipline": {
            "talks": _url(cases, {"tab": "talks", **span}),
            "violations": _url(cases, {"tab": "violations", **span}),
            "accountable": _url(cases, {"tab": "accountability", **span}),
            "disciplined": _url(cases, {"tab": "accountability", **span}),
        },
        "public": {
            "problems": _url("public:index", {**span, "channel": "tv"}),
            "exposed": _url("public:index", {**span, "hot": "on"}),
            "programme_episodes": _url("public:programmes", {}),
            "units_on_air": _url("public:programmes", {}),
        },
        "fieldwork": {"trips": _url("frontline:half_year", {**span, "show": "trips"}), "days": field},
        "projects": {
            "signed": signed,
            "total_investment": signed,
            "funds_in_place": signed,
            "fixed_asset_investment": fixed,
        },
    }


def sections(figures: dict[str, dict[str, Any]], urls: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """What the template walks: each section's title and its figures (key, label, value, unit, url)."""
    out: dict[str, dict[str, Any]] = {}
    for section, key, label, unit in FIGURES:
        entry = out.setdefault(section, {"key": section, "title": SECTIONS[section], "figures": []})
        entry["figures"].append(
            {"key": key, "label": label, "value": figures[section][key], "unit": unit, "url": urls[section][key]}
        )
    return list(out.values())


@login_required
@require_safe
def page(request: Request) -> HttpResponse:
    if not summary.may_read(request.user):
        raise PermissionDenied(_("The year in figures is for the supervision office and the leaders."))
    today = timezone.localdate()
    raw = {name: request.GET.get(name, "") for name in ("from", "to")}
    try:
        period = period_from(raw, today)
    except InvalidInput as e:
        context: dict[str, Any] = {"errors": [e.message], "field": e.field, "raw": raw}
        return render(request, "cockpit/summary.html", context, status=400)
    figures = summary.summary(period)
    context = {
        "period": period,
        "raw": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "sections": sections(figures, links(period)),
        "today": today,
    }
    return render(request, "cockpit/summary.html", context)


urlpatterns: list[URLPattern] = [path("summary/", page, name="summary")]
