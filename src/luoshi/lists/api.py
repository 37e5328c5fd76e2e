"""The responsibility-list API: thin handlers over lists.queries (reads) and lists.services (writes)."""

from datetime import date, datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from luoshi.errors import InvalidInput, NotFound
from luoshi.lists import queries, services
from luoshi.lists.models import Extension, Obligation, Report, ResponsibilityList
from luoshi.org.models import Person, Unit

lists_router = Router(tags=["lists"])
extensions_router = Router(tags=["lists"])
stats_router = Router(tags=["stats"])


class ObligationOut(Schema):
    unit: int
    unit_name: str
    role: str
    status: str
    progress: int
    deadline: date
    next_report_due: date | None
    last_report_at: datetime | None
    light: str


class MilestoneIO(Schema):
    due_date: date
    title: str


class ListOut(Schema):
    id: int
    code: str | None
    year: int
    status: str
    source: str
    title: str
    content: str
    leader: int | None
    leader_name: str | None
    deadline: date
    report_every_days: int
    light: str | None
    created_at: datetime
    published_at: datetime | None
    closed_at: datetime | None
    closed_late: bool | None
    days_late: int | None
    milestones: list[MilestoneIO] = []
    obligations: list[ObligationOut]


class ListIn(Schema):
    source: str
    title: str = Field(..., min_length=1, max_length=200)
    content: str = ""
    leader: int | None = None
    lead_unit: int
    co_units: list[int] = []
    deadline: date
    report_every_days: int = Field(30, ge=1, le=366)
    milestones: list[MilestoneIO] = []


class ReportIn(Schema):
    unit: int
    progress: int = Field(..., ge=0, le=100)
    done: str = Field(..., min_length=1)
    difficulties: str = ""
    next_steps: str = ""
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


class UnitRef(Schema):
    unit: int


class ReturnIn(Schema):
    unit: int
    reason: str = Field(..., min_length=1)


class ExtensionIn(Schema):
    unit: int
    new_deadline: date
    reason: str = Field(..., min_length=1)


class ExtensionOut(Schema):
    id: int
    unit: int
    status: str
    old_deadline: date
    new_deadline: date
    reason: str
    note: str
    requested_at: datetime
    decided_at: datetime | None


class DecideIn(Schema):
    approve: bool
    note: str = ""


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


class LoopOut(Schema):
    list: ListOut
    obligations: list[dict]
    timeline: list[EventOut]


def _obligation_out(ob: Obligation, today: date) -> dict:
    return {
        "unit": ob.unit_id,
        "unit_name": ob.unit.name,
        "role": ob.role,
        "status": ob.status,
        "progress": ob.progress,
        "deadline": ob.deadline,
        "next_report_due": ob.next_report_due,
        "last_report_at": ob.last_report.filed_at if ob.last_report else None,
        "light": queries.obligation_light(ob, today),
    }


def _report_out(r: Report, unit_id: int) -> dict:
    return {
        "id": r.pk,
        "unit": unit_id,
        "progress": r.progress,
        "done": r.done,
        "difficulties": r.difficulties,
        "next_steps": r.next_steps,
        "request_completion": r.request_completion,
        "filed_at": r.filed_at,
        "author": str(r.author),
    }


def _list_out(rlist: ResponsibilityList, obligations: list[Obligation], today: date) -> dict:
    return {
        **{
            f: getattr(rlist, f)
            for f in (
                "id",
                "code",
                "year",
                "status",
                "source",
                "title",
                "content",
                "deadline",
                "report_every_days",
                "created_at",
                "published_at",
                "closed_at",
                "closed_late",
                "days_late",
            )
        },
        "leader": rlist.leader_id,
        "leader_name": str(rlist.leader) if rlist.leader else None,
        "light": queries.list_light(rlist, today),
        "milestones": [{"due_date": m.due_date, "title": m.title} for m in rlist.milestones.all()],
        "obligations": [_obligation_out(ob, today) for ob in obligations],
    }


def _visible_list(request: HttpRequest, list_id: int) -> ResponsibilityList:
    qs = queries.with_lights(queries.visible_lists(request.auth)).select_related("leader")
    rlist = qs.filter(pk=list_id).first()
    if rlist is None:
        raise NotFound("No such list, or not one you may see.")
    return rlist


def _obligation(rlist: ResponsibilityList, unit_id: int) -> Obligation:
    ob = rlist.obligations.select_related("unit", "list").filter(unit_id=unit_id).first()
    if ob is None:
        raise InvalidInput("This unit does not handle this list.", "unit")
    return ob


def _detail(request: HttpRequest, list_id: int) -> dict:
    rlist = _visible_list(request, list_id)
    obligations = list(rlist.obligations.select_related("unit", "last_report", "list"))
    return _list_out(rlist, obligations, timezone.localdate())


class ListQuery(Schema):
    status: str = ""
    source: str = ""
    leader: int | None = None
    unit: int | None = None
    light: str = ""
    year: int | None = None
    overdue: bool = False
    q: str = ""


@lists_router.get("", response=list[ListOut])
@paginate(LimitOffsetPagination)
def list_lists(request, filters: Query[ListQuery]):
    today = timezone.localdate()
    f = queries.ListFilters(**filters.dict())
    qs = queries.index_rows(queries.filtered_lists(request.auth, f, today)).prefetch_related("milestones")
    return _LazyRows(qs, today)


class _LazyRows:
    """Lets the paginator slice and count the queryset before rows are turned into dicts."""

    def __init__(self, qs, today: date) -> None:
        self.qs, self.today = qs, today

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, s: slice) -> list[dict]:
        return [_list_out(r, list(r.obligations.all()), self.today) for r in self.qs[s]]


@lists_router.post("", response={201: ListOut})
def create_list(request, payload: ListIn):
    units = Unit.objects.in_bulk([payload.lead_unit, *payload.co_units])
    if payload.lead_unit not in units:
        raise InvalidInput("No such unit.", "lead_unit")
    if missing := [u for u in payload.co_units if u not in units]:
        raise InvalidInput(f"No such unit: {missing}.", "co_units")
    leader = None
    if payload.leader is not None:
        leader = Person.objects.filter(pk=payload.leader).first()
        if leader is None:
            raise InvalidInput("No such person.", "leader")
    rlist = services.do_create_list(
        request.auth,
        source=payload.source,
        title=payload.title,
        content=payload.content,
        leader=leader,
        lead_unit=units[payload.lead_unit],
        co_units=[units[u] for u in payload.co_units],
        deadline=payload.deadline,
        report_every_days=payload.report_every_days,
        milestones=[services.MilestoneInput(m.due_date, m.title) for m in payload.milestones],
    )
    return 201, _detail(request, rlist.pk)


@lists_router.get("/{int:list_id}", response=ListOut)
def get_list(request, list_id: int):
    return _detail(request, list_id)


@lists_router.post("/{int:list_id}/publish", response=ListOut)
def publish_list(request, list_id: int):
    services.do_publish(request.auth, _visible_list(request, list_id))
    return _detail(request, list_id)


@lists_router.post("/{int:list_id}/reports", response={201: ReportOut, 200: ReportOut})
def file_report(request, list_id: int, payload: ReportIn):
    ob = _obligation(_visible_list(request, list_id), payload.unit)
    report, created = services.do_report(
        request.auth,
        ob,
        progress=payload.progress,
        done=payload.done,
        difficulties=payload.difficulties,
        next_steps=payload.next_steps,
        request_completion=payload.request_completion,
        submission_key=request.headers.get("Idempotency-Key") or None,
    )
    return (201 if created else 200), _report_out(report, ob.unit_id)


@lists_router.post("/{int:list_id}/accept", response=ObligationOut)
def accept_completion(request, list_id: int, payload: UnitRef):
    ob = services.do_accept(request.auth, _obligation(_visible_list(request, list_id), payload.unit))
    return _obligation_out(ob, timezone.localdate())


@lists_router.post("/{int:list_id}/return", response=ObligationOut)
def return_completion(request, list_id: int, payload: ReturnIn):
    ob = _obligation(_visible_list(request, list_id), payload.unit)
    ob = services.do_return(request.auth, ob, payload.reason)
    return _obligation_out(ob, timezone.localdate())


def _extension_out(ext: Extension) -> dict:
    return {
        "id": ext.pk,
        "unit": ext.obligation.unit_id,
        "status": ext.status,
        "old_deadline": ext.old_deadline,
        "new_deadline": ext.new_deadline,
        "reason": ext.reason,
        "note": ext.note,
        "requested_at": ext.requested_at,
        "decided_at": ext.decided_at,
    }


@lists_router.post("/{int:list_id}/extensions", response={201: ExtensionOut})
def request_extension(request, list_id: int, payload: ExtensionIn):
    ob = _obligation(_visible_list(request, list_id), payload.unit)
    ext = services.do_request_extension(request.auth, ob, payload.new_deadline, payload.reason)
    return 201, _extension_out(ext)


@extensions_router.post("/{int:extension_id}/decide", response=ExtensionOut)
def decide_extension(request, extension_id: int, payload: DecideIn):
    ext = get_object_or_404(Extension.objects.select_related("obligation"), pk=extension_id)
    _visible_list(request, ext.obligation.list_id)
    ext = services.do_decide_extension(request.auth, ext, payload.approve, payload.note)
    return _extension_out(ext)


@lists_router.post("/{int:list_id}/close", response=ListOut)
def close_list(request, list_id: int):
    services.do_close(request.auth, _visible_list(request, list_id))
    return _detail(request, list_id)


@lists_router.get("/{int:list_id}/loop", response=LoopOut)
def loop(request, list_id: int):
    today = timezone.localdate()
    rlist = _visible_list(request, list_id)
    obligations = queries.loop_obligations(rlist)
    rows = []
    for ob in obligations:
        last = ob.last_report
        rows.append(
            {
                **_obligation_out(ob, today),
                "done": last.done if last else "",
                "difficulties": last.difficulties if last else "",
                "next_steps": last.next_steps if last else "",
            }
        )
    timeline = [
        {
            "at": e.at,
            "kind": e.kind,
            "actor": str(e.actor) if e.actor else None,
            "unit": e.unit_id,
            "unit_name": e.unit.name if e.unit else None,
            "before": e.before,
            "after": e.after,
            "note": e.note,
            "report": _report_out(e.report, e.unit_id) if e.report else None,
        }
        for e in queries.timeline(rlist)
    ]
    return {"list": _list_out(rlist, obligations, today), "obligations": rows, "timeline": timeline}


class OverviewQuery(Schema):
    year: int | None = None


@stats_router.get("/overview")
def stats_overview(request, params: Query[OverviewQuery]):
    return queries.overview(request.auth, params.year)
