"""The reads behind the index, the loop, the inbox and the overview, shared by web and API.

Each returns its rows with a fixed number of queries, whatever the number of rows.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    IntegerField,
    Min,
    OrderBy,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.duties.lights import LIGHTS, light, light_q, light_rank, overdue_q
from luoshi.duties.models import Duty, DutyStatus, HandlingRole
from luoshi.errors import InvalidInput
from luoshi.events.models import Event
from luoshi.lists.access import visible_lists_q
from luoshi.lists.figures import tallied_overview, tallied_status_counts, tallied_years
from luoshi.lists.models import ListStatus, ResponsibilityList, Source
from luoshi.lists.services import owner_type
from luoshi.org.models import Person

OPEN = Q(status=DutyStatus.OPEN)
OPEN_LIST = Q(status=ListStatus.IN_PROGRESS)


def visible_lists(person: Person) -> QuerySet[ResponsibilityList]:
    q = visible_lists_q(person)
    qs = ResponsibilityList.objects.all()
    return qs if q is None else qs.filter(q)


NOT_ACCEPTED = (DutyStatus.OPEN, DutyStatus.COMPLETION_REQUESTED)


def with_lights(qs: QuerySet[ResponsibilityList]) -> QuerySet[ResponsibilityList]:
    """Name the list's derived dates as the pages read them: the earliest report due and deadline of
    the units still working (the list's light), and the effective deadline (the latest of the units not
    yet accepted; an approved extension moves a unit's deadline). They are columns kept in step by
    every write (lists.tallies), so this groups nothing."""
    return qs.annotate(
        open_due=F("working_due"),
        open_deadline=F("working_deadline"),
        effective_deadline=Coalesce(F("final_deadline"), F("deadline")),
    )


def effective_deadline(rlist: ResponsibilityList) -> date:
    """The list's effective deadline (see with_lights): annotated, or from prefetched obligations."""
    if hasattr(rlist, "effective_deadline"):
        return rlist.effective_deadline
    obligations = [d for d in rlist.duties.all() if d.status != DutyStatus.WITHDRAWN]
    not_accepted = [ob.deadline for ob in obligations if ob.status in NOT_ACCEPTED]
    return max(not_accepted or [ob.deadline for ob in obligations] or [rlist.deadline])


def open_dates(rlist: ResponsibilityList) -> tuple[date | None, date | None]:
    """The earliest report due and deadline of units still working: annotated, or from prefetched obligations."""
    if hasattr(rlist, "open_due") and hasattr(rlist, "open_deadline"):
        return rlist.open_due, rlist.open_deadline
    working = [ob for ob in rlist.duties.all() if ob.status == DutyStatus.OPEN]
    return (
        min((ob.next_report_due for ob in working if ob.next_report_due), default=None),
        min((ob.deadline for ob in working), default=None),
    )


def list_light(rlist: ResponsibilityList, today: date) -> str | None:
    if rlist.status != ListStatus.IN_PROGRESS:
        return None
    return light(today, *open_dates(rlist))


def light_filter(wanted: str, today: date) -> Q:
    """Lists in progress whose light is `wanted`: the light of their working units' earliest dates."""
    return Q(status=ListStatus.IN_PROGRESS) & light_q(wanted, today, "working_due", "working_deadline")


def overdue_filter(today: date) -> Q:
    return Q(status=ListStatus.IN_PROGRESS) & overdue_q(today, "working_due", "working_deadline")


def obligation_light(ob: Duty, today: date, list_status: str) -> str | None:
    """No light on a draft (nothing is owed yet), a suspended, cancelled or struck-off list, as for the
    list itself, nor on a withdrawn duty."""
    if list_status != ListStatus.IN_PROGRESS or ob.status == DutyStatus.WITHDRAWN:
        return None
    if ob.status != DutyStatus.OPEN:
        return light(today, None, None)
    return light(today, ob.next_report_due, ob.deadline)


@dataclass
class ListFilters:
    status: str = ""
    source: str = ""
    leader: int | None = None
    unit: int | None = None
    light: str = ""
    year: int | None = None
    overdue: bool = False
    q: str = ""
    sort: str = ""
    # `from` / `to`: published (issued) on these days, inclusive; `closed_from` / `closed_to`: struck off on them.
    published_from: date | None = None
    published_to: date | None = None
    closed_from: date | None = None
    closed_to: date | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def dated(self) -> bool:
        return any((self.published_from, self.published_to, self.closed_from, self.closed_to))


def day_bounds(first: date | None, last: date | None, name: str) -> Q:
    """`name` (a datetime field) on the local days first..last, inclusive; either end may be open."""
    tz = timezone.get_current_timezone()
    q = Q()
    if first:
        q &= Q(**{f"{name}__gte": datetime.combine(first, time.min, tz)})
    if last:
        q &= Q(**{f"{name}__lt": datetime.combine(last + timedelta(days=1), time.min, tz)})
    return q


def filtered_lists(person: Person, f: ListFilters, today: date) -> QuerySet[ResponsibilityList]:
    qs = visible_lists(person)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.source:
        qs = qs.filter(source=f.source)
    if f.leader:
        qs = qs.filter(leader_id=f.leader)
    if f.unit:
        qs = qs.filter(pk__in=Duty.objects.filter(owner_type=owner_type(), unit_id=f.unit).values("owner_id"))
    if f.year:
        qs = qs.filter(year=f.year)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(content__icontains=f.q) | Q(code__icontains=f.q))
    if f.light in LIGHTS:
        qs = qs.filter(light_filter(f.light, today))
    if f.overdue:
        qs = qs.filter(overdue_filter(today))
    if f.published_from or f.published_to:
        qs = qs.filter(day_bounds(f.published_from, f.published_to, "published_at"))
    if f.closed_from or f.closed_to:
        qs = qs.filter(day_bounds(f.closed_from, f.closed_to, "closed_at"))
    return qs


# The columns of the index a person may sort by (`?sort=key`, `?sort=-key` descending).
SORTS = ("light", "code", "title", "source", "leader", "units", "progress", "due", "deadline", "status")
DEFAULT_SORT = "light"  # the worst light first, then what falls due first


def check_sort(raw: str) -> str:
    """The sort asked for ("" is the default), or InvalidInput naming the field `sort`."""
    sort = raw.strip() or DEFAULT_SORT
    if sort.removeprefix("-") not in SORTS:
        raise InvalidInput(
            _("Unknown sort “%(value)s”: choose one of %(keys)s, or the same with a leading “-”.")
            % {"value": raw, "keys": ", ".join(SORTS)},
            "sort",
        )
    return sort


def _rank(field: str, values: list[str]) -> Case:
    """A choice field in the order its choices are declared (not the alphabet of a translation)."""
    whens = [When(**{field: v, "then": Value(i)}) for i, v in enumerate(values)]
    return Case(*whens, default=Value(len(values)), output_field=IntegerField())


def sorted_lists(qs: QuerySet[ResponsibilityList], sort: str, today: date) -> QuerySet[ResponsibilityList]:
    """Order lists annotated by with_lights by one of SORTS, in SQL; ties by id, newest first, so
    that pages never repeat or skip a row. Empty values (no code, no leader) come last either way."""
    sort = check_sort(sort)
    key, descending = sort.removeprefix("-"), sort.startswith("-")
    keys = {
        "light": light_rank(today, "open_due", "open_deadline", Q(status=ListStatus.IN_PROGRESS)),
        "code": F("code"),
        "title": F("title"),
        "source": _rank("source", Source.values),
        "leader": F("leader__name"),
        "units": Min("duties__unit__name", filter=Q(duties__role=HandlingRole.LEAD)),
        "progress": Avg("duties__progress"),
        "due": F("open_due"),
        "deadline": F("effective_deadline"),
        "status": _rank("status", ListStatus.values),
    }
    qs = qs.annotate(sort_key=keys[key])
    first = OrderBy(F("sort_key"), descending=descending, nulls_last=True)
    then = [F("effective_deadline").asc(), F("open_due").asc(nulls_last=True)] if key == "light" else []
    return qs.order_by(first, *then, F("id").desc())


def index_rows(
    qs: QuerySet[ResponsibilityList], sort: str = DEFAULT_SORT, today: date | None = None
) -> QuerySet[ResponsibilityList]:
    """What the index shows per list: its light and effective deadline, its leader and every handling
    unit with its last report (prefetched), in the order asked for."""
    today = today or timezone.localdate()
    rows = with_lights(qs).select_related("leader")
    rows = rows.prefetch_related(Prefetch("duties", queryset=Duty.objects.select_related("unit", "last_report")))
    return sorted_lists(rows, sort, today)


def tallied_filters(person: Person, f: ListFilters) -> bool:
    """The tallies count these lists: the person sees every list and filters only by status, year,
    source or leader."""
    return visible_lists_q(person) is None and not (f.unit or f.light or f.overdue or f.q or f.dated)


def published_years(person: Person) -> list[int]:
    """The years of the published lists this person sees (from the tallies when that is every list)."""
    if visible_lists_q(person) is None:
        return tallied_years()
    visible = visible_lists(person).exclude(status=ListStatus.DRAFT)
    return list(visible.order_by().values_list("year", flat=True).distinct())


def index_status_counts(person: Person, f: ListFilters, today: date) -> dict[str, int]:
    """The index's tabs: lists per status under the filters other than status. Read from the tallies
    when `tallied_filters`; else counted."""
    if tallied_filters(person, f):
        return tallied_status_counts(year=f.year, source=f.source, leader=f.leader)
    return status_counts(filtered_lists(person, replace(f, status=""), today))


def status_counts(qs: QuerySet[ResponsibilityList]) -> dict[str, int]:
    # Group the ids, not `qs` itself: a light filter's HAVING would otherwise judge whole status groups.
    ids = ResponsibilityList.objects.filter(pk__in=qs.values("pk"))
    rows = ids.order_by().values("status").annotate(n=Count("id"))
    counts = dict.fromkeys(ListStatus.values, 0)
    counts.update({r["status"]: r["n"] for r in rows})
    counts["all"] = sum(counts[s] for s in ListStatus.values)
    return counts


def loop_obligations(rlist: ResponsibilityList) -> list[Duty]:
    return list(
        rlist.duties.select_related("unit", "last_report", "last_report__author")
        .prefetch_related("extensions")
        .order_by("-role", "id")
    )


def unit_inbox(person: Person) -> QuerySet[Duty]:
    """The duties of the person's unit on lists in progress: open work first, then what waits for
    acceptance, then what is done; within each, what is due first (no due date last, on every database)."""
    if person.unit_id is None:
        return Duty.objects.none()
    stage = Case(
        When(status=DutyStatus.OPEN, then=Value(0)),
        When(status=DutyStatus.COMPLETION_REQUESTED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Duty.objects.filter(owner_type=owner_type(), unit_id=person.unit_id, list__status=ListStatus.IN_PROGRESS)
        .exclude(status=DutyStatus.WITHDRAWN)
        .select_related("leader", "last_report")
        .order_by(stage, F("next_report_due").asc(nulls_last=True), "deadline", "owner_id")
    )


def overview(person: Person, year: int | None, today: date | None = None) -> dict:
    """Lists issued / completed / in progress / overdue, in all and per leader and per unit; suspended
    and cancelled lists are counted apart (issued = completed + in progress + suspended + cancelled),
    and neither is ever overdue. Whoever sees every list reads the tallies (a few hundred summary
    rows, whatever the number of lists); anyone else counts the lists they see."""
    today = today or timezone.localdate()
    if visible_lists_q(person) is None:
        return tallied_overview(year, today)
    return counted_overview(person, year, today)


def counted_overview(person: Person, year: int | None, today: date) -> dict:
    """The overview counted from the facts, over the lists this person sees."""
    qs = visible_lists(person).exclude(status=ListStatus.DRAFT)
    if year:
        qs = qs.filter(year=year)
    by_status = {
        "completed": Q(status=ListStatus.CLOSED),
        "in_progress": Q(status=ListStatus.IN_PROGRESS),
        "suspended": Q(status=ListStatus.SUSPENDED),
        "cancelled": Q(status=ListStatus.CANCELLED),
    }
    totals = qs.aggregate(
        issued=Count("id", distinct=True), **{k: Count("id", filter=q, distinct=True) for k, q in by_status.items()}
    )
    overdue_ids = qs.filter(overdue_filter(today))
    totals["overdue"] = overdue_ids.count()

    visible_ids = qs.values("pk")
    late_ob = Q(status=DutyStatus.OPEN) & (Q(next_report_due__lt=today) | Q(deadline__lt=today))
    unfinished = ~Q(status=DutyStatus.COMPLETED)
    per_unit = list(
        Duty.objects.filter(owner_type=owner_type(), owner_id__in=visible_ids)
        .exclude(status=DutyStatus.WITHDRAWN)
        .values("unit_id", "unit__name")
        .annotate(
            issued=Count("id"),
            completed=Count("id", filter=Q(status=DutyStatus.COMPLETED)),
            in_progress=Count("id", filter=unfinished & Q(list__status=ListStatus.IN_PROGRESS)),
            suspended=Count("id", filter=unfinished & Q(list__status=ListStatus.SUSPENDED)),
            overdue=Count("id", filter=late_ob & Q(list__status=ListStatus.IN_PROGRESS)),
        )
        .order_by("-issued", "unit_id")
    )
    _add_cancelled_per_unit(per_unit, qs)
    per_leader = list(
        qs.order_by()
        .values("leader_id", "leader__name")
        .annotate(
            issued=Count("id", distinct=True), **{k: Count("id", filter=q, distinct=True) for k, q in by_status.items()}
        )
        .order_by("-issued", "leader_id")
    )
    # Grouped over the ids so that each list is judged on its own dates, not its leader's whole group.
    overdue_by_leader = dict(
        ResponsibilityList.objects.filter(pk__in=overdue_ids.values("pk"))
        .order_by()
        .values_list("leader_id")
        .annotate(n=Count("id"))
    )
    for row in per_leader:
        row["overdue"] = overdue_by_leader.get(row["leader_id"], 0)
    return {"lists": totals, "per_leader": per_leader, "per_unit": per_unit}


def _add_cancelled_per_unit(per_unit: list[dict], lists: QuerySet[ResponsibilityList]) -> None:
    """A cancelled list's duties are withdrawn: a unit counts it as cancelled (and issued) when its duty
    was still live at the cancellation, as the cancellation's event records, not when it had been
    withdrawn or transferred away before. Two queries, whatever the number of lists."""
    cancelled = Event.objects.filter(
        kind="list.cancelled",
        subject_type="list",
        subject_id__in=lists.filter(status=ListStatus.CANCELLED).values("pk"),
    )
    duty_ids = [pk for after in cancelled.values_list("after", flat=True) for pk in after.get("withdrawn", [])]
    counts = {
        (r["unit_id"], r["unit__name"]): r["n"]
        for r in Duty.objects.filter(pk__in=duty_ids).values("unit_id", "unit__name").annotate(n=Count("id"))
    }
    rows = {r["unit_id"]: r for r in per_unit}
    for row in per_unit:
        row["cancelled"] = 0
    for (unit_id, name), n in counts.items():
        if unit_id not in rows:
            rows[unit_id] = {"unit_id": unit_id, "unit__name": name, "issued": 0, "completed": 0, "in_progress": 0}
            rows[unit_id].update(suspended=0, overdue=0, cancelled=0)
            per_unit.append(rows[unit_id])
        rows[unit_id]["cancelled"] = n
        rows[unit_id]["issued"] += n
    per_unit.sort(key=lambda r: (-r["issued"], r["unit_id"]))
