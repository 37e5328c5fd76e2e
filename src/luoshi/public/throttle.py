"""The public form's per-address limit: at most LUOSHI_PUBLIC_LIMIT problems in LUOSHI_PUBLIC_LIMIT_MINUTES
from one address. The address itself is never stored: Problem.address_digest holds an HMAC of it keyed with
SECRET_KEY, which identifies a sender within the window without telling anyone where it came from."""

import hashlib
import math
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from luoshi.errors import ServiceError
from luoshi.events.middleware import client_address
from luoshi.public.models import Problem

SALT = "luoshi.public.throttle"


class TooMany(ServiceError):
    """Over the per-address limit: 429, with the seconds until one more is taken (Retry-After)."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, None)
        self.retry_after = retry_after


def limit() -> int:
    return int(getattr(settings, "LUOSHI_PUBLIC_LIMIT", 5))


def window() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "LUOSHI_PUBLIC_LIMIT_MINUTES", 10)))


def address_digest(request: HttpRequest) -> str:
    """The keyed digest of the request's client address (LUOSHI_PROXY_COUNT proxies considered)."""
    return salted_hmac(SALT, client_address(request) or "", algorithm="sha256").hexdigest()


def lock_key(digest: str) -> int | None:
    """The sender's advisory lock on PostgreSQL (None elsewhere): one sender's submissions take turns until
    each commits, so that a burst of parallel requests cannot all pass the count below. SQLite writes one
    transaction at a time (IMMEDIATE): nothing more is needed there."""
    if connection.vendor != "postgresql":
        return None
    return int.from_bytes(hashlib.sha256(digest.encode()).digest()[:8], "big", signed=True)


def _serialise(digest: str) -> None:
    if (key := lock_key(digest)) is not None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _aware(value: datetime | str) -> datetime:
    """A timestamp as the cursor returns it (SQLite: text in UTC) as an aware datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def check(digest: str, now: datetime, *, locked: bool = False) -> None:
    """Refuse (TooMany) a sender that has sent the limit within the window; call inside the transaction that
    then creates the problem, `locked` if it holds lock_key(digest) already (pow.spend takes it in the same
    statement). A limit of 0 or less: no limit."""
    n = limit()
    if n <= 0:
        return
    if not locked:
        _serialise(digest)
    # Raw SQL: this runs on every public submission, and the ORM's compiling costs more than the query.
    table = connection.ops.quote_name(Problem._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT created_at FROM {table} WHERE address_digest = %s AND created_at > %s "
            "ORDER BY created_at DESC LIMIT %s",
            [digest, connection.ops.adapt_datetimefield_value(now - window()), n],
        )
        recent = [_aware(row[0]) for row in cursor.fetchall()]
    if len(recent) >= n:
        # One more is taken once the oldest of the last n leaves the window.
        wait = max(1, math.ceil((recent[-1] + window() - now).total_seconds()))
        minutes = max(1, math.ceil(wait / 60))
        raise TooMany(
            _("Too many problems from this address: try again in {n} minutes.").format(n=minutes), retry_after=wait
        )
