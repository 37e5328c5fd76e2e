"""The year in figures (`GET /api/v1/stats/summary?from=&to=`, the page /cockpit/summary/): for any period, the
figures the article reports, each counted from stored records, in a constant number of queries (seventeen,
whatever the number of records), cached under the audit chain's head like the cockpit's sections.

What each figure reads (both ends of the period inclusive, on the record's own date):
- lists: the lists published in the period (drafts never count); `completed` those of them closed by the
  period's end, `in_progress` the others, neither suspended nor cancelled by then; `issued` is their sum, as
  the article counts it (148 = 98 + 50): a suspended or cancelled list is not issued work on the books.
- ledger.tasks: the tasks (every level) of the master ledgers of the period's years, entered by its end (a
  ledger still being built, never opened, is not counted).
- inspections and discipline: oversight.stats.figures (units inspected by inspections overlapping the period,
  findings found in it, distinct units given a reminder talk, talks held — the imported tallies are stored one
  talk a row —, violations found, distinct people held accountable and disciplined by decisions in it).
- public: the problems received in the period on an episode of a TV programme (落实进行时), accepted (neither
  rejected nor a duplicate); the hot issues exposed among the problems received in the period (whatever
  their channel: the problems index's `hot` and `from`/`to` show the same rows); the TV episodes
  aired in it and the distinct units that took part in them (a newspaper column's issues are not episodes).
- fieldwork: the main leaders' (市委书记, 市长: frontline.config.main_posts) trips and distinct days in the
  field within the period, as frontline.rule.period_totals counts them.
- projects: the ledger's investment indicators, read from the units' reported actuals (ledger.Actual) on the
  leaf tasks: each indicator's value at the period's end less its value before the period's start (these
  indicators are cumulative over their ledger's year). `signed` and `total_investment`, `funds_in_place`
  from the task that carries the three investment indicators; `fixed_asset_investment` from the leaves reporting
  fixed-asset investment. Amounts in 亿元, as the ledger holds them.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from luoshi.cockpit.figures import head
from luoshi.frontline import config as frontline_config
from luoshi.frontline.models import Fieldwork
from luoshi.frontline.rule import Entry, is_main_leader, period_totals
from luoshi.ledger.models import Actual, Indicator, IndicatorKind, LedgerStatus, Task
from luoshi.lists.models import ListStatus, ResponsibilityList
from luoshi.org.models import Person, Role
from luoshi.oversight import stats
from luoshi.public.models import Broadcast, Problem, Programme, Status

# The ledger's indicator names, as the office writes them on its tasks (the records' own words).
SIGNED, SIGNED_TOTAL, FUNDS = "新签项目", "签约总投资", "到位资金"
FIXED_ASSETS = "固定资产投资"
PROJECT_NAMES = (SIGNED, SIGNED_TOTAL, FUNDS, FIXED_ASSETS)
NOT_ACCEPTED = (Status.REJECTED, Status.DUPLICATE)
TIMEOUT = 3600  # the chain's head is in the key: the timeout only bounds the memory of old keys


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def moments(self) -> tuple[datetime, datetime]:
        """[start's midnight, the midnight after end) in the city's time zone, for datetime fields."""
        tz = timezone.get_current_timezone()
        return datetime.combine(self.start, time(), tz), datetime.combine(self.end + timedelta(days=1), time(), tz)


def may_read(person: Person) -> bool:
    """The figures (counts and amounts, no names): the supervision office and the city's leaders."""
    return bool(person.is_active and (person.is_office or person.has_role(Role.LEADER)))


def summary(period: Period) -> dict[str, dict[str, Any]]:
    """The figures of the period, cached until the next committed write (every write moves the chain's head)."""
    key = f"summary:{head()}:{period.start}:{period.end}"
    found = cache.get(key)
    if found is not None:
        return found
    fresh = compute(period)
    cache.set(key, fresh, TIMEOUT)
    return fresh


def compute(period: Period) -> dict[str, dict[str, Any]]:
    oversight = stats.figures(period.start, period.end)
    return {
        "lists": lists(period),
        "ledger": {"tasks": ledger_tasks(period)},
        "inspections": {
            "units_inspected": oversight.units_inspected,
            "findings": oversight.findings,
            "units_talked": oversight.units_talked,
        },
        "discipline": {
            "talks": oversight.talks,
            "violations": oversight.violations,
            "accountable": oversight.accountable,
            "disciplined": oversight.disciplined,
        },
        "public": public(period),
        "fieldwork": fieldwork(period),
        "projects": projects(period),
    }


# ---------------------------------------------------------------- the sections


def lists_q(period: Period) -> Q:
    """The lists published in the period."""
    first, after = period.moments()
    return Q(published_at__gte=first, published_at__lt=after)


def lists(period: Period) -> dict[str, int]:
    _first, after = period.moments()
    halted = Q(suspended_at__lt=after) | Q(cancelled_at__lt=after)
    closed = Q(status=ListStatus.CLOSED, closed_at__lt=after)
    counts = (
        ResponsibilityList.objects.filter(lists_q(period))
        .exclude(status=ListStatus.DRAFT)
        .order_by()
        .aggregate(
            completed=Count("pk", filter=closed),
            in_progress=Count("pk", filter=~closed & ~halted),
        )
    )
    return {"issued": counts["completed"] + counts["in_progress"], **counts}


def ledger_tasks(period: Period) -> int:
    _first, after = period.moments()
    return (
        Task.objects.filter(
            ledger__year__gte=period.start.year, ledger__year__lte=period.end.year, created_at__lt=after
        )
        .exclude(ledger__status=LedgerStatus.DRAFT)
        .count()
    )


def public(period: Period) -> dict[str, int]:
    first, after = period.moments()
    received = Problem.objects.filter(created_at__gte=first, created_at__lt=after).order_by()
    problems = received.aggregate(
        problems=Count("pk", filter=Q(broadcast__programme__kind=Programme.Kind.TV) & ~Q(status__in=NOT_ACCEPTED)),
        exposed=Count("pk", filter=Q(hot=True)),
    )
    aired = Broadcast.objects.filter(
        programme__kind=Programme.Kind.TV, aired_on__gte=period.start, aired_on__lte=period.end
    )
    episodes = aired.order_by().count()
    units = Broadcast.units.through.objects.filter(broadcast__in=aired).values("unit_id").distinct().count()
    return {
        "problems": problems["problems"],
        "exposed": problems["exposed"],
        "programme_episodes": episodes,
        "units_on_air": units,
    }


def main_leaders() -> list[Person]:
    """The active leaders who hold a main post (one query; roles are a JSON list, checked in Python)."""
    posts = frontline_config.main_posts()
    people = Person.objects.filter(is_active=True, roles__icontains=f'"{Role.LEADER}"').order_by("pk")
    return [p for p in people if p.has_role(Role.LEADER) and is_main_leader(p.title, posts)]


def fieldwork(period: Period) -> dict[str, int]:
    leaders = main_leaders()
    entries: dict[int, list[Entry]] = {p.pk: [] for p in leaders}
    rows = Fieldwork.objects.filter(
        leader_id__in=list(entries), date__lte=period.end, last_date__gte=period.start
    ).values_list("leader_id", "date", "days", "kind")
    for leader_id, day, days, kind in rows:
        entries[leader_id].append(Entry(day, days, kind))
    trips = days_in = 0
    for mine in entries.values():
        totals = period_totals(mine, period.start, period.end)
        trips, days_in = trips + totals.trips, days_in + totals.days
    return {"trips": trips, "days": days_in}


def project_indicators(period: Period) -> dict[int, tuple[str, int]]:
    """Indicator id → (figure key, its ledger's year): the leaf indicators the projects' figures read."""
    leaves = Indicator.objects.filter(
        task__ledger__year__gte=period.start.year,
        task__ledger__year__lte=period.end.year,
        task__children__isnull=True,
        name__in=PROJECT_NAMES,
        kind=IndicatorKind.CUMULATIVE,
    )
    # The investment figures are those of the task carrying all three (not a fair's own signing).
    investment = Q(name__in=(SIGNED, SIGNED_TOTAL, FUNDS), task__parent__indicators__name=SIGNED)
    rows = leaves.filter(investment | Q(name=FIXED_ASSETS)).values_list("pk", "name", "task__ledger__year").distinct()
    keys = {SIGNED: "signed", SIGNED_TOTAL: "total_investment", FUNDS: "funds_in_place"}
    return {pk: (keys.get(name, "fixed_asset_investment"), year) for pk, name, year in rows}


def projects(period: Period) -> dict[str, int | str]:
    indicators = project_indicators(period)
    _first, after = period.moments()
    tz = timezone.get_current_timezone()
    # Each indicator's last value filed by the end, and its last value filed before the start.
    at_end: dict[int, Decimal] = {}
    before: dict[int, Decimal] = {}
    start_moment = datetime.combine(period.start, time(), tz)
    rows = (
        Actual.objects.filter(indicator_id__in=list(indicators), filed_at__lt=after)
        .order_by("filed_at", "pk")
        .values_list("indicator_id", "value", "filed_at")
    )
    for indicator_id, value, filed_at in rows:
        at_end[indicator_id] = value
        if filed_at < start_moment:
            before[indicator_id] = value
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for pk, (key, _year) in indicators.items():
        totals[key] += at_end.get(pk, Decimal(0)) - before.get(pk, Decimal(0))
    return {
        "signed": int(totals["signed"]),
        "total_investment": _money(totals["total_investment"]),
        "funds_in_place": _money(totals["funds_in_place"]),
        "fixed_asset_investment": _money(totals["fixed_asset_investment"]),
    }


def _money(value: Decimal) -> str:
    """亿元 to the cent, as a string (JSON numbers would round it)."""
    return str(value.quantize(Decimal("0.01")))
