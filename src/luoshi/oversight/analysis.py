"""登台剖析's ranking: a transparent score of stored facts, and the queries that gather those facts.

The score of a unit is the sum, over the facts below, of the fact's count times its weight, nothing
else: `score(facts, weights)` is a pure function, and so is `rank`. The weights (defaults below; the
office may change them per analysis) are kept on the Analysis, each unit's facts on its AnalysisUnit,
so that anyone can redo the sum from what the page shows.

The facts of a unit for a period [start, end] (end is never after the day the ranking is made):

    late_days             days within the period on which a duty of the unit (of any kind of work) was
                          past its deadline and not yet finished (finished: the unit asked for the
                          completion that was accepted, or is asking now)
    overdue_reports       reports filed late in the period (after the day they were due), and reports
                          due in the period that are still not filed
    urges                 urge notices (催办通知) the unit received in the period
    orders                supervision orders (督办单) the unit received in the period
    unrectified_findings  inspection findings against the unit not closed (verified) by the period's
                          end whose rectification deadline had passed by then
    talks                 talks (约谈) held in the period with the unit's head or its people about its work:
                          those recording their cause (a list, a finding, a talk proposal, an incident…);
                          talks imported as a batch of a unit's tally name none and are not counted

`gather` reads them for every unit in a constant number of queries; the dossier (analysis_docs) lists
the same rows through the same querysets, unit by unit.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.duties.models import Duty, DutyStatus, Escalation, Report, Step
from luoshi.errors import InvalidInput
from luoshi.org.models import Unit, UnitKind
from luoshi.oversight.models import CaseReason, Finding, Talk

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FACTS: tuple[str, ...] = ("late_days", "overdue_reports", "urges", "orders", "unrectified_findings", "talks")
DEFAULT_WEIGHTS: dict[str, int] = {
    "late_days": 1,
    "overdue_reports": 2,
    "urges": 3,
    "orders": 5,
    "unrectified_findings": 4,
    "talks": 3,
}
MAX_WEIGHT = 100
MAX_COUNT = 20  # units on one meeting's agenda

LABELS: dict[str, "StrOrPromise"] = {
    "late_days": gettext_lazy("Days past a deadline"),
    "overdue_reports": gettext_lazy("Reports overdue"),
    "urges": gettext_lazy("Urge notices"),
    "orders": gettext_lazy("Supervision orders"),
    "unrectified_findings": gettext_lazy("Findings not rectified"),
    "talks": gettext_lazy("Talks"),
}
HELP: dict[str, "StrOrPromise"] = {
    "late_days": gettext_lazy("Days in the period a duty of the unit was past its deadline and unfinished."),
    "overdue_reports": gettext_lazy("Reports filed late in the period, and reports due in it still not filed."),
    "urges": gettext_lazy("Urge notices the unit received in the period."),
    "orders": gettext_lazy("Supervision orders the unit received in the period."),
    "unrectified_findings": gettext_lazy(
        "Findings not verified as rectified by the period's end, past their deadline."
    ),
    "talks": gettext_lazy("Talks held in the period with the unit's head or its people that record their cause."),
}


# --- the pure part ---------------------------------------------------------------------------------


def check_weights(raw: Mapping[str, Any] | None) -> dict[str, int]:
    """The weights to use: the defaults, with those given replacing them. Each is a whole number from 0
    to MAX_WEIGHT; an unknown fact is refused (field `weights.<name>`)."""
    weights = dict(DEFAULT_WEIGHTS)
    for name, value in (raw or {}).items():
        if name not in DEFAULT_WEIGHTS:
            raise InvalidInput(
                _("Unknown fact “{name}”: the weights are of {facts}.").format(
                    name=str(name)[:40], facts=", ".join(FACTS)
                ),
                f"weights.{str(name)[:40]}",
            )
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WEIGHT:
            raise InvalidInput(
                _("A weight is a whole number from 0 to {max}.").format(max=MAX_WEIGHT), f"weights.{name}"
            )
        weights[name] = value
    return weights


def points(facts: Mapping[str, int], weights: Mapping[str, int]) -> dict[str, int]:
    """Each fact's share of the score: its count times its weight."""
    return {name: int(facts.get(name, 0)) * int(weights.get(name, 0)) for name in FACTS}


def score(facts: Mapping[str, int], weights: Mapping[str, int]) -> int:
    """The unit's score: the sum of its facts' counts times their weights."""
    return sum(points(facts, weights).values())


def has_facts(facts: Mapping[str, int]) -> bool:
    return any(facts.get(name, 0) for name in FACTS)


@dataclass(frozen=True)
class Ranked:
    unit_id: int
    rank: int  # 1 is the worst; equal scores share a rank (1, 2, 2, 4)
    score: int
    facts: dict[str, int]


def rank(facts_by_unit: Mapping[int, Mapping[str, int]], weights: Mapping[str, int]) -> list[Ranked]:
    """Every unit with any fact, the highest score (the worst) first; equal scores share a rank and are
    listed by the unit's number, so the same facts and weights always give the same order."""
    scored = [
        (score(facts, weights), unit_id, {name: int(facts.get(name, 0)) for name in FACTS})
        for unit_id, facts in facts_by_unit.items()
        if has_facts(facts)
    ]
    scored.sort(key=lambda row: (-row[0], row[1]))
    out: list[Ranked] = []
    for i, (total, unit_id, facts) in enumerate(scored, start=1):
        shared = out[-1].rank if out and out[-1].score == total else i
        out.append(Ranked(unit_id=unit_id, rank=shared, score=total, facts=facts))
    return out


def proposed(ranking: Iterable[Ranked], count: int) -> list[int]:
    """The worst `count` units, in ranking order."""
    return [r.unit_id for r in ranking][:count]


def late_days_within(deadline: date, finished: date | None, start: date, end: date) -> int:
    """Days of [start, end] on which work due on `deadline` was late: from the day after the deadline to
    the day it was finished (or to `end`, unfinished)."""
    first = max(deadline + timedelta(days=1), start)
    last = min(finished, end) if finished is not None else end
    return max(0, (last - first).days + 1)


def finished_on(
    status: str, deadline: date, days_late: int | None, asked_at: datetime | None, completed_at: datetime | None
) -> date | None:
    """The day a duty's work was finished, as its lateness counts it: for accepted work the deadline plus
    the days late frozen at acceptance; for work awaiting acceptance the day it was asked for; else none."""
    if status == DutyStatus.COMPLETED:
        if days_late is not None:
            return deadline + timedelta(days=days_late)
        return timezone.localdate(completed_at) if completed_at else deadline
    if status == DutyStatus.COMPLETION_REQUESTED and asked_at is not None:
        return timezone.localdate(asked_at)
    return None


def zero_facts() -> dict[str, int]:
    return dict.fromkeys(FACTS, 0)


def as_decimal(value: int) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


# --- the period's rows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min, timezone.get_current_timezone())

    @property
    def until(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.end + timedelta(days=1), time.min, timezone.get_current_timezone())


def ranked_units() -> QuerySet[Unit]:
    """Who is ranked: every unit but the general offices (which run the ranking)."""
    return Unit.objects.exclude(kind=UnitKind.OFFICE)


def late_duties(p: Period) -> QuerySet[Duty]:
    """Duties that may have been late in the period: due before its end, and still owed or finished in it
    or after (work finished before the period was not late in it). The days are counted in Python."""
    live = Q(status__in=(DutyStatus.OPEN, DutyStatus.COMPLETION_REQUESTED))
    return Duty.objects.filter(deadline__lt=p.end).filter(
        live | Q(status=DutyStatus.COMPLETED, completed_at__gte=p.since)
    )


def late_days_of(d: Duty, p: Period) -> int:
    finished = finished_on(d.status, d.deadline, d.days_late, d.completion_asked_at, d.completed_at)
    return late_days_within(d.deadline, finished, p.start, p.end)


def late_reports(p: Period) -> QuerySet[Report]:
    """Reports filed in the period after the day they were due (their day in the city's time zone)."""
    return (
        Report.objects.filter(filed_at__gte=p.since, filed_at__lt=p.until, due_date__isnull=False)
        .annotate(filed_day=TruncDate("filed_at"))
        .filter(filed_day__gt=F("due_date"))
    )


def unfiled_reports(p: Period) -> QuerySet[Duty]:
    """Open, running duties whose next report fell due in the period (before its last day) and is still not filed."""
    return Duty.objects.filter(
        status=DutyStatus.OPEN, paused_at__isnull=True, next_report_due__gte=p.start, next_report_due__lt=p.end
    )


def escalations(p: Period) -> QuerySet[Escalation]:
    """Urge notices and supervision orders taken in the period (by the ladder or by hand)."""
    return Escalation.objects.filter(step__in=(Step.URGE, Step.ORDER), created_at__gte=p.since, created_at__lt=p.until)


def unrectified_findings(p: Period) -> QuerySet[Finding]:
    """Findings made by the period's end, past their deadline by then, and not closed by then."""
    return Finding.objects.filter(found_on__lte=p.end, deadline__lt=p.end).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=p.until)
    )


def talks(p: Period) -> QuerySet[Talk]:
    """Talks held in the period that record a cause in the unit's work (CaseReason rows)."""
    caused = CaseReason.objects.filter(case_type="talk", case_id=OuterRef("pk"))
    return Talk.objects.filter(held_on__gte=p.start, held_on__lte=p.end).filter(Exists(caused))


def gather(start: date, end: date) -> dict[int, dict[str, int]]:
    """Every ranked unit's facts for the period: seven queries whatever the number of units and rows."""
    p = Period(start, end)
    facts: dict[int, dict[str, int]] = {pk: zero_facts() for pk in ranked_units().values_list("pk", flat=True)}

    def add(unit_id: int, name: str, n: int) -> None:
        if unit_id in facts:  # an office's own work is not ranked
            facts[unit_id][name] += n

    fields = ("unit_id", "status", "deadline", "days_late", "completion_asked_at", "completed_at")
    for unit_id, status, deadline, days_late, asked_at, completed_at in late_duties(p).values_list(*fields):
        finished = finished_on(status, deadline, days_late, asked_at, completed_at)
        add(unit_id, "late_days", late_days_within(deadline, finished, p.start, p.end))
    for unit_id, n in late_reports(p).values_list("duty__unit_id").annotate(n=Count("pk")).order_by():
        add(unit_id, "overdue_reports", n)
    for unit_id, n in unfiled_reports(p).values_list("unit_id").annotate(n=Count("pk")).order_by():
        add(unit_id, "overdue_reports", n)
    for unit_id, step, n in escalations(p).values_list("unit_id", "step").annotate(n=Count("pk")).order_by():
        add(unit_id, "urges" if step == Step.URGE else "orders", n)
    for unit_id, n in unrectified_findings(p).values_list("unit_id").annotate(n=Count("pk")).order_by():
        add(unit_id, "unrectified_findings", n)
    for unit_id, n in talks(p).values_list("unit_id").annotate(n=Count("pk")).order_by():
        add(unit_id, "talks", n)
    return facts


def fact_rows(facts: Mapping[str, int], weights: Mapping[str, int]) -> list[dict[str, Any]]:
    """The score's sum written out, for pages and documents: one row per fact."""
    shares = points(facts, weights)
    return [
        {
            "name": name,
            "label": LABELS[name],
            "count": int(facts.get(name, 0)),
            "weight": int(weights.get(name, 0)),
            "points": shares[name],
        }
        for name in FACTS
    ]
