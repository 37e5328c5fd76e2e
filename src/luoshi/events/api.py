"""GET /api/v1/audit: the audit trail, newest first, and its chain's verification. The auditor's only."""

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from luoshi.events import trail
from luoshi.org.caller import caller
from luoshi.schemas import ONE_LINE, BlankIsNone, Id, Page, errors

router = Router(tags=["audit"])

Moment = Annotated[
    str,
    Field(max_length=trail.MOMENT_MAX, description="A date (a whole day, Beijing time) or an ISO time."),
    ONE_LINE,
]


class AuditQuery(Schema):
    # "from" is a Python keyword: the field has another name and the parameter its alias.
    start: Moment = Field("", alias="from")
    to: Moment = ""
    actor: Annotated[Id | None, BlankIsNone] = Field(None, description="A person's id.")
    kind: Annotated[str, Field(max_length=trail.KIND_MAX), ONE_LINE] = Field(
        "", description="A kind, or its beginning: `login` finds `login`, `login.failed` …"
    )


class ActorOut(Schema):
    id: int
    username: str
    name: str


class SubjectOut(Schema):
    type: str
    id: int


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor: ActorOut | None
    address: str | None
    kind: str
    subject: SubjectOut
    result: str

    @staticmethod
    def resolve_subject(obj: Any) -> dict[str, Any]:
        return {"type": obj.subject_type, "id": obj.subject_id}


class VerificationOut(Schema):
    ok: bool
    checked: int
    problem: str
    event_id: int | None
    seq: int | None


@router.get("", response={200: list[AuditEventOut], **errors(403)})
@paginate(Page)
def audit_trail(request: HttpRequest, filters: Query[AuditQuery]) -> Any:
    """The events, newest first, by period (`from`, `to`: dates or ISO times), actor and kind."""
    trail.check_auditor(caller(request))
    f = trail.parse(filters.start, filters.to, filters.actor, filters.kind)
    return trail.events(f).select_related("actor")  # two queries a page: the count and the rows


@router.get("/verify", response={200: VerificationOut, **errors(403)})
def audit_verify(request: HttpRequest) -> Any:
    """Recompute the SM3 chain: whether it holds, how many rows were checked, or the first bad row."""
    v = trail.do_verify(caller(request))
    return {"ok": v.ok, "checked": v.checked, "problem": v.problem, "event_id": v.event_id, "seq": v.seq}
