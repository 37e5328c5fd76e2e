"""The cockpit's ladder section (催办督办): open lateness by step and by age, urges and orders taken.

What each figure counts (and what its link asks for):
- open_episodes: the open lateness episodes that have reached a step, now (as the board shows them: the
  episodes page, duties.views_board.episodes), by the step reached (`step=`) and by the days since the work
  fell due (`age=`, the board's buckets: up to 3 days, 4 to 10, more than 10);
- urges / orders: urge notices and supervision orders taken in the period, and in its current month (the
  month of min(today, end)), on the steps page (`step=`, `from` / `to`: the days they were taken);
- a leader's scope: the duties the leader is responsible for and those of his or her supervised units
  (duties.queries.leader_share_q), which is what `leader=` means on both pages; every kind of work on the
  ladder (lists, ledger tasks, problems…) counts.

Constant queries: one grouped by step over the open episodes (the ages as conditional counts), one for the
steps taken — the league's tallies (duties.tallies, per day and step) for the whole city, the steps
themselves grouped by day for a leader (the tallies count per unit, not per responsible leader)."""

import calendar
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from luoshi.cockpit.scope import Scope
from luoshi.cockpit.shapes import Chart, Section, Series, figure, series
from luoshi.duties import tallies
from luoshi.duties.forms import AGE_4_10, AGE_GT10, AGE_LE3, age_choices
from luoshi.duties.models import Episode, Escalation, Step
from luoshi.duties.queries import day_range_q, leader_share_q
from luoshi.events.models import Tally

COUNTED = (Step.URGE.value, Step.ORDER.value)
STEPS = [s.value for s in Step]


def _url(name: str, **params: Any) -> str:
    query = urlencode([(k, str(v)) for k, v in params.items() if v not in (None, "")])
    url = reverse(name)
    return f"{url}?{query}" if query else url


def age_q(today: date) -> dict[str, Q]:
    """The board's age buckets (views_board._board_filter), on an episode's due date."""
    return {
        AGE_LE3: Q(due_date__gte=today - timedelta(days=3)),
        AGE_4_10: Q(due_date__lte=today - timedelta(days=4), due_date__gte=today - timedelta(days=10)),
        AGE_GT10: Q(due_date__lt=today - timedelta(days=10)),
    }


def _share(scope: Scope) -> Q:
    return leader_share_q(scope.leader_id, scope.unit_ids) if scope.leader_id else Q()


def open_by_step(scope: Scope) -> dict[str, dict[str, int]]:
    """{step: {age bucket: open episodes}} in one query."""
    ages = age_q(scope.today)
    qs = Episode.objects.filter(_share(scope), closed_at__isnull=True).exclude(last_step="")
    rows = qs.order_by().values("last_step").annotate(**{f"a_{k}": Count("pk", filter=q) for k, q in ages.items()})
    found = {step: dict.fromkeys(ages, 0) for step in STEPS}
    for r in rows:
        if r["last_step"] in found:
            found[r["last_step"]] = {k: r[f"a_{k}"] for k in ages}
    return found


def steps_by_day(scope: Scope, first: date, last: date) -> dict[tuple[date, str], int]:
    """Urges and orders per (day, step) between first and last, inclusive: one query."""
    if scope.leader_id is None:
        rows = Tally.objects.filter(kind=tallies.STEPS, status__in=COUNTED, day__gte=first, day__lte=last)
        grouped = rows.order_by().values_list("day", "status").annotate(n=Sum("n"))
        return {(day, step): n for day, step, n in grouped}
    qs = Escalation.objects.filter(_share(scope), day_range_q("created_at", first, last), step__in=COUNTED)
    taken = qs.annotate(day=TruncDate("created_at")).order_by().values_list("day", "step").annotate(n=Count("pk"))
    return {(day, step): n for day, step, n in taken}


def _sum(days: dict[tuple[date, str], int], step: str, first: date, last: date) -> int:
    return sum(n for (day, s), n in days.items() if s == step and first <= day <= last)


def section(scope: Scope) -> Section:
    leader = scope.leader_id
    step_labels = dict(Step.choices)
    labels = {Step.URGE.value: _("Urge notices"), Step.ORDER.value: _("Supervision orders")}
    asof = min(scope.today, scope.end)
    month = (date(asof.year, asof.month, 1), date(asof.year, asof.month, calendar.monthrange(asof.year, asof.month)[1]))
    year = (date(scope.year, 1, 1), date(scope.year, 12, 31))
    days = steps_by_day(scope, min(scope.start, month[0], year[0]), max(scope.end, month[1], year[1]))

    opened = open_by_step(scope)
    total_open = sum(sum(ages.values()) for ages in opened.values())
    figures = [figure("open_episodes", _("Open lateness"), total_open, _url("escalation:episodes", leader=leader))]
    for key, (first, last), what in (
        ("this_month", month, _("%(what)s this month")),
        ("", (scope.start, scope.end), _("%(what)s in the period")),
    ):
        for step in COUNTED:
            name = f"{step}s_{key}" if key else f"{step}s"
            figures.append(
                figure(
                    name,
                    what % {"what": labels[step]},
                    _sum(days, step, first, last),
                    _url("escalation:steps", step=step, leader=leader, **{"from": first, "to": last}),
                )
            )

    by_step = Chart(
        key="by_step",
        title=_("Open lateness by the step reached"),
        kind="bar",
        labels=[str(step_labels[s]) for s in STEPS],
        series=[
            series(
                _("Open lateness"),
                [sum(opened[s].values()) for s in STEPS],
                [_url("escalation:episodes", step=s, leader=leader) for s in STEPS],
            )
        ],
    )
    ages = age_choices()
    by_age = Chart(
        key="by_age",
        title=_("Open lateness by days since due"),
        kind="stack",
        labels=[str(label) for _key, label in ages],
        series=[
            series(
                str(step_labels[s]),
                [opened[s][a] for a, _label in ages],
                [_url("escalation:episodes", step=s, age=a, leader=leader) for a, _label in ages],
                color={"reminder": "green", "urge": "yellow", "order": "red"}.get(s, "grey"),
            )
            for s in STEPS
        ],
    )
    trend: list[Series] = []
    for step in COUNTED:
        bounds = [
            (date(scope.year, m, 1), date(scope.year, m, calendar.monthrange(scope.year, m)[1])) for m in range(1, 13)
        ]
        trend.append(
            series(
                labels[step],
                [_sum(days, step, a, b) for a, b in bounds],
                [_url("escalation:steps", step=step, leader=leader, **{"from": a, "to": b}) for a, b in bounds],
            )
        )
    return Section(
        key="ladder",
        title=_("Urging and supervision"),
        figures=figures,
        charts=[by_step, by_age],
        trend=trend,
    )
