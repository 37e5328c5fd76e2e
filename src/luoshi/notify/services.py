"""Notify people: an inbox row each, and deliveries queued for the active channels.

Sending happens later (`deliver_due`, run by the worker): a failing channel never blocks the caller.
"""

import json
import logging
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from luoshi.notify.models import Channel, ChannelKind, Delivery, DeliveryAttempt, DeliveryStatus, Notification
from luoshi.org.models import Person

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
LEASE = timedelta(minutes=2)  # a claimed delivery is retried by others if its worker dies


@dataclass(frozen=True)
class Message:
    kind: str
    title: str
    body: str
    url: str = ""


def notify_many(items: Iterable[tuple[object, Message]], now: datetime) -> list[Notification]:
    """Queue (recipient or recipient id, message) pairs: inbox rows, one delivery per person and channel."""
    items = [(getattr(who, "pk", who), m) for who, m in items]
    if not items:
        return []
    notes = Notification.objects.bulk_create(
        Notification(recipient_id=pk, kind=m.kind, title=m.title, body=m.body, url=m.url, created_at=now)
        for pk, m in items
    )
    channels = list(Channel.objects.filter(active=True))
    deliveries: list[Delivery] = []
    personal = [ch for ch in channels if ch.kind in (ChannelKind.EMAIL, ChannelKind.SMS)]
    if personal:
        addresses = {
            pk: {ChannelKind.EMAIL: email, ChannelKind.SMS: phone}
            for pk, email, phone in Person.objects.filter(pk__in={pk for pk, _m in items}).values_list(
                "pk", "email", "phone"
            )
        }
        for note, (pk, m) in zip(notes, items, strict=True):
            for ch in personal:
                if to := addresses.get(pk, {}).get(ch.kind):
                    deliveries.append(
                        Delivery(
                            channel=ch,
                            notification=note,
                            to=to,
                            subject=m.title,
                            text=m.body,
                            next_attempt_at=now,
                            created_at=now,
                        )
                    )
    # Group robots get each message once, not once per recipient.
    robots = [ch for ch in channels if ch.kind in (ChannelKind.WECOM, ChannelKind.DINGTALK)]
    seen: set[tuple[str, str]] = set()
    for note, (_pk, m) in zip(notes, items, strict=True):
        if (m.title, m.body) in seen:
            continue
        seen.add((m.title, m.body))
        deliveries += [
            Delivery(channel=ch, notification=note, subject=m.title, text=m.body, next_attempt_at=now, created_at=now)
            for ch in robots
        ]
    Delivery.objects.bulk_create(deliveries)
    return notes


def robot_payload(kind: str, subject: str, text: str) -> dict:
    """WeCom and DingTalk group robots take the same text message shape."""
    return {"msgtype": "text", "text": {"content": f"{subject}\n{text}"}}


def _post_json(url: str, payload: dict) -> str:
    data = json.dumps(payload, ensure_ascii=False).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        body = resp.read(2000).decode(errors="replace")
    # Robots answer 200 with {"errcode": 0} on success and a non-zero errcode otherwise.
    try:
        errcode = json.loads(body).get("errcode", 0)
    except (ValueError, AttributeError):
        errcode = 0
    if errcode:
        raise RuntimeError(f"errcode {errcode}: {body[:200]}")
    return body[:200]


def send(delivery: Delivery) -> str:
    ch = delivery.channel
    if ch.kind == ChannelKind.EMAIL:
        send_mail(delivery.subject, delivery.text, None, [delivery.to])
        return "mail sent"
    if ch.kind == ChannelKind.SMS:
        return _post_json(ch.url, {"phone": delivery.to, "text": f"{delivery.subject} {delivery.text}"})
    return _post_json(ch.url, robot_payload(ch.kind, delivery.subject, delivery.text))


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8, 16 … minutes between attempts."""
    return timedelta(minutes=2 ** max(attempts - 1, 0))


def deliver_due(now: datetime | None = None, batch: int = 50) -> dict[str, int]:
    """Claim due deliveries (SKIP LOCKED, then a lease), send them, log each attempt."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")[:batch]
        )
        Delivery.objects.filter(pk__in=[d.pk for d in claimed]).update(next_attempt_at=now + LEASE)
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for d in Delivery.objects.filter(pk__in=[d.pk for d in claimed]).select_related("channel"):
        d.attempts += 1
        try:
            detail = send(d)
            ok = True
            d.status, d.sent_at = DeliveryStatus.SENT, timezone.now()
            counts["sent"] += 1
        except Exception as e:
            ok, detail = False, f"{type(e).__name__}: {e}"[:1000]
            if d.attempts >= MAX_ATTEMPTS:
                d.status = DeliveryStatus.FAILED
                counts["failed"] += 1
            else:
                d.next_attempt_at = now + backoff(d.attempts)
                counts["retry"] += 1
            log.warning("delivery %s via %s failed: %s", d.pk, d.channel, detail)
        d.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at"])
        DeliveryAttempt.objects.create(delivery=d, at=timezone.now(), ok=ok, detail=detail)
    return counts


def do_mark_read(person, notification_ids: list[int] | None = None, now: datetime | None = None) -> int:
    qs = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=now or timezone.now())
