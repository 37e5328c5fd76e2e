"""The request and response shapes of the list API (lists.api), built from luoshi.schemas' bounded types."""

import builtins
from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from luoshi.duties.models import DutyStatus, ExtensionStatus, HandlingRole
from luoshi.lists.models import ListStatus, Source
from luoshi.schemas import BodyIn, Day, Id, Progress, RequiredText, Text, Title

Light = Literal["green", "yellow", "red"]
# A unit's status as this API has always named it (the engine's `open` and `pending` are `in_progress`).
UnitStatus = Literal["in_progress", "completion_requested", "completed", "withdrawn"]


def unit_status(duty_status: str) -> str:
    return "in_progress" if duty_status in (DutyStatus.OPEN, DutyStatus.PENDING) else duty_status


class ObligationOut(Schema):
    unit: int
    unit_name: str
    role: HandlingRole
    status: UnitStatus
    progress: int
    deadline: date
    next_report_due: date | None
    last_report_at: datetime | None
    light: Light | None  # none on a draft or a struck-off list


class MilestoneOut(Schema):
    due_date: date
    title: str


class MilestoneIn(BodyIn):
    due_date: Day
    title: Title


class ListOut(Schema):
    id: int
    code: str | None
    year: int
    status: ListStatus
    source: Source
    title: str
    content: str
    leader: int | None
    leader_name: str | None
    deadline: date = Field(description="As the list was created; `effective_deadline` counts extensions.")
    effective_deadline: date = Field(description="The latest deadline of the units not yet accepted.")
    report_every_days: int
    light: Light | None
    created_at: datetime
    published_at: datetime | None
    closed_at: datetime | None
    closed_late: bool | None
    days_late: int | None
    suspended_at: datetime | None = Field(None, description="Set while the list is suspended.")
    cancelled_at: datetime | None = None
    milestones: list[MilestoneOut] = []
    obligations: list[ObligationOut]


class PagedListOut(Schema):  # as ninja's paginator named and built it (no docstring: none in the document)
    items: list[ListOut]
    count: int


class ListIn(BodyIn):
    source: Source
    title: Title
    content: Text = ""
    leader: Id | None = None
    lead_unit: Id
    co_units: list[Id] = Field([], max_length=100)
    deadline: Day
    report_every_days: int = Field(30, ge=1, le=366)
    milestones: list[MilestoneIn] = Field([], max_length=20)


class ReportIn(BodyIn):
    unit: Id
    progress: Progress
    done: RequiredText
    difficulties: Text = ""
    next_steps: Text = ""
    request_completion: bool = False


class ReportOut(Schema):
    id: int
    unit: int
    progress: int
    done: str
    difficulties: str
    next_steps: str
    request_completion: bool
    filed_at: datetime
    author: str


class UnitRef(BodyIn):
    unit: Id


class ReturnIn(BodyIn):
    unit: Id
    reason: RequiredText


class ExtensionIn(BodyIn):
    unit: Id
    new_deadline: Day
    reason: RequiredText


class ExtensionOut(Schema):
    id: int
    unit: int
    status: ExtensionStatus
    old_deadline: date
    new_deadline: date
    reason: str
    note: str
    requested_at: datetime
    decided_at: datetime | None


class DecideIn(BodyIn):
    approve: bool
    note: Text = ""


class EventOut(Schema):
    at: datetime
    kind: str
    actor: str | None
    unit: int | None
    unit_name: str | None
    before: dict
    after: dict
    note: str
    report: ReportOut | None


class LoopRowOut(ObligationOut):
    done: str
    difficulties: str
    next_steps: str


class LoopOut(Schema):
    list: ListOut
    obligations: builtins.list[LoopRowOut]  # builtins: `list` is a field name here
    timeline: builtins.list[EventOut] = Field(description="Newest first, one page of events.")
    timeline_next: int | None = Field(
        None, description="Pass it as `before` for the next (older) page of the timeline; null at its start."
    )


class Totals(Schema):
    issued: int = Field(description="Published: completed + in_progress + suspended + cancelled.")
    completed: int
    in_progress: int
    overdue: int = Field(description="In progress with a report or deadline passed; never suspended or cancelled.")
    suspended: int = 0
    cancelled: int = 0


class LeaderTotals(Totals):
    leader_id: int | None
    leader__name: str | None


class UnitTotals(Totals):
    unit_id: int
    unit__name: str


class OverviewOut(Schema):
    lists: Totals
    per_leader: list[LeaderTotals]
    per_unit: list[UnitTotals]
