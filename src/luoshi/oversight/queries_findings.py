"""Who sees which inspections and findings, and the reads of their pages and API.

Findings are seen by:
- the supervision office, the discipline role and the city leaders: all of them (the leaders read only;
  a leader who leads or sits on a team acts for that team);
- an inspection's team, i.e. its leader and its named members: the findings of that inspection. The
  team's units (the units that lent the members) see nothing by that alone: a team unit such as the
  discipline commission would otherwise read every finding of every unit it inspects with;
- the unit found, through its liaison and its head: its own findings.
A unit never sees another unit's findings: a finding one may not see is a 404, as one that does not exist.

Inspections (the campaigns) are seen whole (team, draws, every unit inspected) by the overseers and the
team; a unit's liaison and head see the campaigns that inspected their unit, with their own findings only.

Every list here reads a fixed number of queries whatever the number of rows."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from luoshi.duties import owners
from luoshi.duties.models import Duty, DutyStatus, Extension, Report
from luoshi.files import services as files
from luoshi.files.models import Attachment
from luoshi.org.models import Person, Role
from luoshi.oversight import forms_period
from luoshi.oversight.models import Finding, FindingStatus, InspectedUnit, Inspection, Verification

ALL_READERS = (Role.OFFICE, Role.DISCIPLINE, Role.LEADER)


def sees_all(person: Person) -> bool:
    """The office, the discipline role and the leaders read every inspection and finding."""
    return person.has_role(*ALL_READERS)


def team_inspection_ids(person: Person) -> QuerySet:
    """The inspections whose team this person leads or belongs to (a subquery)."""
    return Inspection.objects.filter(Q(leader_id=person.pk) | Q(members__pk=person.pk)).values("pk")


def unit_of(person: Person) -> int | None:
    """The unit whose findings this person sees as the unit's: its liaison's and head's."""
    if person.unit_id and person.has_role(Role.LIAISON, Role.UNIT_HEAD):
        return person.unit_id
    return None


def findings_q(person: Person) -> Q | None:
    """The findings this person may see, as a filter (None: all)."""
    if sees_all(person):
        return None
    q = Q(inspection_id__in=team_inspection_ids(person))
    if (unit_id := unit_of(person)) is not None:
        q |= Q(unit_id=unit_id)
    return q


def visible_findings(person: Person) -> QuerySet[Finding]:
    q = findings_q(person)
    qs = Finding.objects.all()
    return qs if q is None else qs.filter(q)


def inspections_q(person: Person) -> Q | None:
    if sees_all(person):
        return None
    q = Q(pk__in=team_inspection_ids(person))
    if (unit_id := unit_of(person)) is not None:
        q |= Q(pk__in=InspectedUnit.objects.filter(unit_id=unit_id).values("inspection_id"))
        q |= Q(pk__in=Finding.objects.filter(unit_id=unit_id).values("inspection_id"))
    return q


def visible_inspections(person: Person) -> QuerySet[Inspection]:
    q = inspections_q(person)
    qs = Inspection.objects.all()
    return qs if q is None else qs.filter(q)


def sees_whole(person: Person, inspection: Inspection) -> bool:
    """Reads the campaign's team, draws, units and every finding: the overseers and the team."""
    return sees_all(person) or inspection.leader_id == person.pk or inspection.members.filter(pk=person.pk).exists()


def overlapping(start: date | None, end: date | None, prefix: str = "") -> Q:
    """The campaigns whose period overlaps start … end (inclusive; an open end counts all on that side)."""
    q = Q()
    if end:
        q &= Q(**{f"{prefix}period_from__lte": end})
    if start:
        q &= Q(**{f"{prefix}period_to__gte": start})
    return q


def filtered_inspections(
    person: Person, start: date | None, end: date | None, leader: Person | None
) -> QuerySet[Inspection]:
    qs = visible_inspections(person).filter(overlapping(start, end))
    if leader is not None:
        qs = qs.filter(pk__in=InspectedUnit.objects.filter(forms_period.unit_in(leader)).values("inspection_id"))
    return qs


def inspected_units(person: Person, start: date | None, end: date | None, leader: Person | None) -> QuerySet:
    """The distinct units inspected by the campaigns overlapping the period (of the leader's supervised units),
    as rows {unit_id, unit__name, n (campaigns)}, by name: the units this person may see inspected (the
    overseers and the team: all of a campaign's; a unit: itself)."""
    qs = InspectedUnit.objects.filter(overlapping(start, end, "inspection__"))
    if not sees_all(person):
        own = Q(unit_id=unit_of(person) or 0) if unit_of(person) else Q(pk__in=[])
        qs = qs.filter(Q(inspection_id__in=team_inspection_ids(person)) | own)
    if leader is not None:
        qs = qs.filter(forms_period.unit_in(leader))
    return (
        qs.values("unit_id", "unit__name")
        .annotate(n=Count("inspection_id", distinct=True))
        .order_by("unit__name", "unit_id")
    )


# ---------------------------------------------------------------- lists of findings


def _duty_of_finding() -> QuerySet[Duty]:
    return Duty.objects.filter(owner_type_id=owners.content_type_id("finding"), owner_id=OuterRef("pk")).exclude(
        status=DutyStatus.WITHDRAWN
    )


def status_q(wanted: str) -> Q:
    """`findings.status(f, duty) == wanted` in SQL."""
    duty = _duty_of_finding()
    if wanted == FindingStatus.CLOSED:
        return Q(closed_at__isnull=False)
    if wanted == FindingStatus.VERIFYING:
        return Q(closed_at__isnull=True) & Q(Exists(duty.filter(status=DutyStatus.COMPLETION_REQUESTED)))
    if wanted == FindingStatus.RECTIFYING:
        return Q(closed_at__isnull=True) & Q(Exists(duty.filter(status=DutyStatus.OPEN, last_report__isnull=False)))
    return Q(closed_at__isnull=True) & ~Q(Exists(duty.exclude(status=DutyStatus.OPEN, last_report__isnull=True)))


def overdue_q(today: date) -> Q:
    """Not closed, past the deadline in force."""
    return Q(closed_at__isnull=True, deadline__lt=today)


@dataclass(frozen=True)
class FindingFilters:
    inspection: int | None = None
    unit: int | None = None
    status: str = ""
    category: int | None = None
    severity: str = ""
    overdue: bool = False
    found_from: date | None = None  # found on from … to, inclusive
    found_to: date | None = None
    leader: Person | None = None  # the findings of the units this leader supervises


def filtered(person: Person, f: FindingFilters, today: date) -> QuerySet[Finding]:
    """The findings this person sees, filtered, newest first, with what a row shows (three queries for a
    page: the rows with their inspection, unit and category, and their duties)."""
    qs = visible_findings(person)
    if f.inspection:
        qs = qs.filter(inspection_id=f.inspection)
    if f.unit:
        qs = qs.filter(unit_id=f.unit)
    if f.status:
        qs = qs.filter(status_q(f.status))
    if f.category:
        qs = qs.filter(category_id=f.category)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.overdue:
        qs = qs.filter(overdue_q(today))
    if f.found_from:
        qs = qs.filter(found_on__gte=f.found_from)
    if f.found_to:
        qs = qs.filter(found_on__lte=f.found_to)
    if f.leader is not None:
        qs = qs.filter(forms_period.unit_in(f.leader))
    return with_duties(qs.select_related("inspection", "unit", "category", "list"))


def with_duties(qs: QuerySet[Finding]) -> QuerySet[Finding]:
    live = Duty.objects.exclude(status=DutyStatus.WITHDRAWN)
    return qs.prefetch_related(Prefetch("duties", queryset=live, to_attr="live_duties"))


def duty_of(finding: Finding) -> Duty | None:
    """The finding's duty, from `with_duties`."""
    found = getattr(finding, "live_duties", None)
    return found[0] if found else None


def one_finding(person: Person, finding_id: int) -> Finding | None:
    return (
        with_duties(
            visible_findings(person).select_related("inspection__leader", "unit", "category", "list", "created_by")
        )
        .filter(pk=finding_id)
        .first()
    )


# ---------------------------------------------------------------- a finding's page


@dataclass
class FindingPage:
    evidence: list[Attachment]
    reports: list[Report]  # newest first, each with .files
    verifications: list[Verification]
    extensions: list[Extension]


def page_data(finding: Finding, duty: Duty | None) -> FindingPage:
    """What the finding's page shows besides the finding: five queries whatever the number of reports."""
    reports: list[Report] = []
    extensions: list[Extension] = []
    if duty is not None:
        reports = list(duty.reports.select_related("author").order_by("-filed_at", "-id"))
        extensions = list(duty.extensions.select_related("requested_by", "decided_by"))
    by_report = files.listed("report", [r.pk for r in reports]) if reports else {}
    for r in reports:
        r.files = by_report.get(r.pk, [])  # type: ignore[attr-defined]
    return FindingPage(
        evidence=files.listed("finding", [finding.pk]).get(finding.pk, []),
        reports=reports,
        verifications=list(finding.verifications.select_related("verified_by").order_by("-verified_at", "-id")),
        extensions=extensions,
    )


def pending_uploads(person: Person) -> list[Attachment]:
    """This person's uploads waiting for a report (the API's first step)."""
    return list(Attachment.objects.filter(subject_type="report", subject_id=0, uploaded_by=person).defer("data"))


def attachment_for(person: Person, attachment_id: int) -> Attachment | None:
    """The stored file if this person may see the record it belongs to: a finding's evidence, a report on a
    finding's rectification, or the person's own upload waiting for a report. Else None."""
    att = Attachment.objects.filter(pk=attachment_id).defer("data").first()
    if att is None:
        return None
    if att.subject_type == "finding":
        finding_id = att.subject_id
    elif att.subject_type == "report" and att.subject_id == 0:
        return Attachment.objects.get(pk=att.pk) if att.uploaded_by_id == person.pk else None
    elif att.subject_type == "report":
        row = (
            Report.objects.filter(pk=att.subject_id, duty__owner_type_id=owners.content_type_id("finding"))
            .values_list("duty__owner_id", flat=True)
            .first()
        )
        if row is None:
            return None
        finding_id = row
    else:
        return None
    if not visible_findings(person).filter(pk=finding_id).exists():
        return None
    return Attachment.objects.get(pk=att.pk)
