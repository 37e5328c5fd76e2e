"""The public form's per-address limit: at most LUOSHI_PUBLIC_LIMIT problems in LUOSHI_PUBLIC_LIMIT_MINUTES
from one address, the window starting at the sender's first problem in it. The address itself is never
stored: Sender.address_digest is an HMAC of it keyed with SECRET_KEY, which identifies a sender within the
window without telling anyone where it came from."""

import math
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from luoshi.errors import ServiceError
from luoshi.events.middleware import client_address
from luoshi.public.models import Sender

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


def _aware(value: datetime | str) -> datetime:
    """A timestamp as the cursor returns it (SQLite: text in UTC) as an aware datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def take_turn(digest: str, now: datetime) -> None:
    """Count one more problem from the sender, or refuse it (TooMany) at the limit. Call inside the
    transaction that stores the problem: the sender's row stays locked until it commits, so that a burst
    of parallel requests from one address is counted one by one, and a refused or rolled-back submission
    counts nothing. A limit of 0 or less: no limit.

    One upsert (raw SQL, the same on SQLite and PostgreSQL: the ORM cannot say "restart the window if it
    has passed, else add one" in one statement, and this runs on every public submission)."""
    n = limit()
    if n <= 0:
        return
    table = connection.ops.quote_name(Sender._meta.db_table)
    at = connection.ops.adapt_datetimefield_value(now)
    cutoff = connection.ops.adapt_datetimefield_value(now - window())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (address_digest, since, n) VALUES (%s, %s, 1) "
            "ON CONFLICT (address_digest) DO UPDATE SET "
            f"n = CASE WHEN {table}.since <= %s THEN 1 ELSE {table}.n + 1 END, "
            f"since = CASE WHEN {table}.since <= %s THEN %s ELSE {table}.since END "
            "RETURNING n, since",
            [digest, at, cutoff, cutoff, at],
        )
        count, since = cursor.fetchone()
    if count > n:
        wait = max(1, math.ceil((_aware(since) + window() - now).total_seconds()))
        minutes = max(1, math.ceil(wait / 60))
        raise TooMany(
            _("Too many problems from this address: try again in {n} minutes.").format(n=minutes), retry_after=wait
        )


def purge(now: datetime, batch: int = 1000) -> int:
    """Forget up to `batch` senders whose window has passed (their next problem starts a new one)."""
    old = list(Sender.objects.filter(since__lte=now - window()).order_by().values_list("pk", flat=True)[:batch])
    return Sender.objects.filter(pk__in=old).delete()[0]
