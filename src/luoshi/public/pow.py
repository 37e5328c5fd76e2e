"""The public form's proof of work: a challenge signed with SECRET_KEY (django.core.signing) carries a
random id and its issue time; the client finds a nonce such that SHA-256(challenge + nonce) begins with
LUOSHI_PUBLIC_POW_DIFFICULTY zero bits. A challenge expires after LUOSHI_PUBLIC_CHALLENGE_SECONDS and is
accepted once: its digest is the unique key of the submission's row in the intake queue (intake_queue.put).
No outside service is asked: a bot pays in CPU for every problem it sends.
"""

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

from luoshi.errors import InvalidInput

SALT = "luoshi.public.pow"
CHALLENGE_MAX = 120  # a real one is about 55 characters
NONCE = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
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
    "challenge" or "nonce". Spending it is intake_queue.put's (the row's unique challenge digest)."""
    issued = issued_at(challenge)
    expires = issued + timedelta(seconds=lifetime())
    if now >= expires or issued > now + timedelta(seconds=CLOCK_SKEW_SECONDS):
        raise InvalidInput(_("The form's security check has expired: send it again."), "challenge")
    if not isinstance(nonce, str) or not NONCE.match(nonce) or not has_work(challenge, nonce, difficulty()):
        raise InvalidInput(_("The form's security check was not completed: send it again."), "nonce")
    return expires


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
