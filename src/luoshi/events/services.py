from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from luoshi.events.models import Counter, Event


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
) -> Event:
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
    )


def next_number(key: str) -> int:
    """Increment and return the counter `key`; call inside the caller's transaction."""
    with transaction.atomic():
        if not Counter.objects.filter(key=key).update(value=F("value") + 1):
            try:
                with transaction.atomic():
                    Counter.objects.create(key=key, value=1)
                    return 1
            except IntegrityError:  # another writer created it first
                Counter.objects.filter(key=key).update(value=F("value") + 1)
        return Counter.objects.get(key=key).value
