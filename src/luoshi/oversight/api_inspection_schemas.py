"""The request and response shapes of the inspections' API (oversight.api_inspections): campaigns, draws,
findings, the unit's reports with evidence, the team's verification, a finding made a list, and the
categories, built from luoshi.schemas' bounded types."""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from luoshi.oversight.models import FindingStatus, Method, Severity
from luoshi.schemas import (
    ONE_LINE,
    VISIBLE_LINE,
    VISIBLE_TEXT,
    BlankIsNone,
    BodyIn,
    Day,
    Id,
    Progress,
    RequiredText,
    Text,
    Title,
)

CategoryName = Annotated[str, Field(min_length=1, max_length=40), VISIBLE_LINE]
SeedText = Annotated[str, Field(min_length=1, max_length=64), ONE_LINE]
SeedNumber = Annotated[int, Field(ge=0, le=2**63 - 1)]
ProblemText = Annotated[str, Field(min_length=1, max_length=5000), VISIBLE_TEXT]


class InspectionIn(BodyIn):
    title: Title
    leader: Id = Field(description="The team's leader.")
    team_units: list[Id] = Field([], max_length=100, description="The units the joint team's members come from.")
    members: list[Id] = Field([], max_length=100, description="The team's members (people).")
    period_from: Day
    period_to: Day
    methods: list[Method] = Field(min_length=1, max_length=5)
    units: list[Id] = Field([], max_length=500, description="Units inspected, named; more may be drawn.")
    scope: Text = Field("", description="The campaign's scope, in words.")


class InspectionOut(Schema):
    id: int
    code: str
    title: str
    leader: int
    leader_name: str
    team_units: list[int]
    members: list[int]
    period_from: date
    period_to: date
    methods: list[str]
    scope: str
    units: list[int] = Field(description="Every unit inspected, named or drawn.")
    findings: int = Field(description="Findings recorded so far.")
    created_at: datetime


class PagedInspectionsOut(Schema):
    items: list[InspectionOut]
    count: int


class InspectionQuery(Schema):
    unit: Annotated[Id | None, BlankIsNone] = Field(None, description="Campaigns that inspect this unit.")


class KindScope(BodyIn):
    kind: Literal["department", "district", "town"]
    parent: Id | None = Field(None, description="Only the units of the kind directly under this unit.")


class DrawIn(BodyIn):
    scope: list[Id] | KindScope = Field(
        description='The unit ids to draw from, or every unit of a kind: {"kind": "district"} (with "parent": '
        "a unit id, the towns of one county). The units already inspected and the team's own are left out."
    )
    count: int = Field(ge=1, le=500)
    seed: SeedText | SeedNumber | None = Field(
        None, description="Kept as text: the draw is random.Random(str(seed)).sample(candidates, count)."
    )


class DrawOut(Schema):
    units: list[int] = Field(description="The units drawn, in the order drawn.")
    draw: int
    scope: dict
    candidates: list[int] = Field(description="The sorted unit ids drawn from.")
    count: int
    seed: str


class FindingIn(BodyIn):
    unit: Id = Field(description="One of the units the inspection inspects.")
    category: CategoryName = Field(description="A category's name, e.g. 作风纪律.")
    severity: Severity
    description: ProblemText = Field(description="The problem.")
    requirement: ProblemText = Field(description="What rectification requires.")
    deadline: Day
    found_on: Day | None = Field(None, description="Today unless given.")
    report_every_days: int | None = Field(
        None, ge=1, le=366, description="A progress report every so many days; none: by the deadline."
    )


class FindingOut(Schema):
    id: int
    code: str
    inspection: int
    unit: int
    unit_name: str
    category: str
    severity: Severity
    status: FindingStatus
    description: str
    requirement: str
    found_on: date
    deadline: date = Field(description="The deadline in force (approved extensions included).")
    duty: int | None = Field(description="The unit's rectification duty.")
    progress: int
    list: int | None = Field(description="The responsibility list it became, if any.")
    closed_at: datetime | None


class PagedFindingsOut(Schema):
    items: list[FindingOut]
    count: int


class FindingQuery(Schema):
    inspection: Annotated[Id | None, BlankIsNone] = None
    unit: Annotated[Id | None, BlankIsNone] = None
    status: Annotated[FindingStatus | None, BlankIsNone] = None


class FileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class UploadOut(Schema):
    attachments: list[FileOut]


class FindingReportIn(BodyIn):
    progress: Progress
    done: RequiredText = Field(description="The rectification done.")
    difficulties: Text = ""
    next_steps: Text = ""
    request_completion: bool = Field(False, description="Asks the team to verify (needs progress 100).")
    attachments: list[Id] = Field(
        [], max_length=9, description="Files uploaded first by the same person (POST …/attachments)."
    )


class FindingReportOut(Schema):
    id: int
    finding: int
    progress: int
    done: str
    difficulties: str
    next_steps: str
    request_completion: bool
    filed_at: datetime
    author: str
    attachments: list[FileOut]
    status: FindingStatus


class VerifyIn(BodyIn):
    passed: bool
    note: Text = Field("", description="Required when not passed: what is not yet rectified.")


class VerifyOut(Schema):
    id: int
    finding: int
    passed: bool
    note: str
    verified_at: datetime
    status: FindingStatus


class ToListOut(Schema):
    list: int
    code: str | None


class CategoryIn(BodyIn):
    name: CategoryName


class CategoryOut(Schema):
    id: int
    name: str
    position: int
    active: bool
