"""The request and response shapes of the restricted cases' API (oversight.api_cases): talks, incidents,
violations, accountability decisions and the oversight figures, built from luoshi.schemas' bounded types."""

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from luoshi.oversight.models import MeasureKind, ReasonKind, SubjectKind, TalkKind
from luoshi.schemas import VISIBLE_LINE, BlankIsNone, BodyIn, Day, Id, Line, RequiredText, Text, Title

Body = Annotated[str, Field(min_length=1, max_length=100), VISIBLE_LINE]


class CitedReasonIn(BodyIn):
    kind: ReasonKind = Field(description="What is cited: list, finding, talk_proposal, incident, violation, talk.")
    id: Id


class ReasonOut(Schema):
    kind: str
    id: int
    label: str


class TalkIn(BodyIn):
    kind: TalkKind
    unit: Id | None = Field(None, description="Talked to the unit's head; with `person`, the person's unit then.")
    person: Id | None = Field(None, description="Talked to this person.")
    reasons: list[CitedReasonIn] = Field([], max_length=50)
    held_on: Day
    record: Text = ""
    talked_by: Id | None = Field(None, description="Who held the talk.")
    followup: Text = Field("", description="What the unit must report on by `followup_deadline` (a duty).")
    followup_deadline: Day | None = None


class ProposalTalkIn(BodyIn):
    kind: TalkKind = TalkKind.REMINDER
    held_on: Day | None = Field(None, description="Today unless given.")
    record: Text = ""


class TalkOut(Schema):
    id: int
    kind: TalkKind
    subject: SubjectKind
    unit: int
    unit_name: str
    person: int | None
    person_name: str | None
    talked_by: int | None
    held_on: date
    record: str
    reasons: list[ReasonOut]
    proposal: int | None = Field(description="The ladder's talk proposal (escalation) it answers.")
    followup: str
    followup_deadline: date | None
    duty: int | None = Field(description="The unit's follow-up duty, if one is owed.")
    duty_status: str | None
    created_at: datetime


class PagedTalksOut(Schema):
    items: list[TalkOut]
    count: int


class IncidentIn(BodyIn):
    title: Title
    happened_on: Day
    place: Line = ""
    description: Text = ""
    units: list[Id] = Field([], max_length=100)
    people: list[Id] = Field([], max_length=100)


class CaseRefOut(Schema):
    kind: str = Field(description="talk or accountability")
    id: int
    label: str


class IncidentOut(Schema):
    id: int
    title: str
    happened_on: date
    place: str
    description: str
    units: list[int]
    people: list[int]
    cases: list[CaseRefOut] = Field([], description="The talks and decisions citing it (on one incident's read).")
    created_at: datetime


class PagedIncidentsOut(Schema):
    items: list[IncidentOut]
    count: int


class ViolationIn(BodyIn):
    person: Id
    unit: Id | None = Field(None, description="Where the person served; the person's unit unless given.")
    description: RequiredText
    found_on: Day


class ViolationOut(Schema):
    id: int
    person: int
    person_name: str
    unit: int
    unit_name: str
    description: str
    found_on: date
    created_at: datetime


class PagedViolationsOut(Schema):
    items: list[ViolationOut]
    count: int


class AccountabilityIn(BodyIn):
    unit: Id | None = Field(None, description="A decision on the unit; with `person`, the person's unit then.")
    person: Id | None = None
    measures: list[MeasureKind] = Field(
        min_length=1,
        max_length=7,
        description="For a unit: inspection, notice, reorganisation. For a person: notice, admonition, "
        "organisational, party_discipline, government_sanction.",
    )
    reasons: list[CitedReasonIn] = Field([], max_length=50)
    decided_on: Day
    body: Body = Field(description="The deciding body.")
    summary: Text = ""
    public: bool = False


class FileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class AccountabilityOut(Schema):
    id: int
    subject: SubjectKind
    unit: int
    unit_name: str
    person: int | None
    person_name: str | None
    measures: list[str]
    disciplined: bool
    decided_on: date
    body: str
    summary: str
    public: bool
    reasons: list[ReasonOut]
    files: list[FileOut]
    created_at: datetime


class PagedAccountabilityOut(Schema):
    items: list[AccountabilityOut]
    count: int


class CaseQuery(Schema):
    unit: Annotated[Id | None, BlankIsNone] = None
    person: Annotated[Id | None, BlankIsNone] = None
    start: Annotated[Day | None, BlankIsNone] = Field(None, alias="from", description="From this day on.")
    end: Annotated[Day | None, BlankIsNone] = Field(None, alias="to", description="Until this day, inclusive.")


class TalkQuery(CaseQuery):
    kind: Annotated[TalkKind | None, BlankIsNone] = None


class PeriodQuery(Schema):
    start: Annotated[Day | None, BlankIsNone] = Field(None, alias="from", description="From this day on.")
    end: Annotated[Day | None, BlankIsNone] = Field(None, alias="to", description="Until this day, inclusive.")


class OversightStatsOut(Schema):
    units_inspected: int
    findings: int
    findings_rectified: int
    units_talked: int = Field(description="Distinct units given a reminder talk (提醒约谈) with the unit's head.")
    talks: int
    violations: int
    accountable: int = Field(description="Distinct people held accountable.")
    disciplined: int = Field(description="Distinct people given a Party or government sanction.")
