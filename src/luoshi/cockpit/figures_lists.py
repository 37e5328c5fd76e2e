"""The cockpit's lists section: lists issued, completed, in progress and overdue, by light, leader and unit.

What each figure counts (and what its link asks the lists index, lists.views_index, for):
- issued: lists published on a day of the period (`from` / `to`: the publication day);
- completed: lists struck off on a day of the period (`status=closed`, `closed_from` / `closed_to`);
- in_progress, overdue and the lights are "now": the lists in progress today (overdue and lit as the index
  judges them today); for a period that ended before today, only the lists published by its end (`to`).
- A leader's scope: the lists the leader is responsible for (the index's `leader=`); the whole city: all.
- by unit: a unit counts the lists it has a duty on, as the index's `unit=` finds them.

Constant queries: one grouped by leader (the totals are its sums), one grouped by unit (top units), two for
the trend (publications and strike-offs per month of the year). The lists' tallies (lists.tallies) count by
the list's year, not by the day it was published or struck off, and hold no lights: so the period's figures
are aggregates over the lists themselves, one row per leader or unit."""

import calendar
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from luoshi.cockpit.scope import Scope
from luoshi.cockpit.shapes import Chart, Section, Series, figure, series
from luoshi.duties.lights import GREEN, RED, YELLOW, light_q, overdue_q
from luoshi.duties.models import Duty
from luoshi.lists.models import ListStatus, ResponsibilityList
from luoshi.lists.queries import day_bounds
from luoshi.lists.services import owner_type

TOP_UNITS = 10
KEYS = ("issued", "completed", "in_progress", "overdue")
LIGHT_KEYS = (RED, YELLOW, GREEN)  # the worst first, as the cockpit reads them


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def index_url(**params: Any) -> str:
    """The lists index filtered by `params` (None values left out), parameters in a stable order."""
    query = urlencode([(k, str(v)) for k, v in params.items() if v not in (None, "")])
    url = reverse("lists:index")
    return f"{url}?{query}" if query else url


def conditions(scope: Scope, prefix: str = "") -> dict[str, Q]:
    """Each figure's test on a list (`prefix` names the relation to it), as the index's filters apply it."""
    p = prefix
    published_by_end = day_bounds(None, scope.end, f"{p}published_at") if scope.end < scope.today else Q()
    live = Q(**{f"{p}status": ListStatus.IN_PROGRESS}) & published_by_end
    due, deadline = f"{p}working_due", f"{p}working_deadline"
    return {
        "issued": day_bounds(scope.start, scope.end, f"{p}published_at"),
        "completed": Q(**{f"{p}status": ListStatus.CLOSED}) & day_bounds(scope.start, scope.end, f"{p}closed_at"),
        "in_progress": live,
        "overdue": live & overdue_q(scope.today, due, deadline),
        **{light: live & light_q(light, scope.today, due, deadline) for light in LIGHT_KEYS},
    }


def links(scope: Scope, **extra: Any) -> dict[str, str]:
    """Each figure's index address, for the scope (and `extra` filters: a leader, a unit)."""
    leader = {"leader": scope.leader_id} if scope.leader_id else {}
    by_end = {"to": scope.end.isoformat()} if scope.end < scope.today else {}
    start, end = scope.start.isoformat(), scope.end.isoformat()
    base = {**leader, **extra}
    return {
        "issued": index_url(**base, **{"from": start, "to": end}),
        "completed": index_url(status=ListStatus.CLOSED, **base, closed_from=start, closed_to=end),
        "in_progress": index_url(status=ListStatus.IN_PROGRESS, **base, **by_end),
        "overdue": index_url(status=ListStatus.IN_PROGRESS, **base, overdue=1, **by_end),
        **{light: index_url(status=ListStatus.IN_PROGRESS, **base, light=light, **by_end) for light in LIGHT_KEYS},
    }


def _scoped(scope: Scope) -> Any:
    qs = ResponsibilityList.objects.exclude(status=ListStatus.DRAFT)
    return qs.filter(leader_id=scope.leader_id) if scope.leader_id else qs


def _labels() -> dict[str, str]:
    return {
        "issued": _("Issued"),
        "completed": _("Completed"),
        "in_progress": _("In progress"),
        "overdue": _("Overdue"),
        RED: _("Red"),
        YELLOW: _("Yellow"),
        GREEN: _("Green"),
    }


def per_leader(scope: Scope) -> list[dict[str, Any]]:
    """One row per responsible leader with every figure (one query): the totals are their sums."""
    conds = conditions(scope)
    anything = conds["issued"] | conds["completed"] | conds["in_progress"]
    rows = (
        _scoped(scope)
        .filter(anything)
        .order_by()
        .values("leader_id", "leader__name")
        .annotate(**{k: Count("pk", filter=q) for k, q in conds.items()})
    )
    return sorted(rows, key=lambda r: (-r["issued"], -r["in_progress"], r["leader_id"] or 0))


def per_unit(scope: Scope) -> list[dict[str, Any]]:
    """The units with the most lists in the period or in progress, each with every figure (one query)."""
    conds = conditions(scope, "list__")
    anything = conds["issued"] | conds["completed"] | conds["in_progress"]
    if scope.leader_id:
        anything &= Q(list__leader_id=scope.leader_id)
    # One filter() call: one join to the list, which the counts below reuse (drafts match no condition).
    duties = Duty.objects.filter(anything, owner_type=owner_type())
    counts = {k: Count("owner_id", filter=conds[k], distinct=True) for k in KEYS}
    rows = duties.order_by().values("unit_id", "unit__name").annotate(**counts)
    return list(rows.order_by("-issued", "-in_progress", "unit_id")[:TOP_UNITS])


def trend(scope: Scope, labels: dict[str, str]) -> list[Series]:
    """Lists issued and struck off in each month of the year (two queries)."""
    year = scope.year
    start, end = date(year, 1, 1), date(year, 12, 31)
    scoped = _scoped(scope)
    issued = scoped.filter(day_bounds(start, end, "published_at"))
    closed = scoped.filter(Q(status=ListStatus.CLOSED) & day_bounds(start, end, "closed_at"))
    by_month = {
        key: {
            m.month: n for m, n in qs.annotate(m=TruncMonth(field)).order_by().values_list("m").annotate(n=Count("pk"))
        }
        for key, qs, field in (("issued", issued, "published_at"), ("completed", closed, "closed_at"))
    }
    leader = {"leader": scope.leader_id} if scope.leader_id else {}
    months = [(date(year, m, 1).isoformat(), month_end(year, m).isoformat()) for m in range(1, 13)]
    return [
        series(
            labels["issued"],
            [by_month["issued"].get(m, 0) for m in range(1, 13)],
            [index_url(**leader, **{"from": a, "to": b}) for a, b in months],
        ),
        series(
            labels["completed"],
            [by_month["completed"].get(m, 0) for m in range(1, 13)],
            [index_url(status=ListStatus.CLOSED, **leader, closed_from=a, closed_to=b) for a, b in months],
        ),
    ]


def section(scope: Scope) -> Section:
    labels = _labels()
    leaders = per_leader(scope)
    totals = {k: sum(r[k] for r in leaders) for k in (*KEYS, *LIGHT_KEYS)}
    urls = links(scope)
    figures = [figure(k, labels[k], totals[k], urls[k]) for k in KEYS]

    by_light = Chart(
        key="by_light",
        title=_("Lists in progress by light"),
        kind="stack",
        labels=[_("In progress")],
        series=[series(labels[k], [totals[k]], [urls[k]], color=k) for k in LIGHT_KEYS],
    )
    no_leader = _("No responsible leader")
    leader_links = [links(scope, leader=r["leader_id"]) if r["leader_id"] else None for r in leaders]
    by_leader = Chart(
        key="by_leader",
        title=_("Lists by responsible leader"),
        kind="bar",
        labels=[r["leader__name"] or no_leader for r in leaders],
        series=[series(labels[k], [r[k] for r in leaders], [u[k] if u else None for u in leader_links]) for k in KEYS],
    )
    units = per_unit(scope)
    unit_links = [links(scope, unit=r["unit_id"]) for r in units]
    by_unit = Chart(
        key="by_unit",
        title=_("Lists by handling unit (top %(n)s)") % {"n": TOP_UNITS},
        kind="bar",
        labels=[r["unit__name"] for r in units],
        series=[series(labels[k], [r[k] for r in units], [u[k] for u in unit_links]) for k in KEYS],
    )
    return Section(
        key="lists",
        title=_("Responsibility lists"),
        figures=figures,
        charts=[by_light, by_leader, by_unit],
        trend=trend(scope, labels),
    )
