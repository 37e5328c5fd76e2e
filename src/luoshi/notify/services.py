"""Notify people: an inbox row each, and deliveries queued for the active channels.

Sending happens later (`deliver_due`, run by the worker, in working hours): a failing channel never
blocks the caller.
"""

import functools
import json
import logging
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import ParamSpec

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from luoshi import bulk
from luoshi.notify.models import (
    Channel,
    ChannelKind,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Notification,
    pick_language,
)
from luoshi.notify.preferences import preferences_of, wanted
from luoshi.org.models import Person
from luoshi.workdays import calendar
from luoshi.workdays.hours import delivery_hours

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
LEASE = timedelta(minutes=2)  # a claimed delivery is retried by others if its worker dies
TITLE_LENGTH = 200  # Notification.title and Delivery.subject
P = ParamSpec("P")


@dataclass(frozen=True)
class Message:
    """A notice: title and body in the office's language (settings.LANGUAGE_CODE), which outside
    channels use, and `translations` ((language, title, body), …) for readers of the others."""

    kind: str
    title: str
    body: str
    url: str = ""
    translations: tuple[tuple[str, str, str], ...] = ()

    def text_in(self, language: str | None = None) -> tuple[str, str]:
        """(title, body) in `language` (default: the active one), as the inbox will show it."""
        own = pick_language({code: (title, body) for code, title, body in self.translations}, language)
        return own or (self.title, self.body)


def in_every_language(build: Callable[P, Message]) -> Callable[P, Message]:
    """Decorate a function that builds a Message with gettext: it is run once per language of
    settings.LANGUAGES, so that each reader's inbox shows the notice in their own language."""

    @functools.wraps(build)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Message:
        if translation.get_language() == settings.LANGUAGE_CODE:  # as in the sweep: skip one switch
            message = build(*args, **kwargs)
        else:
            with translation.override(settings.LANGUAGE_CODE):
                message = build(*args, **kwargs)
        others = []
        for code, _name in settings.LANGUAGES:
            if code == settings.LANGUAGE_CODE:
                continue
            with translation.override(code):
                other = build(*args, **kwargs)
            if (other.title, other.body) != (message.title, message.body):
                others.append((code, other.title, other.body))
        return replace(message, translations=tuple(others))

    return wrapper


def _fit(text: str, length: int = TITLE_LENGTH) -> str:
    """A list's title may be as long as the column: the notice's prefix must not overflow it."""
    return text if len(text) <= length else text[: length - 1] + "…"


def notify_many(pairs: Iterable[tuple[Person | int, Message]], now: datetime) -> list[Notification]:
    """Queue (recipient or recipient id, message) pairs: inbox rows at once, and one delivery per
    person and channel, sent in the next working hours (outside channels never go out at night).

    Each person's preferences (notify.preferences) apply to registered kinds: a muted kind reaches
    neither their inbox nor a channel, and only the channel kinds they chose carry it. A group robot
    posts a message once if any of its recipients wants that robot. Returns the inbox rows made."""
    items = [(who if isinstance(who, int) else who.pk, m) for who, m in pairs]
    if not items:
        return []
    # Everyone's choices for the kinds at hand in one query (none when no kind is registered).
    prefs = preferences_of({pk for pk, _m in items}, {m.kind for _pk, m in items})
    routed: list[tuple[int, Message, frozenset[str] | None]] = []
    for pk, m in items:
        inbox, allowed = wanted(prefs.get((pk, m.kind)), m.kind)
        if inbox:
            routed.append((pk, m, allowed))
    if not routed:
        return []
    notes = Notification.objects.bulk_create(
        Notification(
            recipient_id=pk,
            kind=m.kind,
            title=_fit(m.title),
            body=m.body,
            url=m.url,
            created_at=now,
            texts={code: {"title": _fit(title), "body": body} for code, title, body in m.translations},
        )
        for pk, m, _allowed in routed
    )
    channels = list(Channel.objects.filter(active=True))
    if not channels:
        return notes
    send_at = delivery_hours().next_open(now, calendar.load())

    def delivery(ch: Channel, note: Notification, m: Message, to: str = "") -> Delivery:
        return Delivery(
            channel=ch,
            notification=note,
            to=to,
            subject=_fit(m.title),
            text=m.body,
            next_attempt_at=send_at,
            created_at=now,
        )

    deliveries: list[Delivery] = []
    personal = [ch for ch in channels if ch.kind in (ChannelKind.EMAIL, ChannelKind.SMS)]
    if personal:
        addresses: dict[int, dict[str, str]] = {
            pk: {ChannelKind.EMAIL: email, ChannelKind.SMS: phone}
            for pk, email, phone in Person.objects.filter(pk__in={pk for pk, _m, _a in routed}).values_list(
                "pk", "email", "phone"
            )
        }
        for note, (pk, m, allowed) in zip(notes, routed, strict=True):
            for ch in personal:
                if (allowed is None or ch.kind in allowed) and (to := addresses.get(pk, {}).get(ch.kind)):
                    deliveries.append(delivery(ch, note, m, to))
    # Group robots get each message once, not once per recipient.
    robots = [ch for ch in channels if ch.kind in (ChannelKind.WECOM, ChannelKind.DINGTALK)]
    seen: set[tuple[int, str, str]] = set()
    for note, (_pk, m, allowed) in zip(notes, routed, strict=True):
        for ch in robots:
            if (allowed is None or ch.kind in allowed) and (ch.pk, m.title, m.body) not in seen:
                seen.add((ch.pk, m.title, m.body))
                deliveries.append(delivery(ch, note, m))
    Delivery.objects.bulk_create(deliveries)
    return notes


def notify_bulk(pairs: Iterable[tuple[int, Message]], now: datetime) -> int:
    """notify_many for thousands of notices (the sweep): the same rows, preferences and channels,
    written from plain tuples (luoshi.bulk) rather than model instances. Returns how many inbox rows."""
    items = list(pairs)
    prefs = preferences_of({pk for pk, _m in items}, {m.kind for _pk, m in items}) if items else {}
    routed: list[tuple[int, Message, frozenset[str] | None]] = []
    for pk, m in items:
        inbox, allowed = wanted(prefs.get((pk, m.kind)), m.kind)
        if inbox:
            routed.append((pk, m, allowed))
    if not routed:
        return 0
    note_ids = bulk.insert(
        Notification,
        ["recipient_id", "kind", "title", "body", "url", "texts"],
        (
            (pk, m.kind, _fit(m.title), m.body, m.url, {c: {"title": _fit(t), "body": b} for c, t, b in m.translations})
            for pk, m, _allowed in routed
        ),
        fixed={"created_at": now},
        returning=True,
    )
    channels = list(Channel.objects.filter(active=True))
    if not channels:
        return len(note_ids)
    deliveries: list[tuple[int, int, str, str, str]] = []
    personal = [ch for ch in channels if ch.kind in (ChannelKind.EMAIL, ChannelKind.SMS)]
    if personal:
        addresses: dict[int, dict[str, str]] = {
            pk: {ChannelKind.EMAIL: email, ChannelKind.SMS: phone}
            for pk, email, phone in Person.objects.filter(pk__in={pk for pk, _m, _a in routed}).values_list(
                "pk", "email", "phone"
            )
        }
        for note_id, (pk, m, allowed) in zip(note_ids, routed, strict=True):
            for ch in personal:
                if (allowed is None or ch.kind in allowed) and (to := addresses.get(pk, {}).get(ch.kind)):
                    deliveries.append((ch.pk, note_id, to, _fit(m.title), m.body))
    # Group robots get each message once, not once per recipient.
    robots = [ch for ch in channels if ch.kind in (ChannelKind.WECOM, ChannelKind.DINGTALK)]
    seen: set[tuple[int, str, str]] = set()
    for note_id, (_pk, m, allowed) in zip(note_ids, routed, strict=True):
        for ch in robots:
            if (allowed is None or ch.kind in allowed) and (ch.pk, m.title, m.body) not in seen:
                seen.add((ch.pk, m.title, m.body))
                deliveries.append((ch.pk, note_id, "", _fit(m.title), m.body))
    send_at = delivery_hours().next_open(now, calendar.load())
    bulk.insert(
        Delivery,
        ["channel_id", "notification_id", "to", "subject", "text"],
        deliveries,
        fixed={"next_attempt_at": send_at, "created_at": now},
    )
    return len(note_ids)


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
    hours, cal = delivery_hours(), calendar.load()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if not hours.is_open(now, cal):
        return counts  # what is due waits: the first run in working hours sends it
    with transaction.atomic():
        claimed = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")[:batch]
        )
        Delivery.objects.filter(pk__in=[d.pk for d in claimed]).update(next_attempt_at=now + LEASE)
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
                # The backoff is the least wait; a retry that would fall after hours waits for the morning.
                d.next_attempt_at = hours.next_open(now + backoff(d.attempts), cal)
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
