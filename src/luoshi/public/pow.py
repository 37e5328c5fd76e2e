"""The public form's proof of work: a challenge signed with SECRET_KEY (django.core.signing) carries a
random id and its issue time; the client finds a nonce such that SHA-256(challenge + nonce) begins with
LUOSHI_PUBLIC_POW_DIFFICULTY zero bits. A challenge expires after LUOSHI_PUBLIC_CHALLENGE_SECONDS and is
accepted once: its digest is inserted into UsedChallenge in the submission's transaction (a rolled-back
submission leaves it unspent). No outside service is asked: a bot pays in CPU for every problem it sends.
"""

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import connection
from django.utils.translation import gettext as _

from luoshi.errors import InvalidInput
from luoshi.public.models import UsedChallenge

SALT = "luoshi.public.pow"
CHALLENGE_MAX = 120  # a real one is about 55 characters
NONCE = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
# One spend in this many also deletes expired spends (a bounded batch, never waiting on another worker).
PURGE_ONE_IN = 64
PURGE_BATCH = 1000
# A challenge issued a little in the future (another process's clock) is still taken.
CLOCK_SKEW_SECONDS = 60

_signer = signing.Signer(salt=SALT)


def difficulty() -> int:
    return int(getattr(settings, "LUOSHI_PUBLIC_POW_DIFFICULTY", 16))


def lifetime() -> int:
    return int(getattr(settings, "LUOSHI_PUBLIC_CHALLENGE_SECONDS", 600))


def new_challenge(now: datetime) -> str:
    """A fresh challenge: "<id>.<issued, unix seconds>:<signature>" (URL-safe ASCII)."""
    return _signer.sign(f"{secrets.token_urlsafe(12)}.{int(now.timestamp())}")


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte:
            return bits + 8 - byte.bit_length()
        bits += 8
    return bits


def has_work(challenge: str, nonce: str, bits: int) -> bool:
    return leading_zero_bits(hashlib.sha256((challenge + nonce).encode()).digest()) >= bits


def issued_at(challenge: str) -> datetime:
    """The challenge's issue time if its signature holds, else InvalidInput("challenge")."""
    if not isinstance(challenge, str) or not 0 < len(challenge) <= CHALLENGE_MAX:
        raise InvalidInput(_("The form's security check is missing: reload the page."), "challenge")
    try:
        _id, issued = _signer.unsign(challenge).rsplit(".", 1)
        return datetime.fromtimestamp(int(issued), UTC)
    except (signing.BadSignature, ValueError, OverflowError, OSError):
        raise InvalidInput(_("The form's security check is not valid: reload the page."), "challenge") from None


def check(challenge: str, nonce: str, now: datetime) -> datetime:
    """The challenge's expiry if it is signed, fresh and the nonce does the work; else InvalidInput naming
    "challenge" or "nonce". Spending it is `spend`'s (inside the submission's transaction)."""
    issued = issued_at(challenge)
    expires = issued + timedelta(seconds=lifetime())
    if now >= expires or issued > now + timedelta(seconds=CLOCK_SKEW_SECONDS):
        raise InvalidInput(_("The form's security check has expired: send it again."), "challenge")
    if not isinstance(nonce, str) or not NONCE.match(nonce) or not has_work(challenge, nonce, difficulty()):
        raise InvalidInput(_("The form's security check was not completed: send it again."), "nonce")
    return expires


def spend(challenge: str, expires: datetime, now: datetime, lock: int | None = None) -> None:
    """Mark the challenge used (call inside the submission's transaction); a second use is refused. One
    INSERT … ON CONFLICT DO NOTHING: a concurrent spend of the same challenge waits for the first and then
    inserts nothing, without an error that would abort the transaction. `lock`: a PostgreSQL advisory lock
    taken by the same statement before the row is written (the sender's turn, throttle.lock_key), which
    saves the submission a round trip."""
    table = connection.ops.quote_name(UsedChallenge._meta.db_table)
    digest = hashlib.sha256(challenge.encode()).hexdigest()
    until = connection.ops.adapt_datetimefield_value(expires)
    if lock is not None and connection.vendor == "postgresql":
        # The row to insert is selected from the lock's CTE: the lock is held before the insert happens.
        sql = (
            "WITH turn AS MATERIALIZED (SELECT pg_advisory_xact_lock(%s)) "
            f"INSERT INTO {table} (digest, expires_at) SELECT %s, %s FROM turn ON CONFLICT (digest) DO NOTHING"
        )
        params: list = [lock, digest, until]
    else:
        sql = f"INSERT INTO {table} (digest, expires_at) VALUES (%s, %s) ON CONFLICT (digest) DO NOTHING"
        params = [digest, until]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        spent = cursor.rowcount == 1
    if not spent:
        raise InvalidInput(_("This form was sent already: reload the page to send another problem."), "challenge")
    if secrets.randbelow(PURGE_ONE_IN) == 0:
        purge(now)


def purge(now: datetime, batch: int = PURGE_BATCH) -> int:
    """Delete up to `batch` expired spends (an expired challenge is refused by its time anyway). On
    PostgreSQL rows another worker is deleting are skipped, not waited for."""
    table = connection.ops.quote_name(UsedChallenge._meta.db_table)
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE digest IN (SELECT digest FROM {table} WHERE expires_at < %s LIMIT %s{lock})",
            [connection.ops.adapt_datetimefield_value(now), batch],
        )
        return cursor.rowcount


def solve(challenge: str, bits: int | None = None) -> str:
    """A nonce for the challenge (tests, the bench and scripted clients; the browser has its own)."""
    bits = difficulty() if bits is None else bits
    base = hashlib.sha256(challenge.encode())
    full, rest = divmod(bits, 8)
    zeros, below = bytes(full), 256 >> rest  # the first `full` bytes zero, the next one below `below`
    n = 0
    while True:
        h = base.copy()
        h.update(b"%d" % n)
        d = h.digest()
        if d[:full] == zeros and (not rest or d[full] < below):
            return str(n)
        n += 1
