"""The cockpit's ledger section: the year's master ledger (总台账) by progress and programme, its key
indicators against their trajectory, and the tasks completed month by month.

Scope: the whole city, or a leader's ledger (ledger.queries.portfolio_q: the tasks he is responsible for and
those of the units he supervises, as the ledger shows them to him); the tree takes it as `portfolio=<id>`.
A ledger being built (draft) is not counted. The progress states are those of /api/v1/stats/ledger
(ledger.queries.state_filter), "now" (today's lights, the stored forecasts); "completed" in a month is the
day the task's last duty was accepted (ledger.queries.completion_days: the tasks that carry duties).

Every count links to the ledger's tree filtered to those rows, when the viewer's tree shows them all (the
office, or the leader his own ledger); a leader looking at the whole city gets the numbers without links.
Amounts (indicators, progress) are counted=False. Six queries (seven for a leader: his units)."""

from calendar import monthrange
from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from luoshi.cockpit.scope import Scope
from luoshi.cockpit.shapes import Chart, Figure, Section, Series, figure, series
from luoshi.ledger import queries
from luoshi.ledger.forecast import period_end
from luoshi.ledger.models import Indicator, IndicatorKind, Ledger, LedgerStatus, Task, TrajectoryPoint
from luoshi.ledger.page_data import WEIGHTED

COLORS = {"done": "blue", "on_track": "green", "at_risk": "yellow", "late": "red"}
# The key indicators as the demo ledger (and the article) names them: a stable key for each.
KEYS = {
    "固定资产投资": "fixed_asset_investment",
    "签约总投资": "signed_investment",
    "到位资金": "funds_in_place",
    "新签项目": "new_projects",
    "年度完成投资": "project_investment",
    "货币化安置": "households_resettled",
    "开工套数": "flats_started",
    "空气质量达标天数": "good_air_days",
    "减少农村贫困人口": "poverty_reduced",
}
HUNDRED = Decimal(100)


def state_labels() -> dict[str, str]:
    return {"done": _("Completed"), "on_track": _("On track"), "at_risk": _("At risk"), "late": _("Late")}


class Links:
    """The tree's address for a filter, or None when the viewer's tree would not show all the rows."""

    def __init__(self, scope: Scope, ledger: Ledger) -> None:
        viewer = scope.viewer
        self.shown = viewer.is_office or (  # the office's tree shows every task (queries.units_of)
            scope.leader is not None and scope.leader.pk == viewer.pk
        )
        self.base = reverse("ledger:tree", args=[ledger.pk])
        self.scope = {"portfolio": scope.leader.pk} if scope.leader else {}

    def __call__(self, **params: Any) -> str | None:
        if not self.shown:
            return None
        query = {**self.scope, **{k: v for k, v in params.items() if v is not None}}
        return f"{self.base}?{urlencode(query)}" if query else self.base


def scoped_tasks(scope: Scope, ledger: Ledger) -> QuerySet[Task]:
    qs = Task.objects.filter(ledger=ledger).order_by()
    return qs.filter(queries.portfolio_q(scope.leader)) if scope.leader else qs


def months(year: int) -> list[tuple[date, date]]:
    return [(date(year, m, 1), date(year, m, monthrange(year, m)[1])) for m in range(1, 13)]


def _empty(scope: Scope) -> Section:
    return Section(key="ledger", title=_("Master ledger"), figures=[], charts=[], trend=[])


def section(scope: Scope) -> Section:
    ledger = Ledger.objects.filter(year=scope.year).exclude(status=LedgerStatus.DRAFT).first()
    if ledger is None:
        return _empty(scope)
    link = Links(scope, ledger)
    tasks = scoped_tasks(scope, ledger)
    today = scope.today
    labels = state_labels()
    states = {f"n_{s}": Count("pk", filter=queries.state_filter(s, today)) for s in queries.STATES}
    whole = scope.leader is None  # the whole ledger's progress is its top-level tasks' roll-up
    top = Q(parent__isnull=True) if whole else Q()
    total = tasks.aggregate(
        n_tasks=Count("pk"), **states, weighted=Sum(WEIGHTED, filter=top), weights=Sum("weight", filter=top)
    )
    progress = Decimal(0)
    if total["weighted"] and total["weights"]:
        progress = (total["weighted"] / total["weights"]).quantize(Decimal("0.1"))
    trend, in_period = completions(scope, tasks, link)
    figures: list[Figure] = [
        figure("tasks", _("Tasks"), total["n_tasks"], link()),
        *[figure(s, labels[s], total[f"n_{s}"], link(state=s)) for s in queries.STATES],
        figure(
            "completed_in_period",
            _("Completed in the period"),
            in_period,
            link(**{"from": scope.start.isoformat(), "to": scope.end.isoformat()}),
        ),
        figure("progress", _("Progress"), float(progress), link(), counted=False, unit="%"),
    ]
    indicators = key_indicators(scope, tasks)
    for row in indicators:
        if row["key"]:
            figures.append(figure(row["key"], row["name"], row["actual"], None, counted=False, unit=row["measure"]))
            figures.append(
                figure(
                    f"{row['key']}_planned",
                    _("%(name)s planned by now") % {"name": row["name"]},
                    row["planned"],
                    None,
                    counted=False,
                    unit=row["measure"],
                )
            )
    charts = [by_programme(ledger, tasks, today, link), indicator_chart(indicators)]
    return Section(key="ledger", title=_("Master ledger"), figures=figures, charts=charts, trend=trend)


def by_programme(ledger: Ledger, tasks: QuerySet[Task], today: date, link: Links) -> Chart:
    """Each programme's tasks by progress state: one query, and one for the programmes."""
    states = {f"n_{s}": Count("pk", filter=queries.state_filter(s, today)) for s in queries.STATES}
    rows = {r["programme_id"]: r for r in tasks.values("programme_id").annotate(**states)}
    programmes = [p for p in ledger.programmes.all() if p.pk in rows]
    labels = state_labels()
    return Chart(
        key="by_programme",
        title=_("Tasks by programme and progress"),
        kind="stack",
        labels=[p.name for p in programmes],
        series=[
            series(
                labels[s],
                [rows[p.pk][f"n_{s}"] for p in programmes],
                [link(programme=p.pk, state=s) for p in programmes],
                color=COLORS[s],
            )
            for s in queries.STATES
        ],
    )


def completions(scope: Scope, tasks: QuerySet[Task], link: Links) -> tuple[list[Series], int]:
    """The tasks completed in each month of the year (the trend), and in the period: the completion days
    of the scope's tasks (queries.completion_days: three grouped queries), counted by day."""
    by_day = Counter(queries.completion_days(tasks).values())
    spans = months(scope.year)
    monthly: list[float | int] = [0] * 12
    in_period = 0
    for day, n in by_day.items():
        if day.year == scope.year:
            monthly[day.month - 1] += n
        if scope.start <= day <= scope.end:
            in_period += n
    trend = series(
        _("Tasks completed"),
        monthly,
        [link(**{"from": a.isoformat(), "to": b.isoformat()}) for a, b in spans],
        color="blue",
    )
    return [trend], in_period


def key_indicators(scope: Scope, tasks: QuerySet[Task]) -> list[dict[str, Any]]:
    """The indicators of the scope's leaves, by name and measure: the sum of their actuals and targets and of
    their plan for the last period passed (a level's mean). One query."""
    asof = min(scope.today, scope.end)
    year = scope.year
    periods = [f"{year}-{m:02d}" for m in range(1, 13)] + [f"{year}-Q{q}" for q in range(1, 5)]
    passed = {p: period_end(p).toordinal() for p in periods if period_end(p) <= asof}
    planned: Any = Value(None, output_field=IntegerField())
    if passed:
        rank = Case(*[When(period=p, then=Value(r)) for p, r in passed.items()], output_field=IntegerField())
        points = TrajectoryPoint.objects.filter(indicator_id=OuterRef("pk"), period__in=list(passed))
        planned = Subquery(points.annotate(rank=rank).order_by("-rank").values("planned")[:1])
    leaves = tasks.filter(children__isnull=True).values("pk")
    rows = (
        Indicator.objects.filter(task_id__in=leaves)
        .annotate(planned_now=planned)
        .order_by()
        .values("name", "measure", "kind")
        .annotate(
            n=Count("pk"),
            reported=Count("actual"),
            target_sum=Sum("target"),
            actual_sum=Sum("actual"),
            planned_sum=Sum("planned_now"),
            plans=Count("planned_now"),
        )
    )
    out = []
    for r in rows:
        level = r["kind"] == IndicatorKind.LEVEL
        target = Decimal(r["target_sum"] or 0) / (r["n"] if level else 1)
        actual = Decimal(r["actual_sum"] or 0) / (max(r["reported"], 1) if level else 1)
        plan = Decimal(r["planned_sum"] or 0) / (max(r["plans"], 1) if level else 1)
        out.append(
            {
                "key": KEYS.get(r["name"], ""),
                "name": r["name"],
                "measure": r["measure"],
                "target": float(round(target, 2)),
                "actual": float(round(actual, 2)),
                "planned": float(round(plan, 2)),
            }
        )
    order = list(KEYS)
    out.sort(key=lambda r: (order.index(r["name"]) if r["name"] in order else len(order), r["name"], r["measure"]))
    return out


def indicator_chart(rows: list[dict[str, Any]]) -> Chart:
    """Each indicator's actual and planned-by-now as a share of the year's target (amounts: not counted)."""

    def share(value: float, target: float) -> float:
        return round(value * 100 / target, 1) if target else 0.0

    none: list[str | None] = [None] * len(rows)
    return Chart(
        key="indicators",
        title=_("Key indicators against their trajectory, as a share of the year's target"),
        kind="bar",
        labels=[f"{r['name']} ({r['measure']})" for r in rows],
        series=[
            series(_("Actual"), [share(r["actual"], r["target"]) for r in rows], none, counted=False),
            series(_("Planned by now"), [share(r["planned"], r["target"]) for r in rows], none, counted=False),
        ],
    )
