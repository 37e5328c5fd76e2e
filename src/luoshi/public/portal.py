"""What the public portal shows: the exposed hot issues (曝光) with their progress, the month's rankings of
units and districts (rates.py), and the figures the city chooses to publish (LUOSHI_PUBLIC_PORTAL_FIGURES).
No personal data: a hot issue is shown by its first line (numbers that could be a phone masked, the
reporter's name and contact taken out), its category, the unit handling it and its status."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from luoshi.public import rates
from luoshi.public.dispatch import title_of
from luoshi.public.models import Outcome, Problem, Satisfaction, Status, Visit

FIGURES = ("received", "closed", "solved_rate", "satisfaction_rate", "exposed", "rankings")
HOT_MAX = 60
CACHE_SECONDS = 60  # as long as the page's max-age: the figures are as fresh as a cached page anyway
LONG_NUMBER = re.compile(r"\d{6,}")


@dataclass
class HotIssue:
    title: str
    category: str
    unit: str | None
    status: str
    outcome: str
    exposed_at: datetime | None
    closed_at: datetime | None


@dataclass
class Portal:
    figures: dict[str, int | float | None]
    shown: list[str]
    hot: list[HotIssue]
    month: date
    units: list[rates.UnitRate] = field(default_factory=list)
    districts: list[rates.UnitRate] = field(default_factory=list)


def shown_figures() -> list[str]:
    chosen = getattr(settings, "LUOSHI_PUBLIC_PORTAL_FIGURES", list(FIGURES))
    return [f for f in FIGURES if f in chosen]


def public_title(p: Problem) -> str:
    """The problem's first line without what could identify its reporter."""
    title = title_of(p.content)
    for private in (p.reporter_name, p.reporter_contact):
        if private and len(private) > 1:
            title = title.replace(private, "＊＊")
    return LONG_NUMBER.sub(lambda m: m.group()[:2] + "＊" * (len(m.group()) - 2), title)


def ranking_month(today: date) -> date:
    """The last complete month: its rankings are final."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def _figures() -> dict[str, int | float | None]:
    counts = Problem.objects.aggregate(
        received=Count("pk"),
        closed=Count("pk", filter=Q(status=Status.CLOSED)),
        solved=Count("pk", filter=Q(outcome=Outcome.SOLVED)),
        judged=Count("pk", filter=~Q(outcome="")),
        exposed=Count("pk", filter=Q(hot=True)),
    )
    visits = Visit.objects.aggregate(
        n=Count("pk"),
        satisfied=Count("pk", filter=Q(satisfaction=Satisfaction.SATISFIED)),
        basically=Count("pk", filter=Q(satisfaction=Satisfaction.BASICALLY)),
    )
    w = rates.weights()
    return {
        "received": counts["received"],
        "closed": counts["closed"],
        "solved_rate": rates.ratio(counts["solved"], counts["judged"]),
        "satisfaction_rate": rates.satisfaction_rate(
            visits["satisfied"], visits["basically"], visits["n"], w.basically_counts
        ),
        "exposed": counts["exposed"],
    }


def _hot() -> list[HotIssue]:
    rows = (
        Problem.objects.filter(hot=True)
        .select_related("category", "lead_unit")
        .only(
            "content",
            "reporter_name",
            "reporter_contact",
            "status",
            "outcome",
            "exposed_at",
            "closed_at",
            "category__name",
            "lead_unit__name",
        )
        .order_by("-exposed_at", "-pk")[:HOT_MAX]
    )
    return [
        HotIssue(
            title=public_title(p),
            category=p.category.name,
            unit=p.lead_unit.name if p.lead_unit else None,
            status=p.status,
            outcome=p.outcome,
            exposed_at=p.exposed_at,
            closed_at=p.closed_at,
        )
        for p in rows
    ]


def build(now: datetime | None = None) -> Portal:
    now = now or timezone.now()
    shown = shown_figures()
    month = ranking_month(timezone.localdate(now))
    portal = Portal(figures=_figures(), shown=shown, hot=_hot(), month=month)
    if "rankings" in shown:
        portal.units = [r for r in rates.unit_rates(month, now) if r.rank is not None]
        portal.districts = [r for r in rates.district_rates(month, now) if r.rank is not None]
    return portal


def cached() -> Portal:
    """The portal as built at most CACHE_SECONDS ago (per process's cache)."""
    portal = cache.get("luoshi.public.portal")
    if portal is None:
        portal = build()
        cache.set("luoshi.public.portal", portal, CACHE_SECONDS)
    return portal
