"""The league's figures (reports on time, days late, urges and orders per unit and day) as tallies
(events.tallies), added in the transaction that files the report or takes the step. Reports and steps
are never edited, so each adds to the figures once and never moves them again; `luoshi manage
recount` checks the sums against the reports and steps themselves."""

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from luoshi.duties import owners
from luoshi.duties.models import Escalation, Report, Step
from luoshi.events import tallies
from luoshi.events.models import Tally
from luoshi.events.tallies import Share, key

REPORTS, DAYS_LATE, STEPS = "duty.report", "duty.days_late", "duty.step"
KINDS = (REPORTS, DAYS_LATE, STEPS)
ON_TIME, LATE = "on_time", "late"
COUNTED_STEPS = (Step.URGE, Step.ORDER)  # the league's columns


def report_share(owner_kind: str, unit_id: int, filed_at: datetime, due_date: date | None) -> Share:
    """What one report adds: counted on the day it was filed, on time or late by its due date."""
    share: Share = Counter()
    if due_date is None:
        return share  # nothing was due: it is no evidence of timeliness either way
    filed = timezone.localdate(filed_at)
    late = (filed - due_date).days
    share[key(REPORTS, unit_id=unit_id, source=owner_kind, status=LATE if late > 0 else ON_TIME, day=filed)] += 1
    if late > 0:
        share[key(DAYS_LATE, unit_id=unit_id, source=owner_kind, day=filed)] += late
    return share


def reports_filed(rows: Iterable[tuple[str, int, datetime, date | None]]) -> None:
    """Inside the transaction that files them: (owner kind, unit, filed at, due date) per report."""
    total: Share = Counter()
    for row in rows:
        total.update(report_share(*row))
    tallies.move(total)


def steps_taken(rows: Iterable[tuple[str, int, str, datetime]]) -> None:
    """Inside the transaction that takes them: (owner kind, unit, step, created at) per step."""
    total: Share = Counter()
    for owner_kind, unit_id, step, created_at in rows:
        if step in COUNTED_STEPS:
            day = timezone.localdate(created_at)
            total[key(STEPS, unit_id=unit_id, source=owner_kind, status=step, day=day)] += 1
    tallies.move(total)


def expected() -> Share:
    """The figures recounted from every report and step (a check, not a page: it reads them all)."""
    total: Share = Counter()
    kind_of = owners.kind_of
    reports = Report.objects.filter(due_date__isnull=False).annotate(day=TruncDate("filed_at"))
    grouped = reports.values_list("duty__owner_type_id", "duty__unit_id", "day", "due_date").annotate(n=Count("pk"))
    for type_id, unit_id, day, due, n in grouped:
        late, kind = (day - due).days, kind_of(type_id)
        total[key(REPORTS, unit_id=unit_id, source=kind, status=LATE if late > 0 else ON_TIME, day=day)] += n
        if late > 0:
            total[key(DAYS_LATE, unit_id=unit_id, source=kind, day=day)] += late * n
    steps = Escalation.objects.filter(step__in=COUNTED_STEPS).annotate(day=TruncDate("created_at"))
    for type_id, unit_id, step, day, n in steps.values_list("duty__owner_type_id", "unit_id", "step", "day").annotate(
        n=Count("pk")
    ):
        total[key(STEPS, unit_id=unit_id, source=kind_of(type_id), status=step, day=day)] += n
    return total


def recount(*, fix: bool = False) -> tallies.Drift:
    return tallies.recount_sums(KINDS, expected(), fix=fix)


def rebuild_if_missing() -> None:
    """After `migrate`: reports filed before the league's tallies existed are counted once."""
    if Report.objects.exists() and not Tally.objects.filter(kind__in=KINDS).exists():
        recount(fix=True)
