"""Traffic lights, derived from stored dates by pure functions (and their SQL twins)."""

from datetime import date, timedelta

from django.db.models import Case, IntegerField, Q, Value, When

from luoshi.duties.models import DutyStatus

GREEN, YELLOW, RED = "green", "yellow", "red"
LIGHTS = (GREEN, YELLOW, RED)
# Sorting by light: the worst first, work without a light (drafts, closed lists) last.
LIGHT_RANK = {RED: 0, YELLOW: 1, GREEN: 2, None: 3}
# A duty whose owner is not yet live: nothing to do yet.
PENDING = DutyStatus.PENDING.value


def thresholds(kind: str = "list") -> tuple[int, int]:
    from luoshi.duties.models import Policy

    policy = Policy.current(kind)
    return policy.light_due_soon_days, policy.light_red_after_days


def light(
    today: date, next_report_due: date | None, deadline: date | None, limits: tuple[int, int] | None = None
) -> str:
    """The light of open work: red past the deadline or a report overdue more than RED_AFTER days;
    yellow when a report is due within DUE_SOON days or overdue up to RED_AFTER days; else green.

    Work that is not open (completed, awaiting acceptance) passes None for both dates: green.
    Earlier dates never give a better light, so a list's light is the light of its earliest dates.
    `limits` is (DUE_SOON, RED_AFTER); by default the office's policy.
    """
    due_soon, red_after = limits or thresholds()
    if deadline is not None and today > deadline:
        return RED
    if next_report_due is None:
        return GREEN
    if (today - next_report_due).days > red_after:
        return RED
    if (next_report_due - today).days <= due_soon:
        return YELLOW
    return GREEN


def light_q(wanted: str, today: date, due_field: str, deadline_field: str, limits: tuple[int, int] | None = None) -> Q:
    """The same rule as `light`, as a filter on two (possibly annotated) date fields; `limits` as there."""
    due_soon, red_after = limits or thresholds()
    red = Q(**{f"{deadline_field}__lt": today}) | Q(**{f"{due_field}__lt": today - timedelta(days=red_after)})
    yellow = Q(**{f"{due_field}__lte": today + timedelta(days=due_soon)})
    if wanted == RED:
        return red
    if wanted == YELLOW:
        return yellow & ~red
    return ~red & ~yellow


def light_rank(today: date, due_field: str, deadline_field: str, lit: Q) -> Case:
    """LIGHT_RANK of `light` in SQL, over two (possibly annotated) date fields; `lit` says which rows
    have a light at all. The cases are tried in order, so each needs no negation (NULL-safe)."""
    due_soon, red_after = thresholds()
    red = Q(**{f"{deadline_field}__lt": today}) | Q(**{f"{due_field}__lt": today - timedelta(days=red_after)})
    return Case(
        When(~lit, then=Value(LIGHT_RANK[None])),
        When(red, then=Value(LIGHT_RANK[RED])),
        When(Q(**{f"{due_field}__lte": today + timedelta(days=due_soon)}), then=Value(LIGHT_RANK[YELLOW])),
        default=Value(LIGHT_RANK[GREEN]),
        output_field=IntegerField(),
    )


def unit_status_label(status: str) -> str:
    try:
        return str(DutyStatus(status).label)
    except ValueError:
        return status


def overdue_q(today: date, due_field: str, deadline_field: str) -> Q:
    return Q(**{f"{due_field}__lt": today}) | Q(**{f"{deadline_field}__lt": today})
