"""The cockpit's oversight section: units inspected, the problems found and how many were rectified
(closed after the team's verification), talks, violations and accountability decisions in the period, and the
months of the year for each. The definitions are those of /api/v1/stats/oversight (oversight.stats): the
units of the campaigns whose period overlaps this one, findings by the day found, cases by their own day.

Scope: the whole city, or a leader's supervised units (scope.unit_ids): their findings, their units
inspected, the talks, violations and decisions on them or their people. Each index takes the same
`leader=<id>` (oversight.forms_period.unit_in).

Drill-down: the findings' and inspections' indexes (the office, discipline and the leaders read them whole).
Talks, violations and accountability are restricted records (oversight.access): their counts are shown to
the leaders, but the links only to the officers who may read the index (every read of it is audited).
Six queries."""

from calendar import monthrange
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from luoshi.cockpit.scope import Scope
from luoshi.cockpit.shapes import Chart, Figure, Section, Series, figure, series
from luoshi.oversight import queries_findings
from luoshi.oversight.access import is_case_officer
from luoshi.oversight.models import (
    Accountability,
    Finding,
    FindingStatus,
    InspectedUnit,
    Inspection,
    SubjectKind,
    Talk,
    TalkKind,
    Violation,
)

STATUS_COLORS = {"open": "red", "rectifying": "yellow", "verifying": "blue", "closed": "green"}


def months(year: int) -> list[tuple[date, date]]:
    return [(date(year, m, 1), date(year, m, monthrange(year, m)[1])) for m in range(1, 13)]


class Links:
    """The indexes' addresses for the scope, or None where the viewer may not read the index whole."""

    def __init__(self, scope: Scope) -> None:
        self.scope = {"leader": scope.leader.pk} if scope.leader else {}
        self.findings = queries_findings.sees_all(scope.viewer)
        self.cases = is_case_officer(scope.viewer)

    def _url(self, name: str, allowed: bool, start: date, end: date, **params: Any) -> str | None:
        if not allowed:
            return None
        query = {**params, "from": start.isoformat(), "to": end.isoformat(), **self.scope}
        return f"{reverse(name)}?{urlencode(query)}"

    def finding(self, start: date, end: date, status: str = "") -> str | None:
        return self._url("oversight:findings", self.findings, start, end, **({"status": status} if status else {}))

    def units(self, start: date, end: date) -> str | None:
        return self._url("oversight:inspections", self.findings, start, end, show="units")

    def inspections(self, start: date, end: date) -> str | None:
        return self._url("oversight:inspections", self.findings, start, end)

    def case(self, tab: str, start: date, end: date) -> str | None:
        return self._url("oversight:cases", self.cases, start, end, tab=tab)


def _within(qs: QuerySet, scope: Scope, field: str = "unit_id") -> QuerySet:
    return qs.filter(**{f"{field}__in": scope.unit_ids}) if scope.leader else qs


def _between(field: str, start: date, end: date) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lte": end})


def _counts(qs: QuerySet, scope: Scope, day: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """One query: the period's count, each month's of the year, and `extra` aggregates."""
    first, last = min(scope.start, date(scope.year, 1, 1)), max(scope.end, date(scope.year, 12, 31))
    tallies = {"period": Count("pk", filter=_between(day, scope.start, scope.end))}
    for i, (a, b) in enumerate(months(scope.year)):
        tallies[f"m{i}"] = Count("pk", filter=_between(day, a, b))
    return qs.filter(_between(day, first, last)).order_by().aggregate(**tallies, **(extra or {}))


def _monthly(found: dict[str, Any], prefix: str = "m") -> list[float | int]:
    return [found[f"{prefix}{i}"] for i in range(12)]


def section(scope: Scope) -> Section:
    link = Links(scope)
    start, end, year = scope.start, scope.end, scope.year
    spans = months(year)

    overlap = queries_findings.overlapping(start, end, "inspection__")
    inspected = _within(InspectedUnit.objects.filter(overlap), scope)
    units_inspected = inspected.values("unit_id").distinct().count()
    campaigns = Inspection.objects.filter(pk__in=inspected.values("inspection_id")).count()

    in_period = _between("found_on", start, end)
    closed = Q(closed_at__isnull=False)
    by_status = {f"s_{s}": Count("pk", filter=in_period & queries_findings.status_q(s)) for s in FindingStatus.values}
    rectified = {f"r{i}": Count("pk", filter=_between("found_on", a, b) & closed) for i, (a, b) in enumerate(spans)}
    found = _counts(
        _within(Finding.objects.all(), scope),
        scope,
        "found_on",
        {
            "rectified": Count("pk", filter=in_period & closed),
            "overdue": Count("pk", filter=in_period & queries_findings.overdue_q(scope.today)),
            **by_status,
            **rectified,
        },
    )
    reminder = Q(kind=TalkKind.REMINDER, subject_kind=SubjectKind.UNIT) & _between("held_on", start, end)
    talks = _counts(
        _within(Talk.objects.all(), scope),
        scope,
        "held_on",
        {"units_talked": Count("unit_id", filter=reminder, distinct=True)},
    )
    violations = _within(Violation.objects.all(), scope).filter(_between("found_on", start, end)).count()
    people = Q(subject_kind=SubjectKind.PERSON, person__isnull=False) & _between("decided_on", start, end)
    decisions = _counts(
        _within(Accountability.objects.all(), scope),
        scope,
        "decided_on",
        {
            "people": Count("person_id", filter=people, distinct=True),
            "disciplined": Count("person_id", filter=people & Q(disciplined=True), distinct=True),
        },
    )
    rate = round(found["rectified"] * 100 / found["period"], 1) if found["period"] else 0.0

    figures: list[Figure] = [
        figure("units_inspected", _("Units inspected"), units_inspected, link.units(start, end)),
        figure("inspections", _("Inspections"), campaigns, link.inspections(start, end)),
        figure("findings", _("Problems found"), found["period"], link.finding(start, end)),
        figure(
            "findings_rectified",
            _("Problems rectified"),
            found["rectified"],
            link.finding(start, end, FindingStatus.CLOSED),
        ),
        figure("rectified_rate", _("Rectified"), rate, link.finding(start, end), counted=False, unit="%"),
        figure("findings_overdue", _("Overdue, not rectified"), found["overdue"], overdue_url(link, start, end)),
        figure("talks", _("Talks"), talks["period"], link.case("talks", start, end)),
        figure("units_talked", _("Units given a reminder talk"), talks["units_talked"], None, counted=False),
        figure("violations", _("Violations"), violations, link.case("violations", start, end)),
        figure(
            "accountability",
            _("Accountability decisions"),
            decisions["period"],
            link.case("accountability", start, end),
        ),
        figure("accountable", _("People held accountable"), decisions["people"], None, counted=False),
        figure("disciplined", _("People disciplined"), decisions["disciplined"], None, counted=False),
    ]
    charts = [status_chart(found, link, start, end)]
    trend = [
        series(_("Problems found"), _monthly(found), [link.finding(a, b) for a, b in spans], color="red"),
        series(
            _("Problems rectified"),
            _monthly(found, "r"),
            [link.finding(a, b, FindingStatus.CLOSED) for a, b in spans],
            color="green",
        ),
        series(_("Talks"), _monthly(talks), [link.case("talks", a, b) for a, b in spans], color="yellow"),
        series(
            _("Accountability decisions"),
            _monthly(decisions),
            [link.case("accountability", a, b) for a, b in spans],
            color="blue",
        ),
    ]
    return Section(
        key="oversight", title=_("Inspection and accountability"), figures=figures, charts=charts, trend=trend
    )


def overdue_url(link: Links, start: date, end: date) -> str | None:
    url = link.finding(start, end)
    return f"{url}&overdue=on" if url else None


def status_chart(found: dict[str, Any], link: Links, start: date, end: date) -> Chart:
    statuses = list(FindingStatus.values)
    one: Series = series(
        _("Problems found"),
        [found[f"s_{s}"] for s in statuses],
        [link.finding(start, end, s) for s in statuses],
    )
    return Chart(
        key="findings_by_status",
        title=_("Problems found in the period, by rectification"),
        kind="pie",
        labels=[str(FindingStatus(s).label) for s in statuses],
        series=[one],
    )
