"""What the weekly bulletin (督查通报) prints, gathered from the stored records as plain JSON.

`gather(start, end, today, viewer)` returns the dict kept in Bulletin.figures: the cockpit's six sections for
the period and the whole city (figures.sections, stored under "sections" exactly as the cockpit computes them),
and what the sections do not carry: the period's new and completed lists, the red lists and who owns them, the
best and worst units of the reporting league (duties.queries.league) and of the three rates (public.rates), new
findings and rectifications per unit, talks (counts only: talks are restricted records) and the accountability
decisions made public, and the leaders short of the frontline rule in the month of the period's end.

"In the period" counts what happened between start and end (inclusive); "now" figures (the red lists, the
frontline month) are as of min(today, end). A constant number of queries, whatever the number of records;
each table is capped at ROWS rows, the counts are whole."""

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import Promise

from luoshi.cockpit import figures
from luoshi.cockpit.scope import for_leader
from luoshi.duties import owners
from luoshi.duties import queries as duty_queries
from luoshi.duties.lights import RED
from luoshi.duties.models import Duty, DutyStatus, HandlingRole
from luoshi.frontline import config as frontline_config
from luoshi.frontline import queries as frontline_queries
from luoshi.frontline.rule import month_bounds, month_compliance
from luoshi.lists.models import ListStatus, ResponsibilityList
from luoshi.lists.queries import light_filter
from luoshi.org.models import Person
from luoshi.oversight.models import Accountability, Finding, Talk
from luoshi.public import rates

ROWS = 20  # rows per table of the bulletin; the counts say how many there are in all
RANKED = 5  # best and worst units shown


def jsonable(value: Any) -> Any:
    """The value as JSONField stores it: lazy text as text, Decimals as numbers, dates as ISO text."""

    def default(o: Any) -> Any:
        if isinstance(o, Promise):
            return str(o)
        if isinstance(o, Decimal):
            return float(o)
        if isinstance(o, date | datetime):
            return o.isoformat()
        raise TypeError(f"not JSON: {type(o).__name__}")

    return json.loads(json.dumps(value, default=default, ensure_ascii=False))


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's first moment and the moment after its last day, in the city's time."""
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tz), datetime.combine(end + timedelta(days=1), time.min, tz)


def _day(at: datetime | None) -> str:
    return timezone.localdate(at).isoformat() if at else ""


def _lead_units(list_ids: list[int]) -> dict[int, list[str]]:
    """Each list's lead unit names (withdrawn duties left out): one query."""
    out: dict[int, list[str]] = {pk: [] for pk in list_ids}
    if not list_ids:
        return out
    rows = (
        Duty.objects.filter(owner_type_id=owners.content_type_id("list"), owner_id__in=list_ids, role=HandlingRole.LEAD)
        .exclude(status=DutyStatus.WITHDRAWN)
        .order_by("owner_id", "id")
        .values_list("owner_id", "unit__name")
    )
    for owner_id, name in rows:
        out[owner_id].append(name)
    return out


def _list_rows(qs: Any, extra: str) -> tuple[int, list[dict[str, Any]]]:
    count = qs.count()
    rows = list(
        qs.select_related("leader").order_by(extra, "id")[:ROWS].only(
            "id", "code", "title", "leader__name", "leader__username", "deadline", "closed_at", "days_late",
            "published_at", "working_deadline", "final_deadline",
        )
    )  # fmt: skip
    units = _lead_units([r.pk for r in rows])
    return count, [
        {
            "id": r.pk,
            "code": r.code or "",
            "title": r.title,
            "leader": str(r.leader) if r.leader else "",
            "units": units.get(r.pk, []),
            "deadline": (r.final_deadline or r.deadline).isoformat(),
            "published": _day(r.published_at),
            "closed": _day(r.closed_at),
            "days_late": r.days_late or 0,
        }
        for r in rows
    ]


def lists_part(start: date, end: date, now_day: date) -> dict[str, Any]:
    first, after = bounds(start, end)
    published = ResponsibilityList.objects.filter(published_at__gte=first, published_at__lt=after)
    closed = ResponsibilityList.objects.filter(status=ListStatus.CLOSED, closed_at__gte=first, closed_at__lt=after)
    red = ResponsibilityList.objects.filter(light_filter(RED, now_day))
    new_count, new_rows = _list_rows(published, "published_at")
    done_count, done_rows = _list_rows(closed, "closed_at")
    red_count, red_rows = _list_rows(red, "working_deadline")
    return {
        "new": {"count": new_count, "rows": new_rows},
        "completed": {"count": done_count, "rows": done_rows},
        "red": {"count": red_count, "as_of": now_day.isoformat(), "rows": red_rows},
    }


def _split(ranked: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The best RANKED and, of the others, the worst RANKED (worst first)."""
    best = ranked[: min(RANKED, (len(ranked) + 1) // 2)]
    rest = ranked[len(best) :]
    return {"best": best, "worst": list(reversed(rest[-RANKED:]))}


def league_part(start: date, end: date, now_day: date) -> dict[str, Any]:
    rows = [r for r in duty_queries.league(start, end, now_day) if r["reports"]]
    rows.sort(key=lambda r: (-(r["on_time_rate"] or 0), r["overdue_now"], -r["reports"], r["unit_name"]))
    keep = ("unit", "unit_name", "reports", "on_time", "on_time_rate", "overdue_now", "urges", "orders")
    return {"units": len(rows), **_split([{k: r[k] for k in keep} for r in rows])}


def rates_part(start: date, end: date, now: datetime) -> dict[str, Any]:
    """The three rates over the period itself (the rates page counts a month; the same counts, other bounds)."""
    ranked = rates.period_unit_rates(*bounds(start, end), now)
    rows = [
        {
            "unit": r.unit.id,
            "unit_name": r.unit.name,
            "rank": r.rank,
            "score": r.score,
            "response_rate": r.response_rate,
            "resolution_rate": r.resolution_rate,
            "satisfaction_rate": r.satisfaction_rate,
        }
        for r in ranked
        if r.score is not None
    ]
    return {"units": len(rows), **_split(rows)}


def findings_part(start: date, end: date, now_day: date) -> dict[str, Any]:
    first, after = bounds(start, end)
    new = Q(found_on__gte=start, found_on__lte=end)
    rectified = Q(closed_at__gte=first, closed_at__lt=after)
    late = Q(closed_at__isnull=True, deadline__lt=now_day)
    per_unit = list(
        Finding.objects.filter(new | rectified | late)
        .values("unit_id", "unit__name")
        .annotate(new=Count("pk", filter=new), rectified=Count("pk", filter=rectified), late=Count("pk", filter=late))
        .order_by()
    )
    per_unit.sort(key=lambda r: (-r["new"], -r["late"], -r["rectified"], r["unit__name"]))
    return {
        "new": sum(r["new"] for r in per_unit),
        "rectified": sum(r["rectified"] for r in per_unit),
        "late": sum(r["late"] for r in per_unit),
        "units": [
            {
                "unit": r["unit_id"],
                "unit_name": r["unit__name"],
                "new": r["new"],
                "rectified": r["rectified"],
                "late": r["late"],
            }
            for r in per_unit
            if r["new"] or r["rectified"]
        ][:ROWS],
    }


def cases_part(start: date, end: date) -> dict[str, Any]:
    """Talks as counts by kind (restricted records: no names); accountability decisions made public, listed."""
    by_kind = dict(
        Talk.objects.filter(held_on__gte=start, held_on__lte=end).values_list("kind").annotate(n=Count("pk")).order_by()
    )
    public = Accountability.objects.filter(decided_on__gte=start, decided_on__lte=end, public=True)
    rows = list(public.select_related("unit", "person").order_by("decided_on", "id")[:ROWS])
    return {
        "talks": sum(by_kind.values()),
        "talks_by_kind": by_kind,
        "public_accountability": public.count(),
        "accountability": [
            {
                "unit_name": a.unit.name,
                "person": str(a.person) if a.person else "",
                "subject_kind": a.subject_kind,
                "measures": list(a.measures),
                "body": a.body,
                "decided_on": a.decided_on.isoformat(),
                "summary": a.summary,
            }
            for a in rows
        ],
    }


def frontline_part(now_day: date) -> dict[str, Any]:
    """Each leader short of the rule in the month of now_day, counting the days logged up to it."""
    first, _last = month_bounds(now_day.year, now_day.month)
    people = frontline_queries.leaders()
    entries = frontline_queries.entries_of([p.pk for p in people], first, now_day)
    rule = frontline_config.rule()
    short = []
    for p in people:
        m = month_compliance(entries[p.pk], now_day.year, now_day.month, rule)
        if not m.ok:
            short.append(
                {
                    "leader": p.pk,
                    "name": str(p),
                    "title": p.title,
                    "grassroots_days": m.grassroots_days,
                    "supervised_days": m.supervised_days,
                }
            )
    return {
        "month": f"{now_day:%Y-%m}",
        "as_of": now_day.isoformat(),
        "rule": {"grassroots_days": rule.grassroots_days, "supervised_days": rule.supervised_days},
        "leaders": len(people),
        "short": short[:ROWS],
        "short_count": len(short),
    }


def gather(start: date, end: date, now: datetime, viewer: Person) -> dict[str, Any]:
    """Everything the bulletin prints for the period, JSON-ready (see the module's docstring)."""
    today = timezone.localdate(now)
    now_day = min(today, end)
    scope = for_leader(viewer, None, start, end, today)
    return jsonable(
        {
            "period": {"from": start.isoformat(), "to": end.isoformat(), "today": today.isoformat()},
            "sections": figures.sections(scope),
            "lists": lists_part(start, end, now_day),
            "league": league_part(start, end, now_day),
            "rates": rates_part(start, end, now),
            "findings": findings_part(start, end, now_day),
            "cases": cases_part(start, end),
            "frontline": frontline_part(now_day),
        }
    )
