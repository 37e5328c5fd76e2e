"""The cockpit's fieldwork section: leaders' frontline days (frontline.Fieldwork, counted by frontline.rule).

- This month (today's, or the period's last for a past period): the leaders meeting the rule and those short
  of it, and the month's table (each leader's grassroots, supervised-unit and project-site days);
- this half year, and the period: trips (entries with a day in it) and days (distinct days, once per
  leader, summed over the leaders);
- trend: days per month of the year.

The drill-downs: the compliance table (`ok=1` / `ok=0`) and the trips-and-days page (`from`/`to` or the
half, `show=trips` for the entries). A leader's scope: the leader's own days (`leader=`). Two queries
whatever the number of leaders and entries: the leaders, and their entries over the year."""

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from luoshi.cockpit.scope import Scope
from luoshi.cockpit.shapes import Chart, Figure, Section, Series, figure, series
from luoshi.frontline import config, queries
from luoshi.frontline.rule import Entry, half_bounds, month_bounds, month_compliance, period_totals
from luoshi.org.models import Person

MONTHS = range(1, 13)


def ref_day(scope: Scope) -> date:
    """The day "this month" and "this half year" are read at: today, or the period's last for a past one."""
    return max(min(scope.today, scope.end), scope.start)


def _url(name: str, scope: Scope, **params: Any) -> str:
    if scope.leader:
        params["leader"] = scope.leader.pk
    query = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in params.items()}
    return f"{reverse(name)}?{urlencode(query)}"


def days_url(scope: Scope, first: date, last: date, *, trips: bool = False) -> str:
    params: dict[str, Any] = {"from": first, "to": last}
    if trips:
        params["show"] = "trips"
    return _url("frontline:half_year", scope, **params)


def _totals(people: list[Person], entries: dict[int, list[Entry]], first: date, last: date) -> tuple[int, int]:
    trips = days = 0
    for p in people:
        t = period_totals(entries[p.pk], first, last)
        trips, days = trips + t.trips, days + t.days
    return trips, days


def section(scope: Scope) -> Section:
    people = [scope.leader] if scope.leader else queries.leaders()
    ref = ref_day(scope)
    half = 1 if ref.month <= 6 else 2
    half_first, half_last = half_bounds(ref.year, half)
    month_first, month_last = month_bounds(ref.year, ref.month)
    year_first, year_last = date(scope.year, 1, 1), date(scope.year, 12, 31)
    first = min(scope.start, year_first, half_first, month_first)
    last = max(scope.end, year_last, half_last, month_last)
    entries = queries.entries_of([p.pk for p in people], first, last)
    rule = config.rule()

    months = [(p, month_compliance(entries[p.pk], ref.year, ref.month, rule)) for p in people]
    meeting = sum(1 for _p, m in months if m.ok)
    month = f"{ref:%Y-%m}"
    half_trips, half_days = _totals(people, entries, half_first, half_last)
    trips, days = _totals(people, entries, scope.start, scope.end)
    figures: list[Figure] = [
        figure(
            "leaders_meeting",
            _("Leaders meeting the rule this month"),
            meeting,
            _url("frontline:compliance", scope, month=month, ok="1"),
        ),
        figure(
            "leaders_short",
            _("Leaders short of the rule this month"),
            len(months) - meeting,
            _url("frontline:compliance", scope, month=month, ok="0"),
        ),
        figure("trips_half", _("Trips this half year"), half_trips, days_url(scope, half_first, half_last, trips=True)),
        figure("days_half", _("Days this half year"), half_days, days_url(scope, half_first, half_last)),
        figure("trips", _("Trips in the period"), trips, days_url(scope, scope.start, scope.end, trips=True)),
        figure("days", _("Days in the period"), days, days_url(scope, scope.start, scope.end)),
    ]
    month_urls: list[str | None] = [
        f"{reverse('frontline:month')}?{urlencode({'month': month, 'leader': str(p.pk)})}" for p, _m in months
    ]
    table = Chart(
        key="month_table",
        title=_("Frontline days this month, by leader"),
        kind="stack",
        labels=[p.name for p, _m in months],
        series=[
            series(_("Grassroots days"), [m.grassroots_days for _p, m in months], month_urls, counted=False),
            series(_("Days at supervised units"), [m.supervised_days for _p, m in months], month_urls, counted=False),
            series(_("Project-site days"), [m.project_days for _p, m in months], month_urls, counted=False),
        ],
    )
    bounds = [month_bounds(scope.year, m) for m in MONTHS]
    trend: list[Series] = [
        series(
            _("Days at the frontline"),
            [_totals(people, entries, a, b)[1] for a, b in bounds],
            [days_url(scope, a, b) for a, b in bounds],
        )
    ]
    return Section(key="fieldwork", title=_("Frontline work"), figures=figures, charts=[table], trend=trend)
