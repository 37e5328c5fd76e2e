"""Sign-in failures and lockouts, on django-axes (settings: "Identity").

A username, known or not, is locked after LUOSHI_LOCKOUT_FAILURES failures within LUOSHI_LOCKOUT_MINUTES,
and an address after LUOSHI_LOCKOUT_ADDRESS_FAILURES (one machine trying many usernames); a lock lasts
LUOSHI_LOCKOUT_MINUTES from its last counted failure. Axes keeps the counts (AccessAttempt rows); the lock
and its end are events: "login.locked" when a failure sets one, "login.released" when the security
administrator releases it (by: security) or when its expiry is noticed (by: expiry) — at the next sign-in
attempt with that username or from that address, or when the lockouts are listed. A lock is open while the
latest of these two events for its username or address is "login.locked".
"""

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events.middleware import client_address
from luoshi.events.models import Event
from luoshi.events.services import record
from luoshi.org import access
from luoshi.org.models import USERNAME_MAX, Person, normalize_username
from luoshi.text import check_text

LOCKED, RELEASED = "login.locked", "login.released"
USERNAME, ADDRESS = "username", "address"
# Locks that may still be open when the lockouts are listed: older ones are noticed at the next attempt.
NOTICE_WINDOW = timedelta(days=30)


def username_limit() -> int:
    return int(settings.LUOSHI_LOCKOUT_FAILURES)


def address_limit() -> int:
    return int(settings.LUOSHI_LOCKOUT_ADDRESS_FAILURES)


def cool_off() -> timedelta:
    return timedelta(minutes=int(settings.LUOSHI_LOCKOUT_MINUTES))


def canonical(raw: str | None) -> str:
    """A typed username as sign-in reads it (NFKC, stripped, any case): the key its failures count under."""
    return normalize_username(raw or "").lower()[:USERNAME_MAX]


def username_of(request: HttpRequest, credentials: dict | None) -> str:
    """AXES_USERNAME_CALLABLE."""
    if credentials:
        return canonical(credentials.get("username"))
    return canonical(getattr(request, "POST", {}).get("username"))


def address_of(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address the events record (behind LUOSHI_PROXY_COUNT proxies too)."""
    return client_address(request)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login form's own answer, the same words as for a wrong password, so that
    the answer tells nothing about the username (and an unknown username locks the same way)."""
    if original_response is not None:
        return original_response
    return HttpResponse(_("Wrong username or password."), status=403)


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with two limits: the username's failures (from any address) against
    LUOSHI_LOCKOUT_FAILURES, the address's (for any username) against LUOSHI_LOCKOUT_ADDRESS_FAILURES.
    AXES_LOCKOUT_PARAMETERS is ["username", "ip_address"], in that order."""

    def failure_counts(self, request: HttpRequest, credentials: dict | None = None) -> tuple[int, int]:
        by_username, by_address = (
            qs.aggregate(n=Sum("failures_since_start"))["n"] or 0 for qs in self.get_user_attempts(request, credentials)
        )
        return by_username, by_address

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """On a success, forget the failures of that username only. (Axes would also forget the address's:
        signing in to one's own account would then wipe the failures against another from the same place.)"""
        count, _ = AccessAttempt.objects.filter(username=username_of(request, credentials)).delete()
        return count

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        by_username, by_address = self.failure_counts(request, credentials)
        if by_address >= address_limit():
            return max(by_username, username_limit())  # the address is locked: every username from it
        return by_username


@dataclass
class Lockout:
    scope: str  # USERNAME or ADDRESS
    value: str  # the canonical username or the address
    failures: int
    until: datetime
    person: Person | None = None  # whom a locked username names, if anyone


def _failures(scope: str, value: str | None, now: datetime) -> int:
    field = "username" if scope == USERNAME else "ip_address"
    rows = AccessAttempt.objects.filter(**{field: value}, attempt_time__gte=now - cool_off())
    return rows.aggregate(n=Sum("failures_since_start"))["n"] or 0


def _limit(scope: str) -> int:
    return username_limit() if scope == USERNAME else address_limit()


def is_locked(scope: str, value: str | None, now: datetime | None = None) -> bool:
    return value is not None and _failures(scope, value, now or timezone.now()) >= _limit(scope)


def current_lockouts(now: datetime | None = None) -> list[Lockout]:
    """Every username and address locked now, the latest lock first. Three queries whatever their number."""
    now = now or timezone.now()
    rows = list(
        AccessAttempt.objects.filter(attempt_time__gte=now - cool_off())
        .order_by("-attempt_time")
        .values_list("username", "ip_address", "failures_since_start", "attempt_time")
    )
    found: list[Lockout] = []
    for scope, index in ((USERNAME, 0), (ADDRESS, 1)):
        totals: dict[str, int] = {}
        crossed: dict[str, datetime] = {}
        for row in rows:  # newest first: the lock ends when the failures that reach the limit grow old
            key = row[index]
            if key is None:
                continue
            totals[key] = totals.get(key, 0) + row[2]
            if totals[key] >= _limit(scope) and key not in crossed:
                crossed[key] = row[3]
        found += [Lockout(scope, key, totals[key], at + cool_off()) for key, at in crossed.items()]
    names = [lock.value for lock in found if lock.scope == USERNAME]
    if names:
        people = {p.lname: p for p in Person.objects.annotate(lname=Lower("username")).filter(lname__in=names)}
        for lock in found:
            lock.person = people.get(lock.value) if lock.scope == USERNAME else None
    found.sort(key=lambda lock: lock.until, reverse=True)
    return found


def person_named(username: str) -> Person | None:
    return Person.objects.filter(username__iexact=username).first() if username else None


def _subject(scope: str, value: str) -> tuple[str, int, Person | None]:
    person = person_named(value) if scope == USERNAME else None
    return ("person", person.pk, person) if person else ("login", 0, None)


def _latest(scope: str, value: str) -> Event | None:
    return (
        Event.objects.filter(kind__in=(LOCKED, RELEASED), after__scope=scope, **{f"after__{scope}": value})
        .order_by("-at", "-id")
        .first()
    )


def _record_expired(scope: str, value: str) -> None:
    subject_type, subject_id, person = _subject(scope, value)
    record(
        None,
        RELEASED,
        subject_type,
        subject_id,
        unit_id=person.unit_id if person else None,
        after={"scope": scope, scope: value, "by": "expiry"},
    )


def notice_expiry(username: str | None, address: str | None, now: datetime | None = None) -> None:
    """Record the end of an open lock of this username or address whose time has run out."""
    now = now or timezone.now()
    for scope, value in ((USERNAME, username), (ADDRESS, address)):
        if value is None:
            continue
        last = _latest(scope, value)
        if last is not None and last.kind == LOCKED and not is_locked(scope, value, now):
            _record_expired(scope, value)


def notice_expiries(current: list[Lockout], now: datetime | None = None) -> None:
    """When the lockouts are listed: the open locks of the last NOTICE_WINDOW that are no longer current."""
    now = now or timezone.now()
    latest: dict[tuple[str, str], str] = {}
    events = Event.objects.filter(kind__in=(LOCKED, RELEASED), at__gte=now - NOTICE_WINDOW).order_by("at", "id")
    for kind, after in events.values_list("kind", "after"):
        scope = after.get("scope")
        if scope in (USERNAME, ADDRESS) and after.get(scope):
            latest[(scope, after[scope])] = kind
    live = {(lock.scope, lock.value) for lock in current}
    for (scope, value), kind in latest.items():
        if kind == LOCKED and (scope, value) not in live:
            _record_expired(scope, value)


def record_lock(scope: str, value: str, failures: int, until: datetime) -> None:
    subject_type, subject_id, person = _subject(scope, value)
    record(
        None,  # the system locks; the person, if any, is the subject
        LOCKED,
        subject_type,
        subject_id,
        unit_id=person.unit_id if person else None,
        after={"scope": scope, scope: value, "failures": failures, "until": until.isoformat()},
        result="refused",
    )


def record_new_locks(username: str, address: str | None, now: datetime | None = None) -> None:
    """After a counted failure: a "login.locked" for the username or address it locked, once per lock."""
    now = now or timezone.now()
    for scope, value in ((USERNAME, username), (ADDRESS, address)):
        if value is None or not is_locked(scope, value, now):
            continue
        last = _latest(scope, value)
        if last is None or last.kind != LOCKED:
            lock = next((lk for lk in current_lockouts(now) if (lk.scope, lk.value) == (scope, value)), None)
            record_lock(
                scope, value, lock.failures if lock else _limit(scope), lock.until if lock else now + cool_off()
            )


def lockout_list(actor: Person, now: datetime | None = None) -> list[Lockout]:
    """The security administrator's list of current lockouts (noticing the locks that ran out)."""
    if not access.can_manage_security(actor):
        raise NotAllowed(_("Only the security administrator sees and releases lockouts."))
    now = now or timezone.now()
    current = current_lockouts(now)
    notice_expiries(current, now)
    return current


def clean_key(scope: str, raw: str) -> str:
    """A username (canonical) or an address, checked: 400 naming the field."""
    if scope == USERNAME:
        value = canonical(check_text(raw, "username", multiline=False))
        if not value:
            raise InvalidInput(_("A username is required."), "username")
        return value
    if scope == ADDRESS:
        address = client_address_text(check_text(raw, "address", multiline=False))
        if address is None:
            raise InvalidInput(_("Not an IP address."), "address")
        return address
    raise InvalidInput(_("Release a username or an address."), "scope")


def client_address_text(raw: str) -> str | None:
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return None


def do_release_lockout(actor: Person, scope: str, value: str) -> bool:
    """The security administrator ends a lock now: its failures are forgotten. False (and nothing
    recorded) when the username or address is not locked, e.g. a second click or a lock that ran out."""
    if not access.can_manage_security(actor):
        raise NotAllowed(_("Only the security administrator sees and releases lockouts."))
    value = clean_key(scope, value)
    now = timezone.now()
    with transaction.atomic():
        field = "username" if scope == USERNAME else "ip_address"
        rows = AccessAttempt.objects.select_for_update().filter(**{field: value}, attempt_time__gte=now - cool_off())
        failures = sum(r.failures_since_start for r in rows)
        if failures < _limit(scope):
            notice_expiry(value if scope == USERNAME else None, value if scope == ADDRESS else None, now)
            return False
        AccessAttempt.objects.filter(**{field: value}).delete()
        subject_type, subject_id, person = _subject(scope, value)
        record(
            actor,
            RELEASED,
            subject_type,
            subject_id,
            unit_id=person.unit_id if person else None,
            after={"scope": scope, scope: value, "by": "security", "failures": failures},
        )
    return True
