"""The ledger API's shapes (the names are the public contract: extend, never rename)."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from luoshi.schemas import BodyIn, Day, Id, Line, Progress, RequiredText, Text, Title, Year

Amount = Annotated[Decimal, Field(max_digits=18, decimal_places=4, gt=Decimal("-1e13"), lt=Decimal("1e13"))]
Weight = Annotated[Decimal, Field(max_digits=7, decimal_places=2, ge=0, le=10000)]
Period = Annotated[str, Field(pattern=r"^20\d\d-(Q[1-4]|0[1-9]|1[0-2])$", description="2026-Q2 or 2026-05")]
LightName = Literal["green", "yellow", "red"]
Reason = Annotated[str, Field(max_length=2000, description="Required once the ledger is open."), Text]


class LedgerIn(BodyIn):
    year: Year
    title: Title


class LedgerOut(Schema):
    id: int
    year: int
    title: str
    status: str


class ProgrammeIn(BodyIn):
    name: Annotated[str, Field(min_length=1, max_length=100), Line]


class ProgrammeOut(Schema):
    id: int
    name: str
    tasks: int
    progress: Decimal


class TrajectoryIn(BodyIn):
    period: Period
    planned: Amount


class IndicatorIn(BodyIn):
    name: Annotated[str, Field(min_length=1, max_length=100), Line]
    measure: Annotated[str, Field(min_length=1, max_length=20), Line]
    target: Amount
    kind: Literal["cumulative", "level"] = "cumulative"
    trajectory: list[TrajectoryIn] = Field([], max_length=12)


class TaskIn(BodyIn):
    programme: Id
    parent: Id | None = None
    title: Title
    requirements: Text = ""
    leader: Id | None = None
    lead_unit: Id | None = None
    co_units: list[Id] = Field([], max_length=50)
    deadline: Day
    weight: Weight = Decimal(1)
    report_every_days: Annotated[int, Field(ge=1, le=366)] | None = None
    starts_on: Day | None = None
    completes_on: Day | None = None
    indicators: list[IndicatorIn] = Field([], max_length=20)
    reason: Reason = ""


class TaskCreatedOut(Schema):
    id: int
    code: str
    progress: Decimal
    light: LightName | None
    forecast: str


class TaskRowOut(Schema):
    id: int
    code: str
    parent: int | None
    programme: int
    title: str
    leader: int | None
    lead_unit: int | None
    deadline: date
    weight: Decimal
    progress: Decimal
    done: bool
    light: LightName | None
    forecast: str
    forecast_basis: str
    origin: int | None


class PointOut(Schema):
    period: str
    planned: Decimal


class IndicatorOut(Schema):
    id: int
    name: str
    measure: str
    kind: str
    target: Decimal
    actual: Decimal | None
    trajectory: list[PointOut]


class TaskDutyOut(Schema):
    id: int
    unit: int
    unit_name: str
    role: str
    status: str
    progress: int
    deadline: date
    through_list: int | None = Field(None, description="Set when the unit reports through a linked list.")


class TaskOut(Schema):
    id: int
    code: str
    title: str
    requirements: str
    ledger: int
    programme: int
    parent: int | None
    leader: int | None
    lead_unit: int | None
    co_units: list[int]
    deadline: date
    weight: Decimal
    report_every_days: int | None
    starts_on: date | None
    completes_on: date | None
    progress: Decimal
    done: bool
    light: LightName | None
    forecast: str
    forecast_basis: str
    children: list[int]
    indicators: list[IndicatorOut]
    duties: list[TaskDutyOut]
    links: list[int]
    origin: int | None


class ActualIn(BodyIn):
    indicator: Id
    actual: Amount


class TaskReportIn(BodyIn):
    unit: Id
    progress: Progress
    done: RequiredText
    difficulties: Text = ""
    next_steps: Text = ""
    request_completion: bool = False
    indicators: list[ActualIn] = Field([], max_length=20)


class TaskReportOut(Schema):
    id: int
    duty: int
    unit: int
    progress: int
    filed_at: str
    through_list: int | None
    indicators: list[ActualIn]


class LinkIn(BodyIn):
    list: Id


class LinkOut(Schema):
    task: int
    list: int


class ProgrammeStat(Schema):
    programme: str
    tasks: int
    completed: int
    progress: Decimal


class IndicatorStat(Schema):
    name: str
    measure: str
    target: Decimal
    actual: Decimal | None


class LedgerStatsOut(Schema):
    year: int
    tasks: int
    completed: int
    on_track: int
    at_risk: int
    late: int
    by_programme: list[ProgrammeStat]
    indicators: list[IndicatorStat]
