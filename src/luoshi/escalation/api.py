from datetime import date, datetime

from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from luoshi.errors import InvalidInput, NotAllowed
from luoshi.escalation import queries
from luoshi.escalation.services import sweep
from luoshi.org import access

router = Router(tags=["escalation"])
stats_router = Router(tags=["stats"])


class EscalationOut(Schema):
    id: int
    step: str
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
    step: str = ""
    unit: int | None = None
    list: int | None = None
    open: bool | None = None


@router.get("", response=list[EscalationOut])
@paginate(LimitOffsetPagination)
def list_escalations(request, filters: Query[EscalationQuery]):
    if filters.step and filters.step not in ("reminder", "urge", "order", "talk_proposal"):
        raise InvalidInput("Unknown step.", "step")
    return queries.filtered(request.auth, queries.EscalationFilters(**filters.dict()))


class RunIn(Schema):
    now: datetime | None = None


@router.post("/run")
def run_sweep(request, payload: RunIn | None = None):
    if not access.can_steer_lists(request.auth):
        raise NotAllowed("Only the supervision office runs the sweep.")
    now = payload.now if payload else None
    if now is not None and timezone.is_naive(now):
        now = timezone.make_aware(now)
    return sweep(now)


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


@stats_router.get("/units", response=list[LeagueRow])
def league_table(
    request,
    start: date | None = Query(None, alias="from"),
    end: date | None = Query(None, alias="to"),
    sort: str = "on_time_rate",
    desc: bool = True,
):
    start, end = period(start, end)
    return queries.sort_league(queries.league(start, end), sort, desc)
