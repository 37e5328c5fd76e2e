"""The lists' figures read from the tallies (lists.tallies): a sum over summary rows, so the cost
follows the number of leaders, units and days shown, never the number of lists or reports."""

from datetime import date
from typing import Any

from django.db.models import Q, Sum

from luoshi.events.models import NO_DAY, Tally
from luoshi.lists.models import ListStatus
from luoshi.lists.tallies import LATE_DUTIES, LATE_LISTS, LISTS, NOT_ISSUED, UNIT_DUTIES
from luoshi.org.models import Person, Unit

# The overview's names for the statuses of a published list.
LIST_FIGURES = {
    ListStatus.CLOSED: "completed",
    ListStatus.IN_PROGRESS: "in_progress",
    ListStatus.SUSPENDED: "suspended",
    ListStatus.CANCELLED: "cancelled",
}
UNIT_FIGURES = ("completed", "in_progress", "suspended", "cancelled")


def _zero_list_row() -> dict[str, int]:
    return {"issued": 0, "completed": 0, "in_progress": 0, "suspended": 0, "cancelled": 0, "overdue": 0}


def tallied_overview(year: int | None, today: date) -> dict[str, Any]:
    """The overview of every list (see queries.overview) in three queries."""
    rows = Tally.objects.filter(kind__in=(LISTS, LATE_LISTS, UNIT_DUTIES, LATE_DUTIES))
    rows = rows.filter(Q(day=NO_DAY) | Q(day__lte=today)).exclude(status__in=NOT_ISSUED)
    if year:
        rows = rows.filter(year=year)
    totals = _zero_list_row()
    leaders: dict[int, dict[str, int]] = {}
    units: dict[int, dict[str, int]] = {}
    for r in rows.order_by().values("kind", "leader_id", "unit_id", "status").annotate(n=Sum("n")):
        kind, n = r["kind"], r["n"]
        if kind in (LISTS, LATE_LISTS):
            figure = "overdue" if kind == LATE_LISTS else LIST_FIGURES.get(r["status"])
            if figure is None:
                continue
            leader = leaders.setdefault(r["leader_id"], _zero_list_row())
            for row in (totals, leader):
                row[figure] += n
                if kind == LISTS:
                    row["issued"] += n
        else:
            unit = units.setdefault(r["unit_id"], {"issued": 0, **dict.fromkeys(UNIT_FIGURES, 0), "overdue": 0})
            if kind == LATE_DUTIES:
                unit["overdue"] += n
                continue
            unit["issued"] += n
            if r["status"] in UNIT_FIGURES:
                unit[r["status"]] += n
    leader_names = dict(Person.objects.filter(pk__in=[pk for pk in leaders if pk]).values_list("pk", "name"))
    unit_names = dict(Unit.objects.filter(pk__in=list(units)).values_list("pk", "name"))
    per_leader: list[dict[str, Any]] = [
        {"leader_id": pk or None, "leader__name": leader_names.get(pk), **row}
        for pk, row in leaders.items()
        if row["issued"]
    ]
    per_unit: list[dict[str, Any]] = [
        {"unit_id": pk, "unit__name": unit_names.get(pk), **row} for pk, row in units.items() if row["issued"]
    ]
    per_leader.sort(key=lambda r: (-r["issued"], r["leader_id"] or 0))
    per_unit.sort(key=lambda r: (-r["issued"], r["unit_id"]))
    return {"lists": totals, "per_leader": per_leader, "per_unit": per_unit}


def tallied_status_counts(*, year: int | None = None, source: str = "", leader: int | None = None) -> dict[str, int]:
    """Lists per status (drafts included), with the same keys as queries.status_counts, in one query."""
    rows = Tally.objects.filter(kind=LISTS)
    if year:
        rows = rows.filter(year=year)
    if source:
        rows = rows.filter(source=source)
    if leader:
        rows = rows.filter(leader_id=leader)
    counts = dict.fromkeys(ListStatus.values, 0)
    for status, n in rows.order_by().values_list("status").annotate(n=Sum("n")):
        if status in counts:
            counts[status] = n
    counts["all"] = sum(counts[s] for s in ListStatus.values)
    return counts


def tallied_choices() -> tuple[list[int], list[int], list[int]]:
    """The leaders, units and years that some list has (drafts and withdrawn units included): the
    index's filter choices for whoever sees every list, in three small queries."""
    live = Tally.objects.filter(n__gt=0).order_by()
    leaders = list(live.filter(kind=LISTS).exclude(leader_id=0).values_list("leader_id", flat=True).distinct())
    units = list(live.filter(kind=UNIT_DUTIES).values_list("unit_id", flat=True).distinct())
    years = sorted(set(live.filter(kind=LISTS).values_list("year", flat=True).distinct()), reverse=True)
    return leaders, units, years


def tallied_years() -> list[int]:
    """The years that have a published list."""
    live = Tally.objects.filter(kind=LISTS, n__gt=0).exclude(status=ListStatus.DRAFT).order_by()
    return list(live.values_list("year", flat=True).distinct())
