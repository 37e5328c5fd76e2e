"""The cockpit's public section: problems from the public and the media (public.Problem).

- received: problems received (created_at) in the period, and by channel;
- on_time, solved, unsolved: problems whose return visit recorded the outcome (visited_at) in the period —
  on time (public.queries.on_time_q: the lead unit signed for it within its limit and its reply was accepted
  with no day late), solved, closed but not solved;
- the three rates of the month (public.rates: the units' counts summed over the scope) and the month's
  rankings (the best and the worst units by score), not counted: they link to the rates page;
- trend: received and solved per month of the year.

A leader's scope: the problems whose lead unit now is one of the units he or she supervises (the index's
`leader=`). Nine queries whatever the number of problems: two for the period, two for the trend, five for
the month's rates (public.rates.rankings and the weights)."""

from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from luoshi.cockpit.scope import Scope
from luoshi.cockpit.shapes import Chart, Figure, Section, Series, figure, series
from luoshi.public import queries, rates
from luoshi.public.models import Channel, Outcome, Problem

RANKED = 3  # units shown at each end of the month's ranking
MONTHS = range(1, 13)


def month_of(scope: Scope) -> date:
    """The month the "this month" figures read: today's, or the period's last for a past period."""
    ref = max(min(scope.today, scope.end), scope.start)
    return ref.replace(day=1)


def month_days(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, date.fromordinal(following.toordinal() - 1)


def problems(scope: Scope) -> QuerySet[Problem]:
    qs = Problem.objects.all()
    return qs.filter(queries.units_q(scope.unit_ids)) if scope.leader else qs


def index_url(scope: Scope, **params: Any) -> str:
    """The problems index filtered as the number was counted (the leader's scope as `leader=`)."""
    if scope.leader:
        params["leader"] = scope.leader.pk
    query = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in params.items()}
    return f"{reverse('public:index')}?{urlencode(query)}"


def rates_url(month: date) -> str:
    return f"{reverse('public:rates')}?{urlencode({'month': f'{month:%Y-%m}'})}"


def _by_month(rows: QuerySet[Any]) -> dict[int, int]:
    out: dict[int, int] = {}
    for row in rows:
        m: datetime = row["m"]
        out[timezone.localtime(m).month if timezone.is_aware(m) else m.month] = row["n"]
    return out


def _period(scope: Scope) -> tuple[list[Figure], list[Chart]]:
    start, end = scope.start, scope.end
    received = problems(scope).filter(queries.day_range_q("created_at", start, end))
    by_channel = dict(received.order_by().values("channel").annotate(n=Count("pk")).values_list("channel", "n"))
    ended = (
        problems(scope)
        .filter(queries.day_range_q("visited_at", start, end))
        .order_by()
        .aggregate(
            on_time=Count("pk", filter=queries.on_time_q()),
            solved=Count("pk", filter=Q(outcome=Outcome.SOLVED)),
            unsolved=Count("pk", filter=Q(outcome=Outcome.UNSOLVED)),
        )
    )
    visited = {"visited_from": start, "visited_to": end}
    figures = [
        figure(
            "received", _("Problems received"), sum(by_channel.values()), index_url(scope, **{"from": start, "to": end})
        ),
        figure("on_time", _("Handled on time"), ended["on_time"], index_url(scope, on_time="1", **visited)),
        figure("solved", _("Solved"), ended["solved"], index_url(scope, outcome=Outcome.SOLVED, **visited)),
        figure(
            "unsolved",
            _("Closed but not solved"),
            ended["unsolved"],
            index_url(scope, outcome=Outcome.UNSOLVED, **visited),
        ),
    ]
    channels = [c for c in Channel if by_channel.get(c.value)] or list(Channel)
    chart = Chart(
        key="by_channel",
        title=_("Problems received by channel"),
        kind="pie",
        labels=[str(c.label) for c in channels],
        series=[
            series(
                _("Problems received"),
                [by_channel.get(c.value, 0) for c in channels],
                [index_url(scope, channel=c.value, **{"from": start, "to": end}) for c in channels],
            )
        ],
    )
    return figures, [chart]


def _scope_rate(rows: list[rates.UnitRate], w: rates.Weights) -> rates.UnitRate:
    total = rates.UnitRate(unit=rates.UnitRef(0, ""))
    for r in rows:
        total.dispatched += r.dispatched
        total.responded += r.responded
        total.visited += r.visited
        total.solved += r.solved
        total.satisfied += r.satisfied
        total.basically += r.basically
    return rates.finish(total, w)


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def _month_rates(scope: Scope) -> tuple[list[Figure], list[Chart]]:
    month = month_of(scope)
    units, _districts = rates.rankings(month)
    mine = [r for r in units if r.unit.id in scope.unit_ids] if scope.leader else units
    total = _scope_rate(mine, rates.weights())
    url = rates_url(month)
    figures = []
    for key, label, rate in (
        ("response_rate", _("Response rate this month"), total.response_rate),
        ("resolution_rate", _("Resolution rate this month"), total.resolution_rate),
        ("satisfaction_rate", _("Satisfaction rate this month"), total.satisfaction_rate),
    ):
        value = _percent(rate)
        if value is not None:  # no denominator: no rate ("—"), never 0 or 100
            figures.append(figure(key, label, value, url, counted=False, unit="%"))
    ranked = [r for r in mine if r.rank is not None]
    top = ranked[:RANKED]
    bottom = [r for r in ranked[-RANKED:] if r not in top][::-1]  # the worst first
    charts = [
        _ranking("ranking_top", _("This month's best units (score)"), top, url),
        _ranking("ranking_bottom", _("This month's worst units (score)"), bottom, url),
    ]
    return figures, charts


def _ranking(key: str, title: str, rows: list[rates.UnitRate], url: str) -> Chart:
    return Chart(
        key=key,
        title=title,
        kind="bar",
        labels=[f"{r.rank}. {r.unit.name}" for r in rows],
        series=[series(_("Score"), [r.score or 0 for r in rows], [url for _r in rows], counted=False)],
    )


def _trend(scope: Scope) -> list[Series]:
    year = scope.year
    first, last = date(year, 1, 1), date(year, 12, 31)
    tz = timezone.get_current_timezone()
    received = _by_month(
        problems(scope)
        .filter(queries.day_range_q("created_at", first, last))
        .annotate(m=TruncMonth("created_at", tzinfo=tz))
        .order_by()
        .values("m")
        .annotate(n=Count("pk"))
    )
    solved = _by_month(
        problems(scope)
        .filter(queries.day_range_q("visited_at", first, last), outcome=Outcome.SOLVED)
        .annotate(m=TruncMonth("visited_at", tzinfo=tz))
        .order_by()
        .values("m")
        .annotate(n=Count("pk"))
    )
    bounds = [month_days(year, m) for m in MONTHS]
    return [
        series(
            _("Problems received"),
            [received.get(m, 0) for m in MONTHS],
            [index_url(scope, **{"from": a, "to": b}) for a, b in bounds],
        ),
        series(
            _("Solved"),
            [solved.get(m, 0) for m in MONTHS],
            [index_url(scope, outcome=Outcome.SOLVED, visited_from=a, visited_to=b) for a, b in bounds],
        ),
    ]


def section(scope: Scope) -> Section:
    figures, charts = _period(scope)
    rate_figures, rankings = _month_rates(scope)
    return Section(
        key="public",
        title=_("Problems from the public"),
        figures=figures + rate_figures,
        charts=charts + rankings,
        trend=_trend(scope),
    )
