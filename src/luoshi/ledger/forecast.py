"""The forecast light (预警): will a task reach its target by its deadline? Pure functions.

The method, shown to users beside the light: the pace of the last two reported values (or, with one
value, the pace since the start of the year) is projected forward to the deadline.
- green: the projection reaches the target;
- yellow: it reaches at least 90 % of it, or the value so far is below 90 % of the plan for the last
  period passed;
- red: less than 90 % of the target, with time left or not: it turns red before the deadline.
A task without indicators is forecast the same way from its progress (target 100 %). A finished task
is green; one with no value reported has no forecast yet (unless a planned period has passed: yellow).
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

GREEN, YELLOW, RED = "green", "yellow", "red"
RANK = {RED: 0, YELLOW: 1, GREEN: 2, "": 3}
NEAR = Decimal("0.9")


@dataclass(frozen=True)
class Outlook:
    light: str  # green / yellow / red / "" (no basis yet)
    projected: Decimal | None
    basis: str  # the words shown beside the light

    @property
    def rank(self) -> int:
        return RANK[self.light]


NONE = Outlook("", None, "")


def period_end(period: str) -> date:
    """'2026-Q2' → 2026-06-30; '2026-05' → 2026-05-31."""
    year, part = period.split("-")
    month = int(part[1:]) * 3 if part.startswith("Q") else int(part)
    return date(int(year), month, monthrange(int(year), month)[1])


def _fmt(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.01')):,}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def project(
    points: list[tuple[date, Decimal]], deadline: date, *, year_start: date | None = None, base: Decimal = Decimal(0)
) -> Decimal | None:
    """The value at the deadline if the pace of the last two points (or since `year_start` from `base`)
    holds. None without points."""
    if not points:
        return None
    last_day, last = points[-1]
    if len(points) >= 2:
        first_day, first = points[-2]
    elif year_start is not None and year_start < last_day:
        first_day, first = year_start, base
    else:
        return last
    days = (last_day - first_day).days
    if days <= 0:
        return last
    pace = (last - first) / Decimal(days)
    ahead = max((deadline - last_day).days, 0)
    return last + pace * ahead


def outlook(
    target: Decimal,
    points: list[tuple[date, Decimal]],
    plan: list[tuple[date, Decimal]],
    deadline: date,
    today: date,
    *,
    measure: str = "",
    year_start: date | None = None,
) -> Outlook:
    """One indicator's (or one task's progress') outlook; `points` are (day reported, value) in order,
    `plan` (period end, planned value) in order."""
    passed = [planned for end, planned in plan if end <= today]
    if not points:
        if passed and passed[-1] > 0:
            return Outlook(
                YELLOW,
                None,
                _("Nothing reported yet, {planned}{measure} planned by now.").format(
                    planned=_fmt(passed[-1]), measure=measure
                ),
            )
        return NONE
    so_far = points[-1][1]
    projected = project(points, deadline, year_start=year_start)
    assert projected is not None
    words = _("At the pace of the last reports: {projected}{measure} by {deadline}, target {target}{measure}.").format(
        projected=_fmt(projected), measure=measure, deadline=deadline.isoformat(), target=_fmt(target)
    )
    if target <= 0 or projected >= target:
        light = GREEN
    elif projected >= target * NEAR:
        light = YELLOW
    else:
        light = RED
    if light == GREEN and passed and so_far < passed[-1] * NEAR:
        light = YELLOW
        words += " " + _("Behind the plan for the last period ({planned}{measure}).").format(
            planned=_fmt(passed[-1]), measure=measure
        )
    return Outlook(light, projected, words)


def worst(outlooks: list[Outlook]) -> Outlook:
    lit = [o for o in outlooks if o.light]
    return min(lit, key=lambda o: o.rank) if lit else NONE
