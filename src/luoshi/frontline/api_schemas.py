"""The request and response shapes of the frontline API, from luoshi.schemas' bounded types."""

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from luoshi.frontline.models import FieldKind, PostCategory, SelectionKind
from luoshi.schemas import BodyIn, Day, Id, Line, Text, Title

Month = Annotated[str, Field(pattern=r"^(20\d\d|2100)-(0[1-9]|1[0-2])$", description="YYYY-MM", examples=["2026-03"])]
LevelLine = Annotated[Line, Field(max_length=30)]


class ProblemIn(BodyIn):
    text: Annotated[Text, Field(min_length=1, max_length=2000)]
    solved: bool = False


class FieldworkIn(BodyIn):
    leader: Id | None = Field(None, description="The leader whose day it is; by default the caller.")
    date: Day
    days: int = Field(1, ge=1, le=31, description="A trip of several days: its first day is `date`.")
    kind: FieldKind
    place: Title
    unit: Id | None = Field(None, description="The unit visited; required for `supervised_unit`.")
    purpose: Text = ""
    problems: list[ProblemIn] = Field([], max_length=20)


class ProblemOut(Schema):
    id: int
    text: str
    solved: bool
    list: int | None


class FieldworkOut(Schema):
    id: int
    leader: int
    leader_name: str
    date: dt.date
    days: int
    last_date: dt.date
    kind: FieldKind
    place: str
    unit: int | None
    unit_name: str | None
    purpose: str
    problems: list[ProblemOut]
    logged_by: int
    logged_at: dt.datetime


class PagedFieldworkOut(Schema):
    items: list[FieldworkOut]
    count: int


class ComplianceRowOut(Schema):
    leader: int
    leader_name: str
    grassroots_days: int
    supervised_days: int
    project_days: int
    total_days: int = Field(description="Distinct days at the frontline, whatever the kind.")
    grassroots_short: int
    supervised_short: int
    ok: bool


class ComplianceOut(Schema):
    month: str
    grassroots_rule: int
    supervised_rule: int
    leaders: list[ComplianceRowOut]


class TotalsOut(Schema):
    trips: int
    days: int


class SummaryRowOut(TotalsOut):
    leader: int
    leader_name: str
    main: bool = Field(description="A main leader (主要领导): holds a post of LUOSHI_FRONTLINE_MAIN_POSTS.")
    months_ok: int
    months: int


class SummaryOut(Schema):
    period_from: dt.date
    period_to: dt.date
    leaders: list[SummaryRowOut]
    main: TotalsOut
    all: TotalsOut


class ToListIn(BodyIn):
    lead_unit: Id | None = Field(None, description="By default the unit visited.")
    co_units: list[Id] = Field([], max_length=100)
    deadline: Day
    report_every_days: int = Field(30, ge=1, le=366)
    title: Line = ""


class ToListOut(Schema):
    list: int
    code: str | None


class StationingIn(BodyIn):
    person: Id
    project: Line = ""
    task: Id | None = None
    start: Day
    end: Day | None = None


class StationingOut(Schema):
    id: int
    person: int
    person_name: str
    unit_name: str | None
    project: str
    task: int | None
    start: dt.date
    end: dt.date | None


class EndIn(BodyIn):
    end: Day


class PostingIn(BodyIn):
    person: Id
    unit: Id
    post: Annotated[Title, Field(max_length=100)]
    category: PostCategory
    level: LevelLine = ""
    start: Day
    end: Day | None = None


class PostingOut(Schema):
    id: int
    person: int
    person_name: str
    unit: int
    unit_name: str
    post: str
    category: PostCategory
    frontline: bool
    level: str
    start: dt.date
    end: dt.date | None
    placement_for: int | None
    planned_end: dt.date | None
    state: str | None = Field(description="A placement's: `ended`, `running` or `overdue`; null for other postings.")


class PagedPostingOut(Schema):
    items: list[PostingOut]
    count: int


class SelectionIn(BodyIn):
    kind: SelectionKind
    title: Line = ""
    candidates: list[Id] = Field(min_length=1, max_length=200)


class CandidatesIn(BodyIn):
    candidates: list[Id] = Field(min_length=1, max_length=200)


class CandidateOut(Schema):
    id: int
    person: int
    person_name: str
    unit_name: str | None
    eligible: bool
    missing: list[str] = Field(description="`frontline_post` (none held) or `placement_unfinished`.")
    checked_at: dt.datetime
    placement: PostingOut | None


class SelectionOut(Schema):
    id: int
    kind: SelectionKind
    title: str
    created_at: dt.datetime
    candidates: list[CandidateOut]


class SelectionRowOut(Schema):
    id: int
    kind: SelectionKind
    title: str
    created_at: dt.datetime
    candidates: int
    eligible: int


class PagedSelectionOut(Schema):
    items: list[SelectionRowOut]
    count: int


class PlacementIn(BodyIn):
    unit: Id
    post: Annotated[Title, Field(max_length=100)]
    category: PostCategory
    level: LevelLine = ""
    start: Day
    planned_end: Day
