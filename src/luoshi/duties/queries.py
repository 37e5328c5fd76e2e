"""Reads for the board, the talk queue, the orders page and the league table."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from luoshi.duties import owners, tallies
from luoshi.duties.access import visible_duties_q
from luoshi.duties.models import LIVE_STATUSES, Duty, DutyStatus, Episode, Escalation, Step
from luoshi.events.models import Tally
from luoshi.org.models import Person, Role, Unit


@dataclass(frozen=True)
class EscalationScope:
    """Whose escalations (urge notices, supervision orders …) a person may see: the one rule, read by
    the query below and by `may_see` (links on the loop page). A unit sees the steps taken on itself,
    not those on the other units of the same list; the office sees all; a leader those on the lists he
    is responsible for and on the units he supervises."""

    everything: bool = False
    leader_id: int | None = None  # every step on the lists whose responsible leader this is
    units: frozenset[int] = frozenset()  # every step on these units

    def may_see(self, unit_id: int, list_leader_id: int | None) -> bool:
        if self.everything:
            return True
        return unit_id in self.units or (self.leader_id is not None and list_leader_id == self.leader_id)


def escalation_scope(person: Person) -> EscalationScope:
    if person.is_office:
        return EscalationScope(everything=True)
    units: set[int] = set()
    leader_id = None
    if person.has_role(Role.LEADER):
        leader_id = person.pk
        units.update(person.supervised_units.values_list("pk", flat=True))
    if person.unit_id and person.has_role(Role.UNIT_HEAD, Role.LIAISON):
        units.add(person.unit_id)
    return EscalationScope(leader_id=leader_id, units=frozenset(units))


def visible_escalations(person: Person) -> QuerySet[Escalation]:
    """The escalations of `escalation_scope`, for every page, download and API call."""
    scope = escalation_scope(person)
    qs = Escalation.objects.all()
    if scope.everything:
        return qs
    q = Q(unit_id__in=sorted(scope.units))
    if scope.leader_id is not None:
        q |= Q(duty__leader_id=scope.leader_id)
    return qs.filter(q)


def with_open(qs: QuerySet[Escalation]) -> QuerySet[Escalation]:
    """`is_open`: the step's episode has not ended."""
    return qs.annotate(is_open=Exists(Episode.objects.filter(pk=OuterRef("episode_id"), closed_at__isnull=True)))


def leader_share_q(leader_id: int, unit_ids: "frozenset[int] | set[int]") -> Q:
    """A leader's share of the ladder, on episodes and escalations (both have a duty and a unit): the duties
    he is responsible for and those of the units he supervises. The cockpit's ladder section counts it, and
    the board's and the steps page's `leader=` filter by it."""
    return Q(duty__leader_id=leader_id) | Q(unit_id__in=sorted(unit_ids))


def day_range_q(field: str, start: date | None, end: date | None) -> Q:
    """`field` (a datetime) on the local days start..end, inclusive; either end may be open."""
    q = Q()
    if start or end:
        low, high = _bounds(start or date.min, end or date(9998, 12, 31))
        if start:
            q &= Q(**{f"{field}__gte": low})
        if end:
            q &= Q(**{f"{field}__lt": high})
    return q


@dataclass
class EscalationFilters:
    step: str = ""
    unit: int | None = None
    list: int | None = None  # a list: the duties it owns
    open: bool | None = None
    leader: Q | None = None  # leader_share_q of a leader
    start: date | None = None  # taken on these days (inclusive)
    end: date | None = None


def filtered(person: Person, f: EscalationFilters) -> QuerySet[Escalation]:
    qs = with_open(visible_escalations(person)).select_related("unit", "duty", "episode")
    if f.step:
        qs = qs.filter(step=f.step)
    if f.unit:
        qs = qs.filter(unit_id=f.unit)
    if f.list:
        qs = qs.filter(duty__owner_type_id=owners.content_type_id("list"), duty__owner_id=f.list)
    if f.open is not None:  # the same test as `is_open`, on the joined episode
        qs = qs.filter(episode__closed_at__isnull=f.open)
    if f.leader is not None:
        qs = qs.filter(f.leader)
    if f.start or f.end:
        qs = qs.filter(day_range_q("created_at", f.start, f.end))
    return qs.order_by("-created_at", "-id")


def open_episodes(person: Person) -> QuerySet[Episode]:
    """The board: every open episode that has taken a step, with its unit and list, oldest due first."""
    qs = Episode.objects.filter(closed_at__isnull=True).exclude(last_step="")
    q = visible_duties_q(person, "duty__")
    if q is not None:
        qs = qs.filter(q)
    return qs.select_related("unit", "duty").order_by("due_date", "id")


# A talk proposal's cause has ended once its lateness has (a report, accepted work, an approved
# extension) or its duty is no longer owed (struck off, withdrawn): derived, never stored.
CAUSE_ENDED = Q(episode__closed_at__isnull=False) | ~Q(duty__status__in=LIVE_STATUSES)
TALK_STATES: dict[str, Q] = {
    "": Q(handled_at__isnull=True) & ~CAUSE_ENDED,  # to do: the default view
    "ended": Q(handled_at__isnull=True) & CAUSE_ENDED,
    "handled": Q(handled_at__isnull=False),
    "all": Q(),
}


def talk_queue() -> QuerySet[Escalation]:
    """Talk proposals with `cause_ended`; filter with TALK_STATES."""
    return (
        Escalation.objects.filter(step=Step.TALK_PROPOSAL)
        .annotate(cause_ended=ExpressionWrapper(CAUSE_ENDED, output_field=BooleanField()))
        .select_related("unit", "duty", "duty__leader", "episode")
        # Unhandled first on every database (PostgreSQL sorts NULLs last), then the newest.
        .order_by(F("handled_at").desc(nulls_first=True), "-created_at", "-id")
    )


def talk_counts() -> dict[str, int]:
    """How many proposals each state of the queue holds: one query."""
    qs = Escalation.objects.filter(step=Step.TALK_PROPOSAL).order_by()
    return qs.aggregate(
        **{state or "open": Count("pk", filter=q) if q else Count("pk") for state, q in TALK_STATES.items()}
    )


def orders_for_leader(person: Person) -> QuerySet[Escalation]:
    """Supervision orders are addressed to the duty's responsible leader."""
    return with_open(Escalation.objects.filter(step=Step.ORDER, duty__leader=person)).select_related("unit", "duty")


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tz), datetime.combine(end + timedelta(days=1), time.min, tz)


LEAGUE_COLUMNS = ("reports", "on_time", "on_time_rate", "overdue_now", "urges", "orders", "avg_days_late")


def league(start: date, end: date, today: date | None = None, owner_kind: str = "") -> list[dict[str, Any]]:
    """One row per unit: on-time report rate, reports overdue now, urges and orders received in the
    period, average days late, over the duties of every owner or of one kind (`owner_kind`). Read
    from the tallies of each report's due date and each step taken (duties.tallies), so closed work
    never changes a ranking afterwards and the cost follows the days and units shown."""
    today = today or timezone.localdate()
    rows: dict[int, dict[str, Any]] = {
        u["pk"]: {
            "unit": u["pk"],
            "unit_name": u["name"],
            "reports": 0,
            "on_time": 0,
            "overdue_now": 0,
            "urges": 0,
            "orders": 0,
            "days_late_total": 0,
            "late_reports": 0,
        }
        for u in Unit.objects.values("pk", "name")
    }
    figures = Tally.objects.filter(kind__in=tallies.KINDS, day__gte=start, day__lte=end)
    if owner_kind:
        figures = figures.filter(source=owner_kind)
    for kind, unit_id, status, n in (
        figures.order_by().values_list("kind", "unit_id", "status").annotate(n=Sum("n")).order_by()
    ):
        row = rows.get(unit_id)
        if row is None:
            continue  # a unit deleted since: it has no row in the table
        if kind == tallies.REPORTS:
            row["reports"] += n
            row["on_time" if status == tallies.ON_TIME else "late_reports"] += n
        elif kind == tallies.DAYS_LATE:
            row["days_late_total"] += n
        else:
            row["urges" if status == Step.URGE else "orders"] += n
    of_kind = Q(owner_type_id=owners.content_type_id(owner_kind)) if owner_kind else Q()
    # What is overdue now: an indexed range of the open duties (those past their report date), not a figure kept.
    overdue = (
        Duty.objects.filter(of_kind, status=DutyStatus.OPEN, paused_at__isnull=True, next_report_due__lt=today)
        .values_list("unit_id")
        .annotate(n=Count("unit_id"))  # a column of the partial index: read from the index alone
        .order_by()
    )
    for unit_id, n in overdue:
        if unit_id in rows:
            rows[unit_id]["overdue_now"] = n
    result = []
    for row in rows.values():
        row["on_time_rate"] = round(100 * row["on_time"] / row["reports"], 1) if row["reports"] else None
        row["avg_days_late"] = round(row.pop("days_late_total") / row["late_reports"], 1) if row["late_reports"] else 0
        row.pop("late_reports")
        result.append(row)
    return result


def sort_league(rows: list[dict[str, Any]], key: str, descending: bool) -> list[dict[str, Any]]:
    if key not in ("unit_name", *LEAGUE_COLUMNS):
        key = "on_time_rate"
    # Units without reports sort last whichever way.
    present = [r for r in rows if r[key] is not None]
    missing = [r for r in rows if r[key] is None]
    return sorted(present, key=lambda r: (r[key], r["unit_name"]), reverse=descending) + missing
