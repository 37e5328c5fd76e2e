"""`GET /api/v1/stats/summary?from=&to=`: the year in figures (cockpit.summary) for any period — the figures the
article reports, each counted from stored records. Counts and amounts, no names: the supervision office and the
leaders read them; anyone else is refused (403). The period: `from` (default 1 January of this year) to `to`
(default today), inclusive dates between 2000 and 2100; a bad or reversed date is a 400 naming the field."""

from datetime import date
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from luoshi.cockpit import summary
from luoshi.errors import InvalidInput, NotAllowed
from luoshi.org.caller import caller
from luoshi.schemas import BlankIsNone, Count, Day, errors

router = Router(tags=["cockpit"])
Money = Annotated[str, Field(description="亿元, to the cent, as a decimal string.", examples=["1240.88"])]


class YearFiguresQuery(Schema):
    start: Annotated[Day | None, BlankIsNone] = Field(
        None, alias="from", description="From this day on (default: 1 January of this year)."
    )
    end: Annotated[Day | None, BlankIsNone] = Field(
        None, alias="to", description="Until this day, inclusive (default: today)."
    )


class SummaryListsOut(Schema):
    issued: Count = Field(description="Lists published in the period: completed + in progress.")
    completed: Count = Field(description="Of those, closed by the period's end.")
    in_progress: Count = Field(description="Of those, neither closed nor suspended nor cancelled by its end.")


class SummaryLedgerOut(Schema):
    tasks: Count = Field(description="Tasks (every level) of the master ledgers of the period's years.")


class SummaryInspectionsOut(Schema):
    units_inspected: Count
    findings: Count
    units_talked: Count = Field(description="Distinct units given a reminder talk (提醒约谈).")


class SummaryDisciplineOut(Schema):
    talks: Count
    violations: Count
    accountable: Count = Field(description="Distinct people held accountable.")
    disciplined: Count = Field(description="Distinct people given a Party or government sanction.")


class SummaryPublicOut(Schema):
    problems: Count = Field(description="Problems received on a programme's episodes, accepted.")
    exposed: Count = Field(description="Hot issues exposed in the period.")
    programme_episodes: Count
    units_on_air: Count


class SummaryFieldworkOut(Schema):
    trips: Count = Field(description="The main leaders' trips to the grassroots.")
    days: Count = Field(description="Their distinct days in the field.")


class SummaryProjectsOut(Schema):
    signed: int = Field(description="New investment projects signed (the ledger's reported figure).")
    total_investment: Money
    funds_in_place: Money
    fixed_asset_investment: Money


class YearFiguresOut(Schema):
    lists: SummaryListsOut
    ledger: SummaryLedgerOut
    inspections: SummaryInspectionsOut
    discipline: SummaryDisciplineOut
    public: SummaryPublicOut
    fieldwork: SummaryFieldworkOut
    projects: SummaryProjectsOut


def period_of(start: date | None, end: date | None) -> summary.Period:
    """The period asked for, its ends defaulted (InvalidInput naming `to` when it ends before it begins)."""
    today = timezone.localdate()
    first = start if start is not None else today.replace(month=1, day=1)
    last = end if end is not None else max(today, first)
    if last < first:
        raise InvalidInput(_("The period ends before it begins."), "to")
    return summary.Period(first, last)


@router.get("/stats/summary", response={200: YearFiguresOut, **errors(403)})
def summary_stats(request: HttpRequest, period: Query[YearFiguresQuery]):
    """The period's figures, as the article reports them (both ends inclusive)."""
    person = caller(request)
    if not summary.may_read(person):
        raise NotAllowed(_("The year in figures is for the supervision office and the leaders."))
    return summary.summary(period_of(period.start, period.end))
