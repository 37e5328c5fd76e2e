"""Units (a tree), the people in them, their roles, and leaders' portfolios."""

import hashlib
import re
import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("City department")
    DISTRICT = "district", _("District / county")
    TOWN = "town", _("Town / street")
    OFFICE = "office", _("General office")


class Unit(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    # Short names (简称) as documents write them: 市工信委 for 市工业和信息化委员会, 城关区 for 城关区人民政府.
    aliases = models.JSONField(_("short names"), default=list, blank=True)
    # The API's Idempotency-Key of the request that made it: the same request again answers this unit.
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    # The three privileged roles (三员) are held by three different people.
    ADMIN = "admin", _("System administrator")
    SECURITY = "security", _("Security administrator")
    AUDITOR = "auditor", _("Auditor")
    OFFICE = "office", _("Supervision office")
    LEADER = "leader", _("Leader")
    UNIT_HEAD = "unit_head", _("Unit head")
    LIAISON = "liaison", _("Liaison")
    # The restricted records: accountability (discipline inspection) and cadre selection (organisation).
    DISCIPLINE = "discipline", _("Discipline inspection")
    ORGANISATION = "organisation", _("Organisation department")


# Letters (Chinese too) and digits, with . _ - @ between them: no spaces, markup or look-alike tricks.
USERNAME_RE = re.compile(r"[\w.@-]+", re.UNICODE)
USERNAME_MAX = 150


def normalize_username(raw: str) -> str:
    """What a typed username means: NFKC (full-width letters become plain ones), no surrounding spaces."""
    return unicodedata.normalize("NFKC", raw).strip()


def validate_username(value: str) -> None:
    if not value:
        raise ValidationError(_("A username is required."), code="required")
    if len(value) > USERNAME_MAX:
        raise ValidationError(_("A username has at most 150 characters."), code="max_length")
    if not USERNAME_RE.fullmatch(value):
        raise ValidationError(
            _("A username may contain only letters, digits and the characters . _ - @ (no spaces)."),
            code="invalid",
        )


if TYPE_CHECKING:
    _PersonManagerBase = UserManager["Person"]
else:
    _PersonManagerBase = UserManager


class PersonManager(_PersonManagerBase):
    def get_by_natural_key(self, username: str | None) -> "Person":
        """Signing in ignores case and full-width letters, as usernames are unique that way."""
        return self.get(username__iexact=normalize_username(username or ""))


class Person(AbstractUser):
    username = models.CharField(
        _("username"),
        max_length=USERNAME_MAX,
        unique=True,
        validators=[validate_username],
        help_text=_("Letters, digits and . _ - @; case does not matter."),
        error_messages={"unique": _("This username is taken.")},
    )
    name = models.CharField(_("full name"), max_length=50, blank=True)
    title = models.CharField(_("post"), max_length=80, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="people", verbose_name=_("unit"))
    roles = models.JSONField(_("roles"), default=list, blank=True)
    supervised_units = models.ManyToManyField(
        Unit, blank=True, related_name="supervisors", verbose_name=_("supervised units")
    )
    # Identity (等保): when the password was last set, whether the next sign-in must change it (after an
    # administrator's reset), and a number that, raised, ends every session of the person at once.
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=False)
    session_epoch = models.PositiveIntegerField(default=0)
    # The API's Idempotency-Key of the request that made the person: the same request again answers this one.
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    objects: ClassVar[PersonManager] = PersonManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="person_username_ci_unique",
                violation_error_message=_("This username is taken."),
            )
        ]

    def __str__(self) -> str:
        return self.name or self.username

    @classmethod
    def normalize_username(cls, username: str) -> str:
        """Used by Django's forms, createsuperuser and clean(): NFKC and stripped."""
        return normalize_username(username) if isinstance(username, str) else username

    def set_password(self, raw_password: str | None) -> None:
        """Also when: the optional expiry (LUOSHI_PASSWORD_MAX_DAYS) counts from it."""
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's hash of the password, which every request's session must match, with the session epoch
        mixed in: raising the epoch ends every session of the person (luoshi.org.sessions). Epoch 0 keeps
        Django's own hash, so sessions begun before the epoch existed stay valid. (The private method,
        because Django calls it for SECRET_KEY_FALLBACKS too.)"""
        base: str = super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]  # not in django-stubs
        if not self.session_epoch:
            return base
        return salted_hmac(
            "luoshi.org.Person.session_epoch", f"{base}:{self.session_epoch}", secret=secret, algorithm="sha256"
        ).hexdigest()

    def has_role(self, *roles: str) -> bool:
        """The stored roles alone: a Django superuser flag grants nothing in Luoshi (separated duties)."""
        return any(role in self.roles for role in roles)

    @property
    def is_office(self) -> bool:
        """The supervision office sees and steers all the business; the administrators do not (三员分立)."""
        return self.has_role(Role.OFFICE)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """Only the hash is stored: a leaked database does not leak usable tokens."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    name = models.CharField(_("name"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = models.CharField(max_length=30, blank=True)

    @classmethod
    def issue(cls, person: Person) -> str:
        """A token of the default lifetime, unaudited (tests, fixtures); luoshi.org.tokens.issue is the service."""
        from luoshi.org.tokens import create

        return create(person)[1]

    def state(self, now: datetime | None = None) -> str:
        """One of "revoked", "expired" or "active"."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is None or self.expires_at <= (now or timezone.now()):
            return "expired"
        return "active"
