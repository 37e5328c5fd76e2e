"""The oversight figures of a period (`GET /api/v1/stats/oversight?from=&to=`), counted from the stored
records, as the article reports them: units inspected, problems found and rectified, units given reminder
talks, talks, violations, people held accountable and people disciplined. Counts, no names: the office,
the discipline role and the leaders read them (oversight.access.may_read_stats). Eight queries."""

from dataclasses import asdict, dataclass
from datetime import date

from django.db.models import Q

from luoshi.oversight.models import (
    Accountability,
    Finding,
    InspectedUnit,
    SubjectKind,
    Talk,
    TalkKind,
    Violation,
)


@dataclass(frozen=True)
class OversightFigures:
    units_inspected: int  # distinct units of the inspections whose period overlaps this one
    findings: int  # problems found in the period (found_on)
    findings_rectified: int  # of those, closed (rectification verified)
    units_talked: int  # distinct units given a reminder talk (提醒约谈) with the unit's head
    talks: int  # talks held in the period, of every kind
    violations: int  # violations of work-style discipline found in the period
    accountable: int  # distinct people held accountable (decisions on a person)
    disciplined: int  # distinct people given a Party or government sanction

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _between(field: str, start: date | None, end: date | None) -> Q:
    q = Q()
    if start:
        q &= Q(**{f"{field}__gte": start})
    if end:
        q &= Q(**{f"{field}__lte": end})
    return q


def figures(start: date | None = None, end: date | None = None) -> OversightFigures:
    """The period's figures; an open end counts everything on that side."""
    overlap = Q()
    if end:
        overlap &= Q(inspection__period_from__lte=end)
    if start:
        overlap &= Q(inspection__period_to__gte=start)
    inspected = InspectedUnit.objects.filter(overlap).values("unit_id").distinct().count()
    found = Finding.objects.filter(_between("found_on", start, end)).order_by()
    talks = Talk.objects.filter(_between("held_on", start, end)).order_by()
    people = Accountability.objects.filter(_between("decided_on", start, end), subject_kind=SubjectKind.PERSON)
    people = people.exclude(person=None).order_by()
    return OversightFigures(
        units_inspected=inspected,
        findings=found.count(),
        findings_rectified=found.filter(closed_at__isnull=False).count(),
        units_talked=talks.filter(kind=TalkKind.REMINDER, subject_kind=SubjectKind.UNIT)
        .values("unit_id")
        .distinct()
        .count(),
        talks=talks.count(),
        violations=Violation.objects.filter(_between("found_on", start, end)).count(),
        accountable=people.values("person_id").distinct().count(),
        disciplined=people.filter(disciplined=True).values("person_id").distinct().count(),
    )
