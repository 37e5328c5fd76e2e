"""Two factors for the privileged roles (等保 三级): an authenticator app (TOTP) and one-time recovery codes,
on django-otp's devices.

Whose sign-in needs a second factor is settings.LUOSHI_TWO_FACTOR_ROLES (empty: nobody's). A person enrols
once (a pending, unconfirmed TOTP device until a code from the app confirms it), receives 10 recovery codes
(a django-otp static device, each code used up by its use), and after each password sign-in gives a code.
Wrong codes are throttled by django-otp (1, 2, 4, 8 … seconds after successive failures), per device.
The API is not asked for codes: it authenticates with tokens (luoshi.api.BearerToken).
"""

import math
import secrets
import unicodedata
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.services import record
from luoshi.org import access
from luoshi.org.models import Person
from luoshi.text import check_text

RECOVERY_CODES = 10
# Lower-case letters and digits that cannot be mistaken for each other (no 0/o, 1/l/i) when typed from paper.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_CODE_LENGTH = 10  # about 49 bits each; django-otp's StaticToken holds up to 16 characters
_INPUT_MAX = 32
APP_NAME = "Authenticator app"
CODES_NAME = "Recovery codes"


class Throttled(InvalidInput):
    """Too many wrong codes in a row: the next attempt is allowed after `wait` seconds (django-otp's delay)."""

    def __init__(self, wait: int) -> None:
        message = ngettext(
            "Too many wrong codes. Wait %(seconds)d second, then try again.",
            "Too many wrong codes. Wait %(seconds)d seconds, then try again.",
            wait,
        )
        super().__init__(message % {"seconds": wait}, "code")
        self.wait = wait


def required_roles() -> list[str]:
    return list(getattr(settings, "LUOSHI_TWO_FACTOR_ROLES", []))


def needs_two_factor(person: Person) -> bool:
    """Whether this person's sign-in needs a second factor: a role in LUOSHI_TWO_FACTOR_ROLES."""
    roles = required_roles()
    return bool(roles) and person.is_authenticated and person.is_active and person.has_role(*roles)


def session_verified(user: object) -> bool:
    """Whether this request's session gave a second factor (OTPMiddleware's user.is_verified(); a person
    set by the API's token has none)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def app_device(person: Person) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if enrolled."""
    return TOTPDevice.objects.filter(user=person, confirmed=True).order_by("pk").first()


def codes_device(person: Person) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=person, confirmed=True).order_by("pk").first()


def is_enrolled(person: Person) -> bool:
    return TOTPDevice.objects.filter(user=person, confirmed=True).exists()


def codes_left(person: Person) -> int:
    return StaticToken.objects.filter(device__user=person, device__confirmed=True).count()


@dataclass(frozen=True)
class Status:
    required: bool
    enrolled: bool
    codes_left: int
    last_used_at: datetime | None


def status_of(person: Person) -> Status:
    device = app_device(person)
    return Status(
        required=needs_two_factor(person),
        enrolled=device is not None,
        codes_left=codes_left(person) if device is not None else 0,
        last_used_at=device.last_used_at if device is not None else None,
    )


# --- Enrolment -------------------------------------------------------------------------------------------


def pending_device(person: Person) -> TOTPDevice:
    """The unconfirmed device whose key the enrolment page shows: the same one on every visit until it is
    confirmed (a reload does not change the key the person may have scanned already)."""
    with transaction.atomic():
        # The person's row serialises two first visits at once, so that they show the same key.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        device = TOTPDevice.objects.filter(user=person, confirmed=False).order_by("-pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=person, name=APP_NAME, confirmed=False)
        return device


def key_text(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed: base32, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// address as an inline SVG QR code (markup, not a data: URL: the CSP allows it)."""
    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_inline(scale=5, border=4, dark="#000", light="#fff", title=_("QR code for your authenticator app"))
    return mark_safe(svg)  # segno's own markup: paths only, and the title it escapes


def do_enrol(person: Person, code: str) -> list[str]:
    """Confirm the pending device with a code from the app; return the new recovery codes (shown once).

    A second submission of the same form finds the person enrolled already: Conflict, and no second device.
    """
    _require_active(person)
    code = _clean(code)
    outcome: str
    fresh: list[str] = []
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if TOTPDevice.objects.filter(user=person, confirmed=True).exists():
            raise Conflict(_("Two factors are on already."), "code")
        device = TOTPDevice.objects.select_for_update().filter(user=person, confirmed=False).order_by("-pk").first()
        if device is None:
            raise InvalidInput(_("Open the enrolment page again: it shows a new key."), "code")
        wait = _wait(device)
        if wait:
            outcome = "throttled"
        elif device.verify_token(code):  # a wrong code counts towards django-otp's throttle (saved here)
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=person, confirmed=False).delete()
            fresh = _new_codes(person)
            _event(person, "two_factor.enrolled", after={"device": device.pk, "recovery_codes": len(fresh)})
            outcome = "ok"
        else:
            outcome = "wrong"
    if outcome != "ok":
        # Outside the transaction: raising inside would roll back the throttle's count of this failure.
        _refuse(person, device, "enrol", outcome, wait, code)
    return fresh


# --- Verification ----------------------------------------------------------------------------------------


def do_verify(person: Person, code: str) -> Device:
    """The device that accepts `code`: 6 digits from the app, or a recovery code (used up). The caller
    marks the session verified (django_otp.login)."""
    device = _check(person, code, "sign-in")
    if isinstance(device, TOTPDevice):
        _event(person, "two_factor.verified", after={"method": "app"})
    return device


def do_renew_codes(person: Person, code: str) -> list[str]:
    """New recovery codes for old (all of those unused stop working), after a current code."""
    _require_enrolled(person)
    _check(person, code, "renew")
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        fresh = _new_codes(person)
        _event(person, "two_factor.codes_renewed", after={"recovery_codes": len(fresh)})
    return fresh


def do_remove(person: Person, code: str) -> None:
    """The person removes his own two factors (to enrol another phone), after a current code."""
    _require_enrolled(person)
    _check(person, code, "remove")
    with transaction.atomic():
        removed = _delete_devices(person)
        _event(person, "two_factor.removed", before=removed)


def do_reset_two_factor(actor: Person, person: Person) -> bool:
    """The security administrator removes a person's two factors (a lost phone): the person enrols again at
    the next page he opens. Whether there was anything to remove; resetting twice records one reset."""
    check_may_reset(actor)
    if actor.pk == person.pk:
        raise NotAllowed(_("Remove your own two factors on your account page: it asks for a code."))
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        removed = _delete_devices(person)
        if not any(removed.values()):
            return False
        _event(person, "two_factor.reset", actor=actor, before=removed, after={"person": person.pk})
    return True


def check_may_reset(actor: Person) -> None:
    if not access.can_manage_security(actor):
        raise NotAllowed(_("Only the security administrator resets a person's two factors."))


# --- Inside ----------------------------------------------------------------------------------------------


def normalize_code(raw: str) -> str:
    """What a typed code means: full-width digits become plain ones (NFKC), no spaces or dashes, lower case."""
    text = unicodedata.normalize("NFKC", raw)
    return "".join(ch for ch in text if ch not in " -\u3000").lower()


def _clean(raw: str) -> str:
    raw = check_text(raw or "", "code", multiline=False)
    code = normalize_code(raw)
    if not code:
        raise InvalidInput(_("Type the code."), "code")
    if len(code) > _INPUT_MAX or not code.isascii() or not code.isalnum():
        raise InvalidInput(_("A code is 6 digits from the app, or a recovery code of letters and digits."), "code")
    return code


def _is_app_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


def _check(person: Person, raw: str, purpose: str) -> Device:
    """The device accepting the code (TOTP for 6 digits, else the recovery codes), or InvalidInput
    (a Throttled one while django-otp makes the person wait); every refusal is an event."""
    _require_active(person)
    code = _clean(raw)
    model: type[Device] = TOTPDevice if _is_app_code(code) else StaticDevice
    wait = 0
    accepted = False
    with transaction.atomic():
        # The device's row, locked: two submissions of one code at once verify once (django-otp's rule too).
        device = model.objects.select_for_update().filter(user=person, confirmed=True).order_by("pk").first()
        if device is not None:
            wait = _wait(device)
            if not wait:
                accepted = device.verify_token(code)
    if device is None or not accepted:
        _refuse(person, device, purpose, "throttled" if wait else "wrong", wait, code)
    assert device is not None
    if isinstance(device, StaticDevice):
        _event(person, "two_factor.recovery_used", after={"for": purpose, "left": device.token_set.count()})
    return device


def _event(person: Person, kind: str, *, actor: Person | None = None, **details: Any) -> None:
    """An event about the person's two factors (the actor is the person himself, or the security admin)."""
    record(actor or person, kind, "person", person.pk, unit_id=person.unit_id, **details)


def _wait(device: Device) -> int:
    """Seconds until django-otp lets this device verify again (0: now)."""
    allowed, info = device.verify_is_allowed()
    if allowed:
        return 0
    until = (info or {}).get("locked_until")
    if until is None:
        return 1
    return max(1, math.ceil((until - timezone.now()).total_seconds()))


def _refuse(person: Person, device: Device | None, purpose: str, outcome: str, wait: int, code: str = "") -> None:
    after = {"for": purpose, "device": type(device).__name__ if device else None}
    if outcome == "throttled":
        _event(person, "two_factor.failed", result="refused", after={**after, "wait": wait}, note="throttled")
        raise Throttled(wait)
    failures = getattr(device, "throttling_failure_count", 0) if device else 0
    _event(person, "two_factor.failed", result="failed", after={**after, "failures": failures})
    if isinstance(device, TOTPDevice) and _used_already(device, code):
        raise InvalidInput(
            _("That code has been used already. Wait for the app's next code (at most 30 seconds)."), "code"
        )
    raise InvalidInput(_("That code is not right. Codes from the app change every 30 seconds."), "code")


def _used_already(device: TOTPDevice, code: str) -> bool:
    """Whether `code` is the app's right code of a time step that has verified already (django-otp refuses
    a code twice): the person needs the next one, not a warning that the phone's clock is wrong."""
    if not _is_app_code(code):
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return bool(totp.verify(int(code), device.tolerance)) and totp.t() <= device.last_t


def _new_codes(person: Person) -> list[str]:
    """Replace the person's recovery codes with RECOVERY_CODES new ones; call inside a transaction."""
    device = codes_device(person)
    if device is None:
        device = StaticDevice.objects.create(user=person, name=CODES_NAME, confirmed=True)
    device.token_set.all().delete()
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(_CODE_LENGTH)) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    device.throttle_reset(commit=True)
    return codes


def show_code(code: str) -> str:
    """A recovery code as printed: two groups of five (typing the dash or not is the same)."""
    return f"{code[:5]}-{code[5:]}"


def _delete_devices(person: Person) -> dict[str, int]:
    apps = TOTPDevice.objects.filter(user=person, confirmed=True).count()
    codes = codes_left(person)
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()  # their tokens go with them (CASCADE)
    return {"app": apps, "recovery_codes": codes}


def _require_active(person: Person) -> None:
    if not person.is_authenticated or not person.is_active:
        raise NotAllowed(_("Sign in first."))


def _require_enrolled(person: Person) -> None:
    if not is_enrolled(person):
        raise Conflict(_("Two factors are not on."), "code")
