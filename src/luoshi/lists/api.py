"""The responsibility-list API: thin handlers over lists.queries (reads) and lists.services (writes)."""

from datetime import date
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Header, Query, Router, Schema
from ninja.pagination import paginate

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.duties.models import Duty, DutyStatus, Extension, Report
from luoshi.errors import InvalidInput, NotFound
from luoshi.lists import completion, queries, services
from luoshi.lists.api_schemas import (  # noqa: F401  (re-exported for lists.api_drafts)
    DecideIn,
    EventOut,
    ExtensionIn,
    ExtensionOut,
    Light,
    ListIn,
    ListOut,
    LoopOut,
    LoopRowOut,
    MilestoneIn,
    MilestoneOut,
    ObligationOut,
    OverviewOut,
    ReportIn,
    ReportOut,
    ReturnIn,
    UnitRef,
    unit_status,
)
from luoshi.lists.models import ListStatus, ResponsibilityList, Source
from luoshi.org.models import Person, Unit
from luoshi.schemas import (
    ONE_LINE,
    BlankIsNone,
    Id,
    Page,
    Search,
    Year,
    errors,
)

lists_router = Router(tags=["lists"])
extensions_router = Router(tags=["lists"])
stats_router = Router(tags=["stats"])


def _obligation_out(ob: Duty, today: date, list_status: str) -> dict:
    return {
        "unit": ob.unit_id,
        "unit_name": ob.unit.name,
        "role": ob.role,
        "status": unit_status(ob.status),
        "progress": ob.progress,
        "deadline": ob.deadline,
        "next_report_due": ob.next_report_due,
        "last_report_at": ob.last_report.filed_at if ob.last_report else None,
        "light": queries.obligation_light(ob, today, list_status),
    }


def _report_out(r: Report, unit_id: int | None) -> dict:
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


def _list_out(rlist: ResponsibilityList, obligations: list[Duty], today: date) -> dict:
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
                "suspended_at",
                "cancelled_at",
            )
        },
        "leader": rlist.leader_id,
        "leader_name": str(rlist.leader) if rlist.leader else None,
        "effective_deadline": queries.effective_deadline(rlist),
        "light": queries.list_light(rlist, today),
        "milestones": [{"due_date": m.due_date, "title": m.title} for m in rlist.milestones.all()],
        "obligations": [_obligation_out(ob, today, rlist.status) for ob in obligations],
    }


def _visible_list(request: HttpRequest, list_id: int) -> ResponsibilityList:
    person: Person = request.auth  # type: ignore[attr-defined]  # set by the API's authentication
    qs = queries.with_lights(queries.visible_lists(person)).select_related("leader")
    rlist = qs.filter(pk=list_id).first()
    if rlist is None:
        raise NotFound("No such list, or not one you may see.")
    return rlist


def _obligation(rlist: ResponsibilityList, unit_id: int) -> Duty:
    ob = rlist.duties.select_related("unit").exclude(status=DutyStatus.WITHDRAWN).filter(unit_id=unit_id).first()
    if ob is None:
        raise InvalidInput("This unit does not handle this list.", "unit")
    return ob


def _detail(request: HttpRequest, list_id: int) -> dict:
    rlist = _visible_list(request, list_id)
    obligations = list(rlist.duties.select_related("unit", "last_report"))
    return _list_out(rlist, obligations, timezone.localdate())


SortKey = Annotated[
    str,
    Field(
        pattern=f"^-?({'|'.join(queries.SORTS)})$",
        description="A column, descending with a leading “-”; by default `light` (red first, then the deadline).",
    ),
]


class ListQuery(Schema):
    status: Annotated[ListStatus | None, BlankIsNone] = None
    source: Annotated[Source | None, BlankIsNone] = None
    leader: Annotated[Id | None, BlankIsNone] = None
    unit: Annotated[Id | None, BlankIsNone] = None
    light: Annotated[Light | None, BlankIsNone] = None
    year: Annotated[Year | None, BlankIsNone] = None
    overdue: bool = False
    q: Search = ""
    sort: Annotated[SortKey | None, BlankIsNone] = None


@lists_router.get("", response={200: list[ListOut], **errors()})
@paginate(Page)
def list_lists(request, filters: Query[ListQuery]):
    today = timezone.localdate()
    data = filters.dict()
    f = queries.ListFilters(**{**data, **{k: data[k] or "" for k in ("status", "source", "light", "sort")}})
    qs = queries.index_rows(queries.filtered_lists(request.auth, f, today), f.sort, today)
    qs = qs.prefetch_related("milestones")
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
        return [_list_out(r, list(r.duties.all()), self.today) for r in self.qs[s]]


@lists_router.post("", response={201: ListOut, **errors(403)})
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


@lists_router.get("/{int:list_id}", response={200: ListOut, **errors(404)})
def get_list(request, list_id: Id):
    return _detail(request, list_id)


@lists_router.post("/{int:list_id}/publish", response={200: ListOut, **errors(403, 404, 409)})
def publish_list(request, list_id: Id):
    services.do_publish(request.auth, _visible_list(request, list_id))
    return _detail(request, list_id)


IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    max_length=64,
    description="Repeating a report with the same key stores it once; "
    "the same key with a different report is refused with 409.",
)


@lists_router.post("/{int:list_id}/reports", response={201: ReportOut, 200: ReportOut, **errors(403, 404, 409)})
def file_report(
    request, list_id: Id, payload: ReportIn, idempotency_key: Annotated[str | None, ONE_LINE] = IDEMPOTENCY_KEY
):
    """File a direct report for the caller's own unit. 200 when the same Idempotency-Key and report came before."""
    ob = _obligation(_visible_list(request, list_id), payload.unit)
    report, created = duty_services.do_report(
        request.auth,
        ob,
        progress=payload.progress,
        done=payload.done,
        difficulties=payload.difficulties,
        next_steps=payload.next_steps,
        request_completion=payload.request_completion,
        submission_key=idempotency_key or None,
    )
    return (201 if created else 200), _report_out(report, ob.unit_id)


@lists_router.post("/{int:list_id}/accept", response={200: ObligationOut, **errors(403, 404, 409)})
def accept_completion(request, list_id: Id, payload: UnitRef):
    rlist = _visible_list(request, list_id)
    ob = duty_completion.do_accept(request.auth, _obligation(rlist, payload.unit))
    return _obligation_out(ob, timezone.localdate(), rlist.status)


@lists_router.post("/{int:list_id}/return", response={200: ObligationOut, **errors(403, 404, 409)})
def return_completion(request, list_id: Id, payload: ReturnIn):
    rlist = _visible_list(request, list_id)
    ob = duty_completion.do_return(request.auth, _obligation(rlist, payload.unit), payload.reason)
    return _obligation_out(ob, timezone.localdate(), rlist.status)


def _extension_out(ext: Extension) -> dict:
    return {
        "id": ext.pk,
        "unit": ext.duty.unit_id,
        "status": ext.status,
        "old_deadline": ext.old_deadline,
        "new_deadline": ext.new_deadline,
        "reason": ext.reason,
        "note": ext.note,
        "requested_at": ext.requested_at,
        "decided_at": ext.decided_at,
    }


@lists_router.post("/{int:list_id}/extensions", response={201: ExtensionOut, **errors(403, 404, 409)})
def request_extension(request, list_id: Id, payload: ExtensionIn):
    ob = _obligation(_visible_list(request, list_id), payload.unit)
    ext = duty_completion.do_request_extension(request.auth, ob, payload.new_deadline, payload.reason)
    return 201, _extension_out(ext)


@extensions_router.post("/{int:extension_id}/decide", response={200: ExtensionOut, **errors(403, 404, 409)})
def decide_extension(request, extension_id: Id, payload: DecideIn):
    ext = Extension.objects.select_related("duty").filter(pk=extension_id).first()
    if ext is None:
        raise NotFound("No such extension request.")
    if ext.duty.owner_kind != "list":
        raise NotFound("No such extension request.")
    _visible_list(request, ext.duty.owner_id)
    ext = duty_completion.do_decide_extension(request.auth, ext, payload.approve, payload.note)
    return _extension_out(ext)


@lists_router.post("/{int:list_id}/close", response={200: ListOut, **errors(403, 404, 409)})
def close_list(request, list_id: Id):
    completion.do_close(request.auth, _visible_list(request, list_id))
    return _detail(request, list_id)


@lists_router.get("/{int:list_id}/loop", response={200: LoopOut, **errors(404)})
def loop(request, list_id: Id):
    today = timezone.localdate()
    rlist = _visible_list(request, list_id)
    obligations = queries.loop_obligations(rlist)
    rows = []
    for ob in obligations:
        last = ob.last_report
        rows.append(
            {
                **_obligation_out(ob, today, rlist.status),
                "done": last.done if last else "",
                "difficulties": last.difficulties if last else "",
                "next_steps": last.next_steps if last else "",
            }
        )
    timeline = [_event_out(entry) for entry in queries.timeline(rlist)]
    return {"list": _list_out(rlist, obligations, today), "obligations": rows, "timeline": timeline}


def _event_out(entry: queries.TimelineEntry) -> dict:
    e = entry.event
    return {
        "at": e.at,
        "kind": e.kind,
        "actor": str(e.actor) if e.actor else None,
        "unit": e.unit_id,
        "unit_name": e.unit.name if e.unit else None,
        "before": e.before,
        "after": e.after,
        "note": e.note,
        "report": _report_out(entry.report, e.unit_id) if entry.report else None,
    }


class OverviewQuery(Schema):
    year: Annotated[Year | None, BlankIsNone] = None


@stats_router.get("/overview", response={200: OverviewOut, **errors()})
def stats_overview(request, params: Query[OverviewQuery]):
    return queries.overview(request.auth, params.year)


# On lists_router too: PATCH and DELETE (drafts, and published lists' fields); units, transfers, suspension.
from luoshi.lists import api_changes, api_drafts  # noqa: E402, F401
