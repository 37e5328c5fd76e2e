"""The request and response shapes of the public problems' API (public.api_problems), built from
luoshi.schemas' bounded types (every id 1..2**31-1, every text checked: no NUL or control characters), and
the answers built from the stored rows (the same for a first request and a keyed repeat)."""

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from luoshi.duties.models import Duty
from luoshi.public.dispatch import title_of
from luoshi.public.intake import CONTACT_MAX, CONTENT_MAX, NAME_MAX, PLACE_MAX, problem_state
from luoshi.public.models import Channel, Problem, Reply, Satisfaction, SendBack, SendBackReason, Status, Visit
from luoshi.public.queries import Detail
from luoshi.schemas import MULTILINE, ONE_LINE, VISIBLE_LINE, VISIBLE_TEXT, BlankIsNone, BodyIn, Day, Id

CategoryName = Annotated[str, Field(min_length=1, max_length=40), VISIBLE_LINE]
Content = Annotated[str, Field(min_length=1, max_length=CONTENT_MAX), VISIBLE_TEXT]
Reason = Annotated[str, Field(min_length=1, max_length=1000), VISIBLE_TEXT]
Basis = Annotated[str, Field(min_length=1, max_length=2000), VISIBLE_TEXT]
Note = Annotated[str, Field(max_length=2000), MULTILINE]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]


class NewProblemIn(BodyIn):
    channel: Channel
    category: CategoryName = Field(description="A category's name, e.g. 市容环境.")
    content: Content
    place: Annotated[str, Field(max_length=PLACE_MAX), ONE_LINE] = ""
    reporter_name: Annotated[str, Field(max_length=NAME_MAX), ONE_LINE] = ""
    reporter_contact: Annotated[str, Field(max_length=CONTACT_MAX), ONE_LINE] = ""
    lat: Latitude | None = Field(None, description="Degrees; give both coordinates or neither.")
    lon: Longitude | None = None
    urgent: bool = Field(False, description="An urgent problem is signed for within the category's urgent hours.")
    reporter_consents: bool = Field(False, description="The reporter agrees to the handling unit seeing the contact.")
    broadcast: Id | None = Field(None, description="The programme's episode it was raised on (TV, newspaper).")


class CreatedOut(Schema):
    id: int
    code: str = Field(description="The tracking code the reporter is given.")
    status: Status


class ProblemQuery(Schema):
    status: Annotated[Status | None, BlankIsNone] = None
    channel: Annotated[Channel | None, BlankIsNone] = None
    category: Annotated[CategoryName | None, BlankIsNone] = Field(None, description="A category's name.")
    unit: Annotated[Id | None, BlankIsNone] = Field(None, description="Problems with a duty of this unit.")
    start: Annotated[Day | None, BlankIsNone] = Field(None, alias="from", description="Received on or after this day.")
    end: Annotated[Day | None, BlankIsNone] = Field(None, alias="to", description="Received on or before this day.")
    hot: Annotated[bool | None, BlankIsNone] = Field(None, description="Only hot issues (true) or only the others.")


class ProblemRowOut(Schema):
    """A row of the index: never the reporter."""

    id: int
    code: str
    status: Status
    channel: Channel
    category: str
    title: str = Field(description="The content's first line, shortened.")
    place: str
    urgent: bool
    hot: bool
    lead_unit: int | None
    lead_unit_name: str | None
    deadline: date | None = Field(description="The lead unit's deadline, while it holds the problem.")
    created: datetime


class PagedProblemsOut(Schema):
    items: list[ProblemRowOut]
    count: int


class UnitDutyOut(Schema):
    unit: int
    unit_name: str
    role: str = Field(description="lead or co.")
    duty: int
    status: str
    progress: int
    respond_by: datetime | None = Field(description="To be signed for by then.")
    signed_at: datetime | None
    deadline: date


class ProblemReplyOut(Schema):
    id: int
    unit: int
    text: str
    at: datetime


class VisitOut(Schema):
    id: int
    satisfaction: Satisfaction
    solved: bool
    note: str
    reopened: bool
    at: datetime


class SendBackOut(Schema):
    unit: int
    reason: SendBackReason
    basis: str
    at: datetime
    ruling: str = Field(description='"" awaiting the ruling, upheld (the unit was right) or overruled.')


class ReporterOut(Schema):
    name: str
    contact: str


class ProblemDetailOut(Schema):
    id: int
    code: str
    status: Status
    channel: Channel
    category: str
    content: str
    place: str
    lat: float | None
    lon: float | None
    urgent: bool
    units: list[UnitDutyOut] = Field(description="The units handling it (lead first); none sent back.")
    duty: int | None = Field(description="The lead unit's duty.")
    lead_unit: int | None
    reply: ProblemReplyOut | None = Field(description="The latest reply.")
    visit: VisitOut | None = Field(description="The latest return visit.")
    reporter: ReporterOut | None = Field(
        None, description="Only for the office, or a handling unit when the reporter agreed; the read is audited."
    )
    hot: bool
    send_backs: list[SendBackOut]
    duplicate_of: int | None
    reject_reason: str
    broadcast: int | None
    created: datetime
    outcome: str = Field(description='"" until visited; solved, or unsolved (closed but not solved).')
    # Last: the field's name would hide the type in the annotations below it.
    list: int | None = Field(description="The responsibility list it became.")


class StateOut(Schema):
    """A triage, closing or exposure step's answer: the problem's state after it."""

    id: int
    code: str
    status: Status
    lead_unit: int | None
    hot: bool


class RejectIn(BodyIn):
    reason: Reason


class DuplicateIn(BodyIn):
    of: Id = Field(description="The original (or a duplicate of it).")


class DispatchIn(BodyIn):
    unit: Id = Field(description="The lead unit.")
    co_units: list[Id] = Field([], max_length=20)
    deadline: Day | None = Field(None, description="Otherwise the category's working days from the sign-for.")


class DispatchOut(Schema):
    duty: int = Field(description="The lead unit's duty.")
    unit: int
    respond_by: datetime | None


class ProblemUnitIn(BodyIn):
    unit: Id


class SignOut(Schema):
    duty: int
    unit: int
    signed_at: datetime | None
    deadline: date


class SendBackIn(BodyIn):
    unit: Id
    reason: SendBackReason
    basis: Basis = Field(description="The basis: the rule or fact that makes it not the unit's.")


class SentBackOut(Schema):
    unit: int
    reason: SendBackReason
    basis: str
    at: datetime


class RuleOut(Schema):
    duty: int = Field(description="The owner's lead duty.")
    unit: int


class TextIn(BodyIn):
    unit: Id
    text: Content


class ProgressOut(Schema):
    duty: int
    unit: int
    progress: int


class VisitIn(BodyIn):
    satisfaction: Satisfaction
    solved: bool
    note: Note = ""
    reopen: bool = Field(False, description="Send it back to the unit (only when unsatisfied or unsolved).")


class ProblemToListOut(Schema):
    list: int
    code: str | None


class SuggestionOut(Schema):
    unit: int
    name: str
    score: float


class SuggestionsOut(Schema):
    units: list[SuggestionOut]


# ---------------------------------------------------------------- the answers, from the stored rows


def row(p: Problem, lead: Duty | None) -> dict:
    """An index row (never the reporter); `lead` the lead unit's live duty."""
    return {
        "id": p.pk,
        "code": p.code,
        "status": p.status,
        "channel": p.channel,
        "category": p.category.name,
        "title": title_of(p.content),
        "place": p.place,
        "urgent": p.urgent,
        "hot": p.hot,
        "lead_unit": p.lead_unit_id,
        "lead_unit_name": p.lead_unit.name if p.lead_unit else None,
        "deadline": lead.deadline if lead else None,
        "created": p.created_at,
    }


def reply(r: Reply) -> dict:
    return {"id": r.pk, "unit": r.unit_id, "text": r.text, "at": r.at}


def visit(v: Visit) -> dict:
    return {
        "id": v.pk,
        "satisfaction": v.satisfaction,
        "solved": v.solved,
        "note": v.note,
        "reopened": v.reopened,
        "at": v.at,
    }


def detail(d: Detail) -> dict:
    p = d.problem
    return {
        "id": p.pk,
        "code": p.code,
        "status": p.status,
        "channel": p.channel,
        "category": p.category.name,
        "content": p.content,
        "place": p.place,
        "lat": float(p.lat) if p.lat is not None else None,
        "lon": float(p.lon) if p.lon is not None else None,
        "urgent": p.urgent,
        "units": [
            {
                "unit": duty.unit_id,
                "unit_name": duty.unit.name,
                "role": duty.role,
                "duty": duty.pk,
                "status": duty.status,
                "progress": duty.progress,
                "respond_by": duty.respond_by,
                "signed_at": duty.signed_at,
                "deadline": duty.deadline,
            }
            for duty in d.duties
        ],
        "duty": d.lead.pk if d.lead else None,
        "lead_unit": p.lead_unit_id,
        "reply": reply(d.reply) if d.reply else None,
        "visit": visit(d.visit) if d.visit else None,
        "reporter": d.reporter,
        "hot": p.hot,
        "list": p.list_id,
        "send_backs": [
            {"unit": sb.unit_id, "reason": sb.reason, "basis": sb.basis, "at": sb.at, "ruling": sb.ruling}
            for sb in d.send_backs
        ],
        "duplicate_of": p.duplicate_of_id,
        "reject_reason": p.reject_reason,
        "broadcast": p.broadcast_id,
        "created": p.created_at,
        "outcome": p.outcome,
    }


def dispatched(duty: Duty) -> dict:
    return {"duty": duty.pk, "unit": duty.unit_id, "respond_by": duty.respond_by}


def signed(duty: Duty) -> dict:
    return {"duty": duty.pk, "unit": duty.unit_id, "signed_at": duty.signed_at, "deadline": duty.deadline}


def sent_back(sb: SendBack) -> dict:
    return {"unit": sb.unit_id, "reason": sb.reason, "basis": sb.basis, "at": sb.at}


def state(p: Problem, after: dict | None = None) -> dict:
    """The problem's state now, or as a step's event recorded it after the step (what it lacks: now)."""
    now = problem_state(p)
    return {"id": p.pk, "code": p.code, **{k: (after or {}).get(k, now[k]) for k in ("status", "lead_unit", "hot")}}
