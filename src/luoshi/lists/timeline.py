"""One list's timeline, a page at a time: newest first, each event with the report it filed.

A page is two queries (its events with actors and units, the reports they filed), three with a cursor
(`before`: the id of the last event of the previous page, looked up to page by time then id).
"""

from dataclasses import dataclass, field

from django.db.models import Q

from luoshi.duties.models import Report
from luoshi.events.models import Event

PAGE = 20
MAX_PAGE = 200
# Events the loop page does not show: a list's suspension or resumption already says it for its duties.
QUIET = Q(kind="duty.paused") | Q(kind="duty.resumed", after__shift_days=0)


class UnknownCursor(Exception):
    """`before` names no event of this list's timeline."""


@dataclass
class TimelineEntry:
    """An event of a list's timeline, with the report it filed (a report.filed event) and, for the loop
    page, its change of status in words (before, after)."""

    event: Event
    report: Report | None = None
    status_change: tuple[str, str] | None = None


@dataclass
class TimelinePage:
    entries: list[TimelineEntry] = field(default_factory=list)
    next_before: int | None = None  # the cursor of the next (older) page; None at the timeline's start


def page(list_id: int, *, before: int | None = None, limit: int = PAGE, hide_quiet: bool = False) -> TimelinePage:
    """Up to `limit` events of the list, newest first (by time, then id), older than event `before`;
    UnknownCursor if `before` is not one of the list's events. `hide_quiet` leaves out QUIET events."""
    events = Event.objects.filter(subject_type="list", subject_id=list_id)
    if hide_quiet:
        events = events.exclude(QUIET)
    if before is not None:
        at = Event.objects.filter(pk=before, subject_type="list", subject_id=list_id).values_list("at", flat=True)
        cursor_at = at.first()
        if cursor_at is None:
            raise UnknownCursor(before)
        events = events.filter(Q(at__lt=cursor_at) | Q(at=cursor_at, id__lt=before))
    found = list(events.select_related("actor", "unit").order_by("-at", "-id")[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    report_ids = [e.after["report"] for e in found if e.kind == "report.filed" and "report" in e.after]
    reports = Report.objects.select_related("author").in_bulk(report_ids) if report_ids else {}
    entries = [
        TimelineEntry(e, reports.get(e.after.get("report")) if e.kind == "report.filed" else None) for e in found
    ]
    return TimelinePage(entries, found[-1].pk if more else None)
