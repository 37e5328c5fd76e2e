"""Passwords (等保): the rules (settings.AUTH_PASSWORD_VALIDATORS: 10 characters or more, three of the four
kinds, not like the username, not a common password), the optional expiry (LUOSHI_PASSWORD_MAX_DAYS), and
the two writes: a person changes his own password; the system administrator resets one to a temporary
password that must be changed at the next sign-in. Both revoke the person's API tokens."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events.services import record
from luoshi.org import access, sessions, tokens
from luoshi.org.models import Person

PASSWORD_MAX = 128


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its words in our catalogue: Django 5.2's own Chinese catalogue lags its msgid, so the
    rule would show in English."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short: it must have at least %(min_length)d character.",
            "This password is too short: it must have at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class CharacterClassesValidator:
    """At least `required` of the four kinds of character: lower-case letters, upper-case letters, digits,
    others (punctuation, spaces, Chinese characters …)."""

    def __init__(self, required: int = 3) -> None:
        self.required = required

    @staticmethod
    def classes(password: str) -> int:
        kinds = set()
        for ch in password:
            kinds.add("lower" if ch.islower() else "upper" if ch.isupper() else "digit" if ch.isdigit() else "other")
        return len(kinds)

    def validate(self, password: str, user: object = None) -> None:
        if self.classes(password) < self.required:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "Your password must mix at least %(required)d of these: lower-case letters, upper-case letters, "
            "digits, other characters."
        ) % {"required": self.required}


def max_days() -> int:
    return int(getattr(settings, "LUOSHI_PASSWORD_MAX_DAYS", 0))


def expires_at(person: Person) -> datetime | None:
    """When the password expires (None: never). A password set before the time was kept counts from the
    person's creation."""
    if max_days() <= 0:
        return None
    return (person.password_changed_at or person.date_joined) + timedelta(days=max_days())


def is_expired(person: Person, now: datetime | None = None) -> bool:
    until = expires_at(person)
    return until is not None and until <= (now or timezone.now())


def must_change(person: Person) -> bool:
    """The next page is the change of password: after an administrator's reset, or once it expired."""
    return bool(person.must_change_password) or is_expired(person)


def check_new(new: str, person: Person, field: str = "new") -> None:
    if not isinstance(new, str) or not new:
        raise InvalidInput(_("A new password is required."), field)
    if len(new) > PASSWORD_MAX:
        raise InvalidInput(_("A password has at most 128 characters."), field)
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in new):
        raise InvalidInput(_("A password may not contain control characters."), field)
    try:
        validate_password(new, person)
    except ValidationError as e:
        raise InvalidInput(" ".join(e.messages), field) from e


def do_change_password(actor: Person, *, old: str, new: str) -> None:
    """The person changes his own password (the view keeps its session with update_session_auth_hash;
    his other sessions end, as the password is in their hash). A wrong current password is an event too."""
    if not actor.is_active:
        raise NotAllowed(_("A disabled person changes nothing."))
    if not isinstance(old, str) or len(old) > PASSWORD_MAX or not actor.check_password(old):
        record(actor, "password.changed", "person", actor.pk, unit_id=actor.unit_id, result="failed")
        raise InvalidInput(_("The current password is wrong."), "old")
    if new == old:
        raise InvalidInput(_("The new password must differ from the current one."), "new")
    check_new(new, actor)
    with transaction.atomic():
        actor.set_password(new)  # sets password_changed_at
        actor.must_change_password = False
        actor.save(update_fields=["password", "password_changed_at", "must_change_password"])
        revoked = tokens.revoke_all(actor, actor=actor, reason="password")
        record(actor, "password.changed", "person", actor.pk, unit_id=actor.unit_id, after={"tokens_revoked": revoked})


# No 0/O, 1/l/I: read out over the phone or from a note.
_LOWER, _UPPER, _DIGITS = "abcdefghijkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789"


def temporary_password(person: Person) -> str:
    """Three groups of four, e.g. "Kx7m-Pq2r-Zt9w": about 60 bits, and every rule met."""
    alphabet = _LOWER + _UPPER + _DIGITS
    while True:
        groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3)]
        candidate = "-".join(groups)
        try:
            validate_password(candidate, person)
        except ValidationError:
            continue
        if CharacterClassesValidator(4).classes(candidate) == 4:
            return candidate


def do_reset_password(actor: Person, person: Person) -> str:
    """The system administrator gives a person a temporary password (shown once, never recorded), to be
    changed at the next sign-in; every session of the person ends and his API tokens are revoked."""
    if not access.can_manage_org(actor):
        raise NotAllowed(_("Only the system administrator resets passwords."))
    if actor.pk == person.pk:
        raise NotAllowed(_("Change your own password on your account page."))
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        temporary = temporary_password(person)
        person.set_password(temporary)
        person.must_change_password = True
        person.save(update_fields=["password", "password_changed_at", "must_change_password"])
        sessions.end_sessions(person)
        revoked = tokens.revoke_all(person, actor=actor, reason="password")
        record(
            actor,
            "password.reset",
            "person",
            person.pk,
            unit_id=person.unit_id,
            after={"must_change_password": True, "tokens_revoked": revoked},
        )
    return temporary
