"""The escalation API: the steps taken (filtered as each person may see them), the office's "urge now",
the sweep, the league table."""

from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from luoshi.duties import owners, queries
from luoshi.duties.access import visible_duties_q
from luoshi.duties.api_duties import check_kind
from luoshi.duties.manual import do_manual_urge, manual_preview
from luoshi.duties.models import Duty, EpisodeKind, Escalation, Step
from luoshi.duties.sweep import sweep
from luoshi.errors import InvalidInput, NotAllowed, NotFound
from luoshi.org import access
from luoshi.org.caller import caller
from luoshi.org.models import Person
from luoshi.schemas import BlankIsNone, BodyIn, Day, Id, Line, Moment, Page, errors

router = Router(tags=["escalation"])
stats_router = Router(tags=["stats"])


class EscalationOut(Schema):
    id: int
    step: Step
    unit: int
    unit_name: str
    list: int | None = Field(description="The responsibility list, when the duty is a list's.")
    list_code: str | None
    duty: int
    owner_kind: str
    owner_id: int
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
    def resolve_list(obj) -> int | None:
        return obj.duty.owner_id if obj.duty.owner_kind == "list" else None

    @staticmethod
    def resolve_list_code(obj) -> str | None:
        return obj.duty.code or None

    @staticmethod
    def resolve_duty(obj) -> int:
        return obj.duty_id

    @staticmethod
    def resolve_owner_kind(obj) -> str:
        return obj.duty.owner_kind

    @staticmethod
    def resolve_owner_id(obj) -> int:
        return obj.duty.owner_id

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
    return queries.filtered(caller(request), queries.EscalationFilters(**{**data, "step": data["step"] or ""}))


# --- "urge now" (立即催办): preview, then confirm ---------------------------------------------------

# What "urge now" sends: an urge notice to a late unit, a reminder to one whose report is not yet due.
ManualStepName = Literal["urge", "reminder"]


class UrgeTarget(Schema):
    list: Id
    unit: Id = Field(description="A unit handling the list.")


class UrgeIn(BodyIn):
    list: Id
    unit: Id = Field(description="A unit handling the list.")
    step: ManualStepName = Field(
        description="The step the preview (GET) showed. If the unit's situation changed since, nothing is sent (409)."
    )


class UrgePreviewOut(Schema):
    list: int
    unit: int
    step: ManualStepName = Field(description="What a POST would send now; confirm it as `step`.")
    late: bool
    kind: EpisodeKind = Field(description="What is late or falls due: a report or the deadline.")
    due_date: date
    days_overdue: int = Field(description="Working days.")
    respond_by: date | None = Field(description="Urge notices only: the unit reports by this day.")
    recipients: int = Field(description="How many people receive it.")
    already_sent: bool = Field(description="Sent by hand already in this lateness: a POST sends nothing more.")
    title: str
    body: str


def _obligation(person: Person, target: UrgeTarget | UrgeIn) -> Duty:
    """The unit's work on a list the caller may see: 404 for a list it may not see, 400 for a unit not on it."""
    on_list = Duty.objects.filter(owner_type_id=owners.content_type_id("list"), owner_id=target.list)
    q = visible_duties_q(person)
    if not (on_list if q is None else on_list.filter(q)).exists():
        raise NotFound(_("No such list, or not one you may see."))
    ob = on_list.select_related("unit", "leader").exclude(status="withdrawn").filter(unit_id=target.unit).first()
    if ob is None:
        raise InvalidInput(_("This unit does not handle this list."), "unit")
    return ob


@router.get("/urge", response={200: UrgePreviewOut, **errors(403, 404, 409)})
def preview_urge(request, target: Query[UrgeTarget]):
    """What "urge now" would send to the unit today, to how many people (the office). Sends nothing."""
    ob = _obligation(caller(request), target)
    preview = manual_preview(caller(request), ob)
    plan = preview.plan
    title, body = preview.message.text_in()
    return {
        "list": ob.owner_id,
        "unit": ob.unit_id,
        "step": plan.step,
        "late": plan.late,
        "kind": plan.kind,
        "due_date": plan.due_date,
        "days_overdue": plan.days_overdue,
        "respond_by": preview.respond_by,
        "recipients": len(preview.recipients),
        "already_sent": preview.already is not None,
        "title": title,
        "body": body,
    }


@router.post("/urge", response={201: EscalationOut, 200: EscalationOut, **errors(403, 404, 409)})
def urge_now(request, payload: UrgeIn):
    """Send what the preview showed (the office): 201 with the urge notice or reminder; 200 with the one
    already sent by hand in this lateness (a repeated or simultaneous request sends nothing more)."""
    ob = _obligation(caller(request), payload)
    esc, created = do_manual_urge(caller(request), ob, confirmed=payload.step)
    sent = queries.with_open(Escalation.objects.filter(pk=esc.pk)).select_related("unit", "duty").get()
    return (201 if created else 200), sent


# --- the sweep ------------------------------------------------------------------------------------


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
    if not access.can_steer_lists(caller(request)):
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
    owner_kind: Annotated[Line | None, BlankIsNone] = Query(
        None, description="Only the duties of this kind of work (e.g. `list`); all kinds by default."
    ),
):
    start, end = period(start, end)
    kind = check_kind(owner_kind) if owner_kind else ""
    return queries.sort_league(queries.league(start, end, owner_kind=kind), sort, desc)
