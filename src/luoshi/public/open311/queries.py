"""What Open311 shows of a problem: only those that are public (sent by an Open311 client, or exposed as a
hot issue), in one query whatever their number, and never the reporter: no name, contact, e-mail or
phone, and those strings are masked where a description, an address or a reply repeats them."""

from datetime import datetime, time
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.duties import owners
from luoshi.duties.models import Duty, DutyStatus
from luoshi.events.models import Event
from luoshi.public.models import ENDED, Category, Channel, Problem, Reply, Status
from luoshi.public.open311.render import coordinate

MAX_RESULTS = 1000  # the specification's default query limit
MASK = "***"
CONTACT_SEPARATOR = " / "  # how the view joins an e-mail and a phone into reporter_contact


def public_q() -> Q:
    return Q(channel=Channel.OPEN311) | Q(hot=True)


def public() -> QuerySet[Problem]:
    """The public problems with what a <request> shows: the lead duty's deadline, the latest reply and
    the latest event on the problem's timeline, as subqueries (one query for any number of rows)."""
    lead = Duty.objects.filter(
        owner_type_id=owners.content_type_id("problem"), owner_id=OuterRef("pk"), unit_id=OuterRef("lead_unit_id")
    ).exclude(status=DutyStatus.WITHDRAWN)
    replies = Reply.objects.filter(problem=OuterRef("pk")).order_by("-at", "-pk")
    events = Event.objects.filter(subject_type="problem", subject_id=OuterRef("pk")).order_by("-at")
    return (
        Problem.objects.filter(public_q())
        .select_related("category", "lead_unit", "duplicate_of")
        .annotate(
            lead_deadline=Subquery(lead.values("deadline")[:1]),
            last_reply=Subquery(replies.values("text")[:1]),
            last_event_at=Subquery(events.values("at")[:1]),
        )
        .order_by("-created_at", "-pk")
    )


def status_of(p: Problem) -> str:
    return "closed" if p.status in ENDED else "open"


def service_notice(category: Category, urgent: bool = False) -> str:
    hours = category.urgent_respond_hours if urgent else category.respond_hours
    return _(
        "The responsible unit signs for it within {hours} hours and resolves it within {days} working days "
        "of signing for it."
    ).format(hours=hours, days=category.resolve_workdays)


def _secrets_of(p: Problem) -> list[str]:
    """The reporter's strings to mask in the public text: the name, each part of the contact."""
    parts = [p.reporter_name.strip(), *(c.strip() for c in p.reporter_contact.split(CONTACT_SEPARATOR))]
    return sorted({s for s in parts if len(s) >= 2}, key=len, reverse=True)


def masked(text: str, secrets: list[str]) -> str:
    for s in secrets:
        text = text.replace(s, MASK)
    return text


def status_notes(p: Problem) -> str:
    if p.status == Status.REJECTED:
        return p.reject_reason
    if p.status == Status.DUPLICATE:
        original = p.duplicate_of
        if original is not None and (original.channel == Channel.OPEN311 or original.hot):
            return _("Duplicate of request {id}.").format(id=original.pk)
        return _("Duplicate request.")
    reply = getattr(p, "last_reply", None) or ""
    if p.status == Status.CLOSED and p.outcome:
        outcome = str(p.get_outcome_display())
        return _("{outcome}: {text}").format(outcome=outcome, text=reply) if reply else outcome
    if reply:
        return reply
    unit = p.lead_unit.name if p.lead_unit else ""
    notes: dict[str, str] = {
        Status.PENDING: _("Received; awaiting triage."),
        Status.ACCEPTED: _("Accepted; to be sent to the responsible unit."),
        Status.DISPATCHED: _("Sent to {unit}; awaiting its sign-for.").format(unit=unit),
        Status.HANDLING: _("Being handled by {unit}.").format(unit=unit),
    }
    return notes.get(p.status, "")


def updated_at(p: Problem) -> datetime:
    """The last change: the closing for a closed request (as the specification says), else the latest of
    the problem's own times and of the events on its timeline."""
    if p.status == Status.CLOSED and p.closed_at:
        return p.closed_at
    times = [
        p.created_at,
        p.triaged_at,
        p.dispatched_at,
        p.replied_at,
        p.visited_at,
        p.closed_at,
        p.exposed_at,
        getattr(p, "last_event_at", None),
    ]
    return max(t for t in times if t is not None)


def expected_at(p: Problem) -> datetime | None:
    """The lead duty's deadline, the end of that day in local time."""
    deadline = getattr(p, "lead_deadline", None)
    if deadline is None:
        return None
    return datetime.combine(deadline, time(23, 59, 59), tzinfo=timezone.get_current_timezone())


def request_of(p: Problem) -> dict[str, Any]:
    """One <request> of GET requests, in the specification's order of fields. No reporter in it."""
    secrets = _secrets_of(p)
    return {
        "service_request_id": str(p.pk),
        "status": status_of(p),
        "status_notes": masked(status_notes(p), secrets),
        "service_name": p.category.name,
        "service_code": p.category.code,
        "description": masked(p.content, secrets),
        "agency_responsible": p.lead_unit.name if p.lead_unit else "",
        "service_notice": service_notice(p.category, p.urgent),
        "requested_datetime": p.created_at,
        "updated_datetime": updated_at(p),
        "expected_datetime": expected_at(p),
        "address": masked(p.place, secrets),
        "address_id": "",
        "zipcode": "",
        "lat": coordinate(p.lat),
        "long": coordinate(p.lon),
        "media_url": "",
    }
