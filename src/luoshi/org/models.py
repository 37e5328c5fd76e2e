"""Units (a tree), the people in them, their roles, and leaders' portfolios."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
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

    class Meta:
        ordering = ["id"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    OFFICE = "office", _("Supervision office")
    LEADER = "leader", _("Leader")
    UNIT_HEAD = "unit_head", _("Unit head")
    LIAISON = "liaison", _("Liaison")


class Person(AbstractUser):
    name = models.CharField(_("full name"), max_length=50, blank=True)
    title = models.CharField(_("post"), max_length=80, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="people", verbose_name=_("unit"))
    roles = models.JSONField(_("roles"), default=list, blank=True)
    supervised_units = models.ManyToManyField(
        Unit, blank=True, related_name="supervisors", verbose_name=_("supervised units")
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name or self.username

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def is_office(self) -> bool:
        """Office staff and administrators see and steer everything."""
        return self.has_role(Role.ADMIN, Role.OFFICE)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """Only the hash is stored: a leaked database does not leak usable tokens."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    @classmethod
    def issue(cls, person: Person) -> str:
        raw = "ls_" + secrets.token_urlsafe(32)
        cls.objects.create(person=person, key_hash=hash_token(raw), prefix=raw[:8])
        return raw
