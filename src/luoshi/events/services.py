from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from luoshi.events.middleware import current_address
from luoshi.events.models import Counter, Event


def build(
    actor_id: int | None,
    kind: str,
    subject_type: str,
    subject_id: int,
    *,
    at: datetime,
    unit_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> Event:
    """An unsaved event, for writers that insert many at once with Event.objects.bulk_create."""
    return Event(
        at=at,
        actor_id=actor_id,
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        unit_id=unit_id,
        before=before or {},
        after=after or {},
        note=note,
        address=current_address(),
    )


def record(
    actor: Any,
    kind: str,
    subject_type: str,
    subject_id: int,
    *,
    unit_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    at: datetime | None = None,
    result: str = "ok",
    address: str | None = None,
) -> Event:
    """One event, chained at the commit. `address` defaults to the current request's client address."""
    return Event.objects.create(
        at=at or timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        unit_id=unit_id,
        before=before or {},
        after=after or {},
        note=note,
        result=result,
        address=address or current_address(),
    )


def next_number(key: str, count: int = 1) -> int:
    """Reserve `count` numbers of the counter `key` and return the first; call inside the caller's transaction.

    The row stays locked by the update until the transaction ends, so numbers never repeat or skip.
    """
    with transaction.atomic():
        if not Counter.objects.filter(key=key).update(value=F("value") + count):
            try:
                with transaction.atomic():
                    Counter.objects.create(key=key, value=count)
                    return 1
            except IntegrityError:  # another writer created it first
                Counter.objects.filter(key=key).update(value=F("value") + count)
        return Counter.objects.get(key=key).value - count + 1


def _jsonable(value: Any) -> Any:
    """A filter's value as an event's JSON holds it: dates as ISO text, numbers and flags as they are."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


def record_export(
    actor: Any,
    what: str,
    fmt: str,
    *,
    subject: tuple[str, int] | None = None,
    unit_id: int | None = None,
    **filters: Any,
) -> Event:
    """An "export" event: something left the system as a file (a sheet, a document). `what` names it
    (e.g. "lists", "league", "closing_record"), `fmt` its format; the filters that chose its rows, those
    given, go into `after`. `subject` is the one record a document is of, e.g. ("list", 42)."""
    subject_type, subject_id = subject or ("export", 0)
    chosen = {k: _jsonable(v) for k, v in filters.items() if v not in (None, "", False, [], ())}
    return record(
        actor,
        "export",
        subject_type,
        subject_id,
        unit_id=unit_id,
        after={"what": what, "format": fmt, **chosen},
    )


def audit_read(actor: Any, subject_type: str, subject_id: int, *, unit_id: int | None = None) -> Event:
    """A "record.read" event: someone opened a restricted record (the accountability records)."""
    return record(actor, "record.read", subject_type, subject_id, unit_id=unit_id)


def audit_reads(actor: Any, subject_type: str, ids: list[int], *, unit_id: int | None = None) -> Event:
    """One "record.read" event for a page or list of restricted records: the ids shown, in order.
    (subject_id 0: no one record; `after["ids"]` names them, `after["count"]` how many.)"""
    return record(actor, "record.read", subject_type, 0, unit_id=unit_id, after={"ids": list(ids), "count": len(ids)})
