"""The auditor's reading of the trail: the filters (period, actor, kind), the events they select,
newest first, and each event as the API and the export show it. Shared by events.api, events.views
and events.exports, so that the three read the same rows."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.org import access
from luoshi.org.models import Person
from luoshi.schemas import MAX_ID, MAX_YEAR, MIN_YEAR
from luoshi.text import check_text

# Dates name days in Beijing time, whatever the server's clock; the export's times are in it too.
SHANGHAI = ZoneInfo("Asia/Shanghai")
KIND_MAX = 40  # Event.kind's length
MOMENT_MAX = 40


def check_auditor(person: Any) -> None:
    """The trail is the auditor's alone: not the office's, not the administrators' (三员分立)."""
    if not (isinstance(person, Person) and access.can_audit(person)):
        raise NotAllowed(_("The audit trail is for the auditor."))


@dataclass(frozen=True)
class TrailFilters:
    start: datetime | None = None  # inclusive
    end: datetime | None = None  # exclusive
    actor: int | None = None
    kind: str = ""

    def as_json(self) -> dict[str, Any]:
        """The filters as an event's `after` records them (only those given)."""
        out: dict[str, Any] = {}
        if self.start:
            out["from"] = self.start.isoformat()
        if self.end:
            out["to"] = self.end.isoformat()
        if self.actor:
            out["actor"] = self.actor
        if self.kind:
            out["kind"] = self.kind
        return out


def _in_range(day: date, field: str) -> None:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InvalidInput(_("Give a date between {first} and {last}.").format(first=MIN_YEAR, last=MAX_YEAR), field)


def parse_moment(raw: str | None, field: str, *, end: bool = False) -> datetime | None:
    """A date (a whole day in Beijing time) or an ISO time (Beijing time when it names no offset).
    For the end of a period: the first moment after it (a day counts whole, a time itself included)."""
    value = check_text(raw or "", field, multiline=False)
    if not value:
        return None
    if len(value) > MOMENT_MAX:
        raise InvalidInput(_("Give a date (YYYY-MM-DD) or an ISO time."), field)
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            _in_range(day, field)
            start = datetime.combine(day, time.min, tzinfo=SHANGHAI)
            return start + timedelta(days=1) if end else start
        # A "+08:00" sent unescaped in a query string arrives as " 08:00".
        if "T" in value and value.count(" ") == 1 and "+" not in value:
            value = value.replace(" ", "+")
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_("Give a date (YYYY-MM-DD) or an ISO time."), field) from None
    _in_range(moment.date(), field)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment + timedelta(microseconds=1) if end else moment


def parse_kind(raw: str | None) -> str:
    kind = check_text(raw or "", "kind", multiline=False)
    if len(kind) > KIND_MAX:
        raise InvalidInput(_("A kind has at most {n} characters.").format(n=KIND_MAX), "kind")
    return kind


def check_actor(actor: int | None) -> int | None:
    if actor is not None and not 1 <= actor <= MAX_ID:
        raise InvalidInput(_("No such person."), "actor")
    return actor


def parse(raw_from: str | None, raw_to: str | None, actor: int | None, kind: str | None) -> TrailFilters:
    """The filters, checked: InvalidInput names the field ("to" when the period ends before it starts)."""
    start = parse_moment(raw_from, "from")
    end = parse_moment(raw_to, "to", end=True)
    if start and end and start >= end:
        raise InvalidInput(_("The period ends before it starts."), "to")
    return TrailFilters(start, end, check_actor(actor), parse_kind(kind))


def events(f: TrailFilters) -> QuerySet[Event]:
    """The events the filters select, newest first. `kind` is a kind or the beginning of one
    ("login" finds login, login.failed …); its "%" and "_" are literal."""
    qs = Event.objects.all()
    if f.start:
        qs = qs.filter(at__gte=f.start)
    if f.end:
        qs = qs.filter(at__lt=f.end)
    if f.actor:
        qs = qs.filter(actor_id=f.actor)
    if f.kind:
        qs = qs.filter(kind__startswith=f.kind)
    return qs.order_by("-at", "-id")


def actor_out(event: Event) -> dict[str, Any] | None:
    person = event.actor
    if person is None:
        return None
    return {"id": person.pk, "username": person.username, "name": person.name}


def item(event: Event) -> dict[str, Any]:
    """An event as GET /api/v1/audit lists it (the actor selected with it)."""
    return {
        "id": event.pk,
        "at": event.at,
        "actor": actor_out(event),
        "address": event.address,
        "kind": event.kind,
        "subject": {"type": event.subject_type, "id": event.subject_id},
        "result": event.result,
    }


def in_chunks(f: TrailFilters, size: int = 2000) -> Iterator[Event]:
    """Every event the filters select, newest first, read `size` at a time (keyset on at, id), so that
    an export of a long period never holds it all in memory nor keeps a cursor open."""
    qs = events(f).select_related("actor")
    last: Event | None = None
    while True:
        part = qs
        if last is not None:
            part = qs.filter(Q(at__lt=last.at) | Q(at=last.at, id__lt=last.pk))
        batch = list(part[:size])
        yield from batch
        if len(batch) < size:
            return
        last = batch[-1]


def do_verify(actor: Any) -> Any:
    """The chain's verification (events.chain.verify), run by the auditor; the run itself is an event."""
    from luoshi.events import chain, services

    check_auditor(actor)
    verification = chain.verify()
    services.record(
        actor,
        "audit.verified",
        "audit",
        0,
        after={"ok": verification.ok, "checked": verification.checked, "event_id": verification.event_id},
    )
    return verification


def do_record_export(actor: Any, f: TrailFilters, fmt: str) -> Event:
    """The auditor took the trail away as a file: "audit.exported", the filters in `after`."""
    from luoshi.events import services

    check_auditor(actor)
    return services.record(actor, "audit.exported", "audit", 0, after={"format": fmt, **f.as_json()})
