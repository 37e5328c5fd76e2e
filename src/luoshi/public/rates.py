"""The three rates (三率) per unit and month, as Beijing's 接诉即办 regulation scores units, and the monthly
rankings of units and of districts. Definitions (the rates page shows them in words, with the weights):

- Response rate (响应率): of the unit's lead duties on problems dispatched in the month, those signed for
  within their sign-for limit (duties.respond.is_late false). A send-back awaiting the ruling counts
  against nobody (the dispatch is left out); one ruled against the unit (overruled) counts as a dispatch
  not responded to; one upheld (the unit was right) leaves the dispatch out of its count. A dispatch still
  unsigned whose limit has not passed is not counted yet.
- Resolution rate (解决率): of the return visits in the month of the unit's problems (each problem's last
  visit of the month), those that found it solved; "closed but not solved" is not solved.
- Satisfaction rate (满意率): (satisfied + basically satisfied × basically_counts %) / those visits.
- Score: the weighted sum of the rates in points (0..100), weights set by the admin (10 / 45 / 45 by default);
  a rate with no denominator is "—" (None), never 0 or 100, and the other weights are scaled up to 100.
  Ranked by score; equal scores share a rank (1, 1, 3); a unit without any figure is not ranked.

Districts: each unit of kind district with the units under it (towns, streets) counted in, ranked among
themselves. Everything is computed in a constant number of aggregate queries whatever the number of units.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.duties import owners
from luoshi.duties.models import Duty, DutyStatus, HandlingRole
from luoshi.duties.services import resolve_now
from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events.services import record
from luoshi.org import access
from luoshi.org.models import Person, Unit, UnitKind
from luoshi.public.models import RateWeights, Ruling, Satisfaction, SendBack, Visit

WEIGHTS_ID = 1  # the one row of RateWeights


@dataclass(frozen=True)
class Weights:
    response: int = 10
    resolution: int = 45
    satisfaction: int = 45
    basically_counts: int = 80


@dataclass
class UnitRef:
    id: int
    name: str


@dataclass
class UnitRate:
    unit: UnitRef
    dispatched: int = 0
    responded: int = 0
    response_rate: float | None = None
    visited: int = 0
    solved: int = 0
    resolution_rate: float | None = None
    satisfied: int = 0
    basically: int = 0
    satisfaction_rate: float | None = None
    wrong_send_backs: int = 0
    score: float | None = None
    rank: int | None = None


# Pure formulas ------------------------------------------------------------------------------------------


def ratio(numerator: float, denominator: int) -> float | None:
    """numerator / denominator in 0..1 (4 places), None without a denominator."""
    return None if denominator <= 0 else round(numerator / denominator, 4)


def response_rate(responded: int, dispatched: int) -> float | None:
    return ratio(responded, dispatched)


def resolution_rate(solved: int, visits: int) -> float | None:
    return ratio(solved, visits)


def satisfaction_rate(satisfied: int, basically: int, visits: int, basically_counts: int) -> float | None:
    return ratio(satisfied + basically * basically_counts / 100, visits)


def score(rates: tuple[float | None, float | None, float | None], w: Weights) -> float | None:
    """Σ weight × rate in points (0..100) over the rates that exist, their weights scaled up to 100."""
    pairs = [(r, wt) for r, wt in zip(rates, (w.response, w.resolution, w.satisfaction), strict=True) if r is not None]
    total = sum(wt for _, wt in pairs)
    if not pairs or total == 0:
        return None
    return round(100 * sum(r * wt for r, wt in pairs) / total, 2)


def rank(rows: list[UnitRate]) -> list[UnitRate]:
    """Sorted by score (best first, then name); equal scores share a rank; no score, no rank (last)."""
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.unit.name, r.unit.id))
    place, last = 0, None
    for i, r in enumerate(rows, start=1):
        if r.score is None:
            r.rank = None
            continue
        if r.score != last:
            place, last = i, r.score
        r.rank = place
    return rows


def finish(r: UnitRate, w: Weights) -> UnitRate:
    r.response_rate = response_rate(r.responded, r.dispatched)
    r.resolution_rate = resolution_rate(r.solved, r.visited)
    r.satisfaction_rate = satisfaction_rate(r.satisfied, r.basically, r.visited, w.basically_counts)
    r.score = score((r.response_rate, r.resolution_rate, r.satisfaction_rate), w)
    return r


# The weights ----------------------------------------------------------------------------------------------


def weights() -> Weights:
    row = RateWeights.objects.order_by("pk").first()
    if row is None:
        return Weights()
    return Weights(row.response_weight, row.resolution_weight, row.satisfaction_weight, row.basically_counts)


def _percent(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise InvalidInput(_("Give a whole number from 0 to 100."), field)
    return value


def do_set_weights(
    actor: Person,
    response: int,
    resolution: int,
    satisfaction: int,
    basically_counts: int,
    now: datetime | None = None,
) -> tuple[Weights, bool]:
    """The admin sets the weights (whole percentages summing to 100) and what a 基本满意 counts for;
    (weights, changed). The same values again record nothing."""
    if not access.can_manage_org(actor):
        raise NotAllowed(_("Only the system administrator sets the rates' weights."))
    new = Weights(
        _percent(response, "response"),
        _percent(resolution, "resolution"),
        _percent(satisfaction, "satisfaction"),
        _percent(basically_counts, "basically_counts"),
    )
    if new.response + new.resolution + new.satisfaction != 100:
        raise InvalidInput(_("The three weights add up to 100."), "satisfaction")
    now = resolve_now(now)
    with transaction.atomic():
        row = RateWeights.objects.select_for_update().order_by("pk").first()
        if row is None:
            row = RateWeights(pk=WEIGHTS_ID)
        old = Weights(row.response_weight, row.resolution_weight, row.satisfaction_weight, row.basically_counts)
        if old == new:  # the same values (the shipped defaults when no row exists yet): nothing changes
            return new, False
        row.response_weight, row.resolution_weight = new.response, new.resolution
        row.satisfaction_weight, row.basically_counts = new.satisfaction, new.basically_counts
        row.save()
        record(
            actor, "rate_weights.changed", "rate_weights", WEIGHTS_ID, before=vars_of(old), after=vars_of(new), at=now
        )
    return new, True


def vars_of(w: Weights) -> dict[str, int]:
    return {
        "response": w.response,
        "resolution": w.resolution,
        "satisfaction": w.satisfaction,
        "basically_counts": w.basically_counts,
    }


# The figures ----------------------------------------------------------------------------------------------


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first moment and the next month's, in the city's time."""
    first = date(month.year, month.month, 1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(first, time.min), tz),
        timezone.make_aware(datetime.combine(following, time.min), tz),
    )


def _dispatch_counts(start: datetime, end: datetime, now: datetime) -> dict[int, dict[str, int]]:
    """Per unit: lead duties dispatched in [start, end) that count, those responded to in time, and those
    sent back and ruled against the unit. One query."""
    sb = SendBack.objects.filter(duty_id=OuterRef("pk"))
    overruled = Exists(sb.filter(ruling=Ruling.OVERRULED))
    out_of_count = Exists(sb.filter(ruling__in=(Ruling.UPHELD, Ruling.PENDING)))
    in_time = Q(signed_at__isnull=False) & (Q(respond_by__isnull=True) | Q(signed_at__lte=F("respond_by")))
    not_yet = Q(signed_at__isnull=True, respond_by__gt=now)  # still within its limit: not counted yet
    rows = (
        Duty.objects.filter(
            owner_type_id=owners.content_type_id("problem"),
            role=HandlingRole.LEAD,
            created_at__gte=start,
            created_at__lt=end,
        )
        .filter(~out_of_count)
        # A duty withdrawn without an overruled send-back (taken back by the office) is no dispatch to count.
        .filter(~Q(status=DutyStatus.WITHDRAWN) | overruled)
        .exclude(not_yet & ~overruled)
        .values("unit_id")
        .annotate(
            dispatched=Count("pk"),
            responded=Count("pk", filter=in_time & ~overruled),
            wrong=Count("pk", filter=overruled),
        )
        .order_by()
    )
    return {r["unit_id"]: r for r in rows}


def _visit_counts(start: datetime, end: datetime) -> dict[int, dict[str, int]]:
    """Per unit: the period's last visit of each of its problems, those solved, satisfied, basically. One query."""
    later = Visit.objects.filter(problem_id=OuterRef("problem_id"), at__gte=start, at__lt=end).filter(
        Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk"))
    )
    rows = (
        Visit.objects.filter(at__gte=start, at__lt=end)
        .filter(~Exists(later))
        .values("unit_id")
        .annotate(
            visited=Count("pk"),
            solved=Count("pk", filter=Q(solved=True)),
            satisfied=Count("pk", filter=Q(satisfaction=Satisfaction.SATISFIED)),
            basically=Count("pk", filter=Q(satisfaction=Satisfaction.BASICALLY)),
        )
        .order_by()
    )
    return {r["unit_id"]: r for r in rows}


KEYS = ("dispatched", "responded", "wrong", "visited", "solved", "satisfied", "basically")


def _counts(start: datetime, end: datetime, now: datetime) -> dict[int, dict[str, int]]:
    """Per unit: every KEYS count over [start, end). Two queries."""
    counts: dict[int, dict[str, int]] = {}
    for source in (_dispatch_counts(start, end, now), _visit_counts(start, end)):
        for unit_id, row in source.items():
            mine = counts.setdefault(unit_id, dict.fromkeys(KEYS, 0))
            for k in KEYS:
                mine[k] += row.get(k, 0)
    return counts


def _figures(month: date, now: datetime | None) -> tuple[dict[int, dict[str, int]], Weights]:
    start, end = month_bounds(month)
    return _counts(start, end, resolve_now(now)), weights()


def _row(unit: UnitRef, c: dict[str, int], w: Weights) -> UnitRate:
    r = UnitRate(
        unit=unit,
        dispatched=c["dispatched"],
        responded=c["responded"],
        visited=c["visited"],
        solved=c["solved"],
        satisfied=c["satisfied"],
        basically=c["basically"],
        wrong_send_backs=c["wrong"],
    )
    return finish(r, w)


def period_unit_rates(start: datetime, end: datetime, now: datetime) -> list[UnitRate]:
    """Every unit with a dispatch or a visit in [start, end), ranked: the month's figures over other bounds
    (the bulletin's period). Four queries."""
    counts, w = _counts(start, end, now), weights()
    names = dict(Unit.objects.filter(pk__in=list(counts)).values_list("pk", "name"))
    return rank([_row(UnitRef(pk, names.get(pk, str(pk))), c, w) for pk, c in counts.items()])


def unit_rates(month: date, now: datetime | None = None) -> list[UnitRate]:
    """Every unit with a dispatch or a visit in the month, ranked. Four queries."""
    start, end = month_bounds(month)
    return period_unit_rates(start, end, resolve_now(now))


def district_of(tree: dict[int, tuple[str, int | None]]) -> dict[int, int]:
    """Each unit's district (tree: unit → (kind, parent)): itself if it is one, else the nearest district
    above it; units under no district are left out."""
    out: dict[int, int] = {}
    for pk in tree:
        seen: set[int] = set()
        cur: int | None = pk
        while cur is not None and cur not in seen and cur in tree:
            seen.add(cur)
            kind, parent = tree[cur]
            if kind == UnitKind.DISTRICT:
                out[pk] = cur
                break
            cur = parent
    return out


def _districts(
    counts: dict[int, dict[str, int]], w: Weights, rows: list[tuple[int, str, str, int | None]]
) -> list[UnitRate]:
    tree: dict[int, tuple[str, int | None]] = {pk: (kind, parent) for pk, _, kind, parent in rows}
    names = {pk: name for pk, name, _, _ in rows}
    of = district_of(tree)
    totals: dict[int, dict[str, int]] = {}
    for unit_id, c in counts.items():
        d = of.get(unit_id)
        if d is None:
            continue
        mine = totals.setdefault(d, dict.fromkeys(KEYS, 0))
        for k in KEYS:
            mine[k] += c[k]
    return rank([_row(UnitRef(pk, names[pk]), c, w) for pk, c in totals.items()])


def _tree() -> list[tuple[int, str, str, int | None]]:
    return list(Unit.objects.values_list("pk", "name", "kind", "parent_id"))


def district_rates(month: date, now: datetime | None = None) -> list[UnitRate]:
    """Every district with a figure, the units under it counted in, ranked among districts. Four queries."""
    counts, w = _figures(month, now)
    return _districts(counts, w, _tree())


def rankings(month: date, now: datetime | None = None) -> tuple[list[UnitRate], list[UnitRate]]:
    """Both rankings of the month (units, districts) from one set of figures. Four queries."""
    counts, w = _figures(month, now)
    rows = _tree()
    names = {pk: name for pk, name, _, _ in rows}
    units = rank([_row(UnitRef(pk, names.get(pk, str(pk))), c, w) for pk, c in counts.items()])
    return units, _districts(counts, w, rows)
