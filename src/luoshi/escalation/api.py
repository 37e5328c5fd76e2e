"""The escalation API: the steps taken (filtered as each person may see them), the sweep, the league table."""

from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from luoshi.errors import InvalidInput, NotAllowed
from luoshi.escalation import queries
from luoshi.escalation.models import Step
from luoshi.escalation.services import sweep
from luoshi.org import access
from luoshi.schemas import BlankIsNone, BodyIn, Day, Id, Moment, Page, errors

router = Router(tags=["escalation"])
stats_router = Router(tags=["stats"])


class EscalationOut(Schema):
    id: int
    step: Step
    unit: int
    unit_name: str
    list: int
    list_code: str | None
    number: str
    created_at: datetime
    due_date: date
    days_overdue: int
    respond_by: date | None
    manual: bool
    open: bool

    @staticmethod
    def resolve_unit(obj) -> int:
        return obj.unit_id

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_list(obj) -> int:
        return obj.list_id

    @staticmethod
    def resolve_list_code(obj) -> str | None:
        return obj.list.code

    @staticmethod
    def resolve_open(obj) -> bool:
        return obj.is_open


class EscalationQuery(Schema):
    step: Annotated[Step | None, BlankIsNone] = None
    unit: Annotated[Id | None, BlankIsNone] = None
    list: Annotated[Id | None, BlankIsNone] = None
    open: bool | None = None


@router.get("", response={200: list[EscalationOut], **errors()})
@paginate(Page)
def list_escalations(request, filters: Query[EscalationQuery]):
    """The steps taken on the caller's own unit; the office sees all, a leader those on the lists he is
    responsible for and on the units he supervises."""
    data = filters.dict()
    return queries.filtered(request.auth, queries.EscalationFilters(**{**data, "step": data["step"] or ""}))


class RunIn(BodyIn):
    now: Moment | None = Field(
        None, description="Only with DEBUG or LUOSHI_TIME_TRAVEL=true: sweep as of this time instead of now."
    )


class SweepOut(Schema):
    due: int
    reminder: int
    urge: int
    order: int
    talk_proposal: int


# A client's clock may be a little off: a time this close to the server's is taken as now.
CLOCK_SLACK = timedelta(minutes=5)


def sweep_time(requested: datetime | None) -> datetime | None:
    """The time a sweep runs as of: now (None). Another time would issue numbered notices dated in the past
    or future, so only DEBUG or LUOSHI_TIME_TRAVEL=true (staging, acceptance runs) allow it."""
    if requested is None:
        return None
    if timezone.is_naive(requested):
        requested = timezone.make_aware(requested)
    if abs(requested - timezone.now()) <= CLOCK_SLACK:
        return None
    if not (settings.DEBUG or settings.LUOSHI_TIME_TRAVEL):
        raise InvalidInput(
            _("A sweep runs as of now; another time is allowed only with DEBUG or LUOSHI_TIME_TRAVEL=true."), "now"
        )
    return requested


@router.post("/run", response={200: SweepOut, **errors(403)})
def run_sweep(request, payload: RunIn):
    """Run one sweep of the ladder now (the office). Counts what it did per step."""
    if not access.can_steer_lists(request.auth):
        raise NotAllowed("Only the supervision office runs the sweep.")
    return sweep(sweep_time(payload.now))


LeagueSort = Literal["unit_name", *queries.LEAGUE_COLUMNS]  # type: ignore[valid-type]


class LeagueRow(Schema):
    unit: int
    unit_name: str
    reports: int
    on_time: int
    on_time_rate: float | None
    overdue_now: int
    urges: int
    orders: int
    avg_days_late: float


def period(start: date | None, end: date | None) -> tuple[date, date]:
    """Default: the year so far."""
    today = timezone.localdate()
    start, end = start or today.replace(month=1, day=1), end or today
    for field, value in (("from", start), ("to", end)):
        if not 2000 <= value.year <= 2100:
            raise InvalidInput("Give a date between 2000 and 2100.", field)
    if start > end:
        raise InvalidInput("'from' is after 'to'.", "from")
    return start, end


@stats_router.get("/units", response={200: list[LeagueRow], **errors()})
def league_table(
    request,
    start: Day | None = Query(None, alias="from"),
    end: Day | None = Query(None, alias="to"),
    sort: LeagueSort = "on_time_rate",
    desc: bool = True,
):
    start, end = period(start, end)
    return queries.sort_league(queries.league(start, end), sort, desc)
