"""The reads of frontline days: who the leaders are, their entries in a period (one query for any number of
leaders), each leader's month against the rule, the half-year's trips and days, the month's calendar."""

import calendar as pycalendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet

from luoshi.frontline import access, config
from luoshi.frontline.models import Candidate, FieldProblem, Fieldwork, Posting, Selection
from luoshi.frontline.rule import (
    Entry,
    Month,
    Totals,
    half_bounds,
    is_main_leader,
    month_bounds,
    month_compliance,
    period_totals,
)
from luoshi.org.models import Person, Role


def leaders() -> list[Person]:
    """The active leaders, in the order they were entered (roles are a JSON list: checked in Python)."""
    people = Person.objects.filter(is_active=True, roles__icontains=f'"{Role.LEADER}"').order_by("pk")
    return [p for p in people if p.has_role(Role.LEADER)]


def leaders_for(person: Person) -> list[Person]:
    """Whose months this person may see: every leader for the office, a leader himself or herself."""
    if access.sees_all_leaders(person):
        return leaders()
    return [person] if access.is_leader(person) else []


def entries_of(leader_ids: Iterable[int], first: date, last: date) -> dict[int, list[Entry]]:
    """Each leader's entries with a day between first and last: one query."""
    out: dict[int, list[Entry]] = {pk: [] for pk in leader_ids}
    rows = Fieldwork.objects.filter(leader_id__in=list(out), date__lte=last, last_date__gte=first).values_list(
        "leader_id", "date", "days", "kind"
    )
    for leader_id, day, days, kind in rows:
        out[leader_id].append(Entry(day, days, kind))
    return out


@dataclass
class LeaderMonth:
    leader: Person
    month: Month


def month_table(people: Sequence[Person], year: int, month: int) -> list[LeaderMonth]:
    first, last = month_bounds(year, month)
    entries, rule = entries_of([p.pk for p in people], first, last), config.rule()
    return [LeaderMonth(p, month_compliance(entries[p.pk], year, month, rule)) for p in people]


@dataclass
class LeaderHalf:
    leader: Person
    main: bool
    totals: Totals
    months_ok: int
    months: int  # months of the half ended by today


@dataclass
class HalfYear:
    first: date
    last: date
    rows: list[LeaderHalf]

    @property
    def main(self) -> Totals:
        return sum((r.totals for r in self.rows if r.main), Totals())

    @property
    def all(self) -> Totals:
        return sum((r.totals for r in self.rows), Totals())


def half_year(people: Sequence[Person], year: int, half: int, today: date) -> HalfYear:
    """Each leader's trips and days in the half year, the months he or she met the rule in (of those ended:
    the month in progress is not judged yet), and which leaders are main leaders (config.main_posts)."""
    return period(people, *half_bounds(year, half), today)


def months_within(first: date, last: date) -> list[tuple[int, int]]:
    """The whole months between first and last (inclusive)."""
    out: list[tuple[int, int]] = []
    n = first.year * 12 + first.month - 1
    while True:
        year, month = divmod(n, 12)
        bounds = month_bounds(year, month + 1)
        if bounds[1] > last:
            return out
        if bounds[0] >= first:
            out.append((year, month + 1))
        n += 1


def period(people: Sequence[Person], first: date, last: date, today: date) -> HalfYear:
    """Each leader's trips and days between first and last (a half year, or any period: the cockpit's
    drill-down), and the whole months of it he or she met the rule in (of those ended by today)."""
    entries, rule, posts = entries_of([p.pk for p in people], first, last), config.rule(), config.main_posts()
    months = [(y, m) for y, m in months_within(first, last) if month_bounds(y, m)[1] < today]
    rows = []
    for p in people:
        mine = entries[p.pk]
        ok = sum(1 for y, m in months if month_compliance(mine, y, m, rule).ok)
        rows.append(LeaderHalf(p, is_main_leader(p.title, posts), period_totals(mine, first, last), ok, len(months)))
    return HalfYear(first, last, rows)


def trips(people: Sequence[Person], first: date, last: date) -> QuerySet[Fieldwork]:
    """The entries the period's trips count (a day between first and last), in date order."""
    qs = Fieldwork.objects.filter(leader_id__in=[p.pk for p in people], date__lte=last, last_date__gte=first)
    return qs.select_related("leader", "unit").order_by("date", "id")


def visible_fieldwork(person: Person) -> QuerySet[Fieldwork]:
    q = access.fieldwork_q(person)
    qs = Fieldwork.objects.all() if q is None else Fieldwork.objects.filter(q)
    return qs.select_related("leader", "unit", "logged_by")


def with_problems(qs: QuerySet[Fieldwork]) -> QuerySet[Fieldwork]:
    return qs.prefetch_related(
        Prefetch("problems", queryset=FieldProblem.objects.select_related("list").order_by("id"))
    )


def month_entries(leader: Person, year: int, month: int) -> QuerySet[Fieldwork]:
    first, last = month_bounds(year, month)
    qs = Fieldwork.objects.filter(leader=leader, date__lte=last, last_date__gte=first)
    return with_problems(qs.select_related("unit", "logged_by")).order_by("date", "id")


@dataclass
class Cell:
    day: date
    kinds: list[str]
    marks: str  # the kinds' one-character marks
    today: bool
    ahead: bool


def calendar_weeks(m: Month, today: date, letters: dict[str, str]) -> list[list[Cell | None]]:
    """The month as weeks from Monday, each day with the kinds logged on it (None outside the month)."""
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(m.year, m.month):
        cells: list[Cell | None] = []
        for d in week:
            kinds = m.kinds_on(d)
            marks = "".join(letters.get(k, "") for k in kinds)
            cells.append(Cell(d, kinds, marks, d == today, d > today) if d.month == m.month else None)
        weeks.append(cells)
    return weeks


def rounds() -> QuerySet[Selection]:
    placements = Posting.objects.select_related("person", "unit").order_by("start", "id")
    candidates = Candidate.objects.select_related("person__unit").prefetch_related(
        Prefetch("placements", queryset=placements)
    )
    return Selection.objects.prefetch_related(Prefetch("candidates", queryset=candidates.order_by("id")))
