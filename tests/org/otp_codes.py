"""Codes an authenticator app would show, computed in the tests from the device's key (RFC 6238)."""

import time
from base64 import b32decode

from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice


def app_code(device: TOTPDevice) -> str:
    """The code of the earliest time step the device still accepts: now's, or the next one when now's has
    been used already (django-otp accepts one step either side, and each step once)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    step = max(totp.t(), device.last_t + 1)
    assert step <= totp.t() + device.tolerance, "used the codes of this minute: travel in time first"
    return f"{hotp(device.bin_key, step, device.digits):0{device.digits}d}"


def code_from_key(key_text: str, digits: int = 6, step: int = 30, ahead: int = 0) -> str:
    """What the app shows for a key typed as the enrolment page shows it (base32 in groups)."""
    key = key_text.replace(" ", "").upper()
    key += "=" * (-len(key) % 8)
    t = int(time.time() // step) + ahead
    return f"{hotp(b32decode(key), t, digits):0{digits}d}"
