"""The responsibility-list API: thin handlers over lists.queries (reads) and lists.services (writes)."""

from datetime import date
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Header, Query, Router, Schema

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.duties.models import Duty, DutyStatus, Extension, Report
from luoshi.errors import InvalidInput, NotFound
from luoshi.lists import completion, queries, rows, services, timeline
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
    PagedListOut,
    ReportIn,
    ReportOut,
    ReturnIn,
    UnitRef,
    unit_status,
)
from luoshi.lists.models import ListStatus, ResponsibilityList, Source
from luoshi.org.caller import caller
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


def _visible_list(request: HttpRequest, list_id: int) -> ResponsibilityList:
    person = caller(request)
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


def _detail(request: HttpRequest, list_id: int, *, last_reports: bool = False) -> dict:
    """The ListOut dict of a list the caller may see (lists.rows: three queries), else 404."""
    person = caller(request)
    found = rows.one_list(queries.visible_lists(person), list_id, timezone.localdate(), last_reports=last_reports)
    if found is None:
        raise NotFound("No such list, or not one you may see.")
    return found


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


@lists_router.get("", response={200: PagedListOut, **errors()})
def list_lists(request, filters: Query[ListQuery], params: Query[Page.Input]):
    # The lists the caller may see, filtered and sorted as the index page, paged as ninja's paginator did.
    today = timezone.localdate()
    data = filters.dict()
    f = queries.ListFilters(**{**data, **{k: data[k] or "" for k in ("status", "source", "light", "sort")}})
    # Read as rows and rendered as they are: built to PagedListOut, they need no re-validation.
    return rows.json_response(rows.page_of_lists(caller(request), f, today, params.offset, params.limit))


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
        caller(request),
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
    return rows.json_response(_detail(request, list_id))


@lists_router.post("/{int:list_id}/publish", response={200: ListOut, **errors(403, 404, 409)})
def publish_list(request, list_id: Id):
    services.do_publish(caller(request), _visible_list(request, list_id))
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
        caller(request),
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
    ob = duty_completion.do_accept(caller(request), _obligation(rlist, payload.unit))
    return _obligation_out(ob, timezone.localdate(), rlist.status)


@lists_router.post("/{int:list_id}/return", response={200: ObligationOut, **errors(403, 404, 409)})
def return_completion(request, list_id: Id, payload: ReturnIn):
    rlist = _visible_list(request, list_id)
    ob = duty_completion.do_return(caller(request), _obligation(rlist, payload.unit), payload.reason)
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
    ext = duty_completion.do_request_extension(caller(request), ob, payload.new_deadline, payload.reason)
    return 201, _extension_out(ext)


@extensions_router.post("/{int:extension_id}/decide", response={200: ExtensionOut, **errors(403, 404, 409)})
def decide_extension(request, extension_id: Id, payload: DecideIn):
    ext = Extension.objects.select_related("duty").filter(pk=extension_id).first()
    if ext is None:
        raise NotFound("No such extension request.")
    if ext.duty.owner_kind != "list":
        raise NotFound("No such extension request.")
    _visible_list(request, ext.duty.owner_id)
    ext = duty_completion.do_decide_extension(caller(request), ext, payload.approve, payload.note)
    return _extension_out(ext)


@lists_router.post("/{int:list_id}/close", response={200: ListOut, **errors(403, 404, 409)})
def close_list(request, list_id: Id):
    completion.do_close(caller(request), _visible_list(request, list_id))
    return _detail(request, list_id)


class LoopQuery(Schema):
    before: Id | None = Field(
        None, description="The `timeline_next` of the previous answer: the timeline's events older than that one."
    )
    timeline_limit: int = Field(timeline.PAGE, ge=1, le=timeline.MAX_PAGE, description="Events per page.")


@lists_router.get("/{int:list_id}/loop", response={200: LoopOut, **errors(404)})
def loop(request, list_id: Id, params: Query[LoopQuery]):
    """One list's loop: the list, each unit with its last report, and the timeline newest first, a page of
    `timeline_limit` events at a time (`timeline_next` is the `before` of the next page, null at the end)."""
    found = _detail(request, list_id, last_reports=True)
    try:
        page = timeline.page(list_id, before=params.before, limit=params.timeline_limit)
    except timeline.UnknownCursor:
        raise InvalidInput("No such event in this list's timeline.", "before") from None
    loop_rows = found["obligations"]
    listed = [{k: v for k, v in ob.items() if k not in _LAST_REPORT_WORDS} for ob in loop_rows]
    return rows.json_response(
        {
            "list": {**found, "obligations": listed},
            "obligations": loop_rows,
            "timeline": [_event_out(entry) for entry in page.entries],
            "timeline_next": page.next_before,
        }
    )


_LAST_REPORT_WORDS = ("done", "difficulties", "next_steps")


def _event_out(entry: timeline.TimelineEntry) -> dict:
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
    return queries.overview(caller(request), params.year)


# On lists_router too: PATCH and DELETE (drafts, and published lists' fields); units, transfers, suspension.
from luoshi.lists import api_changes, api_drafts  # noqa: E402, F401
